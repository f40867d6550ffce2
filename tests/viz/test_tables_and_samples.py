"""Confusion matrix, metrics table, weight histograms, image gallery, sequences."""
from __future__ import annotations

import numpy as np
import pytest

from playground.snapshot import LayerView, SplitView
from playground.viz import (
    confusion_matrix_figure,
    image_samples_figure,
    metrics_rows,
    metrics_table,
    reconstruction_figure,
    sequence_figure,
    theme,
    weights_histogram_figure,
)
from tests.viz import samples
from tests.viz.checks import assert_sound, traces_of

NAMES = ["cat", "dog", "bird", "fish", "horse"]


@pytest.fixture
def rng():
    return np.random.default_rng(11)


# ----- confusion matrix --------------------------------------------------------------------
def test_confusion_cells_show_counts_and_hover_row_percent(rng):
    matrix = rng.integers(0, 30, (5, 5))
    matrix[3] = 0                                             # a class absent from the split
    fig = confusion_matrix_figure(matrix, NAMES, "Confusion (test)")
    assert_sound(fig)
    heat = traces_of(fig, "heatmap")[0]
    assert np.asarray(heat.text).tolist() == matrix.astype(str).tolist()
    assert "%{text}" in heat.texttemplate
    percent = np.asarray(heat.customdata)
    sums = percent.sum(axis=1)
    np.testing.assert_allclose(sums[[0, 1, 2, 4]], 100.0)
    assert sums[3] == 0                                       # no division by zero
    np.testing.assert_allclose(percent[0], 100 * matrix[0] / matrix[0].sum())
    assert (heat.zmin, heat.zmax) == (0.0, 1.0)               # fixed colour range
    assert "row" in heat.hovertemplate and "%{customdata" in heat.hovertemplate
    assert list(heat.x) == NAMES and list(heat.y) == NAMES
    assert fig.layout.yaxis.autorange == "reversed"           # first class on top
    assert fig.layout.title.text == "Confusion (test)"


def test_confusion_matrix_refuses_bad_input():
    with pytest.raises(ValueError, match="square"):
        confusion_matrix_figure(np.zeros((2, 3)), ["a", "b"], "t")
    with pytest.raises(ValueError, match="class names"):
        confusion_matrix_figure(np.zeros((3, 3)), ["a", "b"], "t")
    with pytest.raises(ValueError, match="non-negative"):
        confusion_matrix_figure(np.array([[1, -1], [0, 2]]), ["a", "b"], "t")


# ----- metrics -------------------------------------------------------------------------------
def test_metrics_table_rows_and_figure():
    metrics = {"test": {"accuracy": 0.9, "f1": 0.875}, "train": {"accuracy": 0.95, "f1": 0.9}}
    rows = metrics_rows(metrics)
    assert rows == [["metric", "train", "test"], ["accuracy", "95.0%", "90.0%"],
                    ["F1", "90.0%", "87.5%"]]
    fig = metrics_table(metrics)
    assert_sound(fig)
    table = fig.data[0]
    assert table.type == "table"
    assert [list(col) for col in table.cells.values] == [
        ["accuracy", "F1"], ["95.0%", "90.0%"], ["90.0%", "87.5%"]]
    regression = metrics_rows({"train": {"mse": 0.012345, "r2": float("nan")}})
    assert regression[1:] == [["MSE", "0.01235"], ["R²", "n/a"]]
    assert_sound(metrics_table({}))
    with pytest.raises(TypeError, match="dict"):
        metrics_rows([("train", 1.0)])


# ----- weights -------------------------------------------------------------------------------
def test_one_histogram_per_kernel_counting_every_weight(rng):
    layers = samples.dense_layers([2, 8, 8, 1], rng)
    layers.insert(1, LayerView("dropout", "Dropout", 0, "", {}))
    layers.append(LayerView("conv", "Conv2D", 4, "relu",
                            {"kernel": rng.normal(0, 0.1, (3, 3, 1, 4))}))
    fig = weights_histogram_figure(layers)
    assert_sound(fig)
    bars = traces_of(fig, "bar")
    assert [b.name for b in bars] == ["dense_1", "dense_2", "dense_3", "conv"]
    kernels = [layers[0], layers[2], layers[3], layers[4]]
    for bar, layer in zip(bars, kernels):
        kernel = np.asarray(layer.weights["kernel"]).ravel()
        assert int(np.sum(bar.y)) == kernel.size
        # orange left of zero, blue right: the bar colours follow the sign of the bin
        colours = np.asarray(bar.marker.color)
        assert set(colours[np.asarray(bar.x) < 0]) <= {theme.ORANGE}
        assert set(colours[np.asarray(bar.x) > 0]) <= {theme.BLUE}
        axis = fig.layout[bar.xaxis.replace("x", "xaxis")]
        low, high = axis.range
        assert low == -high and high >= np.abs(kernel).max()
    assert bars[1].xaxis == "x2" and bars[1].yaxis == "y2"


def test_weights_histogram_with_no_kernels():
    fig = weights_histogram_figure([LayerView("drop", "Dropout", 0, "", {})])
    assert_sound(fig)
    assert len(fig.data) == 0 and fig.layout.annotations


# ----- images --------------------------------------------------------------------------------
def test_image_gallery_places_each_image_and_marks_mistakes(rng):
    X = samples.digit_images(30, rng)
    y_true = rng.integers(0, 10, 30)
    y_pred = y_true.copy()
    y_pred[[1, 5]] = (y_true[[1, 5]] + 1) % 10
    names = [str(k) for k in range(10)]
    fig = image_samples_figure(X, y_true, y_pred, names, max_images=12)
    assert_sound(fig)
    mosaic = np.asarray(traces_of(fig, "heatmap")[0].z)
    labels = [t for t in fig.data if t.name == "labels"][0]
    assert len(labels.text) == 12
    assert labels.text[1] == f"{y_true[1]} → {y_pred[1]}"
    colours = labels.textfont.color
    assert [k for k, c in enumerate(colours) if c == theme.WRONG] == [1, 5]
    assert "2 of 12 wrong" in fig.layout.title.subtitle.text   # under the title
    frames = [t for t in fig.data if t.name == "wrong"][0]
    assert list(frames.x).count(None) == 2
    # every shown image sits somewhere in the mosaic, exactly
    h, w = X.shape[1:3]
    found = 0
    for k in range(12):
        image = X[k, :, :, 0]
        hits = [(r, c) for r in range(mosaic.shape[0] - h + 1)
                for c in range(mosaic.shape[1] - w + 1)
                if np.array_equal(mosaic[r:r + h, c:c + w], image)]
        found += bool(hits)
    assert found == 12
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]    # upright images


def test_image_gallery_input_checks(rng):
    X = samples.digit_images(4, rng)
    assert_sound(image_samples_figure(X[..., 0], [0, 1, 2, 3], [0, 1, 2, 3], list("abcd")))
    with pytest.raises(ValueError, match="same number"):
        image_samples_figure(X, [0, 1], [0, 1, 2, 3], list("abcd"))
    with pytest.raises(ValueError, match="height, width"):
        image_samples_figure(np.zeros((4, 5)), [0] * 4, [0] * 4, ["a"])


# ----- sequences ---------------------------------------------------------------------------
def test_reconstructions_sit_under_their_originals(rng):
    X = rng.random((5, 6, 6, 1))
    rebuilt = (X * 0.5).reshape(5, -1)
    fig = reconstruction_figure(X, rebuilt, max_images=4, per_row=2)
    assert_sound(fig)
    mosaic = np.asarray(fig.data[0].z)
    gap = 1                                    # round(6 / 6)
    cell = 6 + gap
    assert mosaic.shape == (5 * cell, 2 * cell - gap)
    for k in range(4):
        row, col = divmod(k, 2)        # two per row: originals, rebuilt, a blank row, repeat
        top = mosaic[3 * row * cell:3 * row * cell + 6, col * cell:col * cell + 6]
        bottom = mosaic[(3 * row + 1) * cell:(3 * row + 1) * cell + 6,
                        col * cell:col * cell + 6]
        np.testing.assert_allclose(top, X[k, :, :, 0], rtol=1e-6)
        # drawn on the originals' grey scale, so values below its bottom are clipped
        expected = np.clip(X[k, :, :, 0] * 0.5, X[:4].min(), X[:4].max())
        np.testing.assert_allclose(bottom, expected, rtol=1e-6)
    # one grey scale for both rows, fixed by the originals
    assert fig.data[0].zmin == pytest.approx(X[:4].min())
    assert fig.data[0].zmax == pytest.approx(X[:4].max())
    errors = [float(t.split("RMS error ")[1]) for t in fig.data[1].text[:4]]
    expected = np.sqrt(np.mean((X[:4, :, :, 0] * 0.5) ** 2, axis=(1, 2)))
    np.testing.assert_allclose(errors, expected, rtol=1e-2)
    with pytest.raises(ValueError, match="one reconstruction per image"):
        reconstruction_figure(X, rebuilt[:, :10])


def test_sequence_actual_and_predicted_along_the_index(rng):
    actual = np.sin(np.arange(50) / 5)
    predicted = actual + rng.normal(0, 0.1, 50)
    split = SplitView("test", rng.normal(size=(50, 8, 1)), actual[:, None], predicted[:, None])
    fig = sequence_figure(split)
    assert_sound(fig)
    lines = {t.name: t for t in fig.data}
    np.testing.assert_array_equal(lines["actual"].y, actual)
    np.testing.assert_allclose(np.asarray(lines["predicted"].y, float), predicted)
    np.testing.assert_array_equal(lines["actual"].x, np.arange(50))
    low, high = fig.layout.yaxis.range
    assert low < actual.min() and actual.max() < high
    with pytest.raises(ValueError, match="must match"):
        sequence_figure(SplitView("test", None, actual, predicted[:10]))
