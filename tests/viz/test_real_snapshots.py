"""Every figure drawn from snapshots of real (briefly trained) sessions of each data kind.

The other tests build inputs by hand; these check that what TrainingSession really hands
over (shapes, dtypes, names, empty splits) draws without surprises.
"""
from __future__ import annotations

import numpy as np
import pytest

from playground import viz
from playground.config import ExperimentConfig
from playground.training import TrainingSession
from tests.viz.checks import assert_sound

CASES = {
    "binary points": {"dataset": "circle", "n_samples": 200},
    "multi-class points": {"dataset": "blobs", "n_samples": 200},
    "2-D regression": {"dataset": "plane", "n_samples": 200},
    "1-D regression": {"dataset": "line", "n_samples": 100, "hidden_layers": ()},
    "table": {"dataset": "iris", "hidden_layers": (40, 3)},
    "images": {"dataset": "digits", "model_kind": "cnn", "n_samples": 150, "conv_filters": (4,)},
    "sequences": {"dataset": "seq_sine", "model_kind": "lstm", "n_samples": 120, "rnn_units": 4},
}


def _figures(session: TrainingSession, snap) -> list:
    figures = [viz.loss_figure(snap.history), viz.loss_figure(snap.history, log_y=True),
               viz.gradient_norms_figure(snap.grad_norms),
               viz.weights_histogram_figure(snap.layers), viz.metrics_table(snap.metrics),
               viz.network_figure(snap.layers, snap.grid,
                                  list(session.prepared.feature_names))]
    if snap.grid is not None:
        figures.append(viz.decision_boundary_figure(
            snap.grid, snap.splits, snap.class_names if snap.task == "classification"
            else None, show_test=True))
    for matrix in snap.confusion.values():
        figures.append(viz.confusion_matrix_figure(matrix, snap.class_names, "Confusion"))
    split = snap.splits.get("test") or snap.splits.get("train")
    kind = session.prepared.kind
    if kind == "image":
        figures.append(viz.image_samples_figure(split.X, split.y_true, split.y_pred,
                                                snap.class_names))
    elif kind == "sequence":
        figures.append(viz.sequence_figure(split))
    elif snap.task == "regression":
        figures.append(viz.regression_figure(snap.curve, snap.splits))
    return figures


@pytest.mark.parametrize("case", list(CASES))
def test_every_figure_draws_a_real_snapshot(case):
    session = TrainingSession(ExperimentConfig(**CASES[case]))
    before = session.snapshot()                  # epoch 0: empty history
    after = session.step_epochs(1)
    for snap in (before, after):
        for fig in _figures(session, snap):
            assert_sound(fig)
    if case == "binary points":
        boundary = viz.decision_boundary_figure(after.grid, after.splits, after.class_names)
        np.testing.assert_array_equal(boundary.data[0].z, after.grid.output)
    if case == "1-D regression":
        assert after.curve is not None
