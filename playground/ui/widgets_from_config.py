"""Streamlit widgets generated from the config table (``playground.config.FIELDS``).

Each setting gets one widget whose session-state key is ``widget_key(name)``. The widget
value lives in ``st.session_state`` (never passed as ``value=``), so code outside the widget
(presets, URL, an uploaded experiment, undoing a bad change) can set it before the widget
is drawn with ``sync_widgets``. ``values_from_widgets`` reads them back as raw values for
``config.config_from_values``, which checks and clamps them.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from playground.config import FIELDS, ExperimentConfig, FieldSpec, field_spec, format_value

# Steps offered by log-scale sliders (learning rate, regularisation rate), like TF Playground.
NICE_STEPS = (0.0, 0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3,
              1.0, 3.0, 10.0)
# Settings drawn by a panel's own code, not by ``field_widget`` (``view``: the detail
# chart's picker beside the buttons, controls.py).
CUSTOM_FIELDS = ("hidden_layers", "layer_activations", "hide", "epochs", "view")


def widget_key(name: str) -> str:
    """Session-state key of the widget for setting ``name``."""
    return f"w_{name}"


def uses_steps(spec: FieldSpec) -> bool:
    """A float spanning orders of magnitude gets a slider over ``NICE_STEPS``."""
    if spec.kind != "float" or spec.minimum is None or spec.maximum is None:
        return False
    return spec.log_scale or spec.maximum - spec.minimum >= 5


def step_options(spec: FieldSpec, current: float) -> list[float]:
    """The NICE_STEPS inside the setting's range, plus the current value if it is between."""
    options = [v for v in NICE_STEPS if spec.minimum <= v <= spec.maximum]
    if current not in options:
        options.append(float(current))
    return sorted(options)


def to_widget_value(spec: FieldSpec, value: Any) -> Any:
    """A config value in the form its widget holds (lists for multiselects, text for int lists)."""
    if spec.kind == "choice_list":
        return list(value)
    if spec.kind == "int_list":
        return format_value(spec, value)
    if spec.kind == "float":
        return float(value)
    return value


def sync_widgets(cfg: ExperimentConfig, state: Mapping | None = None) -> None:
    """Set every generated widget to show ``cfg`` (call before the widgets are drawn)."""
    state = st.session_state if state is None else state
    for spec in FIELDS:
        if spec.name not in CUSTOM_FIELDS:
            state[widget_key(spec.name)] = to_widget_value(spec, getattr(cfg, spec.name))


def fill_missing_widgets(cfg: ExperimentConfig) -> None:
    """Give widgets that have no state yet (first shown, or hidden last run) cfg's value."""
    for spec in FIELDS:
        key = widget_key(spec.name)
        if spec.name not in CUSTOM_FIELDS and key not in st.session_state:
            st.session_state[key] = to_widget_value(spec, getattr(cfg, spec.name))


def values_from_widgets(cfg: ExperimentConfig) -> dict[str, Any]:
    """Raw setting values from the widgets drawn this run; ``cfg``'s value for the others."""
    values: dict[str, Any] = {}
    for spec in FIELDS:
        if spec.name in CUSTOM_FIELDS:
            continue
        key = widget_key(spec.name)
        if key in st.session_state:
            values[spec.name] = st.session_state[key]
    return values


def other_fields(groups: tuple[str, ...], known: tuple[str, ...], hidden: tuple[str, ...]
                 ) -> list[str]:
    """Settings of ``groups`` that a panel does not place itself (e.g. added to the table
    later): the panel draws them at its end, so every setting has a widget."""
    return [spec.name for spec in FIELDS if spec.group in groups and spec.name not in known
            and spec.name not in CUSTOM_FIELDS and spec.name not in hidden]


def _number_format(value: float) -> str:
    return f"{value:g}"


def field_widget(name: str, container=None, format_func: Callable[[Any], str] | None = None,
                 options: list | None = None, label: str | None = None) -> None:
    """Draw the widget for setting ``name`` (its value must already be in session state).

    options: a narrower list of choices than the table's (e.g. the losses that fit the task);
    a held value outside it is replaced by the first option.
    """
    spec = field_spec(name)
    box = st if container is None else container
    key = widget_key(name)
    if key not in st.session_state:
        st.session_state[key] = to_widget_value(spec, spec.default)
    choices = list(spec.choices) if options is None else list(options)
    if spec.kind == "choice" and st.session_state[key] not in choices:
        st.session_state[key] = choices[0]
    if spec.kind == "choice_list":
        st.session_state[key] = [v for v in st.session_state[key] if v in choices]
    label = label or spec.label
    common = dict(key=key, help=spec.help)
    if spec.kind == "bool":
        box.checkbox(label, **common)
    elif spec.kind == "choice":
        box.selectbox(label, choices, format_func=format_func or str, **common)
    elif spec.kind == "choice_list":
        box.multiselect(label, choices, format_func=format_func or str,
                        **common)
    elif spec.kind == "int":
        low, high = int(spec.minimum), int(spec.maximum)
        if high - low <= 5000:
            box.slider(label, min_value=low, max_value=high, step=1, **common)
        else:
            box.number_input(label, min_value=low, max_value=high, step=1, **common)
    elif spec.kind == "float" and uses_steps(spec):
        current = float(st.session_state.get(key, spec.default))
        steps = step_options(spec, current)
        st.session_state[key] = min(steps, key=lambda v: abs(v - current))
        box.select_slider(label, options=steps, format_func=_number_format, **common)
    elif spec.kind == "float":
        span = float(spec.maximum) - float(spec.minimum)
        step = 10 ** math.floor(math.log10(span / 50)) if span > 0 else 0.01
        box.slider(label, min_value=float(spec.minimum), max_value=float(spec.maximum),
                   step=float(step), **common)
    else:   # str and int_list: typed text, checked by the config parser
        placeholder = "(empty: the default)" if spec.default in ("", ()) else None
        box.text_input(label, placeholder=placeholder, **common)
