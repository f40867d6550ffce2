"""The presets menu (from playground.presets) and the loaded preset's "what to notice" text."""
from __future__ import annotations

import streamlit as st

from playground.config import changed_fields, field_spec
from playground.presets import PRESETS
from playground.ui import messages
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
        messages.show_error(error)
    st.session_state.setdefault(MENU_KEY, state.preset_key or NONE)
    st.selectbox("Lecture presets", [NONE] + list(PRESETS), key=MENU_KEY, on_change=_choose,
                 format_func=lambda k: PRESETS[k].title if k else "Choose a preset…",
                 help="Ready-made experiments, each with a short note on what to notice.")


def preset_changes(state: PageState) -> list[str]:
    """Labels of the settings changed since the loaded preset (its ``hide`` list and the
    detail chart picked aside: looking at another chart keeps the preset's lesson)."""
    if state.preset_key not in PRESETS:
        return []
    preset = PRESETS[state.preset_key].config.replace(hide=state.config.hide,
                                                      view=state.config.view)
    return [field_spec(name).label.lower() for name in changed_fields(preset, state.config)]


def render_preset_notice(state: PageState) -> None:
    """The preset's "what to notice" while it is unchanged; once settings changed, a short
    line saying so instead (the note may no longer hold)."""
    if state.preset_key not in PRESETS or "presets" in state.config.hide:
        return
    preset = PRESETS[state.preset_key]
    changed = preset_changes(state)
    if changed:
        messages.show_caption("Changed from the preset ", messages.Bold(preset.title),
                              f": {', '.join(changed)} (its note may no longer hold).")
    else:
        messages.show_success(messages.Bold(f"{preset.title}."), f" {preset.notice}")
