"""Neural Playground: a NumPy neural-network engine, datasets, and a Streamlit app."""
__version__ = "0.1.0"
