"""Every lecture preset trains, and the lesson it is meant to show actually holds."""
import math

import numpy as np
import pytest

from playground.config import ExperimentConfig
from playground.presets import PRESETS, get_preset
from playground.training import TrainingSession


def _train(key, epochs=None, **changes):
    cfg = PRESETS[key].config.replace(**changes)
    session = TrainingSession(cfg)
    return session, session.step_epochs(epochs or cfg.epochs)


def test_every_preset_is_described_and_trains_a_few_epochs():
    assert len(PRESETS) >= 6
    for key, preset in PRESETS.items():
        assert preset.key == key and preset.title
        assert 2 <= preset.notice.count(".") + preset.notice.count("!") <= 4, key
        assert isinstance(preset.config, ExperimentConfig)
        snap = TrainingSession(preset.config).step_epochs(2)
        assert snap.epoch == 2 or snap.status == "diverged", key
        assert all(math.isfinite(x) for v in snap.history.values() for x in v)
    assert get_preset("Spiral needs depth").key == "spiral_depth"
    with pytest.raises(ValueError, match="Known presets"):
        get_preset("nope")


def test_xor_fails_without_a_hidden_layer_and_works_with_one():
    _, without = _train("xor_no_hidden")
    _, with_hidden = _train("xor_hidden")
    assert 0.4 <= without.history["accuracy"][-1] <= 0.75
    assert without.metrics["test"]["accuracy"] <= 0.8
    assert with_hidden.history["accuracy"][-1] >= 0.95
    assert with_hidden.metrics["test"]["accuracy"] >= 0.9


def test_line_preset_recovers_w_and_b_in_original_units():
    session, snap = _train("line_regression")
    w, b = session.linear_fit()
    assert w == pytest.approx(2.0, abs=0.1) and b == pytest.approx(3.0, abs=0.3)
    # with N(0, 1) noise on x in [1, 10] the best possible R² is about 0.965
    assert snap.metrics["test"]["r2"] > 0.9
    assert snap.curve is not None


def test_large_learning_rate_diverges_and_the_session_reports_it():
    session, snap = _train("lr_too_large")
    assert snap.status == "diverged"
    assert "smaller learning rate" in snap.message
    assert snap.epoch < PRESETS["lr_too_large"].config.epochs
    # the lesson: the loss grows epoch after epoch on the way there (seen, not skipped)
    losses = snap.history["loss"]
    assert len(losses) >= 3 and snap.epoch == len(losses)
    assert all(later > earlier for earlier, later in zip(losses, losses[1:]))
    assert losses[-1] > 1e6 * losses[0]
    # a much smaller rate trains fine on the same data
    _, calm = _train("lr_too_large", learning_rate=0.03)
    assert calm.status == "training"


def _first_to_last_gradient_ratio(snap):
    norms = [np.mean(v) for v in snap.grad_norms.values()]
    return norms[0] / norms[-1]


def test_sigmoid_gradients_vanish_in_a_deep_net_and_relu_ones_do_not():
    _, sigmoid = _train("sigmoid_deep", epochs=20)
    _, relu = _train("relu_deep", epochs=20)
    assert len(sigmoid.grad_norms) == 9
    assert _first_to_last_gradient_ratio(sigmoid) < 1e-3
    assert _first_to_last_gradient_ratio(relu) > 0.1
    _, relu = _train("relu_deep")
    assert relu.history["accuracy"][-1] > 0.9


@pytest.mark.slow
def test_spiral_needs_depth():
    _, deep = _train("spiral_depth", epochs=150)
    _, shallow = _train("spiral_depth", epochs=150, hidden_layers=(16,))
    assert deep.history["accuracy"][-1] >= 0.95
    assert shallow.history["accuracy"][-1] <= 0.85


def test_feature_crosses_solve_the_circle_without_hidden_layers():
    _, snap = _train("circle_features")
    assert snap.history["accuracy"][-1] >= 0.95
    _, plain = _train("circle_features", features=("x1", "x2"))
    assert plain.history["accuracy"][-1] <= 0.8


def test_overfitting_shows_and_l2_narrows_the_gap():
    _, free = _train("overfitting")
    _, l2 = _train("overfitting", regularization="l2")
    gap = free.history["val_loss"][-1] - free.history["loss"][-1]
    assert free.history["val_loss"][-1] > 2 * min(free.history["val_loss"])
    assert l2.history["val_loss"][-1] - l2.history["loss"][-1] < gap / 3


def test_cnn_preset_reads_digits():
    _, snap = _train("cnn_digits", epochs=8)
    assert snap.metrics["test"]["accuracy"] >= 0.9
    assert [layer.kind for layer in snap.layers][:2] == ["Conv2D", "MaxPool2D"]


def test_lstm_preset_continues_the_sine_wave():
    _, first = _train("lstm_sine", epochs=1)
    _, snap = _train("lstm_sine")
    assert snap.layers[0].kind == "LSTM"
    # predicting the next value of a clean wave: almost all variance explained
    assert snap.metrics["test"]["r2"] > 0.99 > first.metrics["test"]["r2"]


def test_autoencoder_preset_rebuilds_digits_through_a_narrow_layer():
    _, first = _train("autoencoder_digits", epochs=1)
    _, snap = _train("autoencoder_digits")
    assert min(layer.units for layer in snap.layers if layer.units) == 8
    test = snap.splits["test"]
    assert test.y_pred.shape == (len(test.X), 64)
    # the reconstruction error falls well below the first epoch's and below the error of
    # predicting every pixel's mean image
    mean_image_mse = float(np.mean((test.y_true - test.y_true.mean(axis=0)) ** 2))
    assert snap.metrics["test"]["mse"] < 0.6 * first.metrics["test"]["mse"]
    assert snap.metrics["test"]["mse"] < 0.5 * mean_image_mse


def _edge_share(kernel: np.ndarray) -> np.ndarray:
    """Per first-layer 3x3 filter (kernel (3, 3, 1, filters)): the share of its weights'
    energy in the two linear ramps (left-right and top-bottom contrast) once its mean is
    removed; an edge detector (Sobel) scores about 0.9, random weights about 0.25."""
    rows, cols = np.mgrid[-1:2, -1:2].astype(float)
    ramps = np.stack([cols.ravel(), rows.ravel()]) / np.sqrt(6)
    w = kernel[:, :, 0, :].reshape(9, -1).T
    w = w - w.mean(axis=1, keepdims=True)
    return ((w @ ramps.T) ** 2).sum(axis=1) / (w ** 2).sum(axis=1)


def test_a_cnns_first_filters_turn_into_edge_detectors():
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)[:, :, None, None]
    assert _edge_share(sobel)[0] > 0.85                      # the measure itself
    for seed in (0, 2):                                      # not one lucky start
        session = TrainingSession(PRESETS["cnn_filters"].config.replace(seed=seed))
        start = _edge_share(session.model.layers[0].params["kernel"].copy())
        snap = session.step_epochs(PRESETS["cnn_filters"].config.epochs)
        trained = _edge_share(snap.layers[0].weights["kernel"])
        assert trained.mean() > 1.3 * start.mean(), seed
        assert np.count_nonzero(trained > 0.5) >= 3, (seed, trained.round(2))
        assert snap.metrics["test"]["accuracy"] >= 0.95


def _nearest_neighbour_accuracy(session, k: int = 5) -> float:
    """Test digits named by a k-nearest-neighbour vote among the training digits' codes in
    the 2-D middle layer (computed here from the weights with NumPy, not by the session)."""
    layers = [layer for layer in session.model.layers if "kernel" in layer.params][:2]
    act = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}

    def codes(X):
        out = X.reshape(len(X), -1).astype(np.float64)
        for layer in layers:
            out = act[layer.activation](out @ layer.params["kernel"] + layer.params["bias"])
        return out
    train, test = session.prepared.splits["train"], session.prepared.splits["test"]
    distance = ((codes(test.X)[:, None, :] - codes(train.X)[None]) ** 2).sum(axis=-1)
    votes = train.labels[np.argsort(distance, axis=1)[:, :k]]
    named = np.array([np.bincount(v, minlength=10).argmax() for v in votes])
    return float(np.mean(named == test.labels))


def test_digits_gather_by_kind_in_a_2d_latent_space():
    session = TrainingSession(PRESETS["latent_digits"].config)
    at_start = _nearest_neighbour_accuracy(session)
    snap = session.step_epochs(PRESETS["latent_digits"].config.epochs)
    assert snap.latent is not None and snap.latent.points.shape[1] == 2
    np.testing.assert_array_equal(snap.latent.labels, session.prepared.splits["test"].labels)
    accuracy = _nearest_neighbour_accuracy(session)
    assert accuracy >= 0.55 and accuracy >= 1.8 * at_start   # chance is 0.1
    # the decoder draws different pictures in different regions of the plane
    decoded = snap.latent.decoded
    assert np.abs(decoded[0, 0] - decoded[-1, -1]).mean() > 0.2 * decoded.std()


def test_backprop_preset_steps_by_exactly_the_update_the_inspector_prints():
    session = TrainingSession(PRESETS["backprop_by_hand"].config)
    assert [layer.units for layer in session.model.layers] == [2, 1]
    session.follow_next = True
    session.step_batches(5)                         # mid-epoch, and at an epoch's start
    for steps in range(2):
        for layer_index, unit in ((0, 1), (1, 0)):
            session.inspect(layer_index, unit, 0)
            trace = session.snapshot().neuron
            assert trace.row == session.next_row()  # the point the next batch trains on
            layer = session.model.layers[layer_index]
            before = np.append(layer.params["kernel"][:, unit], layer.params["bias"][unit])
            weights = session.model.get_weights()
            state = [s.copy() for s in session.model.optimizer.get_state()]
            session.step_batches(1)
            after = np.append(layer.params["kernel"][:, unit], layer.params["bias"][unit])
            np.testing.assert_allclose(after - before, trace.step.change, rtol=1e-4,
                                       atol=1e-7)
        session.step_epochs(1)                      # now at the start of an epoch
    _, snap = _train("backprop_by_hand")
    assert snap.history["accuracy"][-1] >= 0.95


def test_momentum_wins_the_race_down_the_narrow_valley():
    session = TrainingSession(PRESETS["optimizer_race"].config)
    session.step_epochs(1)
    session.run_race(min_batches=100)               # 10 epochs of 10 batches
    land = session.snapshot().landscape
    paths = land.race
    assert list(paths) == ["sgd", "momentum", "adam"]
    starts = np.array([path[0] for path in paths.values()])
    np.testing.assert_array_equal(starts, np.repeat(starts[:1], 3, axis=0))
    assert all(len(path) == 101 for path in paths.values())
    distance = {name: float(np.linalg.norm(path[-1] - land.optimum))
                for name, path in paths.items()}
    assert distance["momentum"] < 0.3 * distance["sgd"]
    assert distance["momentum"] < 0.3 * distance["adam"]
    # Adam's first steps move both weights by about the learning rate, whatever the slope
    steps = np.abs(np.diff(paths["adam"][:11], axis=0))
    np.testing.assert_allclose(steps, 0.01, rtol=0.35)
    # the same race on scaled inputs: the valley is round and plain SGD gets most of the way
    scaled = TrainingSession(PRESETS["optimizer_race"].config.replace(scaling="standard"))
    scaled.run_race(min_batches=100)
    round_land = scaled.snapshot().landscape

    def progress(path, optimum):
        return np.linalg.norm(path[-1] - optimum) / np.linalg.norm(path[0] - optimum)
    assert progress(round_land.race["sgd"], round_land.optimum) < \
        0.5 * progress(paths["sgd"], land.optimum)


def _median_reach(session, examples: int = 10) -> float:
    """Median over test examples of |dL/dh_1| / |dL/dh_T| (the engine's BPTT, checked
    against finite differences in tests/viz/test_inside_recurrent.py)."""
    ratios = []
    for k in range(1, examples + 1):
        norms = session.snapshot().sample.recurrent.grad_norm if k == 1 else \
            session._views.sample(k).recurrent.grad_norm
        ratios.append(norms[0] / norms[-1])
    return float(np.median(ratios))


def test_an_lstm_remembers_further_back_than_a_simple_rnn():
    rnn_session, rnn = _train("memory_rnn")
    lstm_session, lstm = _train("memory_lstm")
    assert (rnn.layers[0].kind, lstm.layers[0].kind) == ("SimpleRNN", "LSTM")
    # the answer is the first of 20 values: only a network that remembers gets it
    assert lstm.metrics["test"]["r2"] >= 0.85
    assert rnn.metrics["test"]["r2"] <= lstm.metrics["test"]["r2"] - 0.1
    # and the loss's gradient reaches step 1 of the LSTM far more strongly
    assert _median_reach(lstm_session) > 2 * _median_reach(rnn_session)
