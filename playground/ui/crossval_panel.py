"""The Cross-validation panel: k, Run, a progress bar with Cancel, and the mean ± spread of
each metric for the network and the baselines over the folds."""
from __future__ import annotations

import streamlit as st

from playground.baselines import BASELINE_LABELS
from playground.crossval import FOLD_CHOICES
from playground.ui import messages
from playground.ui.state import PageState

FOLDS_KEY = "cv_folds"
REFRESH_S = 0.5          # the panel redraws this often while a run is in progress
PERCENT_METRICS = ("accuracy", "precision", "recall", "f1")
METRIC_NAMES = {"accuracy": "accuracy", "precision": "precision", "recall": "recall",
                "f1": "F1", "mse": "MSE", "mae": "MAE", "r2": "R²"}


def _start(state: PageState) -> None:
    k = int(st.session_state.get(FOLDS_KEY, 5))
    with state.trainer.lock:                 # a consistent config and dataset to copy
        cfg, dataset = state.config, state.session.prepared.dataset
    state.crossval.start(cfg, dataset, k)


def _cancel(state: PageState) -> None:
    state.crossval.cancel()


def result_rows(result) -> list[list[str]]:
    """[["metric", "network", baselines...], [name, "83.1% ± 2.0%", ...], ...]."""
    summary = result.summary
    models = list(summary)
    rows = [["metric"] + [BASELINE_LABELS.get(m, m) for m in models]]
    for metric in summary["network"]:
        cells = [METRIC_NAMES.get(metric, metric)]
        for model in models:
            mean, std = summary[model].get(metric, (float("nan"), float("nan")))
            cells.append(f"{mean:.1%} ± {std:.1%}" if metric in PERCENT_METRICS
                         else f"{mean:.4g} ± {std:.2g}")
        rows.append(cells)
    return rows


def _progress_and_result(state: PageState) -> None:
    runner = state.crossval
    if runner.running:
        st.progress(min(1.0, runner.progress), text=f"Cross-validating: {runner.text}")
        st.button("Cancel", key="btn_cv_cancel", on_click=_cancel, args=(state,))
    if runner.error:
        messages.show_warning(runner.error)
    if runner.result is not None:
        import pandas as pd
        rows = result_rows(runner.result)
        messages.show_caption(
            f"{runner.result.k}-fold cross-validation over the {runner.result.rows} training "
            f"and validation rows (test rows untouched); mean ± standard deviation over the "
            f"folds, each fold scored on the rows it held out.")
        messages.show_table(pd.DataFrame(rows[1:], columns=rows[0]))


def render_crossval_panel(state: PageState) -> None:
    """Draw the panel; a run goes on in the background (``CrossValidationRunner``)."""
    if FOLDS_KEY not in st.session_state:
        st.session_state[FOLDS_KEY] = 5
    st.selectbox("Folds (k)", FOLD_CHOICES, key=FOLDS_KEY,
                 help="The training and validation rows are split into k parts; each part "
                      "is held out once while the network and the baselines train on the "
                      "rest. Classes are kept in proportion in every part.")
    st.button("Run cross-validation", key="btn_cv_run", on_click=_start, args=(state,),
              help=f"Trains the network {st.session_state[FOLDS_KEY]} times from scratch "
                   f"in the background, for the epochs set under Training.")
    run_every = REFRESH_S if state.crossval.running else None
    st.fragment(_progress_and_result, run_every=run_every)(state)
