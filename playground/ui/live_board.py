"""The live board: the status numbers and the Plotly charts, updated in place.

``st.plotly_chart`` rebuilds a chart in the browser whenever its data changes, so a chart
refreshed several times a second flickers; and each Streamlit element costs the browser a
React render on every refresh. This one ``st.components.v2`` component holds the whole live
view: the status line (epoch, losses, accuracy) as plain text, and one plot element per
chart key that every new figure updates with ``Plotly.react`` (redraws only that chart, keeps
zoom and hover; each figure sets ``uirevision``). A chart whose figure did not change is not
redrawn. Charts are drawn one per animation frame, so a click (Pause) is handled between two
of them; while playing, the board asks for the next refresh once the first chart of the
last one is drawn (at most every ``pace_ms``), so refreshes never pile up in a busy
browser.

plotly.js is not fetched from a CDN (the app must work offline): our small build of it
(``assets/plotly``) is served by a route of the app; the script tag is added once.
"""
from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from playground.ui.live_stream import plotly_url

# The board's JavaScript and CSS, in real files beside this one. loader.js (the page's
# namespace object and the plotly.js loader) is shared with the preload element;
# canvases.js draws the curves and the boundary's picture on canvases while playing.
BOARD_DIR = Path(__file__).resolve().parent / "board"
_LOADER_JS = (BOARD_DIR / "loader.js").read_text(encoding="utf-8")
_JS = _LOADER_JS + "".join((BOARD_DIR / name).read_text(encoding="utf-8")
                           for name in ("canvases.js", "board.js"))
_CSS = (BOARD_DIR / "board.css").read_text(encoding="utf-8")

# isolate_styles=False: plotly.js puts its style sheet (mode bar, hover labels) in the
# document head, which a shadow root would keep away from the charts.
_live_board = st.components.v2.component("neural_playground_live_board", js=_JS, css=_CSS,
                                         isolate_styles=False)


# Our plotly.js build with only the trace types our figures use (assets/plotly/README.md):
# a quarter of the full plotly.min.js, so the first chart appears about 1.5 s sooner. It is
# served by a route of the app (live_stream.stream_routes), worked out once at import.
_PLOTLY_URL = plotly_url()


def plotly_asset_url() -> str:
    """The page-relative URL of the plotly.js bundle."""
    return _PLOTLY_URL


# Starts loading plotly.js from a plain HTML element: it runs as soon as the page's first
# message arrives, before the board is mounted; the board then shares the promise.
_PRELOAD_HTML = "<script>" + _LOADER_JS + "loadPlotly(%s);</script>"


def preload_plotly() -> None:
    """Start loading plotly.js at once (call first thing on the page)."""
    st.html(_PRELOAD_HTML % json.dumps(plotly_asset_url()), unsafe_allow_javascript=True)


def _next_refresh() -> None:
    """The board was drawn: its trigger reruns the enclosing fragment."""


def _sync() -> None:
    """The stream changed what the buttons should show: its trigger reruns the fragment."""


def live_board(status: list[dict], rows: list[dict], line: str | None = None,
               epoch: int = 0, loss: float | None = None, pace_ms: int = 0,
               ask_when_shown: bool = False, playing: bool = False, version: int = 0,
               diverged: bool = False, stream: dict | None = None,
               key: str = "live_board") -> None:
    """Show the status line and the charts; later calls with the same key update in place.

    status: [{"label": "Epoch", "value": "12", "help": "..." or None}, ...] in display order.
    rows: [{"widths": [1, 1.1], "charts": [{"key": str, "figure": figure JSON, "height": px,
          "base": structure (live_frames), "n": epochs drawn (curves)}, ...]}, ...] top to
          bottom; a chart's key keeps its plot element across calls.
    line: an extra line under the numbers (e.g. the fitted line y = w x + b), or None.
    epoch, loss: written to ``window.neuralPlayground.stats`` in the browser (what the
        page shows), for the live benchmark and the browser tests.
    pace_ms: if > 0, once a refresh is drawn the board asks for the next run of the
        fragment it is in, at most every ``pace_ms`` milliseconds.
    ask_when_shown: ask for one run of that fragment once the first chart is drawn (or
        after SHOWN_FALLBACK_MS if it cannot be), e.g. to draw the rest of the page then.
    playing, version (batches trained), diverged: the state these figures show.
    stream: {"path", "token"} of the tab's live stream (``live_stream``), or None.
    """
    for row in rows:
        for chart in row["charts"]:
            if not isinstance(chart["figure"], str):
                raise TypeError("live_board wants each figure as its JSON text "
                                "(figure.to_json()).")
    payload = {
        "status": status, "line": line, "rows": rows, "src": plotly_asset_url(),
        "epoch": int(epoch), "loss": None if loss is None else float(loss),
        "pace": int(pace_ms), "ask_when_shown": bool(ask_when_shown),
        "playing": bool(playing), "version": int(version), "diverged": bool(diverged),
        "stream": stream}
    # Sent inside a list: Streamlit looks for DataFrames among a dict's values, which
    # imports pandas (about a second) before a tab's first chart can be sent.
    _live_board(key=key, on_drawn_change=_next_refresh, on_sync_change=_sync, data=[payload])


def board_data(element) -> dict:
    """The data a ``live_board`` element sent (for tests: AppTest shows it as an unknown
    element whose proto carries the JSON)."""
    return json.loads(element.proto.json)[0]
