"""Under the board when "Landscape" is picked: the gradient-descent step with its numbers
(a two-weight model), or the button that computes a slice around the current weights."""
from __future__ import annotations

import streamlit as st

from playground.snapshot import Snapshot
from playground.traces.landscape import SLICE_BUDGET_S
from playground.training import RACE_MIN_BATCHES
from playground.ui import messages
from playground.ui.state import PageState
from playground.viz.landscape import landscape_caption, step_formula

ERROR_KEY = "landscape"          # PageState.errors entry


def compute(state: PageState) -> None:
    """Start the slice in the background; wait for it a little longer than its budget so
    the page run that follows the click shows it (training goes on meanwhile)."""
    try:
        with state.trainer.lock:
            note = state.session.compute_landscape()
        job = state.session.slice_job
        if note is None and job is not None:
            job.done.wait(SLICE_BUDGET_S * 3)
        state.errors.pop(ERROR_KEY, None)
        if note:
            state.errors[ERROR_KEY] = note
    except Exception as error:   # the panel boundary: a message, never a traceback
        state.errors[ERROR_KEY] = f"The loss landscape could not be computed: {error}"


def race(state: PageState) -> None:
    """Run the optimizer race (two-weight models: a fraction of a second)."""
    try:
        with state.trainer.lock:
            state.session.run_race()
        state.errors.pop(ERROR_KEY, None)
    except Exception as error:   # the panel boundary: a message, never a traceback
        state.errors[ERROR_KEY] = f"The race could not be run: {error}"


def render_landscape_panel(state: PageState, snap: Snapshot) -> None:
    landscape = snap.landscape
    if landscape is not None and landscape.kind == "exact":
        st.button("Race SGD, momentum and Adam", key="btn_race", on_click=race,
                  args=(state,), icon=":material/sports_score:",
                  help="The three optimizers from the same starting weights on the same "
                       "batches, for as many batches as trained so far (at least "
                       f"{RACE_MIN_BATCHES}).")
    if landscape is None or landscape.kind == "slice":
        st.button("Compute the loss landscape", key="btn_landscape", on_click=compute,
                  args=(state,), icon=":material/landscape:",
                  help="The loss on a grid of weights around the current ones, on a copy "
                       "of the network (bounded to a few seconds).")
    if snap.landscape_note:
        messages.show_info(snap.landscape_note)
    if ERROR_KEY in state.errors:
        messages.show_warning(state.errors[ERROR_KEY])
    if landscape is None:
        return
    messages.show_caption(landscape_caption(landscape))
    if landscape.race:
        steps = len(next(iter(landscape.race.values()))) - 1
        messages.show_caption(
            f"The race: {', '.join(landscape.race)} from the same starting weights on the "
            f"same {steps} batches and learning rate.")
    for line in step_formula(landscape):
        messages.show_formula(line)
