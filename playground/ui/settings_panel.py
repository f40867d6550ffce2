"""The Training and View panels: optimizer, learning rate, batch size, regularisation, seed;
and how the pictures are drawn. All generated from the config table."""
from __future__ import annotations

from playground.ui import messages
from playground.ui.state import PageState
from playground.ui.widgets_from_config import field_widget, other_fields

TRAINING_FIELDS = ("optimizer", "learning_rate", "batch_size", "regularization",
                   "regularization_rate", "seed")
VIEW_FIELDS = ("log_scale", "discretize", "show_test")


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
    for name in other_fields(("view",), VIEW_FIELDS, state.config.hide):
        field_widget(name)
