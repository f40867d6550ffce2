"""Neural Playground: `streamlit run app.py`. The page itself lives in playground.ui."""
import streamlit as st

st.set_page_config(page_title="Neural Playground", page_icon="🧠", layout="wide",
                   initial_sidebar_state="expanded")

from playground.ui.page import main  # noqa: E402  (set_page_config must come first)

main()
