"""The Training and View panels: optimizer, learning rate, batch size, regularisation, seed;
and how the pictures are drawn. All generated from the config table."""
from __future__ import annotations

import streamlit as st

from playground.config import field_spec
from playground.slices import number_inputs
from playground.ui import messages
from playground.ui.state import PageState
from playground.ui.widgets_from_config import field_widget, other_fields, widget_key

TRAINING_FIELDS = ("optimizer", "learning_rate", "batch_size", "regularization",
                   "regularization_rate", "seed")
VIEW_FIELDS = ("log_scale", "discretize", "show_test")
SLICE_FIELDS = ("slice_x", "slice_y")     # picked from the table's number columns
FIRST_NUMBER = "(automatic)"


def render_training_panel(state: PageState) -> None:
    error = state.errors.pop("training_panel", None)
    if error:
        messages.show_error(error)
    for name in TRAINING_FIELDS:
        if name not in state.config.hide:
            field_widget(name)
    for name in other_fields(("training",), TRAINING_FIELDS, state.config.hide):
        field_widget(name)


def render_view_panel(state: PageState) -> None:
    for name in VIEW_FIELDS:
        if name not in state.config.hide:
            field_widget(name)
    _slice_pickers(state)
    for name in other_fields(("view",), VIEW_FIELDS + SLICE_FIELDS, state.config.hide):
        field_widget(name)


def _slice_pickers(state: PageState) -> None:
    """The two number columns of a table's slice view (only for a table with 2 or more)."""
    numbers = number_inputs(state.session.prepared)
    if len(numbers) < 2:
        return
    for name in SLICE_FIELDS:
        if name in state.config.hide:
            continue
        key = widget_key(name)
        held = st.session_state.get(key, "")
        options = ["", *numbers] + ([held] if held not in ("", *numbers) else [])
        spec = field_spec(name)
        st.selectbox(spec.label, options, key=key, help=spec.help,
                     format_func=lambda value: value if value else FIRST_NUMBER)
