"""The current experiment mirrored into the URL (only settings that differ from defaults),
so copying the link reproduces it. Reading the URL happens once per tab (state.py)."""
from __future__ import annotations

import streamlit as st

from playground.config import to_query_params
from playground.ui.state import PageState


def mirror_to_url(state: PageState) -> None:
    """Write the non-default settings to st.query_params when they changed."""
    params = to_query_params(state.config)
    if params != state.url_params or st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
        state.url_params = params
