"""Play, Pause, Step one epoch, Step one batch, Reset weights; and the notes beside them.

Play and Pause are two buttons that each SET a value (a toggle's callback can fire twice
under a running fragment and flip it back). They sit outside the live fragment, so a click
starts a full rerun that stops the refresh timer at once.
"""
from __future__ import annotations

import streamlit as st

from playground.ui import actions
from playground.ui.live import DETAIL_KEY, DETAIL_VIEWS
from playground.ui.state import PageState


def render_controls(state: PageState) -> None:
    if "controls" in state.config.hide:
        return
    diverged = state.session.status == "diverged"
    cols = st.columns([1, 1, 1.2, 1.2, 1, 3])
    cols[0].button("Play", icon=":material/play_arrow:", key="btn_play", type="primary", on_click=actions.play,
                   args=(state,), disabled=state.playing or diverged, width="stretch",
                   help="Train continuously and watch the charts change.")
    cols[1].button("Pause", icon=":material/pause:", key="btn_pause", on_click=actions.pause, args=(state,),
                   disabled=not state.playing, width="stretch")
    cols[2].button("Step epoch", icon=":material/skip_next:", key="btn_step_epoch", on_click=actions.step_epoch,
                   args=(state,), width="stretch", disabled=diverged,
                   help="Train exactly one more pass over the training data.")
    cols[3].button("Step batch", icon=":material/redo:", key="btn_step_batch", on_click=actions.step_batch,
                   args=(state,), width="stretch", disabled=diverged,
                   help="Train on one minibatch: a single weight update.")
    cols[4].button("Reset", icon=":material/restart_alt:", key="btn_reset", on_click=actions.reset_weights,
                   args=(state,), width="stretch",
                   help="New random starting weights (from the seed) and an empty history.")
    cols[5].segmented_control("Lower-right chart", DETAIL_VIEWS, key=DETAIL_KEY,
                              default=DETAIL_VIEWS[0], label_visibility="collapsed")


def render_notes(state: PageState) -> None:
    """Why the weights were reset, values the URL or a file had to fix, and errors."""
    for note in state.notes:
        st.info(note)
    for warning in state.warnings:
        st.warning(warning)
