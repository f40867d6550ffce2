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

from playground import viz
from playground.snapshot import Snapshot
from playground.ui.controls import DETAIL_KEY, DETAIL_VIEWS, render_controls, render_notes
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


def _show_split(snap: Snapshot):
    for name in ("test", "validation", "train"):
        if name in snap.splits:
            return snap.splits[name]
    return None


def output_figure(state: PageState, snap: Snapshot):
    """The picture that fits the data: boundary, fitted curve, images, sequence or matrix."""
    cfg = state.config
    if snap.grid is not None and snap.task == "classification":
        return viz.decision_boundary_figure(snap.grid, snap.splits, snap.class_names,
                                            show_test=cfg.show_test, discretize=cfg.discretize,
                                            live=state.playing)
    if snap.grid is not None:
        return viz.decision_boundary_figure(snap.grid, snap.splits, None,
                                            show_test=cfg.show_test, live=state.playing)
    kind = state.session.prepared.kind
    split = _show_split(snap)
    if state.session.prepared.autoencoder and kind == "image" and split is not None:
        return viz.reconstruction_figure(split.X, split.y_pred)
    if kind == "image" and split is not None and snap.task == "classification":
        return viz.image_samples_figure(split.X, split.y_true, split.y_pred,
                                        snap.class_names or [], max_images=24)
    if kind == "sequence" and split is not None:
        return viz.sequence_figure(split)
    if snap.task == "regression":
        return viz.regression_figure(snap.curve, snap.splits)
    name = "test" if "test" in snap.confusion else next(iter(snap.confusion), None)
    if name is not None:
        return viz.confusion_matrix_figure(snap.confusion[name], snap.class_names or [],
                                           f"Confusion matrix ({name})")
    return None


def detail_figure(view: str, snap: Snapshot):
    """The lower-right chart picked with the selector next to the controls."""
    if view == "Weights":
        return viz.weights_histogram_figure(snap.layers)
    if view == "Gradients":
        return viz.gradient_norms_figure(snap.grad_norms)
    if view == "Confusion" and snap.confusion:
        name = "test" if "test" in snap.confusion else next(iter(snap.confusion))
        return viz.confusion_matrix_figure(snap.confusion[name], snap.class_names or [],
                                           f"Confusion matrix ({name})")
    return viz.metrics_table(snap.metrics)


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
    view = st.session_state.get(DETAIL_KEY) or DETAIL_VIEWS[0]

    def chart(key: str, what: str, build, every_s: float = 0.0, tag: str = "",
              height: int | None = None, min_height: int = 0):
        if key in hidden:
            return None
        built = _drawn_or_warning(
            lambda: _throttled(state, snap, key, tag, every_s, build, height), what)
        if built is None:
            return None
        return {"key": key, "figure": built[1], "height": max(built[0], min_height)}

    top = [chart("output_chart", "output picture", lambda: output_figure(state, snap),
                 height=TOP_ROW_PX),
           chart("network_chart", "network diagram", lambda: _network_figure(state, snap),
                 NETWORK_EVERY_S)]
    bottom = [chart("loss_chart", "loss chart", lambda: viz.loss_figure(
                  snap.history, log_y=state.config.log_scale), LOSS_EVERY_S,
                  height=BOTTOM_ROW_PX),
              chart("detail_chart", f"{view.lower()} chart", lambda: detail_figure(view, snap),
                    DETAIL_EVERY_S, tag=view, min_height=BOTTOM_ROW_PX)]
    rows = []
    for widths, charts in (([1, 1.1], top), ([1.1, 1], bottom)):
        kept = [(w, c) for w, c in zip(widths, charts) if c is not None]
        if kept:
            rows.append({"widths": [w for w, _ in kept], "charts": [c for _, c in kept]})
    return rows


def _network_figure(state: PageState, snap: Snapshot):
    feature_names = list(state.session.prepared.feature_names)
    figure = viz.network_figure(snap.layers, snap.grid, feature_names, live=state.playing)
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
    live_board(status_items(snap), chart_rows(state, snap), line=fitted_line_text(line),
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
