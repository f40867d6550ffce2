"""The CNN views print the engine's own numbers: checked against a convolution and a max
pooling written out by hand here, from the weights alone."""
from __future__ import annotations

import numpy as np
import pytest

from playground.config import ExperimentConfig
from playground.nn import activations
from playground.training import TrainingSession
from playground.viz import views
from tests.viz.checks import assert_sound


@pytest.fixture(scope="module")
def trained():
    cfg = ExperimentConfig(dataset="digits", model_kind="cnn", conv_filters=(4, 6),
                           hidden_layers=(8,), activation="relu", optimizer="adam",
                           learning_rate=0.01, batch_size=32, example=5)
    session = TrainingSession(cfg)
    return session, session.step_epochs(1)


def _hand_convolution(image: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """'same' 3x3 convolution, stride 1, one sum per output pixel and filter (slow, plain).
    image: (h, w, c); kernel: (3, 3, c, f) -> (h, w, f) pre-activations."""
    h, w, _ = image.shape
    padded = np.pad(image.astype(np.float64), ((1, 1), (1, 1), (0, 0)))
    out = np.zeros((h, w, kernel.shape[3]))
    for r in range(h):
        for c in range(w):
            for f in range(kernel.shape[3]):
                out[r, c, f] = np.sum(padded[r:r + 3, c:c + 3] * kernel[..., f]) + bias[f]
    return out


def _model_input(session, example: int) -> np.ndarray:
    return session.prepared.splits["test"].X[example - 1]


def test_the_conv_arithmetic_adds_up_to_the_layers_own_output(trained):
    session, snap = trained
    pixel = snap.sample.conv_pixels[0]
    first = snap.layers[0]
    assert pixel.layer == first.name and snap.sample.name.startswith("test example 5")
    np.testing.assert_allclose(pixel.products, pixel.patch * pixel.kernel)
    assert pixel.total == pytest.approx(pixel.products.sum())
    assert pixel.z == pytest.approx(pixel.total + pixel.bias)
    # the layer's own output at that pixel (the engine's forward)
    assert pixel.output == pytest.approx(
        float(snap.sample.maps[first.name][pixel.row, pixel.col, pixel.filter]), rel=1e-6)
    # an independent convolution by hand from the weights and the example
    kernel, bias = first.weights["kernel"], first.weights["bias"]
    by_hand = _hand_convolution(_model_input(session, 5), kernel, bias)
    z = by_hand[pixel.row, pixel.col, pixel.filter]
    assert pixel.z == pytest.approx(z, rel=1e-5, abs=1e-6)
    assert pixel.output == pytest.approx(max(z, 0.0), rel=1e-5, abs=1e-6)   # relu
    np.testing.assert_allclose(pixel.kernel, kernel[..., pixel.filter])
    # the pixel shown is the filter map's strongest response
    assert pixel.output == pytest.approx(float(np.max(np.maximum(by_hand, 0))), rel=1e-5)


def test_the_second_conv_layers_arithmetic_runs_over_all_its_input_channels(trained):
    _, snap = trained
    pixel = snap.sample.conv_pixels[1]
    assert pixel.patch.shape == (3, 3, 4)
    fn = activations.get(pixel.activation)
    assert float(fn.forward(np.array([pixel.z]))[0]) == pytest.approx(pixel.output, rel=1e-5,
                                                                      abs=1e-6)
    figure = views.draw("conv_math", snap)
    assert_sound(figure)
    shown = snap.sample.conv_pixels[0]                  # the view writes out layer 1's pixel
    text = figure.layout.annotations[-1].text
    assert f"= z {shown.z:.4g}" in text and f"relu(z) = {shown.output:.4g}" in text


def test_feature_maps_after_pooling_are_the_max_of_each_2x2_window(trained):
    session, snap = trained
    conv, pool = snap.layers[0], snap.layers[1]
    assert pool.kind == "MaxPool2D"
    by_hand = np.maximum(_hand_convolution(_model_input(session, 5), conv.weights["kernel"],
                                           conv.weights["bias"]), 0)
    np.testing.assert_allclose(snap.sample.maps[conv.name], by_hand, rtol=1e-5, atol=1e-6)
    pooled = by_hand.reshape(4, 2, 4, 2, -1).max(axis=(1, 3))
    np.testing.assert_allclose(snap.sample.maps[pool.name], pooled, rtol=1e-5, atol=1e-6)
    figure = views.draw("feature_maps", snap)
    assert_sound(figure)
    labels = [a.text for a in figure.layout.annotations]
    assert labels[0] == "input 8×8" and labels[2] == f"{pool.name} 4×4"


def test_the_filters_view_draws_each_first_layer_kernel(trained):
    _, snap = trained
    kernel = snap.layers[0].weights["kernel"]
    figure = views.draw("filters", snap)
    assert_sound(figure)
    z = np.array(figure.data[0].z, dtype=float)          # None gaps become NaN
    bound = np.abs(kernel).max()
    for f in range(kernel.shape[3]):                     # row 1 of tiles: layer 1, channel 1
        np.testing.assert_allclose(z[0:3, 4 * f:4 * f + 3], kernel[:, :, 0, f] / bound,
                                   rtol=1e-6)
    assert np.isnan(z[0:3, 3]).all()                     # a gap between tiles


def test_cnn_views_are_offered_only_for_a_cnn(trained):
    _, snap = trained
    names = [view.name for view in views.offered("detail", snap)]
    assert {"filters", "feature_maps", "conv_math"} <= set(names)
    mlp = TrainingSession(ExperimentConfig(dataset="circle", n_samples=100)).snapshot()
    offered = [view.name for view in views.offered("detail", mlp)]
    assert not {"filters", "feature_maps", "conv_math"} & set(offered)
    assert "confusion" in offered and "metrics" in offered
    # picked before the experiment changed: the detail place falls back to its default
    assert views.choose(mlp, "detail", wanted="filters").name == "metrics"
