"""LiveFigure.to_json gives exactly the JSON plotly's own to_json gives, only faster."""
from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from playground import viz
from playground.config import ExperimentConfig
from playground.training import TrainingSession
from playground.viz.figure_json import LiveFigure
from playground.viz.theme import new_figure


def _plotly_json(fig: go.Figure) -> str:
    return go.Figure.to_json(fig)                   # plotly's own code path


def _live_figures() -> list[go.Figure]:
    session = TrainingSession(ExperimentConfig(dataset="circle", n_samples=200))
    snap = session.step_epochs(2)
    feature_names = snap.feature_names
    return [viz.decision_boundary_figure(snap.grid, snap.splits, snap.class_names, True),
            viz.network_figure(snap.layers, snap.grid, feature_names),
            viz.network_figure(snap.layers, None, feature_names),
            viz.loss_figure(snap.history), viz.loss_figure(snap.history, log_y=True),
            viz.metrics_table(snap.metrics), viz.weights_histogram_figure(snap.layers),
            viz.gradient_norms_figure(snap.grad_norms),
            viz.confusion_matrix_figure(snap.confusion["test"], snap.class_names, "c")]


def test_every_live_figure_is_a_live_figure_with_plotlys_exact_json():
    for fig in _live_figures():
        assert isinstance(fig, LiveFigure) and isinstance(fig, go.Figure)
        assert fig.to_json() == _plotly_json(fig)


def test_changes_made_after_building_are_in_the_json():
    fig = viz.loss_figure({"loss": [1.0, 0.5]})
    fig.layout.height = 390                          # as the live page does
    assert json.loads(fig.to_json())["layout"]["height"] == 390
    assert fig.to_json() == _plotly_json(fig)


@pytest.mark.parametrize("values", [
    np.arange(5, dtype=np.int64),                    # narrowed to int8
    np.array([0, 40_000], dtype=np.int64),           # to int32
    np.array([2**40], dtype=np.int64),               # fits no 32-bit type: a list
    np.arange(3, dtype=np.uint64),
    np.array([True, False]),                         # no typed array for bool
    np.zeros(0, dtype=np.float32),                   # empty
    np.arange(12, dtype=np.float64).reshape(3, 4),   # 2-D: with a shape
    np.arange(12, dtype=np.float32).reshape(3, 4)[:, ::2],   # not contiguous
    np.array(["a", "b<br>c", "x → y"]),              # strings, escaped as plotly does
])
def test_arrays_are_encoded_as_plotly_encodes_them(values):
    fig = new_figure([{"type": "scatter", "x": values, "y": values, "text": values,
                       "customdata": values}],
                     {"xaxis": {"range": np.array([0.0, 1.0])}, "height": np.int64(300),
                      "title": {"text": "a/b <i>c</i>"}, "width": np.float32(500.0)})
    assert fig.to_json() == _plotly_json(fig)


def test_what_it_cannot_encode_goes_through_plotly():
    fig = new_figure([{"type": "scatter", "x": [0.0, float("nan")], "y": [1, 2]}], {})
    assert fig.to_json() == _plotly_json(fig)       # NaN becomes null, as plotly does
    assert json.loads(fig.to_json())["data"][0]["x"] == [0.0, None]
    assert fig.to_json(pretty=True) == go.Figure.to_json(fig, pretty=True)
