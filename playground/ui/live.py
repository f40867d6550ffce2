"""The live part of the page: controls, status numbers and charts, redrawn while training.

While Play is on, a background thread trains (``trainer.py``) and ``render_live`` runs as
a fragment that takes a snapshot and refreshes only itself. The browser sets the pace: once
the board (``live_board``) has drawn a refresh it asks for the next run (at most every
PACE_MS, and again if an answer never came), so refreshes never pile up in a busy browser
and no timer is needed. The buttons are inside the fragment too: a Pause
click reruns only it (preempting a refresh in progress), stops the trainer in its callback
and sends the final picture at once, without redrawing the whole page.
"""
from __future__ import annotations

import math
import time

import streamlit as st

from playground.snapshot import Snapshot
from playground.ui.controls import DETAIL_KEY, render_controls, render_notes
from playground.viz import views
from playground.ui.live_board import live_board
from playground.ui.state import PageState

PACE_MS = 170              # while playing, the board asks for the next refresh once drawn,
                           # at most this often (the browser sets the pace)
# While playing, the output picture and the numbers refresh at the browser's pace; the
# other charts at most this often (each redraw costs the browser's one busy thread 30-70 ms
# here, and a picture every half second is enough to follow a slowly changing curve).
LOSS_EVERY_S = 0.8
NETWORK_EVERY_S = 0.3
DETAIL_EVERY_S = 1.0
TOP_ROW_PX = 390           # output picture and network diagram
MAX_NETWORK_PX = 640       # a tall network diagram (many neurons) may grow to this
BOTTOM_ROW_PX = 290        # loss curves and the chart picked on the right


def _last(history: dict[str, list[float]], key: str) -> float | None:
    values = history.get(key) or []
    return values[-1] if values else None


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if percent:
        return f"{value:.1%}"
    return f"{value:.3e}" if abs(value) >= 1e4 else f"{value:.4f}"


def status_items(snap: Snapshot) -> list[dict]:
    """The numbers always shown above the charts: epoch, train/validation/test loss, and
    test accuracy (classification) or test R² (regression)."""
    h = snap.history
    items = [
        {"label": "Epoch", "value": f"{snap.epoch:,}", "help": f"{snap.batches:,} batches in all"},
        {"label": "Batch", "value": f"{snap.batch_in_epoch} / {snap.batches_per_epoch}",
         "help": "Batches done of the epoch in progress / batches in one epoch"},
        {"label": "Train loss", "value": _fmt(_last(h, "loss"))},
        {"label": "Validation loss", "value": _fmt(_last(h, "val_loss"))},
        {"label": "Test loss", "value": _fmt(_last(h, "test_loss"))},
    ]
    if snap.task == "classification":
        items.append({"label": "Test accuracy", "value": _fmt(
            _last(h, "test_accuracy") or _last(h, "val_accuracy"), percent=True)})
    else:
        test = snap.metrics.get("test") or snap.metrics.get("validation") or {}
        items.append({"label": "Test R²", "value": _fmt(test.get("r2"))})
    return items


def batch_text(snap: Snapshot) -> str | None:
    """After Step batch: which batch it was and its loss (else None)."""
    if snap.batch_loss is None:
        return None
    done = snap.batch_in_epoch or snap.batches_per_epoch    # 0: it closed the epoch
    epoch = snap.epoch + (snap.batch_in_epoch > 0)
    return (f"Stepped batch {done} of {snap.batches_per_epoch} in epoch {epoch}: "
            f"its loss was {_fmt(snap.batch_loss)} before this weight update.")


def fitted_line_text(line: tuple[float, float] | None) -> str | None:
    """(w, b) of a one-input linear model in the data's units -> "Fitted line: y = w · x + b"."""
    if line is None or not all(math.isfinite(v) for v in line):
        return None
    sign = "+" if line[1] >= 0 else "−"
    return f"Fitted line: y = {line[0]:.3f} · x {sign} {abs(line[1]):.3f}"


def render_messages(snap: Snapshot) -> None:
    """Why training stopped (divergence) or what the session has to say."""
    if snap.status == "diverged":
        st.error(snap.message or "Training diverged: try a smaller learning rate.")
    elif snap.message:
        st.info(snap.message)


def view_options(state: PageState) -> views.ViewOptions:
    return views.options_from_config(state.config, live=state.playing)


def detail_view(state: PageState, snap: Snapshot) -> views.View | None:
    """The lower-right view picked with the selector beside the buttons."""
    return views.choose(snap, "detail", st.session_state.get(DETAIL_KEY), state.config.hide)


def _drawn_or_warning(build, what: str):
    """``build()``, or None with a plain warning if it fails: one broken chart must not take
    the whole live view (and the controls' feedback) with it."""
    try:
        return build()
    except Exception as error:   # the live view's boundary: a message, not a traceback
        st.warning(f"The {what} could not be drawn: {error}")
        return None


def chart_rows(state: PageState, snap: Snapshot) -> list[dict]:
    """The board's charts: output picture and network diagram on top, loss and the chosen
    view below (see ``live_board`` for the layout). Hidden or broken charts are left out."""
    hidden = state.config.hide
    options = view_options(state)

    def chart(slot: str, every_s: float = 0.0, height: int | None = None,
              min_height: int = 0, view: views.View | None = None):
        view = view or views.choose(snap, slot, hidden=hidden)
        if view is None:
            return None
        key = views.SLOTS[slot]
        built = _drawn_or_warning(lambda: _throttled(
            state, snap, key, view.name, every_s, lambda: _sized(
                slot, views.draw(view, snap, options)), height), f"{view.label.lower()} chart")
        if built is None:
            return None
        return {"key": key, "figure": built[1], "height": max(built[0], min_height)}

    top = [chart("main", height=TOP_ROW_PX), chart("network", NETWORK_EVERY_S)]
    bottom = [chart("loss", LOSS_EVERY_S, height=BOTTOM_ROW_PX),
              chart("detail", DETAIL_EVERY_S, min_height=BOTTOM_ROW_PX,
                    view=detail_view(state, snap))]
    rows = []
    for widths, charts in (([1, 1.1], top), ([1.1, 1], bottom)):
        kept = [(w, c) for w, c in zip(widths, charts) if c is not None]
        if kept:
            rows.append({"widths": [w for w, _ in kept], "charts": [c for _, c in kept]})
    return rows


def _sized(slot: str, figure):
    """The network diagram's own height, kept between the top row's and MAX_NETWORK_PX."""
    if slot == "network":
        figure.layout.height = max(TOP_ROW_PX, min(figure.layout.height or TOP_ROW_PX,
                                                   MAX_NETWORK_PX))
    return figure


def _throttled(state: PageState, snap: Snapshot, key: str, tag: str, every_s: float,
               build, height: int | None = None) -> tuple[int, str] | None:
    """(height px, figure JSON) of one chart, or None if ``build`` has no picture to show.

    Built again only when the snapshot, the config or ``tag`` (e.g. the chosen view)
    changed; while playing, at most every ``every_s`` seconds (the browser's time is better
    spent on the output picture and the loss). ``height`` overrides the figure's own."""
    now = time.monotonic()
    cached = state.chart_cache.get(key)
    if cached is not None and cached[1] == (tag, state.config) and (
            cached[2] is snap or (state.playing and now - cached[0] < every_s)):
        return cached[3]
    figure = build()
    shown = None
    if figure is not None:
        figure.layout.height = int(height or figure.layout.height or BOTTOM_ROW_PX)
        shown = (int(figure.layout.height), figure.to_json())
    state.chart_cache[key] = (now, (tag, state.config), snap, shown)
    return shown


def _board_body(state: PageState) -> None:
    """Status numbers and charts: rerun by itself, at the board's request, while playing."""
    trainer = state.trainer
    trainer.heartbeat()
    if state.board_sent and not state.sidebar_shown:
        st.rerun(scope="app")    # the first chart is shown: now draw the settings (page.py)
    if state.controls_playing and not state.playing:
        st.rerun(scope="app")    # training stopped by itself (diverged): redraw the buttons
    if state.playing and not trainer.running:
        trainer.start(state)
    with trainer.lock:
        snap = state.session.snapshot()
        line = state.session.linear_fit()
    render_messages(snap)
    note = " ".join(t for t in (fitted_line_text(line), batch_text(snap)) if t) or None
    live_board(status_items(snap), chart_rows(state, snap), line=note,
               epoch=snap.epoch, loss=_last(snap.history, "loss"),
               pace_ms=PACE_MS if state.playing else 0, ask_when_shown=not state.sidebar_shown)
    state.board_sent = True


def _live_body(state: PageState) -> None:
    """The buttons and the board: a click reruns this (board included), not the page.
    The board is sent first (the buttons fill their place above it afterwards), so after
    Pause the final numbers reach the browser as early as possible."""
    state.controls_playing = state.playing     # the buttons below are drawn in this run
    controls, notes = st.container(), st.container()
    st.fragment(_board_body)(state)
    with controls:
        render_controls(state)
    with notes:
        render_notes(state)


def render_live(state: PageState) -> None:
    """Controls, notes, status and charts: a fragment rerun by its buttons, holding the
    board's own fragment, rerun by the board each time it has drawn a refresh."""
    st.fragment(_live_body)(state)
