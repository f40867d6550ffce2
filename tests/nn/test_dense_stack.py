"""nn.dense_stack: Dense-only models train through the fast path with the same numbers as
the general per-layer path, bit for bit, and fall back to it whenever the stack does not
describe the model any more."""
from __future__ import annotations

import numpy as np
import pytest

from playground import nn
from playground.config import ExperimentConfig
from playground.training import TrainingSession


def _twins(hidden, output, loss, optimizer, regularizer=None, use_bias=True, seed=5):
    """(fast, general): two identical compiled models, the second with the fast path off."""
    models = []
    for _ in range(2):
        layers = [nn.Dense(units, activation=act, use_bias=use_bias,
                           kernel_regularizer=regularizer) for units, act in hidden]
        layers.append(nn.Dense(output[0], activation=output[1]))
        model = nn.Sequential(layers, input_shape=(3,), seed=seed)
        model.compile(loss=loss, optimizer=optimizer)
        models.append(model)
    models[1].fast_path = False
    return models


def _data(loss, n=40, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    if loss == "sparse_categorical_crossentropy":
        return x, rng.integers(0, 3, size=n)
    if loss == "mse":
        return x, x[:, :1] * x[:, 1:2] - x[:, 2:]
    return x, (x[:, :1] * x[:, 1:2] > 0).astype(np.float32)


CASES = [
    # hidden layers, (output units, activation), loss, optimizer, penalty, bias
    ([(4, "tanh"), (2, "tanh")], (1, "sigmoid"), "binary_crossentropy", "sgd", None, True),
    ([(5, "relu"), (4, "sigmoid")], (3, "softmax"), "sparse_categorical_crossentropy",
     "adam", None, True),
    ([(4, "gelu"), (3, "swish")], (1, "linear"), "mse", "rmsprop", None, True),   # keeps z
    ([(4, "leaky_relu")], (1, "sigmoid"), "mse", "adagrad", None, True),           # not fused
    ([(4, "tanh")], (1, "sigmoid"), "binary_crossentropy",
     nn.optimizers.SGD(0.1, momentum=0.9), nn.regularizers.L2(0.01), True),        # penalty
    ([(4, "elu"), (3, "tanh")], (1, "linear"), "huber", "adamw", None, False),     # no bias
]


@pytest.mark.parametrize("hidden,output,loss,optimizer,regularizer,use_bias", CASES)
def test_the_fast_path_gives_the_general_paths_weights_bit_for_bit(
        hidden, output, loss, optimizer, regularizer, use_bias):
    if not isinstance(optimizer, str):       # one optimizer object per model
        optimizer = [optimizer, nn.optimizers.get(optimizer.get_config())]
    else:
        optimizer = [optimizer, optimizer]
    fast, general = [], []
    for i in range(2):
        model = _twins(hidden, output, loss, optimizer[i], regularizer, use_bias)[i]
        (fast if i == 0 else general).append(model)
    fast, general = fast[0], general[0]
    assert fast._dense_stack() is not None and general._dense_stack() is None
    x, y = _data(loss)
    y_ready = fast.loss.prepare_targets(y, fast.output_shape, fast.dtype)
    for start in range(0, 40, 8):           # the live session's step (loss skipped) ...
        for model in (fast, general):
            model.train_on_prepared_batch(x[start:start + 8], y_ready[start:start + 8])
        _assert_same(fast, general)
    for start in range(0, 40, 10):          # ... and train_on_batch's (loss reported)
        logs = [m.train_on_batch(x[start:start + 10], y[start:start + 10])
                for m in (fast, general)]
        assert logs[0] == logs[1]
        _assert_same(fast, general)


def _assert_same(fast, general):
    assert fast.gradient_norm == general.gradient_norm
    for a, b in zip(fast.get_weights(), general.get_weights()):
        np.testing.assert_array_equal(a, b)
    for layer_a, layer_b in zip(fast.layers, general.layers):
        for key in layer_a.grads:
            np.testing.assert_array_equal(layer_a.grads[key], layer_b.grads[key])
    assert fast.optimizer.get_state() is not None
    for a, b in zip(fast.optimizer.get_state(), general.optimizer.get_state()):
        np.testing.assert_array_equal(a, b)


def test_fit_histories_agree():
    fast, general = _twins([(4, "tanh"), (2, "tanh")], (1, "sigmoid"),
                           "binary_crossentropy", "sgd")
    x, y = _data("binary_crossentropy", n=100)
    histories = [m.fit(x, y, epochs=4, batch_size=10, validation_split=0.2).history
                 for m in (fast, general)]
    assert histories[0] == histories[1]
    _assert_same(fast, general)


def test_the_default_experiment_trains_the_same_with_and_without_the_fast_path():
    sessions = [TrainingSession(ExperimentConfig()) for _ in range(2)]
    sessions[1].model.fast_path = False
    assert sessions[0].model._dense_stack() is not None
    for session in sessions:
        session.step_epochs(3)
        session.step_batches(7)
    assert sessions[0].history == sessions[1].history
    for a, b in zip(sessions[0].model.get_weights(), sessions[1].model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_only_dense_only_models_get_a_stack():
    dropout = nn.Sequential([nn.Dense(4, activation="relu"), nn.Dropout(0.5), nn.Dense(1)],
                            input_shape=(2,), seed=0)
    conv = nn.Sequential([nn.Conv2D(2, 3), nn.Flatten(), nn.Dense(1)],
                         input_shape=(5, 5, 1), seed=0)
    frozen = nn.Sequential([nn.Dense(4, trainable=False), nn.Dense(1)], input_shape=(2,),
                           seed=0)
    for model in (dropout, conv, frozen):
        model.compile(loss="mse", optimizer="sgd")
        assert model._dense_stack() is None


def test_a_weight_array_replaced_by_hand_is_trained_as_the_general_path_does():
    fast, general = _twins([(4, "tanh")], (1, "sigmoid"), "binary_crossentropy", "sgd")
    x, y = _data("binary_crossentropy")
    for model in (fast, general):
        model.train_on_batch(x[:10], y[:10])
        layer = model.layers[0]
        layer.params["kernel"] = layer.params["kernel"] * np.float32(0.5)   # not a view
    assert fast._dense_stack() is None          # the stack no longer holds: general path
    for model in (fast, general):
        model.train_on_batch(x[10:20], y[10:20])
    assert fast._dense_stack() is not None      # bound back by resync: fast again
    for model in (fast, general):
        model.train_on_batch(x[20:30], y[20:30])
    _assert_same(fast, general)


def test_a_batch_of_the_wrong_width_fails_as_on_the_general_path():
    fast, general = _twins([(4, "tanh")], (1, "sigmoid"), "binary_crossentropy", "sgd")
    wrong = np.zeros((5, 2), dtype=np.float32)
    messages = []
    for model in (fast, general):
        with pytest.raises(ValueError) as error:
            model.train_on_prepared_batch(wrong, np.zeros((5, 1), dtype=np.float32))
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    with pytest.raises(ValueError, match=r"x has shape \(5, 2\) but the model expects"):
        fast.train_on_batch(wrong, np.zeros(5))      # the checked door says it plainly
