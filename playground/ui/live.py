"""The live part of the page: controls, status numbers and charts, redrawn while training.

While Play is on, a background thread trains (``trainer.py``) and, each time the board has
painted the last frame, builds the next one for the tab's live stream (``live_stream.py``,
``live_frames.py``): pictures swapped, curves extended, no Streamlit run. Streamlit runs
``render_live`` (one fragment: buttons, notes and the board) only when a widget changes,
and once after the stream carried Play, Pause or Step, so the buttons show the new state.
Each run hands the board whole figures (``chart_rows``) and the tab's stream token.

Without a stream (it could not connect), the board falls back to asking for a fragment run
once it has drawn the last one (at most every PACE_MS).
"""
from __future__ import annotations

import math
import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from playground.snapshot import Snapshot
from playground.ui import messages
from playground.ui.controls import render_controls, render_notes
from playground.ui.explain_panels import render_activation_panel, render_health_panel
from playground.ui.inspector_panel import render_inspector
from playground.ui.landscape_panel import render_landscape_panel
from playground.ui.live_board import live_board
from playground.ui.live_frames import (
    ChartSpec,
    FrameBuilder,
    build_spec,
    curves_base,
    figure_dict,
    frame_json,
    picture_base,
    picture_of,
)
from playground.ui.live_stream import LiveChannel
from playground.ui.state import PageState
from playground.ui.url_state import mirror_to_url
from playground.view_names import VIEW_AUTO
from playground.viz import views

CHANNEL_KEY = "np_live_channel"     # session state: this tab's LiveChannel

PACE_MS = 170              # while playing, the board asks for the next refresh once drawn,
                           # at most this often (the browser sets the pace)
# While playing, the output picture and the numbers refresh at the browser's pace; the
# other charts at most this often (each redraw costs the browser's one busy thread 30-70 ms
# here, and a picture every half second is enough to follow a slowly changing curve).
LOSS_EVERY_S = 0.8
NETWORK_EVERY_S = 0.3
DETAIL_EVERY_S = 1.0
# Through the stream (each frame costs the browser a few ms, not a Streamlit run): the
# output picture in every frame, these at most this often.
STREAM_NETWORK_EVERY_S = 0.05
STREAM_LOSS_EVERY_S = 0.1
# With more tabs playing than this, the network diagram (the costliest picture of a frame:
# 5 ms, as much as the rest of it) is redrawn proportionally less often: with 8 tabs,
# 2.5 a second each (the boundary still about 10: see live_stream.frame_gap).
NETWORK_SHARED_FROM = 1
# Chart heights for a 1280 x 720 projector with the sidebar open: the buttons, the numbers
# and both rows fit on the screen without scrolling (tools/screenshots.py shows it).
TOP_ROW_PX = 300           # network diagram and the task's main view (e.g. the boundary)
MAX_NETWORK_PX = TOP_ROW_PX   # a tall diagram shrinks to fit (its nodes stay square)
NOTE_LINE_PX = 34          # the line under the numbers (fitted line, Step batch) takes
                           # this much from the top row, so the loss chart stays on screen
BOTTOM_ROW_PX = 230        # the detail chart picked beside the buttons, and the loss


def _last(history: dict[str, list[float]], key: str) -> float | None:
    values = history.get(key) or []
    return values[-1] if values else None


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    if percent:
        return f"{value:.1%}"
    if abs(value) >= 1e4:
        return f"{value:.3e}"
    return f"{value:.4f}" if round(value, 4) != 0 else "0.0000"   # never "-0.0000"


def status_items(snap: Snapshot) -> list[dict]:
    """The numbers always shown above the charts: epoch, train/validation/test loss, test
    accuracy (classification) or test R² (regression), and for a table the best baseline's.
    They come from the current weights and the same outputs as the metrics table (before
    the first epoch: the untrained network's), so the two never disagree; the loss items'
    help says what the loss measures (scaled units) and what the metrics do (original
    units)."""
    now = snap.current
    note = snap.loss_note or None
    items = [
        {"label": "Epoch", "value": f"{snap.epoch:,}", "help": f"{snap.batches:,} batches in all"},
        {"label": "Batch", "value": f"{snap.batch_in_epoch} / {snap.batches_per_epoch}",
         "help": "Batches done of the epoch in progress / batches in one epoch"},
        {"label": "Train loss", "value": _fmt(now.get("loss")), "help": note},
        {"label": "Validation loss", "value": _fmt(now.get("val_loss")), "help": note},
        {"label": "Test loss", "value": _fmt(now.get("test_loss")), "help": note},
    ]
    test = snap.metrics.get("test") or snap.metrics.get("validation") or {}
    if snap.task == "classification":
        key = "accuracy"
        items.append({"label": "Test accuracy", "value": _fmt(
            now.get("test_accuracy", now.get("val_accuracy")), percent=True)})
    else:
        key = "r2"
        items.append({"label": "Test R²", "value": _fmt(test.get("r2"))})
    # the best baseline beside the test number for a table (the practitioner's question);
    # for the teaching data it stays in the metrics table, keeping the projector's row short
    best = _best_baseline(snap, key) if snap.data_kind == "table" else None
    if best is not None:
        metric = "accuracy" if key == "accuracy" else "R²"
        items.append({"label": f"Best baseline {metric}",
                      "value": _fmt(best, percent=key == "accuracy"),
                      "help": snap.baseline_note})
    return items


def _best_baseline(snap: Snapshot, key: str) -> float | None:
    """The best baseline's test (else validation) accuracy or R², or None."""
    split = "test" if "test" in snap.metrics else "validation"
    values = [scores[split][key] for scores in snap.baselines.values()
              if split in scores and key in scores[split]]
    return max(values) if values else None


def batch_text(snap: Snapshot) -> str | None:
    """After Step batch: which batch it was and its loss (else None)."""
    if snap.batch_loss is None:
        return None
    done = snap.batch_in_epoch or snap.batches_per_epoch    # 0: it closed the epoch
    epoch = snap.epoch + (snap.batch_in_epoch > 0)
    return (f"Stepped batch {done} of {snap.batches_per_epoch} in epoch {epoch}: "
            f"loss {_fmt(snap.batch_loss)} before the update.")


def fitted_line_text(line: tuple[float, float] | None) -> str | None:
    """(w, b) of a one-input linear model in the data's units -> "Fitted line: y = w · x + b"."""
    if line is None or not all(math.isfinite(v) for v in line):
        return None
    sign = "+" if line[1] >= 0 else "−"
    return f"Fitted line: y = {line[0]:.3f} · x {sign} {abs(line[1]):.3f}"


def render_messages(snap: Snapshot) -> None:
    """Why training stopped (divergence) or what the session has to say."""
    if snap.status == "diverged":
        messages.show_error(snap.message or "Training diverged: try a smaller learning rate.")
    elif snap.message:
        messages.show_info(snap.message)


def view_options(state: PageState) -> views.ViewOptions:
    return views.options_from_config(state.config, live=state.playing)


def detail_view(state: PageState, snap: Snapshot, wanted: str | None) -> views.View | None:
    """The lower-right view picked with the selector beside the buttons (``wanted``)."""
    return views.choose(snap, "detail", wanted, state.config.hide)


def _drawn_or_warning(build, what: str):
    """``build()``, or None with a plain warning if it fails: one broken chart must not take
    the whole live view (and the controls' feedback) with it."""
    try:
        return build()
    except Exception as error:   # the live view's boundary: a message, not a traceback
        messages.show_warning(f"The {what} could not be drawn: {error}")
        return None


# slot -> (how a stream frame updates it, at most how often while playing, height px,
# least height px). "images": only layout images and shapes change while playing.
_SLOT_STREAM = {"main": ("images", 0.0, TOP_ROW_PX, 0),
                "network": ("images", STREAM_NETWORK_EVERY_S, None, 0),
                "loss": ("curves", STREAM_LOSS_EVERY_S, BOTTOM_ROW_PX, 0),
                "detail": ("figure", DETAIL_EVERY_S, None, BOTTOM_ROW_PX)}
# Streamlit runs while playing (only without the stream) rebuild these at most this often.
_RERUN_EVERY_S = {"network": NETWORK_EVERY_S, "loss": LOSS_EVERY_S, "detail": DETAIL_EVERY_S}


def chart_specs(state: PageState, snap: Snapshot, wanted_detail: str | None,
                stream: bool = False) -> list[tuple[str, views.View, ChartSpec]]:
    """(slot, view, ChartSpec) of the board's charts in display order, hidden ones left
    out: the main view and the network (top row), the loss and the detail view (bottom).
    ``stream``: for the live stream, whose frames always draw the live figures (pictures
    over fixed traces), paused too, so a Pause or a Step changes only the pictures; the
    complete figures (hover values) come with the Streamlit run that follows."""
    hidden = state.config.hide
    options = views.options_from_config(state.config, live=True) if stream else \
        view_options(state)
    specs = []
    top = TOP_ROW_PX - (NOTE_LINE_PX if board_note(state, snap) else 0)
    for slot in ("main", "network", "loss", "detail"):
        view = detail_view(state, snap, wanted_detail) if slot == "detail" else \
            views.choose(snap, slot, hidden=hidden)
        if view is None:
            continue
        kind, every_s, height, min_height = _SLOT_STREAM[slot]
        height = top if slot == "main" else height
        if stream and slot == "network":
            every_s *= max(1.0, _tabs_playing(state) / NETWORK_SHARED_FROM)
        if kind == "images" and view.update is None:
            kind = "figure"                     # e.g. sample images: sent whole
        build = (lambda slot=slot, view=view:
                 _sized(slot, views.draw(view, snap, options), top))
        specs.append((slot, view, ChartSpec(
            views.SLOTS[slot], f"{view.label.lower()} chart", kind, build, every_s,
            height, min_height, history=snap.history if kind == "curves" else None,
            log_y=options.log_scale,
            epochs=snap.history_epochs if kind == "curves" else None)))
    return specs


def _tabs_playing(state: PageState) -> int:
    """Tabs playing at once on this server, as the tab's stream counts them (1 without)."""
    count = getattr(state.trainer.publisher, "tabs_playing", None)
    return count() if count is not None else 1


def chart_rows(state: PageState, snap: Snapshot) -> list[dict]:
    """The board's charts as whole figures for the component data (see ``live_board`` for
    the layout). Hidden or broken charts are left out."""
    built = {}
    wanted = state.config.view
    # the charts' cache key: the config without the detail choice (picking another view
    # rebuilds only the detail chart)
    drawn_as = state.config.replace(view=VIEW_AUTO)
    # paused: what the stream would draw, so the board can tell it already shows that
    live_specs = {} if busy(state) else {
        spec.key: spec for _, _, spec in chart_specs(state, snap, wanted, stream=True)
        if spec.kind == "images"}
    for slot, view, spec in chart_specs(state, snap, wanted):
        shown = _drawn_or_warning(lambda slot=slot, view=view, spec=spec: _throttled(
            state, snap, slot, view.name, spec, drawn_as, live_specs.get(spec.key)), spec.what)
        if shown is not None:
            built[slot] = {"key": spec.key, **shown}
    rows = []
    # TensorFlow Playground's flow, left to right: the network, then what it outputs (the
    # main view) with the loss below it; the detail chart below the network.
    for widths, slots in (([1.15, 1], ("network", "main")), ([1.15, 1], ("detail", "loss"))):
        kept = [(w, built[s]) for w, s in zip(widths, slots) if s in built]
        if kept:
            rows.append({"widths": [w for w, _ in kept], "charts": [c for _, c in kept]})
    return rows


def board_note(state: PageState, snap: Snapshot) -> str | None:
    """The line under the numbers: the fitted line and what Step batch did; else, for a
    table, whether the network beats the baselines (the practitioner's question; also in
    the status numbers and the metrics table). One line at 1280 x 720: a second pushed the
    loss chart below the screen."""
    shown = [t for t in (fitted_line_text(state.session.linear_fit()), batch_text(snap)) if t]
    if not shown and snap.data_kind == "table" and snap.baseline_note:
        shown = [snap.baseline_note]
    return " ".join(shown) or None


def describe_live(state: PageState, wanted_detail: str | None):
    """What a stream frame shows (``live_frames.FrameBuilder``), under the session lock."""
    state.session.show = views.needs([wanted_detail])
    snap = state.session.snapshot()
    return snap, status_items(snap), board_note(state, snap), \
        [spec for _, _, spec in chart_specs(state, snap, wanted_detail, stream=True)]


def _sized(slot: str, figure, top: int = TOP_ROW_PX):
    """The network diagram's own height, kept to the top row's ``top`` px (a taller
    diagram shrinks, its nodes staying square)."""
    if slot == "network":
        figure.layout.height = max(top, min(figure.layout.height or top,
                                            MAX_NETWORK_PX - TOP_ROW_PX + top))
    return figure


def _throttled(state: PageState, snap: Snapshot, slot: str, tag: str, spec: ChartSpec,
               drawn_as, live_spec: ChartSpec | None = None) -> dict | None:
    """{"figure": JSON text, "height": px, "base": structure, "n": epochs, "live": {"base",
    "drawn"} of the picture the stream draws for ``live_spec``} of one chart, or None if it
    has no picture for this data.

    Built again only when the snapshot, ``drawn_as`` (the config it is drawn for) or
    ``tag`` (the view shown) changed; while playing, at most every ``_RERUN_EVERY_S``
    seconds."""
    now = time.monotonic()
    cached = state.chart_cache.get(spec.key)
    if cached is not None and cached[1] == (tag, drawn_as) and (
            cached[2] is snap or (state.playing and
                                  now - cached[0] < _RERUN_EVERY_S.get(slot, 0.0))):
        return cached[3]
    figure = build_spec(spec)
    shown = None
    if figure is not None:
        height = max(int(spec.height or figure.layout.height or BOTTOM_ROW_PX), spec.min_height)
        fig = figure_dict(figure, height)
        shown = {"figure": frame_json(fig), "height": height}
        if spec.kind == "curves":
            shown["base"] = curves_base(spec.history or {}, spec.log_y)
            shown["n"] = len(next(iter((spec.history or {}).values()), []))
        else:
            shown["base"] = picture_base(fig)
        live_picture = picture_of(live_spec) if live_spec is not None else None
        if live_picture is not None:
            shown["live"] = {"base": live_picture[1], "drawn": live_picture[2]}
    state.chart_cache[spec.key] = (now, (tag, drawn_as), snap, shown)
    return shown


def warm_up() -> None:
    """Import the page and draw the default experiment's charts once, off any page's path:
    started with the server (app.py), so a first visit does not wait for the imports and
    first-call caches (about a second on this machine). Keeps nothing."""
    import playground.ui.page  # noqa: F401  (the page script's imports)
    from playground.ui.state import new_page_state
    state = new_page_state({})
    snap = state.session.snapshot()
    for stream in (False, True):
        for _, _, spec in chart_specs(state, snap, None, stream=stream):
            figure = build_spec(spec)
            if figure is not None:
                frame_json(figure_dict(figure, spec.height or BOTTOM_ROW_PX))
    state.trainer.stop(state)


def busy(state: PageState) -> bool:
    """Training now: playing, or a Step still running in the background (Pause stops both;
    the board keeps refreshing until it is done)."""
    return state.playing or state.trainer.stepping


def live_channel(state: PageState) -> LiveChannel:
    """This tab's end of the live stream (made on its first run; dies with its session)."""
    channel = st.session_state.get(CHANNEL_KEY)
    if channel is None or channel.state is not state:
        ctx = get_script_run_ctx()
        channel = LiveChannel(state, ctx.session_id if ctx else "",
                              lambda: FrameBuilder(describe_live), encode=frame_json)
        st.session_state[CHANNEL_KEY] = channel
    state.trainer.publisher = channel
    channel.view = state.config.view
    return channel


def _live_body(state: PageState) -> None:
    """Buttons, notes, status numbers and charts: a click reruns this, not the page; so
    does the board (after a Play/Pause/Step sent through the stream, to redraw the
    buttons; without a stream, for each refresh while playing)."""
    trainer = state.trainer
    trainer.heartbeat()
    mirror_to_url(state)       # a view picked in this fragment goes into the link too
    channel = live_channel(state)
    if state.board_sent and not state.sidebar_shown:
        st.rerun(scope="app")    # the first chart is shown: now draw the settings (page.py)
    if busy(state) and not trainer.running:
        trainer.start(state)
    controls, notes = st.container(), st.container()
    with trainer.lock:
        state.session.show = views.needs([state.config.view])
        snap = state.session.snapshot()
        note = board_note(state, snap)
    render_messages(snap)
    live_board(status_items(snap), chart_rows(state, snap), line=note,
               epoch=snap.epoch, version=snap.batches, loss=_last(snap.history, "loss"),
               pace_ms=PACE_MS if busy(state) else 0, ask_when_shown=not state.sidebar_shown,
               playing=busy(state), diverged=snap.status == "diverged",
               stream=channel.board_data())
    state.board_sent = True
    state.controls_playing = busy(state)
    with controls:
        render_controls(state, snap)
    with notes:
        render_notes(state)
    shown = detail_view(state, snap, state.config.view)
    if shown is not None and shown.name in _PANELS_BELOW:
        _PANELS_BELOW[shown.name](state, snap)


# detail view -> what is drawn under the board while it is picked (formulas, pickers)
_PANELS_BELOW = {"neuron": render_inspector, "landscape": render_landscape_panel,
                 "activation": render_activation_panel, "health": render_health_panel}


def render_live(state: PageState) -> None:
    """Controls, notes, status and charts: one fragment, rerun by its buttons and the board."""
    st.fragment(_live_body)(state)
