"""The Data panel: dataset picker, generator settings, splits, CSV upload, preview, report."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from playground.config import field_spec
from playground.data import dataset_info, list_datasets
from playground.ui import messages
from playground.ui.state import PENDING_CSV_KEY, PENDING_CSV_RETRY_KEY, PageState
from playground.ui.widgets_from_config import field_widget, other_fields, widget_key

if TYPE_CHECKING:
    import pandas as pd

UPLOAD_KEY = "w_csv_upload"
# The data settings this panel places itself (any other "data" setting goes at the end).
DATA_FIELDS = ("dataset", "csv_target", "csv_task", "missing", "n_samples", "noise",
               "data_seed", "validation_fraction", "test_fraction", "scaling")
PREVIEW_ROWS = 8


def _descriptions() -> dict[str, str]:
    described = {info.name: info.description for info in list_datasets()}
    described["csv"] = "Your own CSV file (upload it below)."
    return described


def _remember_upload() -> None:
    """Uploader callback: hand the file's bytes to the next run (processed before widgets)."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is not None:
        st.session_state[PENDING_CSV_KEY] = (uploaded.getvalue(), uploaded.name)


def _new_data_seed() -> None:
    key = widget_key("data_seed")
    st.session_state[key] = int(st.session_state.get(key, 0)) + 1


def is_hidden(state: PageState, name: str) -> bool:
    return name in state.config.hide


def preview_frame(state: PageState) -> pd.DataFrame:
    """The first rows the network learns from: features and target, original units."""
    import pandas as pd  # on first use: the sidebar is drawn after the charts
    dataset = state.session.prepared.dataset
    X, y = dataset.X[:PREVIEW_ROWS], dataset.y[:PREVIEW_ROWS]
    if X.ndim != 2:
        return pd.DataFrame({"input shape": [str(tuple(x.shape)) for x in X],
                             "target": [str(v) for v in y]})
    frame = pd.DataFrame(X, columns=list(dataset.feature_names)[:X.shape[1]])
    if dataset.class_names and y.ndim == 1:
        frame["target"] = [dataset.class_names[int(v)] for v in y]
    elif y.ndim == 1:
        frame["target"] = y
    else:
        for j in range(y.shape[1]):
            frame[f"target {j + 1}"] = y[:, j]
    return frame


LAST_COLUMN = "(the last column)"
# Widgets for a file that could not be used yet (not settings of the running experiment):
# setting name -> session-state key.
RETRY_KEYS = {"csv_target": "csv_retry_target", "csv_task": "csv_retry_task",
              "missing": "csv_retry_missing"}


def _target_picker(columns: list[str], key: str | None = None, on_change=None) -> None:
    """The target column, picked from the uploaded file's columns ("" = the last one)."""
    key = key or widget_key("csv_target")
    held = st.session_state.get(key, "")
    options = ["", *columns] + ([held] if held not in ("", *columns) else [])
    spec = field_spec("csv_target")
    st.selectbox(spec.label, options, key=key, help=spec.help, on_change=on_change,
                 format_func=lambda name: name if name else LAST_COLUMN)


def _columns_caption(filename: str, columns: list[str]) -> None:
    shown = ", ".join(columns[:40]) + (f" and {len(columns) - 40} more" if len(columns) > 40
                                       else "")
    messages.show_caption(f"Columns of {filename} ({len(columns)}): {shown}")


def _retry_choices() -> None:
    """A choice for the unusable file changed: load it again with the choices (next run)."""
    state = st.session_state
    st.session_state[PENDING_CSV_RETRY_KEY] = tuple(
        state.get(RETRY_KEYS[name], field_spec(name).default) for name in RETRY_KEYS)


def _render_csv_retry(state: PageState) -> None:
    """An uploaded table that could not be used: why, its columns, and the choices to
    load it again with (the running experiment is untouched until one works)."""
    _, filename, columns = state.csv_retry
    messages.show_error(state.csv_problem)
    _columns_caption(filename, columns)
    _target_picker(columns, RETRY_KEYS["csv_target"], _retry_choices)
    for name in ("csv_task", "missing"):
        spec = field_spec(name)
        key = RETRY_KEYS[name]
        if key not in st.session_state:
            st.session_state[key] = getattr(state.config, name) if name == "missing" \
                else spec.default
        st.selectbox(spec.label, spec.choices, key=key, help=spec.help,
                     on_change=_retry_choices)


def render_data_panel(state: PageState) -> None:
    """Draw the panel; widget values are read back by the page after all panels."""
    descriptions = _descriptions()
    error = state.errors.pop("data_panel", None)
    if error:
        messages.show_error(error)
    if not is_hidden(state, "dataset"):
        field_widget("dataset", format_func=lambda name: name)
        messages.show_caption(descriptions.get(st.session_state[widget_key("dataset")], ""))
    dataset = st.session_state.get(widget_key("dataset"), state.config.dataset)
    info = dataset_info(dataset)
    if state.csv_retry is not None:       # the file's choices, beside why it failed
        _render_csv_retry(state)
    if dataset == "csv":
        # the running file's choices (not while another file waits for better ones)
        names = () if state.csv_retry is not None else ("csv_target", "csv_task", "missing")
    else:     # real tables and images have a fixed size; some sets take no noise
        names = tuple(name for name, applies in (
            ("n_samples", info is None or not info.fixed_size),
            ("noise", info is None or info.takes_noise),
            ("data_seed", True)) if applies)
        if "n_samples" not in names:
            messages.show_caption("Real data: its size is fixed. The data seed reshuffles "
                                  "which rows go to training, validation and test.")
    for name in names:
        if is_hidden(state, name):
            continue
        if name == "csv_target" and state.csv_columns:
            _target_picker(state.csv_columns)
        else:
            field_widget(name)
    if dataset != "csv" and not is_hidden(state, "data_seed"):
        st.button("Regenerate data", on_click=_new_data_seed,
                  help="Draw a new random dataset of the same kind (next data seed).")
    for name in ("validation_fraction", "test_fraction", "scaling"):
        if not is_hidden(state, name):
            field_widget(name)
    for name in other_fields(("data",), DATA_FIELDS, state.config.hide):
        field_widget(name)
    if not is_hidden(state, "upload"):
        st.file_uploader("Upload a CSV file", type=["csv", "txt", "tsv"], key=UPLOAD_KEY,
                         on_change=_remember_upload,
                         help="A table with a header row; the last column (or the target "
                              "column you name) is what the network learns to predict.")
        if state.csv_name:
            messages.show_caption(f"Current file: {state.csv_name}")
            if dataset == "csv" and state.csv_columns and state.csv_retry is None:
                _columns_caption(state.csv_name, state.csv_columns)
    with st.expander("Preview and preprocessing report", expanded=dataset == "csv"):
        messages.show_table(preview_frame(state).round(3))
        messages.show_bullets(state.session.data_report)
