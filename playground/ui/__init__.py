"""Streamlit widgets and layout for the playground page; no maths here."""
