"""Training health and the activation/loss explainer against a hand-written forward pass
over the training rows, the functions' closed forms and finite differences."""
from __future__ import annotations

import numpy as np
import pytest

from playground.config import ExperimentConfig
from playground.traces import activity as act
from playground.training import TrainingSession

FUNCTIONS = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
             "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "linear": lambda z: z}


def _session(**settings) -> TrainingSession:
    base = dict(dataset="circle", n_samples=200, hidden_layers=(6, 5), activation="relu",
                optimizer="sgd")
    session = TrainingSession(ExperimentConfig(**{**base, **settings}))
    session.step_epochs(1)
    return session


def _hand_outputs(session):
    """[(z, a)] float64 of every Dense layer on all training rows."""
    current = session.prepared.splits["train"].X.astype(np.float64)
    found = []
    for layer in session.model.layers:
        z = current @ layer.params["kernel"].astype(np.float64) + \
            layer.params["bias"].astype(np.float64)
        current = FUNCTIONS[layer.activation](z)
        found.append((z, current))
    return found


def _kill_unit(session, layer_index: int, unit: int) -> None:
    """Make one unit's output 0 on every point: no weights in, a large negative bias."""
    layer = session.model.layers[layer_index]
    layer.params["kernel"][:, unit] = 0
    layer.params["bias"][unit] = -5
    session._views.invalidate()


def test_dead_units_are_those_at_zero_on_every_training_point():
    session = _session()
    _kill_unit(session, 1, 3)
    _kill_unit(session, 1, 0)
    snap = session.snapshot()
    hand = _hand_outputs(session)
    for layer, (_, a) in zip(snap.activity, hand):
        np.testing.assert_array_equal(layer.dead, a.max(axis=0) <= 0)
        np.testing.assert_allclose(layer.percentiles, np.percentile(a, act.PERCENTILES),
                                   rtol=1e-5, atol=1e-6)
    assert snap.activity[1].dead.sum() == 2
    assert any(s.startswith("Layer 2 (relu): 2 of 5 units are dead") for s in snap.health)
    assert not any(s.startswith("Layer 1") for s in snap.health)


def test_saturated_units_sit_on_the_flat_end_for_most_points():
    session = _session(activation="tanh")
    layer = session.model.layers[0]
    layer.params["kernel"][:, :2] = 50            # two units driven far into saturation
    session._views.invalidate()
    snap = session.snapshot()
    _, a = _hand_outputs(session)[0]
    share = (np.abs(a) >= 0.98).mean(axis=0)
    np.testing.assert_array_equal(snap.activity[0].saturated, share >= act.SATURATED_SHARE)
    assert snap.activity[0].saturated[:2].all()
    assert any(s.startswith("Layer 1 (tanh):") and "saturated" in s for s in snap.health)


def test_a_healthy_network_gets_no_sentence():
    assert _session(activation="tanh").snapshot().health == []


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "linear"])
def test_the_activation_curve_is_the_function_and_its_derivative(name):
    session = _session(activation=name)
    snap = session.snapshot()
    curve = snap.activation_curve
    assert curve.name == name and curve.layer_number == 1
    np.testing.assert_allclose(curve.f, FUNCTIONS[name](curve.x), rtol=1e-12, atol=1e-12)
    h = 1e-6
    numeric = (FUNCTIONS[name](curve.x + h) - FUNCTIONS[name](curve.x - h)) / (2 * h)
    away_from_kink = np.abs(curve.x) > 1e-3
    np.testing.assert_allclose(curve.slope[away_from_kink], numeric[away_from_kink],
                               rtol=1e-6, atol=1e-8)
    # where the layer's z lie: every one of the sampled z counted once, at the right place
    z, _ = _hand_outputs(session)[0]
    np.testing.assert_allclose(snap.activity[0].z_sample, z[:act.Z_SAMPLE], rtol=1e-5,
                               atol=1e-6)
    counts, _ = np.histogram(z[:act.Z_SAMPLE], bins=curve.z_edges)
    assert curve.z_counts.sum() == z[:act.Z_SAMPLE].size
    assert np.abs(curve.z_counts - counts).sum() <= 4   # float32 z on bin edges


def test_the_explainer_follows_the_inspected_neurons_layer():
    session = _session(activation="tanh")
    session.inspect(1, 0, 0)
    assert session.snapshot().activation_curve.layer_number == 2


def test_loss_curves_are_the_losses_of_one_example():
    curves = act.loss_curves("classification")
    p = curves.prediction
    np.testing.assert_allclose(curves.losses["binary_crossentropy"], -np.log(p), rtol=1e-6)
    np.testing.assert_allclose(curves.losses["mse"], (p - 1) ** 2, rtol=1e-9)
    # a confident mistake costs cross-entropy far more than squared error
    assert curves.losses["binary_crossentropy"][0] > 5 * curves.losses["mse"][0]
    regression = act.loss_curves("regression")
    q = regression.prediction
    np.testing.assert_allclose(regression.losses["mae"], np.abs(q), rtol=1e-9)
    np.testing.assert_allclose(regression.losses["huber"],
                               np.where(np.abs(q) <= 1, 0.5 * q * q, np.abs(q) - 0.5),
                               rtol=1e-9)


def test_the_history_keeps_one_row_per_epoch_and_stays_bounded():
    history = act.ActivityHistory()
    layer = _session().snapshot().activity[0]
    for epoch in (1, 1, 2, 5):
        history.record(epoch, [layer])
    epochs, values = history.copy()[layer.name]
    assert epochs == [1, 2, 5] and values.shape == (3, len(act.PERCENTILES))
    for epoch in range(6, 2000):
        history.record(epoch, [layer])
    epochs, _ = history.copy()[layer.name]
    assert len(epochs) <= act.HISTORY_CAPACITY and epochs[-1] == 1999
    assert epochs == sorted(epochs)
