"""The live part of the page: the status line and the charts, redrawn while training.

While Play is on, a background thread trains (``trainer.py``) and ``render_live`` runs as
a fragment that takes a snapshot and refreshes only itself. The browser sets the pace: once
the first chart (the loss) is drawn it asks for the next run (at most every PACE_MS, at an
idle moment), so refreshes never pile up in a busy browser; a slow ``run_every=REFRESH_S``
timer is the safety net. The
controls live outside the fragment, so a Pause click starts a full rerun that stops both
(a widget inside a running fragment could not interrupt it). Charts go through
``live_chart``, which updates them in place with Plotly.react (no flicker).
"""
from __future__ import annotations

import math
import time

import streamlit as st

from playground import viz
from playground.snapshot import Snapshot
from playground.ui.live_chart import live_chart
from playground.ui.state import PageState

PACE_MS = 200              # while playing, the first chart asks for the next refresh once
                           # drawn, at most this often (the browser sets the pace)
REFRESH_S = 1.0            # safety net: a timed refresh in case a request was lost
DETAIL_EVERY_S = 0.6       # while playing, the lower-right chart refreshes at most this often
NETWORK_EVERY_S = 0.35     # and the network diagram this often
TOP_ROW_PX = 390           # output picture and network diagram
MAX_NETWORK_PX = 640       # a tall network diagram (many neurons) may grow to this
BOTTOM_ROW_PX = 290        # loss curves and the chart picked on the right
DETAIL_KEY = "w_detail_view"
DETAIL_VIEWS = ("Metrics", "Confusion", "Weights", "Gradients")


def _last(history: dict[str, list[float]], key: str) -> float | None:
    values = history.get(key) or []
    return values[-1] if values else None


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if percent:
        return f"{value:.1%}"
    return f"{value:.3e}" if abs(value) >= 1e4 else f"{value:.4f}"


def render_status(snap: Snapshot, line: tuple[float, float] | None = None) -> None:
    """Epoch counter and train/validation/test loss (and accuracy), always visible.

    line: (w, b) of a one-input linear model in the data's units, shown as y = w x + b.
    """
    h = snap.history
    cols = st.columns([1, 1, 1, 1, 1.2])
    cols[0].metric("Epoch", f"{snap.epoch:,}", help=f"{snap.batches:,} batches in all")
    cols[1].metric("Train loss", _fmt(_last(h, "loss")))
    cols[2].metric("Validation loss", _fmt(_last(h, "val_loss")))
    cols[3].metric("Test loss", _fmt(_last(h, "test_loss")))
    if snap.task == "classification":
        cols[4].metric("Test accuracy", _fmt(_last(h, "test_accuracy") or
                                             _last(h, "val_accuracy"), percent=True))
    else:
        test = snap.metrics.get("test") or snap.metrics.get("validation") or {}
        cols[4].metric("Test R²", _fmt(test.get("r2")))
    if line is not None and all(math.isfinite(v) for v in line):
        st.markdown(f"**Fitted line:** y = {line[0]:.3f} · x {'+' if line[1] >= 0 else '−'} "
                    f"{abs(line[1]):.3f}")
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
                                            show_test=cfg.show_test, discretize=cfg.discretize)
    if snap.grid is not None:
        return viz.decision_boundary_figure(snap.grid, snap.splits, None,
                                            show_test=cfg.show_test, discretize=False)
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


def render_charts(state: PageState, snap: Snapshot) -> None:
    """Output picture and network diagram on top, loss and the chosen view below.

    The first chart shown (the loss, unless hidden) also paces the loop while playing: it
    asks for the next refresh once drawn.
    """
    hidden = state.config.hide
    view = st.session_state.get(DETAIL_KEY) or DETAIL_VIEWS[0]
    output = network = loss = detail = None
    if "output_chart" not in hidden:
        output = _drawn_or_warning(lambda: output_figure(state, snap), "output picture")
    if "network_chart" not in hidden:
        network = _drawn_or_warning(lambda: _throttled(
            state, "network_chart", "", NETWORK_EVERY_S, lambda: _network_figure(state, snap)),
            "network diagram")
    if "loss_chart" not in hidden:
        loss = _drawn_or_warning(
            lambda: viz.loss_figure(snap.history, log_y=state.config.log_scale), "loss chart")
    if "metrics" not in hidden:
        detail = _drawn_or_warning(lambda: _throttled(
            state, "detail_chart", view, DETAIL_EVERY_S, lambda: detail_figure(view, snap)),
            f"{view.lower()} chart")
    built = {"loss_chart": loss, "output_chart": output, "network_chart": network,
             "detail_chart": detail}
    first = next((key for key, figure in built.items() if figure is not None), None)
    stamp = {"epoch": snap.epoch, "loss": _last(snap.history, "loss")}

    def extra(key: str) -> dict:
        if key != first:
            return {**stamp}
        return {**stamp, "track": True, "pace_ms": PACE_MS if state.playing else 0}

    rows = (  # (column widths, [(key, figure, height) for the left and right column])
        ([1, 1.1], [("output_chart", output, TOP_ROW_PX),
                    ("network_chart", network and network[1], network and network[0])]),
        ([1.1, 1], [("loss_chart", loss, BOTTOM_ROW_PX),
                    ("detail_chart", detail and detail[1],
                     detail and max(detail[0], BOTTOM_ROW_PX))]),
    )
    for widths, charts in rows:
        for column, (key, figure, height) in zip(st.columns(widths, gap="medium"), charts):
            if figure is not None:
                with column:
                    live_chart(figure, key=key, height=height, **extra(key))


def _network_figure(state: PageState, snap: Snapshot):
    feature_names = list(state.session.prepared.feature_names)
    figure = viz.network_figure(snap.layers, snap.grid, feature_names)
    figure.layout.height = max(TOP_ROW_PX, min(figure.layout.height or TOP_ROW_PX,
                                               MAX_NETWORK_PX))
    return figure


def _throttled(state: PageState, key: str, tag: str, every_s: float, build
               ) -> tuple[int, str]:
    """(height, figure JSON) for a secondary chart, rebuilt at most every ``every_s`` while
    playing (the browser's time is better spent on the output picture and the loss), and
    on every run otherwise, or when ``tag`` (e.g. the chosen view) changes."""
    now = time.monotonic()
    cached = state.chart_cache.get(key)
    if cached is None or not state.playing or cached[1] != tag or now - cached[0] >= every_s:
        figure = build()
        height = int(figure.layout.height or BOTTOM_ROW_PX)
        cached = (now, tag, height, figure.to_json())
        state.chart_cache[key] = cached
    return cached[2], cached[3]


def _live_body(state: PageState) -> None:
    trainer = state.trainer
    trainer.heartbeat()
    if state.playing and not trainer.running:
        trainer.start(state)
    if state.refreshing and not state.playing:
        st.rerun(scope="app")      # training stopped by itself (diverged): stop the timer
    with trainer.lock:
        snap = state.session.snapshot()
        line = state.session.linear_fit()
    render_status(snap, line)
    render_charts(state, snap)


def render_live(state: PageState) -> None:
    """Status and charts; while playing, a fragment refreshed at the browser's pace."""
    state.refreshing = state.playing
    run_every = REFRESH_S if state.playing else None
    st.fragment(run_every=run_every)(_live_body)(state)
