"""Compare two runs: the sidebar panel that asks what run B changes, and the section under
the board with both runs' loss curves, their main pictures side by side and what differs.

The runs train in the Streamlit run that the button starts (bounded by COMPARE_SECONDS per
run), in sessions of their own: the tab's live session and its stream are not touched.
"""
from __future__ import annotations

import streamlit as st

from playground.ui import messages
from playground.ui.state import PageState
from playground.viz import views

CHANGES_KEY = "w_compare_changes"
EPOCHS_KEY = "w_compare_epochs"
RESULT_KEY = "np_compare_result"     # session state: the last Comparison, or an error text
PENDING_KEY = "np_compare_pending"   # session state: the Run both button was pressed
DEFAULT_EPOCHS = 50
COMPARE_SECONDS = 15.0               # each run stops after this long (its epochs say so)


def _ask() -> None:
    st.session_state[PENDING_KEY] = True


def render_compare_panel(state: PageState) -> None:
    messages.show_caption("Run the current experiment twice from the same data and seed: "
                          "run B with the settings you change here, written as in a link "
                          "(e.g. learning_rate=0.3&optimizer=adam).")
    st.text_input("Changes for run B", key=CHANGES_KEY,
                  placeholder="learning_rate=0.3&optimizer=adam")
    st.number_input("Epochs each", min_value=1, max_value=2000, value=DEFAULT_EPOCHS,
                    step=10, key=EPOCHS_KEY)
    st.button("Run both", key="btn_compare", on_click=_ask, width="stretch",
              help=f"Trains run A (the current settings) and run B from scratch, at most "
                   f"{COMPARE_SECONDS:g} s each; the live experiment is left as it is.")
    result = st.session_state.get(RESULT_KEY)
    if isinstance(result, str):
        messages.show_error(result)


def run_pending(state: PageState) -> None:
    """After Run both was pressed: train both runs (before the page is drawn, so the
    section under the board shows them in this run)."""
    if st.session_state.pop(PENDING_KEY, False):
        st.session_state[RESULT_KEY] = _run(state)


def _run(state: PageState):
    """The Comparison of the current config and its changed copy, or the error text."""
    from playground.compare import lane_configs, run_lanes
    try:
        configs, notes = lane_configs(state.config, st.session_state.get(CHANGES_KEY, ""))
    except ValueError as error:
        return str(error)
    epochs = int(st.session_state.get(EPOCHS_KEY, DEFAULT_EPOCHS))
    comparison = run_lanes(configs, epochs, csv_bytes=state.csv_bytes,
                           csv_name=state.csv_name or "uploaded.csv", seconds=COMPARE_SECONDS)
    return comparison, notes


def render_comparison(state: PageState) -> None:
    """The last comparison under the board: what differs, the loss curves, the pictures."""
    result = st.session_state.get(RESULT_KEY)
    if result is None or isinstance(result, str):
        return
    from playground.viz.compare import compare_loss_figure, comparison_table
    comparison, notes = result
    messages.show_heading("Compare two runs", level=3)
    for note in notes:
        messages.show_warning(note)
    ran = {name: lane.snapshot for name, lane in comparison.lanes.items() if lane.snapshot}
    for lane in comparison.lanes.values():
        if lane.error:
            messages.show_error(lane.error)
        elif lane.snapshot.epoch < comparison.epochs:
            messages.show_info(f"Run {lane.name} stopped after {lane.snapshot.epoch} of "
                               f"{comparison.epochs} epochs ({COMPARE_SECONDS:g} s each).")
    if not ran:
        return
    left, right = st.columns(2)
    left.plotly_chart(comparison_table(ran, comparison.differences), key="compare_table", theme=None)
    right.plotly_chart(compare_loss_figure(ran), key="compare_loss", theme=None)
    for column, (name, snap) in zip(st.columns(len(ran)), ran.items()):
        view = views.choose(snap, "main", hidden=state.config.hide)
        if view is not None:
            with column:
                messages.show_caption(f"Run {name}: {view.label.lower()} after "
                                      f"{snap.epoch} epochs")
                st.plotly_chart(views.draw(view, snap), key=f"compare_main_{name}",
                                theme=None)
