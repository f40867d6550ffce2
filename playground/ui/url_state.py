"""The current experiment mirrored into the URL (only settings that differ from defaults),
so copying the link reproduces it. Reading the URL happens once per tab (state.py)."""
from __future__ import annotations

import streamlit as st

from playground.config import to_query_params
from playground.presets import PRESETS
from playground.ui.state import PageState


def url_params(state: PageState) -> dict[str, str]:
    """The link's parameters: ``preset=KEY`` and what differs from that preset if one
    was loaded (so the link brings its note along), else what differs from the defaults."""
    if state.preset_key in PRESETS:
        preset = PRESETS[state.preset_key].config
        return {"preset": state.preset_key, **to_query_params(state.config, base=preset)}
    return to_query_params(state.config)


def mirror_to_url(state: PageState) -> None:
    """Write the link's parameters to st.query_params when they changed."""
    params = url_params(state)
    if params != state.url_params or st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
        state.url_params = params
