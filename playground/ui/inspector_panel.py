"""The neuron inspector's controls and formulas, under the board when "Neuron" is picked.

Pick a neuron (one entry per dense layer and neuron) and a training point (a number, or
a random one); the session follows them (``TrainingSession.inspect``) and every snapshot
carries the trace, so the board's chart updates while playing and the formulas here are
complete whenever the page runs (after a Pause or a Step).
"""
from __future__ import annotations

import random

import streamlit as st

from playground.snapshot import Snapshot
from playground.ui import messages
from playground.ui.state import PageState
from playground.viz.neuron import (
    backward_formulas,
    forward_formulas,
    neuron_title,
    update_formulas,
)

NEURON_KEY = "w_inspect_neuron"      # "layer_index:unit" of the inspected neuron
ROW_KEY = "w_inspect_row"            # 1-based training point
FOLLOW_KEY = "w_inspect_follow"      # follow the next Step batch's point (batch size 1)
ERROR_KEY = "inspector"              # PageState.errors entry for a bad choice


def neuron_options(snap: Snapshot) -> dict[str, str]:
    """"layer_index:unit" -> "Layer 2 (tanh), neuron 3" for every neuron that can be picked."""
    return {f"{c.layer_index}:{u}": f"Layer {c.number} ({c.activation}), neuron {u + 1}"
            for c in snap.neuron_choices for u in range(c.units)}


def inspect(state: PageState, key: str, row: int) -> None:
    """Follow the neuron ``key`` on 1-based training point ``row``; a plain error else."""
    try:
        layer_index, unit = (int(part) for part in str(key).split(":"))
        with state.trainer.lock:
            state.session.inspect(layer_index, unit, int(row) - 1)
        state.errors.pop(ERROR_KEY, None)
    except (ValueError, TypeError) as error:   # the panel boundary: a message, no traceback
        state.errors[ERROR_KEY] = f"That neuron or point cannot be shown: {error}"


def _changed(state: PageState) -> None:
    inspect(state, st.session_state.get(NEURON_KEY, ""), st.session_state.get(ROW_KEY, 1))


def _follow(state: PageState) -> None:
    with state.trainer.lock:
        state.session.follow_next = bool(st.session_state.get(FOLLOW_KEY))


def _random_point(state: PageState, rows: int) -> None:
    st.session_state[ROW_KEY] = random.randrange(rows) + 1
    _changed(state)


def render_inspector(state: PageState, snap: Snapshot) -> None:
    """Neuron and point pickers, then forward, backward and update with the numbers."""
    trace = snap.neuron
    if trace is None:
        return
    options = neuron_options(snap)
    current = f"{trace.layer_index}:{trace.unit}"
    if st.session_state.get(NEURON_KEY) not in options:
        st.session_state[NEURON_KEY] = current
    following = state.session.follow_next and snap.batches_per_epoch == snap.train_rows
    if following or not 1 <= int(st.session_state.get(ROW_KEY) or 0) <= snap.train_rows:
        st.session_state[ROW_KEY] = trace.row + 1
    row = st.container(horizontal=True, gap=6, vertical_alignment="bottom")
    row.selectbox("Neuron", list(options), key=NEURON_KEY, format_func=options.get,
                  on_change=_changed, args=(state,))
    row.number_input(f"Training point (1 to {snap.train_rows})", min_value=1,
                     max_value=snap.train_rows, step=1, key=ROW_KEY, on_change=_changed,
                     args=(state,), disabled=following)
    row.button("A random training point", key="btn_inspect_random", on_click=_random_point,
               args=(state, snap.train_rows))
    if snap.batches_per_epoch == snap.train_rows:          # batch size 1
        st.session_state[FOLLOW_KEY] = state.session.follow_next
        row.checkbox("Follow the next Step batch's point", key=FOLLOW_KEY, on_change=_follow,
                     args=(state,), help="Each Step batch then trains on exactly the point "
                     "shown, so the weights change by the update printed here.")
    if ERROR_KEY in state.errors:
        messages.show_error(state.errors[ERROR_KEY])
    messages.show_caption(
        f"{neuron_title(trace)}. Forward with the current weights; backward for the loss "
        "of this point alone; the update is what the optimizer's next step would do if its "
        "batch were this point (its state as it is now). 4 significant digits.")
    with st.expander("Forward: z and a", expanded=True):
        for line in forward_formulas(trace):
            messages.show_formula(line)
    with st.expander("Backward: dL/da, f'(z), δ and dL/dw", expanded=True):
        for line in backward_formulas(trace):
            messages.show_formula(line)
    with st.expander("The optimizer's update", expanded=True):
        for line in update_formulas(trace):
            messages.show_formula(line)
