"""Downloads (model .npz, PyTorch and Keras scripts, history CSV, experiment JSON) and
loading an experiment JSON."""
from __future__ import annotations

import weakref
from collections.abc import Callable

import streamlit as st

from playground.config import to_json
from playground.export import FRAMEWORKS, export_script, script_file_name
from playground.training import TrainingSession
from playground.ui import messages
from playground.ui.state import PENDING_JSON_KEY, PageState

JSON_UPLOAD_KEY = "w_json_upload"


def _remember_json() -> None:
    uploaded = st.session_state.get(JSON_UPLOAD_KEY)
    if uploaded is not None:
        st.session_state[PENDING_JSON_KEY] = (uploaded.getvalue(), uploaded.name)


def read_later(state: PageState, read: Callable[[TrainingSession], bytes | str]):
    """A download's data, ``read(session)`` of the tab's current session under the
    trainer's lock when the button is clicked. It holds the tab only weakly: Streamlit
    keeps a download button's callable for as long as it keeps the session's file
    references (past the tab's closing, until the session is shut down), and must not keep
    the tab's session, model and uploaded bytes with it (issue 12)."""
    tab = weakref.ref(state)

    def call() -> bytes | str:
        page = tab()
        if page is None:         # the tab is gone: nothing to download
            return b""
        with page.trainer.lock:
            return read(page.session)
    return call


def render_downloads(state: PageState) -> None:
    hidden = state.config.hide
    if "downloads" not in hidden:
        st.download_button("Experiment (.json)", to_json(state.config),
                           file_name="experiment.json", mime="application/json",
                           width="stretch", on_click="ignore",
                           help="All settings; upload it later to repeat the experiment.")
        st.download_button("History (.csv)", read_later(state, TrainingSession.history_csv),
                           file_name="history.csv", mime="text/csv", width="stretch",
                           on_click="ignore",
                           help=" ".join(filter(None, ["Loss and accuracy per epoch.",
                                                       state.session.log.note()])))
        st.download_button("Model (.npz)", read_later(state, TrainingSession.model_npz_bytes),
                           file_name="model.npz", mime="application/octet-stream",
                           width="stretch", on_click="ignore",
                           help="The trained weights; playground.nn.load_model reads it.")
        title = state.session.prepared.dataset.name or state.config.dataset
        for framework, label in FRAMEWORKS.items():
            st.download_button(
                f"{label} script (.py)",
                read_later(state, lambda session, framework=framework:
                            export_script(session, framework)),
                file_name=script_file_name(framework, title), mime="text/x-python",
                width="stretch", on_click="ignore",
                help=f"One {label} file that rebuilds this network with the trained weights "
                     f"and the same preprocessing, checks its predictions against the "
                     f"playground's when run, and predicts new rows with --csv.")
    if "upload" not in hidden:
        error = state.errors.pop("upload", None)
        if error:
            messages.show_error(error)
        st.file_uploader("Load an experiment (.json)", type=["json"], key=JSON_UPLOAD_KEY,
                         on_change=_remember_json)
