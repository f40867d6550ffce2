"""The "Predict new rows" panel: upload a second CSV with the training table's columns,
see the first predictions and download them all (``playground.predict`` does the work)."""
from __future__ import annotations

import hashlib

import streamlit as st

from playground.ui import messages
from playground.ui.downloads import read_later
from playground.ui.state import PageState

UPLOAD_KEY = "w_predict_upload"
FILE_KEY = "np_predict_file"        # session state: (bytes, file name) of the rows to predict
RESULT_KEY = "np_predict_result"    # session state: (cache key, Predictions or error text)
PREVIEW_ROWS = 8


def _remember_file() -> None:
    uploaded = st.session_state.get(UPLOAD_KEY)
    st.session_state[FILE_KEY] = None if uploaded is None else \
        (uploaded.getvalue(), uploaded.name)


def predictions(session, data: bytes, name: str = "new rows.csv"):
    """The session's network on the rows of ``data`` (raises DataError: a plain message)."""
    import io

    from playground.predict import predict_new_rows     # pandas: on first use
    source = io.BytesIO(data)
    source.name = name
    return predict_new_rows(session.prepared, session.model, source,
                            missing=session.config.missing)


def _result(state: PageState, data: bytes, name: str):
    """Predictions for the current weights (cached until the next batch) or the error."""
    from playground.data import DataError
    session = state.session
    key = (hashlib.sha256(data).hexdigest(), name, id(session.model), session.batches)
    cached = st.session_state.get(RESULT_KEY)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        result = predictions(session, data, name)
    except DataError as error:
        result = str(error)
    st.session_state[RESULT_KEY] = (key, result)
    return result


def render_predict_panel(state: PageState) -> None:
    messages.show_caption("A CSV with the same input columns as the training data (the "
                          "target column may be missing): the network's predictions for "
                          "each row, as a CSV.")
    st.file_uploader("Rows to predict (.csv)", type=["csv", "txt", "tsv"], key=UPLOAD_KEY,
                     on_change=_remember_file)
    upload = st.session_state.get(FILE_KEY)
    if not upload:
        return
    data, name = upload
    result = _result(state, data, name)
    if isinstance(result, str):
        messages.show_error(result)
        return
    messages.show_bullets(result.notes)
    messages.show_table(result.table.head(PREVIEW_ROWS).round(3))
    stem = name.rsplit(".", 1)[0] or "new_rows"
    st.download_button("Predictions (.csv)", read_later(
        state, lambda session: predictions(session, data, name).to_csv()),
        file_name=f"{stem}_predictions.csv", mime="text/csv", width="stretch",
        on_click="ignore", help="Every row of the file with the network's prediction, "
                                "made with the weights as they are when you click.")
