"""Play, Pause, Step one epoch, Step one batch, Reset weights; and the notes beside them.

Play and Pause are two buttons that each SET a value (a toggle's callback can fire twice
under a running fragment and flip it back). They sit inside the live fragment
(``live.render_live``): a click reruns only that fragment, preempting a refresh in progress,
so Pause stops training and shows the final picture without redrawing the whole page.
"""
from __future__ import annotations

import streamlit as st

from playground.ui import actions, messages
from playground.snapshot import Snapshot
from playground.ui.state import PageState
from playground.viz import views

DETAIL_KEY = "w_detail_view"        # the name of the lower-right view picked beside the buttons
GROUP_KEY = "w_detail_group"        # its group (playground.view_names.DETAIL_GROUPS)


def render_controls(state: PageState, snap: Snapshot) -> None:
    if "controls" in state.config.hide:
        return
    diverged = state.session.status == "diverged"
    # One row that wraps when the page is narrow (125 % zoom): every label stays whole.
    row = st.container(horizontal=True, gap=6, vertical_alignment="center")
    buttons = (
        ("Play", "play_arrow", "btn_play", actions.play, state.playing or diverged,
         "Train continuously and watch the charts change."),
        ("Pause", "pause", "btn_pause", actions.pause,
         not (state.playing or state.trainer.stepping), None),
        ("Step epoch", "skip_next", "btn_step_epoch", actions.step_epoch, diverged,
         "Train exactly one more pass over the training data."),
        ("Step batch", "redo", "btn_step_batch", actions.step_batch, diverged,
         "Train on one minibatch: a single weight update."),
        ("Reset weights", "restart_alt", "btn_reset", actions.reset_weights, False,
         "New random starting weights (from the seed) and an empty history."),
    )
    for label, icon, key, action, disabled, help_text in buttons:
        row.button(label, icon=f":material/{icon}:", key=key, on_click=action, args=(state,),
                   disabled=disabled, help=help_text, width="content",
                   type="primary" if key == "btn_play" else "secondary")
    # the picker on a line of its own: in the buttons' row it joined them when a group's
    # views were few, and the charts below jumped up and down between groups
    render_detail_picker(state, st.container(), snap)


def render_detail_picker(state: PageState, place, snap: Snapshot) -> None:
    """The detail chart's views in two levels: a group (Results, Neurons, Learning, CNN,
    ...), then its views; only what this model offers, without the hidden ones. The choice
    is the config's ``view`` (so the link and a saved experiment keep it); ``hide=view``
    fixes the chart at the link's view without a picker."""
    hidden = state.config.hide
    if views.SLOTS["detail"] in hidden or "view" in hidden:
        return
    groups = views.detail_groups(snap, hidden)
    shown = views.choose(snap, "detail", state.config.view, hidden)
    if not groups or shown is None:
        return
    group = views.group_of(shown.name)
    labels = {key: label for key, label, _ in groups}
    # the widgets show the config's choice (set before they are drawn, every run)
    st.session_state[GROUP_KEY], st.session_state[DETAIL_KEY] = group, shown.name
    picker = place.container(horizontal=True, gap=4, width="content")
    if len(groups) > 1:
        picker.segmented_control("Detail chart group", list(labels), key=GROUP_KEY,
                                 format_func=labels.get, label_visibility="collapsed",
                                 on_change=_pick_group, args=(state, groups))
    names = [view.name for key, _, members in groups if key == group for view in members]
    picker.segmented_control("Detail chart", names, key=DETAIL_KEY,
                             format_func=lambda name: views.VIEWS[name].label,
                             label_visibility="collapsed", on_change=_pick_view,
                             args=(state,))


def _pick_group(state: PageState, groups) -> None:
    """A group was clicked: show its first view (clicking the shown group again keeps it)."""
    key = st.session_state.get(GROUP_KEY)
    members = next((members for name, _, members in groups if name == key), None)
    if members:
        actions.choose_view(state, members[0].name)


def _pick_view(state: PageState) -> None:
    name = st.session_state.get(DETAIL_KEY)
    if name:                          # None: the shown view clicked again (it stays)
        actions.choose_view(state, name)


def render_notes(state: PageState) -> None:
    """Why the weights were reset (the values a link or a file had to change are in the
    sidebar: ``render_link_warnings``)."""
    for note in state.notes:
        messages.show_info(note)


def render_link_warnings(state: PageState) -> None:
    """Values the URL or a file had to change, folded into one line of the sidebar: on a
    1280 x 720 projector they must not push the charts below the fold."""
    if state.warnings:
        messages.show_folded_warnings(state.warnings)
