"""Neural Playground: `streamlit run app.py`. The page itself lives in playground.ui."""
import sys

import streamlit as st

# Training runs in a background thread while Play is on. Python hands the GIL over every
# switch interval (5 ms by default); the server's event loop needs many handovers to read
# one click, so a shorter interval keeps Pause responsive while training.
sys.setswitchinterval(0.001)

st.set_page_config(page_title="Neural Playground", page_icon="🧠", layout="wide",
                   initial_sidebar_state="expanded")

# The browser starts loading plotly.js now, while the server imports the rest of the app.
from playground.ui.live_board import preload_plotly  # noqa: E402  (after set_page_config)

preload_plotly()

from playground.ui.page import main  # noqa: E402

main()
