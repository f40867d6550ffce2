"""The page: controls, notes and live charts in the main area; settings in the sidebar.

Each run: (1) take over what callbacks handed on (uploaded files, a chosen preset);
(2) read the widget values (in session state before any widget is drawn) into a config and
hand it to the session: ``apply`` keeps training or resets with a reason, and a config
that cannot run leaves the old one with an error; (3) set every widget to the session's
config, so widgets always show the experiment that runs; (4) mirror it into the URL;
(5) draw the controls and the live view first, then the sidebar panels. On a tab's first run
the sidebar waits: drawing its few dozen widgets keeps a slow browser busy for a second or
more, so the board asks for a full run once its first chart is shown (live.py).
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from playground.config import (
    ExperimentConfig,
    changed_fields,
    config_from_values,
    field_spec,
    fit_to_dataset,
)
from playground.ui import actions, messages
from playground.ui.compare_panel import render_compare_panel, render_comparison, run_pending
from playground.ui.controls import render_link_warnings
from playground.ui.crossval_panel import render_crossval_panel
from playground.ui.data_panel import render_data_panel
from playground.ui.downloads import render_downloads
from playground.ui.live import render_live
from playground.ui.network_panel import (
    LAYERS_KEY,
    layers_from_widgets,
    render_network_panel,
    sync_layer_widgets,
)
from playground.ui.predict_panel import render_predict_panel
from playground.ui.presets_menu import MENU_KEY, render_preset_notice, render_presets_menu
from playground.ui.settings_panel import render_training_panel, render_view_panel
from playground.ui.state import (
    PENDING_CSV_KEY,
    PENDING_CSV_RETRY_KEY,
    PENDING_JSON_KEY,
    PENDING_PRESET_KEY,
    STATE_KEY,
    PageState,
    page_state,
)
from playground.ui.url_state import mirror_to_url
from playground.ui.widgets_from_config import (
    fill_missing_widgets,
    sync_widgets,
    values_from_widgets,
)

TITLE = "Neural Playground"
# Less empty space above the title: on a projector every line counts.
# Spacing of the page around the board (a real file: readable, lintable).
PAGE_CSS = (Path(__file__).with_name("page.css")).read_text(encoding="utf-8")


def take_pending(state: PageState) -> None:
    """Process files and presets handed over by callbacks (or tests)."""
    pending = st.session_state.pop(PENDING_CSV_KEY, None)
    if pending is not None:
        actions.handle_csv_upload(state, *pending)
    pending = st.session_state.pop(PENDING_CSV_RETRY_KEY, None)
    if pending is not None:
        actions.retry_csv(state, *pending)
    pending = st.session_state.pop(PENDING_JSON_KEY, None)
    if pending is not None:
        actions.load_experiment_json(state, *pending)
    pending = st.session_state.pop(PENDING_PRESET_KEY, None)
    if pending is not None:
        actions.load_preset(state, pending)


def update_experiment(state: PageState) -> None:
    """Pending files/presets and widget changes -> the session; then widgets <- config."""
    take_pending(state)
    fill_missing_widgets(state.config)
    if LAYERS_KEY not in st.session_state:
        sync_layer_widgets(state.config)
    if not state.resync_widgets:       # after a load the widgets still show the old config
        new_cfg, messages = config_from_widgets(state)
        if new_cfg != state.config:
            panel = _panel_of_change(state, new_cfg)
            if actions.apply_config(state, new_cfg, panel=panel):
                state.warnings = messages  # earlier warnings (URL, file) no longer apply
    else:
        st.session_state[MENU_KEY] = state.preset_key or ""
        state.resync_widgets = False
    sync_widgets(state.config)
    sync_layer_widgets(state.config)


def config_from_widgets(state: PageState) -> tuple[ExperimentConfig, list[str]]:
    """The widgets' values on top of the running config; a new dataset gets a loss and
    network type that fit it (``config.fit_to_dataset``)."""
    cfg = state.config
    values = values_from_widgets(cfg)
    activation = values.get("activation", cfg.activation)
    if "hidden_layers" not in cfg.hide:
        values.update(layers_from_widgets(activation))
    values["hide"] = cfg.hide
    values["epochs"] = cfg.epochs
    new_cfg, messages = config_from_values(values, base=cfg)
    return fit_to_dataset(cfg, new_cfg), messages


def _panel(state: PageState, name: str, title: str, render, expanded: bool = True) -> None:
    if name in state.config.hide:
        return
    with st.sidebar.expander(title, expanded=expanded):
        render(state)


def render_sidebar(state: PageState) -> None:
    with st.sidebar:
        messages.show_heading(TITLE)
        render_presets_menu(state)
        render_preset_notice(state)     # beside the menu: the main area is for the board
        render_link_warnings(state)
    _panel(state, "data_panel", "Data", render_data_panel)
    _panel(state, "network_panel", "Network", render_network_panel)
    _panel(state, "training_panel", "Training", render_training_panel)
    _panel(state, "view_panel", "View", render_view_panel, expanded=False)
    _panel(state, "downloads", "Save and load", render_downloads, expanded=False)
    if state.config.dataset == "csv" or state.session.prepared.kind == "table":
        _panel(state, "data_panel", "Cross-validation", render_crossval_panel,
               expanded=False)
    if state.session.prepared.kind in ("table", "points2d"):
        _panel(state, "predict_panel", "Predict new rows", render_predict_panel,
               expanded=False)
    _panel(state, "compare_panel", "Compare two runs", render_compare_panel, expanded=False)


def main() -> None:
    first_run = STATE_KEY not in st.session_state
    state = page_state()
    with state.trainer.lock:      # the training thread waits while the session changes
        update_experiment(state)
        run_pending(state)        # Compare two runs: trained before anything is drawn
    mirror_to_url(state)
    st.html(f"<style>{PAGE_CSS}</style>")
    state.sidebar_shown = state.sidebar_shown or not first_run
    render_live(state)
    if "compare_panel" not in state.config.hide:
        render_comparison(state)
    if state.sidebar_shown:
        with state.trainer.lock:
            render_sidebar(state)


def _panel_of_change(state: PageState, new_cfg: ExperimentConfig) -> str:
    """The panel whose settings changed, to show an error there."""
    groups = {field_spec(n).group for n in changed_fields(state.config, new_cfg)}
    if groups & {"data"}:
        return "data_panel"
    if groups & {"network", "features"}:
        return "network_panel"
    return "training_panel"

