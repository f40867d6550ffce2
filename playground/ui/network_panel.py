"""The Network panel: input features, hidden layers (units and activation each), dropout, loss.

Hidden layers are drawn by this module (not from the table) because their number changes:
``w_layers_n`` holds how many, ``w_units_i`` / ``w_act_i`` each layer's units and activation
("same" = the Activation setting). ``layers_from_widgets`` turns them back into the config's
``hidden_layers`` and ``layer_activations``.
"""
from __future__ import annotations

import streamlit as st

from playground.config import ACTIVATIONS, LOSSES_BY_TASK, ExperimentConfig, field_spec
from playground.ui import messages
from playground.ui.state import PageState
from playground.ui.widgets_from_config import field_widget, other_fields

LAYERS_KEY = "w_layers_n"
SAME = "same"                       # per-layer activation: use the Activation setting
MAX_LAYERS = int(field_spec("hidden_layers").max_items)
MAX_UNITS = int(field_spec("hidden_layers").maximum)
NEW_LAYER_UNITS = 4
# The settings this panel places itself (any other network setting goes at the end).
NETWORK_FIELDS = ("features", "model_kind", "activation", "conv_filters", "rnn_units",
                  "dropout", "loss")


def units_key(i: int) -> str:
    return f"w_units_{i}"


def act_key(i: int) -> str:
    return f"w_act_{i}"


def sync_layer_widgets(cfg: ExperimentConfig, state=None) -> None:
    """Set the layer widgets to show ``cfg`` (before they are drawn)."""
    state = st.session_state if state is None else state
    state[LAYERS_KEY] = len(cfg.hidden_layers)
    for i, units in enumerate(cfg.hidden_layers):
        state[units_key(i)] = int(units)
        explicit = cfg.layer_activations[i] if i < len(cfg.layer_activations) else SAME
        state[act_key(i)] = SAME if explicit == cfg.activation else explicit


def layers_from_widgets(activation: str) -> dict:
    """hidden_layers and layer_activations from the layer widgets."""
    count = int(st.session_state.get(LAYERS_KEY, 0))
    units = tuple(int(st.session_state.get(units_key(i), NEW_LAYER_UNITS)) for i in range(count))
    chosen = [st.session_state.get(act_key(i), SAME) for i in range(count)]
    explicit = [i for i, name in enumerate(chosen) if name != SAME]
    if not explicit:
        return {"hidden_layers": units, "layer_activations": ()}
    last = explicit[-1]
    acts = tuple(activation if name == SAME else name for name in chosen[:last + 1])
    return {"hidden_layers": units, "layer_activations": acts}


def _add_layer() -> None:
    count = int(st.session_state.get(LAYERS_KEY, 0))
    if count < MAX_LAYERS:
        st.session_state[units_key(count)] = NEW_LAYER_UNITS
        st.session_state[act_key(count)] = SAME
        st.session_state[LAYERS_KEY] = count + 1


def _remove_layer() -> None:
    count = int(st.session_state.get(LAYERS_KEY, 0))
    if count > 0:
        st.session_state[LAYERS_KEY] = count - 1


def _render_layers(state: PageState) -> None:
    count = int(st.session_state.get(LAYERS_KEY, len(state.config.hidden_layers)))
    st.session_state[LAYERS_KEY] = count
    add, remove = st.columns(2)
    add.button("Add layer", icon=":material/add:", on_click=_add_layer,
               disabled=count >= MAX_LAYERS, width="stretch",
               help=f"Up to {MAX_LAYERS} hidden layers.")
    remove.button("Remove layer", icon=":material/remove:", on_click=_remove_layer,
                  disabled=count == 0, width="stretch",
                  help="With no hidden layer the model is linear.")
    if count == 0:
        messages.show_caption("No hidden layer: the network draws a single straight boundary.")
    for i in range(count):
        st.session_state.setdefault(units_key(i), NEW_LAYER_UNITS)
        st.session_state.setdefault(act_key(i), SAME)
        units, act = st.columns([1, 1])
        units.number_input(f"Layer {i + 1} neurons", min_value=1, max_value=MAX_UNITS, step=1,
                           key=units_key(i))
        act.selectbox(f"Layer {i + 1} activation", (SAME,) + ACTIVATIONS, key=act_key(i),
                      help="'same' uses the Activation setting above.")


def render_network_panel(state: PageState) -> None:
    hidden = state.config.hide
    error = state.errors.pop("network_panel", None)
    if error:
        messages.show_error(error)
    prepared = state.session.prepared
    if prepared.kind == "points2d" and "features" not in hidden:
        field_widget("features")
    if "model_kind" not in hidden:
        field_widget("model_kind")
    if "activation" not in hidden:
        field_widget("activation")
    if "hidden_layers" not in hidden:
        _render_layers(state)
    kind = st.session_state.get("w_model_kind", state.config.model_kind)
    if kind == "cnn" and "conv_filters" not in hidden:
        field_widget("conv_filters")
    if kind in ("rnn", "lstm") and "rnn_units" not in hidden:
        field_widget("rnn_units")
    for name in ("dropout",):
        if name not in hidden:
            field_widget(name)
    if "loss" not in hidden:
        field_widget("loss", options=list(LOSSES_BY_TASK[prepared.task]))
    for name in other_fields(("network", "features"), NETWORK_FIELDS, hidden):
        field_widget(name)
