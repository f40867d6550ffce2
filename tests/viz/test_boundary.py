"""Decision boundary over the plane, and the regression fit."""
from __future__ import annotations

import numpy as np
import pytest

from playground.snapshot import GridView, SplitView
from playground.viz import decision_boundary_figure, regression_figure, theme
from playground.viz.boundary import POINT_ALPHA, SMOOTH
from tests.viz import samples
from tests.viz.checks import assert_sound, traces_of


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def _binary(rng, resolution=30):
    layers = samples.dense_layers([2, 4, 1], rng)
    grid = samples.grid_for(layers, resolution)
    splits = {"train": samples.class_split("train", 60, 2, rng),
              "test": samples.class_split("test", 20, 2, rng)}
    return grid, splits


def test_binary_heatmap_is_the_grid_output_on_an_orange_blue_scale(rng):
    grid, splits = _binary(rng)
    fig = decision_boundary_figure(grid, splits, ["no", "yes"])
    assert_sound(fig)
    heat = traces_of(fig, "heatmap")
    assert len(heat) == 1
    np.testing.assert_array_equal(heat[0].z, grid.output)
    np.testing.assert_array_equal(heat[0].x, grid.x1)
    np.testing.assert_array_equal(heat[0].y, grid.x2)
    assert (heat[0].zmin, heat[0].zmax) == (0.0, 1.0)
    scale = [tuple(stop) for stop in heat[0].colorscale]
    assert scale[0] == (0.0, theme.ORANGE) and scale[-1] == (1.0, theme.BLUE)
    assert (0.5, theme.NEUTRAL) in scale                       # centred at 0.5
    assert heat[0].zsmooth == SMOOTH == "fast"                 # scaled up by the browser
    # equal aspect in data units
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert fig.layout.xaxis.range[0] < grid.x1.min() < grid.x1.max() < fig.layout.xaxis.range[1]


def test_train_points_by_class_and_test_points_only_when_asked(rng):
    grid, splits = _binary(rng)
    train = splits["train"]
    fig = decision_boundary_figure(grid, splits, ["no", "yes"])
    points = traces_of(fig, "scatter")
    assert len(points) == 2                                    # train, one per class
    for k, trace in enumerate(points):
        np.testing.assert_array_equal(trace.x, train.X[train.y_true == k, 0])
        np.testing.assert_array_equal(trace.y, train.X[train.y_true == k, 1])
        assert trace.marker.color == theme.rgba(theme.class_colour(k), POINT_ALPHA)
        assert not trace.marker.line.width            # no per-point outline to style

    with_test = decision_boundary_figure(grid, splits, ["no", "yes"], show_test=True)
    assert_sound(with_test)
    hollow = [t for t in traces_of(with_test, "scatter")
              if t.marker.symbol == "circle-open" and t.name != "test (hollow)"]
    assert len(hollow) == 2
    assert sum(len(t.x) for t in hollow) == len(splits["test"].y_true)
    assert any(t.name == "test (hollow)" for t in with_test.data)


def test_a_single_output_column_counts_as_binary(rng):
    grid, splits = _binary(rng)
    column = GridView(grid.x1, grid.x2, grid.output[:, :, None], grid.neurons,
                      grid.neuron_labels, grid.feature_names)
    fig = decision_boundary_figure(column, splits, ["no", "yes"])
    np.testing.assert_array_equal(traces_of(fig, "heatmap")[0].z, grid.output)


def test_discretize_draws_hard_regions(rng):
    grid, splits = _binary(rng)
    fig = decision_boundary_figure(grid, splits, ["no", "yes"], discretize=True)
    z = traces_of(fig, "heatmap")[0].z
    np.testing.assert_array_equal(z, (grid.output >= 0.5).astype(np.float32))
    # the hover still reads the real probability
    np.testing.assert_array_equal(traces_of(fig, "heatmap")[0].customdata, grid.output)


def test_rgba_spells_out_a_hex_colour_with_alpha():
    assert theme.rgba("#F59322", 0.85) == "rgba(245,147,34,0.85)"
    assert theme.rgba("#000000", 1) == "rgba(0,0,0,1)"


def test_five_classes_get_distinct_regions_and_colours(rng):
    layers = samples.dense_layers([2, 6, 5], rng, output_activation="softmax")
    grid = samples.grid_for(layers, 25)
    names = ["a", "b", "c", "d", "e"]
    splits = {"train": samples.class_split("train", 100, 5, rng)}
    fig = decision_boundary_figure(grid, splits, names)
    assert_sound(fig)
    heat = traces_of(fig, "heatmap")[0]
    winner = grid.output.argmax(axis=2)
    np.testing.assert_array_equal(np.floor(heat.z).astype(int), winner)
    np.testing.assert_array_equal(np.asarray(heat.text), np.asarray(names)[winner])
    assert (heat.zmin, heat.zmax) == (0.0, 5.0)
    confidence = heat.z - winner                              # grows with the top probability
    top = grid.output.max(axis=2).ravel()
    order = np.argsort(top)
    assert np.all(np.diff(confidence.ravel()[order]) >= -1e-6)
    colours = [t.marker.color for t in traces_of(fig, "scatter")]
    assert len(colours) == 5 and len(set(colours)) == 5


def test_regression_grid_shares_one_fixed_colour_range_with_the_targets(rng):
    layers = samples.dense_layers([2, 4, 1], rng, output_activation="linear")
    grid = samples.grid_for(layers, 20)
    X = rng.uniform(-6, 6, (40, 2))
    y = X[:, 0] - 0.5 * X[:, 1]
    fig = decision_boundary_figure(grid, {"train": SplitView("train", X, y, y * 0.9)}, None)
    assert_sound(fig)
    heat = traces_of(fig, "heatmap")[0]
    np.testing.assert_array_equal(heat.z, grid.output)
    assert heat.coloraxis == "coloraxis"
    axis = fig.layout.coloraxis
    assert axis.cmin == -axis.cmax == -np.abs(y).max()         # centred at zero
    points = traces_of(fig, "scatter")[0]
    np.testing.assert_array_equal(points.marker.color, y)
    assert points.marker.coloraxis == "coloraxis"
    # a later refresh with other predictions keeps the same colour range
    grid2 = GridView(grid.x1, grid.x2, grid.output * 3, grid.neurons, grid.neuron_labels,
                     grid.feature_names)
    later = decision_boundary_figure(grid2, {"train": SplitView("train", X, y, y)}, None)
    assert later.layout.coloraxis.cmax == axis.cmax
    assert later.layout == fig.layout


def test_layout_is_the_same_from_one_refresh_to_the_next(rng):
    grid, splits = _binary(rng)
    first = decision_boundary_figure(grid, splits, ["no", "yes"], show_test=True)
    grid2 = GridView(grid.x1, grid.x2, 1 - grid.output, grid.neurons, grid.neuron_labels,
                     grid.feature_names)
    second = decision_boundary_figure(grid2, splits, ["no", "yes"], show_test=True)
    assert first.layout == second.layout


def test_bad_grids_are_refused(rng):
    grid, splits = _binary(rng)
    bad = GridView(grid.x1, grid.x2, grid.output[:-1], [], [], ["x1", "x2"])
    with pytest.raises(ValueError, match="must be"):
        decision_boundary_figure(bad, splits, ["no", "yes"])
    with pytest.raises(ValueError, match="2-D point data"):
        decision_boundary_figure(None, splits, ["no", "yes"])
    one_d = {"train": SplitView("train", np.zeros((3, 1)), np.zeros(3, int), np.zeros(3, int))}
    with pytest.raises(ValueError, match=r"\(n, 2\+\)"):
        decision_boundary_figure(grid, one_d, ["no", "yes"])


def test_regression_curve_and_points(rng):
    curve = samples.curve()
    train = samples.regression_split("train", 30, rng)
    test = samples.regression_split("test", 10, rng)
    fig = regression_figure(curve, {"train": train, "test": test})
    assert_sound(fig)
    model = [t for t in fig.data if t.name == "model"][0]
    np.testing.assert_array_equal(model.x, curve.x)
    np.testing.assert_allclose(np.asarray(model.y, dtype=float), curve.y)
    points = {t.name: t for t in fig.data if t.mode == "markers"}
    np.testing.assert_array_equal(points["train"].x, train.X[:, 0])
    np.testing.assert_array_equal(points["test"].y, test.y_true)
    low, high = fig.layout.yaxis.range
    every = np.concatenate([train.y_true, test.y_true])
    assert low < every.min() and every.max() < high


def test_predicted_vs_actual_with_identity_line(rng):
    train = samples.regression_split("train", 30, rng, inputs=3)
    fig = regression_figure(None, {"train": train})
    assert_sound(fig)
    points = [t for t in fig.data if t.mode == "markers"][0]
    np.testing.assert_array_equal(points.x, train.y_true)
    np.testing.assert_allclose(np.asarray(points.y, dtype=float), train.y_pred)
    line = [t for t in fig.data if t.mode == "lines"][0]
    assert list(line.x) == list(line.y)                       # y = x
    assert fig.layout.xaxis.range == fig.layout.yaxis.range
    bad = SplitView("train", train.X, train.y_true, train.y_pred[:-1])
    with pytest.raises(ValueError, match="must match"):
        regression_figure(None, {"train": bad})
    assert_sound(regression_figure(None, {}))
