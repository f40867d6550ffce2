"""The presets menu (from playground.presets) and the loaded preset's "what to notice" text."""
from __future__ import annotations

import streamlit as st

from playground.presets import PRESETS
from playground.ui.state import PENDING_PRESET_KEY, PageState

MENU_KEY = "w_preset_menu"
NONE = ""


def _choose() -> None:
    key = st.session_state.get(MENU_KEY)
    if key:
        st.session_state[PENDING_PRESET_KEY] = key


def render_presets_menu(state: PageState) -> None:
    if "presets" in state.config.hide:
        return
    error = state.errors.pop("presets", None)
    if error:
        st.error(error)
    st.session_state.setdefault(MENU_KEY, state.preset_key or NONE)
    st.selectbox("Lecture presets", [NONE] + list(PRESETS), key=MENU_KEY, on_change=_choose,
                 format_func=lambda k: PRESETS[k].title if k else "Choose a preset…",
                 help="Ready-made experiments, each with a short note on what to notice.")


def render_preset_notice(state: PageState) -> None:
    if state.preset_key in PRESETS and "presets" not in state.config.hide:
        preset = PRESETS[state.preset_key]
        st.success(f"**{preset.title}.** {preset.notice}")
