"""Neural Playground: `streamlit run app.py`.

One file, two roles. `streamlit run app.py` finds ``app = st.App(...)`` below and serves it:
Streamlit's own routes plus the live stream (``playground/ui/live_stream.py``, a WebSocket
per tab carrying the board's pictures while training). Streamlit then runs this same file
as the page script, where ``__name__`` is ``"__main__"``: the page lives in playground.ui.
"""
import sys
from pathlib import Path

import streamlit as st

# Training runs in a background thread while Play is on. Python hands the GIL over every
# switch interval (5 ms by default); the server's event loop needs many handovers to read
# one click, so a shorter interval keeps Pause responsive while training.
sys.setswitchinterval(0.001)

if __name__ == "__main__":       # Streamlit runs the page (also AppTest.from_file)
    st.set_page_config(page_title="Neural Playground", page_icon="🧠", layout="wide",
                       initial_sidebar_state="expanded")

    # The browser starts loading plotly.js now, while the server imports the rest.
    from playground.ui.live_board import preload_plotly

    preload_plotly()

    from playground.ui.page import main

    main()
else:                            # `streamlit run app.py` (or uvicorn app:app) imports this
    import threading

    from playground.ui import first_picture
    from playground.ui.housekeeping import lifespan, limit_malloc_arenas
    from playground.ui.live_stream import stream_routes

    # before this module starts threads: glibc makes a heap per new thread until the limit
    limit_malloc_arenas()

    # the live stream's routes, "/" with the first picture in it; a task that gives closed
    # tabs' memory back (housekeeping)
    app = st.App(Path(__file__).resolve(), routes=[first_picture.index_route(),
                                                   *stream_routes()], lifespan=lifespan)

    # the first picture of "/" is made before the server answers (about half a second on
    # an idle machine), so even the first visit gets it at its first paint
    first_picture.warm()

    def _warm_up() -> None:
        from playground.ui.live import warm_up
        warm_up()

    # the page's imports and first charts, while the server starts (a first visit then
    # does not wait for them)
    threading.Thread(target=_warm_up, daemon=True, name="playground-warm-up").start()
