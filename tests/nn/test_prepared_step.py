"""Sequential.train_on_prepared_batch: the live session's step must be train_on_batch's step,
bit for bit, and diverge with the same error before any weight changes."""
from __future__ import annotations

import math

import numpy as np
import pytest

from playground import nn


def _twin_models(loss, outputs, activation, regularizer=None, optimizer="sgd", seed=3):
    """Two identical compiled models (same seed): one for each way of stepping."""
    models = []
    for _ in range(2):
        model = nn.Sequential([
            nn.Dense(4, activation="tanh", kernel_regularizer=regularizer),
            nn.Dense(3, activation="relu"),
            nn.Dense(outputs, activation=activation),
        ], input_shape=(2,), seed=seed)
        model.compile(loss=loss, optimizer=optimizer)
        models.append(model)
    return models


def _data(loss, n=30, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2)).astype(np.float32)
    if loss == "sparse_categorical_crossentropy":
        return x, rng.integers(0, 3, size=n)
    return x, (x[:, :1] * x[:, 1:] > 0).astype(np.float32)


@pytest.mark.parametrize("loss,outputs,activation,regularizer,optimizer", [
    ("binary_crossentropy", 1, "sigmoid", None, "sgd"),          # loss value skipped
    ("sparse_categorical_crossentropy", 3, "softmax", None, "adam"),   # skipped too
    ("binary_crossentropy", 1, "sigmoid", nn.regularizers.L2(0.01), "sgd"),   # computed
    ("mse", 1, "sigmoid", None, "rmsprop"),                      # computed (not fused)
])
def test_prepared_steps_give_the_same_weights_and_gradients(loss, outputs, activation,
                                                            regularizer, optimizer):
    checked, prepared = _twin_models(loss, outputs, activation, regularizer, optimizer)
    x, y = _data(loss)
    y_prepared = prepared.loss.prepare_targets(y, prepared.output_shape, prepared.dtype)
    for start in range(0, len(x), 10):
        logs = checked.train_on_batch(x[start: start + 10], y[start: start + 10])
        assert prepared.train_on_prepared_batch(x[start: start + 10],
                                                y_prepared[start: start + 10]) is None
        assert math.isfinite(logs["loss"])
        assert prepared.gradient_norm == checked.gradient_norm
        for a, b in zip(checked.get_weights(), prepared.get_weights()):
            np.testing.assert_array_equal(a, b)
        for layer_a, layer_b in zip(checked.layers, prepared.layers):
            for key in layer_a.grads:
                np.testing.assert_array_equal(layer_a.grads[key], layer_b.grads[key])
    assert prepared.optimizer.iterations == checked.optimizer.iterations == 3


def _step_error(model, x, y, prepared: bool):
    before = model.get_weights()
    with np.errstate(over="ignore", invalid="ignore"), \
            pytest.raises((nn.TrainingDiverged, ValueError)) as caught:
        if prepared:
            model.train_on_prepared_batch(x, y)
        else:
            model.train_on_batch(x, y)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)          # the weights did not change
    return caught.value


def _same_error(make_model, x, y):
    checked, prepared = make_model(), make_model()
    y_prepared = prepared.loss.prepare_targets(y, prepared.output_shape, prepared.dtype)
    error_a = _step_error(checked, x, y, prepared=False)
    error_b = _step_error(prepared, x, y_prepared, prepared=True)
    assert type(error_a) is type(error_b) and str(error_a) == str(error_b)
    if isinstance(error_a, nn.TrainingDiverged):
        assert error_a.loss == error_b.loss or (math.isnan(error_a.loss) and
                                                math.isnan(error_b.loss))
        assert error_a.learning_rate == error_b.learning_rate
    return error_b


def _softmax_model(learning_rate=0.1):
    model = nn.Sequential([nn.Dense(2, activation="softmax")], input_shape=(1,), seed=0)
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=nn.optimizers.SGD(learning_rate))
    model.set_weights([np.array([[10.0, 10.0]]), np.zeros(2)])
    return model


def test_a_nan_output_is_reported_as_a_nan_loss_like_train_on_batch():
    # 3e38 * 10 overflows to inf in both logits; softmax of (inf, inf) is NaN
    x = np.full((2, 1), 3e38, dtype=np.float32)
    error = _same_error(_softmax_model, x, np.array([0, 1]))
    assert isinstance(error, nn.TrainingDiverged) and "the loss became NaN" in str(error)


def test_an_overflowing_update_is_undone_and_reports_the_loss_like_train_on_batch():
    x = np.array([[1.0], [-1.0]], dtype=np.float32)
    error = _same_error(lambda: _softmax_model(learning_rate=1e38), x, np.array([0, 1]))
    assert "would have made the weights infinite" in str(error)
    assert math.isfinite(error.loss) and error.loss > 0


def test_nan_weights_and_nan_inputs_get_the_same_plain_message():
    def nan_weights():
        model = _softmax_model()
        model.layers[0].params["bias"][0] = np.nan          # set by hand, not via set_weights
        return model
    x = np.ones((2, 1), dtype=np.float32)
    assert "weights contain NaN" in str(_same_error(nan_weights, x, np.array([0, 1])))
    x_nan = np.array([[1.0], [np.nan]], dtype=np.float32)
    assert "x contains NaN" in str(_same_error(_softmax_model, x_nan, np.array([0, 1])))


def test_a_loss_that_overflows_with_finite_gradients_is_still_caught():
    # squared error is not bounded: outputs of 1e20 square to infinity while the kernel's
    # gradient (scaled by inputs of 1e-10) and its square stay finite
    def mse_model():
        model = nn.Sequential([nn.Dense(1, use_bias=False)], input_shape=(1,), seed=0)
        model.compile(loss="mse", optimizer=nn.optimizers.SGD(1e-30))
        model.set_weights([np.array([[1e30]])])
        return model
    x = np.full((4, 1), 1e-10, dtype=np.float32)
    error = _same_error(mse_model, x, np.zeros((4, 1), dtype=np.float32))
    assert "the loss became infinite" in str(error)


def test_uncompiled_model_says_what_to_call():
    model = nn.Sequential([nn.Dense(1)], input_shape=(2,))
    with pytest.raises(ValueError, match=r"compile\(loss=..., optimizer=...\) before "
                                         r"train_on_prepared_batch"):
        model.train_on_prepared_batch(np.zeros((2, 2), np.float32), np.zeros((2, 1)))


def test_a_frozen_output_layer_still_gets_its_nan_loss_reported():
    # the frozen layer's gradients are not in the checked flat vector (here it is empty),
    # so the loss value itself must be computed and checked
    def frozen_output():
        model = _softmax_model()
        model.layers[0].trainable = False
        model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
        return model
    x = np.full((2, 1), 3e38, dtype=np.float32)
    error = _same_error(frozen_output, x, np.array([0, 1]))
    assert "the loss became NaN" in str(error)


def test_an_unbuilt_model_says_so():
    model = nn.Sequential([nn.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match="needs a built model"):
        model.train_on_prepared_batch(np.zeros((2, 2), np.float32), np.zeros((2, 1)))
