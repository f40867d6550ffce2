"""An autoencoder really rebuilds its input (2-D points too: never a quiet classifier), and
its views draw the model's own reconstructions, latent codes and errors."""
from __future__ import annotations

import numpy as np
import pytest

from playground.config import ExperimentConfig
from playground.training import ExperimentError, TrainingSession
from playground.viz import views
from playground.viz.autoencoder import reconstruction_errors
from tests.viz.checks import assert_sound

POINTS = {"dataset": "circle", "n_samples": 200, "model_kind": "autoencoder",
          "hidden_layers": (8, 1), "optimizer": "adam", "learning_rate": 0.01}


@pytest.fixture(scope="module")
def points():
    session = TrainingSession(ExperimentConfig(**POINTS))
    first = session.step_epochs(1)
    return session, first, session.step_epochs(30)


def test_an_autoencoder_on_points_is_trained_to_rebuild_them_not_to_classify(points):
    session, _, snap = points
    model = session.model
    assert model.loss.name == "mse" and model.layers[-1].activation == "linear"
    assert model.output_shape == (2,)                     # x1, x2 back, not a class
    train = session.prepared.splits["train"]
    np.testing.assert_array_equal(train.y, train.X)       # the target is the input itself
    assert snap.task == "regression" and snap.class_names is None
    assert not any("accuracy" in key for key in snap.history)
    assert snap.grid is None and not views.VIEWS["boundary"].fits(snap)
    assert not views.VIEWS["confusion"].fits(snap)
    assert views.choose(snap, "main").name == "points_rebuilt"


def test_the_points_view_draws_the_models_own_reconstructions(points):
    session, first, snap = points
    test = session.prepared.splits["test"]
    rebuilt = session.prepared.target_to_original(
        session.model.predict(test.X).astype(np.float64))
    figure = views.draw("points_rebuilt", snap)
    assert_sound(figure)
    inputs, outputs = figure.data[1], figure.data[2]
    np.testing.assert_allclose(inputs.x, test.X_original[:, 0])
    np.testing.assert_allclose(np.column_stack([outputs.x, outputs.y]), rebuilt, rtol=1e-5,
                               atol=1e-6)
    # classes colour the points (they are not trained on)
    assert len(set(inputs.marker.line.color)) == 2
    # the lesson: a 1-unit bottleneck learns to rebuild; the error falls while training
    assert snap.metrics["test"]["mse"] < 0.7 * first.metrics["test"]["mse"]


def test_an_autoencoder_on_points_without_x1_and_x2_is_refused_in_plain_words():
    with pytest.raises(ExperimentError, match="needs x1 and x2"):
        TrainingSession(ExperimentConfig(**{**POINTS, "features": ("x1²", "x2²")}))


@pytest.fixture(scope="module")
def latent():
    cfg = ExperimentConfig(dataset="digits", model_kind="autoencoder", hidden_layers=(16, 2),
                           activation="relu", optimizer="adam", learning_rate=0.01,
                           batch_size=32)
    session = TrainingSession(cfg)
    return session, session.step_epochs(2)


def test_the_latent_view_holds_the_middle_layers_outputs_and_the_classes(latent):
    session, snap = latent
    test = session.prepared.splits["test"]
    by_hand = test.X.reshape(len(test), -1).astype(np.float64)
    for layer in snap.layers[:3]:                        # flatten, dense 16, dense 2
        if "kernel" in layer.weights:
            by_hand = np.maximum(by_hand @ layer.weights["kernel"] + layer.weights["bias"], 0)
    np.testing.assert_allclose(snap.latent.points, by_hand, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(snap.latent.labels, session.prepared.splits["test"].labels)
    figure = views.draw("latent", snap)
    assert_sound(figure)
    markers = [trace for trace in figure.data if trace.mode == "markers"]
    assert len(markers) == 10                             # one trace per digit
    names = figure.data[-1]                               # each digit's name at its median
    k = int(np.flatnonzero(snap.latent.labels == 3)[0])
    three = snap.latent.points[snap.latent.labels == 3]
    assert names.text[3] == "<b>3</b>" and snap.latent.labels[k] == 3
    assert names.x[3] == pytest.approx(np.median(three[:, 0]))
    assert views.choose(snap, "main").name == "latent"


def test_the_decoder_grid_draws_what_the_decoder_makes_of_each_grid_point(latent):
    session, snap = latent
    lat = snap.latent
    i, j = 3, 7
    code = np.array([[lat.grid_x[j], lat.grid_y[i]]], dtype=np.float32)
    out = code
    for layer in session.model.layers[3:]:
        out = layer.forward(out, False)
    image = session.prepared.target_to_original(out.astype(np.float64)).reshape(8, 8)
    np.testing.assert_allclose(lat.decoded[i, j], image, rtol=1e-5, atol=1e-6)
    assert_sound(views.draw("latent_grid", snap))


def test_reconstruction_errors_per_example_are_the_mean_squared_differences(latent):
    _, snap = latent
    test = snap.splits["test"]
    errors = reconstruction_errors(test)
    k = 11
    assert errors[k] == pytest.approx(np.mean((test.y_true[k] - test.y_pred[k]) ** 2))
    figure = views.draw("rebuild_error", snap)
    assert_sound(figure)
    assert figure.data[0].y[0] == pytest.approx(errors.max())
    assert f"mean {errors.mean():.4g}" in figure.layout.title.text
