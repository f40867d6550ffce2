"""The permutation importance chart: the session's numbers, most important on top."""
from __future__ import annotations

import numpy as np

from playground import viz
from playground.config import ExperimentConfig
from playground.snapshot import ImportanceView
from playground.training import TrainingSession
from playground.viz import views
from tests.viz.checks import assert_sound
from tests.viz.test_plain_labels import BOLD, LINK, assert_drawn_as_written


def test_bars_are_sorted_with_the_spread_as_error_bars():
    drops = np.array([[0.0, 0.02, -0.02], [0.3, 0.2, 0.25], [0.1, 0.1, 0.1]])
    figure = viz.importance_figure(ImportanceView(["a", "b", "c"], drops, 0.9, "accuracy",
                                                  "validation", 40, 7))
    assert_sound(figure)
    bar = figure.data[0]
    assert list(bar.y) == ["a", "c", "b"]                 # drawn bottom-up: b on top
    np.testing.assert_allclose(bar.x, 100 * drops.mean(axis=1)[[0, 2, 1]])
    np.testing.assert_allclose(bar.error_x.array, 100 * drops.std(axis=1)[[0, 2, 1]])
    assert bar.marker.color[0] == "#A8A8A8"               # within the spread of zero: grey
    assert "validation, epoch 7" in figure.layout.title.text
    assert "90.0&#37;" in figure.layout.annotations[0].text       # 90.0 %, as Plotly text


def test_many_inputs_show_the_top_ones_and_names_are_plain():
    names = [f"x{i}" for i in range(30)]
    drops = np.linspace(0, 1, 30)[:, None] * np.ones((1, 2))
    figure = viz.importance_figure(ImportanceView(names, drops, 0.5, "R²", "test", 10))
    assert len(figure.data[0].y) == 20 and figure.data[0].y[-1] == "x29"
    assert "top 20 of 30" in figure.layout.title.text
    assert_drawn_as_written(viz.importance_figure(ImportanceView(
        [BOLD, LINK], np.ones((2, 2)), 0.5, "R²", "test", 10)), [BOLD, LINK])


def test_the_view_draws_the_snapshots_importance_for_tables_only():
    iris = TrainingSession(ExperimentConfig(dataset="iris", hidden_layers=(8,)))
    snap = iris.step_epochs(2)
    assert snap.importance is not None and snap.importance.epoch == 2
    assert snap.importance.split == "validation"
    figure = views.draw("importance", snap)
    top = int(np.argmax(snap.importance.mean))
    assert figure.data[0].y[-1] == snap.importance.names[top]
    points = TrainingSession(ExperimentConfig(dataset="circle", n_samples=60)).snapshot()
    assert points.importance is None and not views.VIEWS["importance"].fits(points)
    assert "table" in views.draw("importance", points).layout.annotations[0].text
