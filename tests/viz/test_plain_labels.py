"""Class labels, feature (column) names and titles holding Plotly markup are drawn as
written: in no figure does the raw text reach a trace name, hover text, tick label, axis
title, legend or annotation, where plotly.js would read its tags, entities or templates."""
from __future__ import annotations

import numpy as np
import pytest

from playground import viz
from playground.plain_text import plain_plotly
from playground.snapshot import SplitView
from tests.viz import samples

BOLD = "<b>x</b>"
LINK = "<a href='https://evil.example/'>y</a>"
TEMPLATE = "%{x}&lt;"
LABELS = [BOLD, LINK, TEMPLATE]


def strings(value):
    """Every string anywhere in a figure dict."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)
    elif isinstance(value, np.ndarray) and value.dtype.kind in "US":
        yield from (str(v) for v in value.ravel())


def assert_drawn_as_written(figure, texts):
    found = list(strings(figure.to_dict()))
    for text in texts:
        assert not [s for s in found if text in s], f"{text!r} reaches plotly as markup"
        assert any(plain_plotly(text) in s for s in found), f"{text!r} is not shown at all"


@pytest.mark.parametrize("live", [False, True])
def test_boundary_legend_hover_and_axes(live):
    rng = np.random.default_rng(0)
    layers = samples.dense_layers([2, 4, 3], rng, output_activation="softmax")
    grid = samples.grid_for(layers, feature_names=(BOLD, LINK))
    splits = {"train": samples.class_split("train", 60, 3, rng),
              "test": samples.class_split("test", 30, 3, rng)}
    figure = viz.decision_boundary_figure(grid, splits, LABELS, show_test=True, live=live)
    assert_drawn_as_written(figure, LABELS)
    binary = viz.decision_boundary_figure(
        samples.grid_for(samples.dense_layers([2, 3, 1], rng), feature_names=(BOLD, LINK)),
        {"train": samples.class_split("train", 40, 2, rng)}, [BOLD, TEMPLATE], live=live)
    assert_drawn_as_written(binary, [BOLD, LINK, TEMPLATE])


def test_confusion_matrix_ticks_hover_and_title():
    figure = viz.confusion_matrix_figure(np.eye(3, dtype=int) * 4, LABELS,
                                         title=f"Confusion matrix ({TEMPLATE})")
    assert_drawn_as_written(figure, LABELS)


def test_image_labels_and_hover():
    rng = np.random.default_rng(1)
    images = samples.digit_images(6, rng)
    y = np.array([0, 1, 2, 0, 1, 2])
    figure = viz.image_samples_figure(images, y, y[::-1], LABELS)
    assert_drawn_as_written(figure, LABELS)


def test_network_input_names_and_hover():
    rng = np.random.default_rng(2)
    layers = samples.dense_layers([3, 4, 1], rng)
    for live in (False, True):
        figure = viz.network_figure(layers, None, LABELS, live=live)
        assert_drawn_as_written(figure, LABELS)


def test_sequence_title_and_metrics_table():
    split = SplitView(BOLD, None, np.arange(5.0), np.arange(5.0) + 0.1)
    assert_drawn_as_written(viz.sequence_figure(split), [BOLD])
    table = viz.metrics_table({TEMPLATE: {"accuracy": 0.5, LINK: 0.25}})
    assert_drawn_as_written(table, [TEMPLATE, LINK])


def test_regression_legend_and_hover():
    rng = np.random.default_rng(3)
    splits = {BOLD: samples.regression_split(BOLD, 20, rng)}
    assert_drawn_as_written(viz.regression_figure(samples.curve(), splits), [BOLD])
    assert_drawn_as_written(viz.regression_figure(None, splits), [BOLD])
