"""The engine against Keras 3 itself (torch backend, float64): same weights, same data.

Every activation, loss, regularizer, optimizer and layer we have is run through both; values
agree to 1e-12 and gradients (Keras's through torch autograd) to 1e-10. Keras's floatx is
float64 while these tests run (it makes learning rates and penalty strengths in floatx).
"""
from __future__ import annotations

import math
import os

import numpy as np
import pytest

os.environ["KERAS_BACKEND"] = "torch"       # before keras is imported anywhere
keras = pytest.importorskip("keras")
torch = pytest.importorskip("torch")

from playground import nn  # noqa: E402
from playground.nn import activations, losses, optimizers, regularizers  # noqa: E402

if keras.backend.backend() != "torch":
    pytest.skip("keras was imported with another backend first", allow_module_level=True)

@pytest.fixture(autouse=True, scope="module")
def _keras_in_float64():
    """Keras in float64 while these tests run: constants (learning rates, penalty strengths)
    and layers follow floatx and the dtype policy, and outside TensorFlow Keras's type
    promotion turns every 64-bit result into 32 bits, as JAX does by default
    (``keras.src.backend.common.dtypes.BIT64_TO_BIT32_DTYPE``: a float64 matmul would run
    in float32). That table is set to keep float64 here: the same Keras code, in float64."""
    from keras.src.backend.common import dtypes
    before, policy = keras.config.floatx(), keras.config.dtype_policy()
    downcast = dtypes.BIT64_TO_BIT32_DTYPE["float64"]
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")    # layers made without dtype= follow it
    dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"
    yield
    dtypes.BIT64_TO_BIT32_DTYPE["float64"] = downcast
    keras.config.set_floatx(before)
    keras.config.set_dtype_policy(policy)


# Keras's torch backend hands NumPy 2 tensors whose __array__ has no copy= (its warning)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

VALUE_TOL = dict(rtol=1e-12, atol=1e-12)
GRAD_TOL = dict(rtol=1e-10, atol=1e-12)


def _t(array, grad=False):
    return torch.tensor(np.asarray(array, dtype=np.float64), requires_grad=grad)


def _np(tensor):
    return tensor.detach().cpu().numpy()


# ----- activations ----------------------------------------------------------------------
KERAS_ACTIVATIONS = {
    "linear": keras.activations.linear, "sigmoid": keras.activations.sigmoid,
    "tanh": keras.activations.tanh, "relu": keras.activations.relu,
    "leaky_relu": keras.activations.leaky_relu, "elu": keras.activations.elu,
    "swish": keras.activations.swish, "gelu": keras.activations.gelu,
    "gelu_tanh": lambda x: keras.activations.gelu(x, approximate=True),
    "softmax": keras.activations.softmax,
}


def test_every_activation_has_a_keras_counterpart():
    assert sorted(KERAS_ACTIVATIONS) == sorted(activations.ACTIVATIONS)


@pytest.mark.parametrize("name", sorted(KERAS_ACTIVATIONS))
def test_activation_value_and_slope_match_keras(name):
    rng = np.random.default_rng(3)
    z = rng.normal(scale=3.0, size=(7, 5))
    z[np.abs(z) < 1e-3] = 0.5                 # away from the kinks of relu & co
    upstream = rng.normal(size=z.shape)
    ours = activations.get(name)
    a = ours.forward(z.copy())
    grad = ours.backward(upstream.copy(), a.copy(), z.copy())
    zt = _t(z, grad=True)
    at = KERAS_ACTIVATIONS[name](zt)
    (at * _t(upstream)).sum().backward()
    np.testing.assert_allclose(a, _np(at), **VALUE_TOL)
    np.testing.assert_allclose(grad, _np(zt.grad), **GRAD_TOL)


def test_gelu_is_exact_where_the_issue_measured_it():
    assert activations.get("gelu").forward(np.array([1.0]))[0] == pytest.approx(
        0.8413447460685429, rel=1e-15)      # 1 * Phi(1), Keras 0.841345; tanh form 0.841192


# ----- losses ---------------------------------------------------------------------------
def _loss_case(name, rng):
    if name == "sparse_categorical_crossentropy":
        logits = rng.normal(size=(6, 4))
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        return rng.integers(0, 4, size=6), p
    if name == "categorical_crossentropy":
        logits = rng.normal(size=(6, 4))
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        return np.eye(4)[rng.integers(0, 4, size=6)], p
    if name == "binary_crossentropy":
        return rng.integers(0, 2, size=(6, 3)).astype(float), rng.uniform(0.05, 0.95, (6, 3))
    return rng.normal(size=(6, 3)), rng.normal(scale=2.0, size=(6, 3))


KERAS_LOSSES = {
    "mse": lambda: keras.losses.MeanSquaredError(),
    "mae": lambda: keras.losses.MeanAbsoluteError(),
    "huber": lambda: keras.losses.Huber(),
    "binary_crossentropy": lambda: keras.losses.BinaryCrossentropy(),
    "categorical_crossentropy": lambda: keras.losses.CategoricalCrossentropy(),
    "sparse_categorical_crossentropy":
        lambda: keras.losses.SparseCategoricalCrossentropy(),
}


def test_every_loss_has_a_keras_counterpart():
    assert sorted(KERAS_LOSSES) == sorted(losses.LOSSES)


@pytest.mark.parametrize("name", sorted(KERAS_LOSSES))
def test_loss_value_and_gradient_match_keras(name):
    y, p = _loss_case(name, np.random.default_rng(4))
    loss = losses.get(name)
    y_ours = loss.prepare_targets(y, p.shape[1:], np.float64)
    value, grad = loss(y_ours, p), loss.gradient(y_ours, p)
    pt = _t(p, grad=True)
    reference = KERAS_LOSSES[name]()(torch.tensor(y), pt)
    reference.backward()
    assert value == pytest.approx(float(reference.detach()), rel=1e-12)
    np.testing.assert_allclose(grad, _np(pt.grad), **GRAD_TOL)


def test_huber_with_a_delta_matches_keras():
    y, p = _loss_case("huber", np.random.default_rng(5))
    reference = keras.losses.Huber(delta=0.5)(_t(y), _t(p))
    assert losses.Huber(0.5)(y, p) == pytest.approx(float(reference), rel=1e-12)


@pytest.mark.parametrize("name", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_categorical_losses_normalise_rows_as_keras(name):
    """Outputs that are not softmax rows (sums 0.4 .. 3): Keras divides by the row sum."""
    rng = np.random.default_rng(8)
    p = rng.uniform(0.1, 1.0, size=(5, 4))
    labels = rng.integers(0, 4, size=5)
    y = labels if name.startswith("sparse") else np.eye(4)[labels]
    loss = losses.get(name)
    y_ours = loss.prepare_targets(y, (4,), np.float64)
    pt = _t(p, grad=True)
    reference = KERAS_LOSSES[name]()(torch.tensor(y), pt)
    reference.backward()
    assert loss(y_ours, p) == pytest.approx(float(reference.detach()), rel=1e-12)
    np.testing.assert_allclose(loss.gradient(y_ours, p), _np(pt.grad), **GRAD_TOL)


# ----- regularizers ---------------------------------------------------------------------
@pytest.mark.parametrize("name,strengths", [("L1", (0.03,)), ("L2", (0.03,)),
                                            ("L1L2", (0.02, 0.05))])
def test_regularizer_value_and_gradient_match_keras(name, strengths):
    ours = getattr(regularizers, name)(*strengths)
    theirs = getattr(keras.regularizers, name)(*strengths)     # made in floatx float64
    w = np.random.default_rng(6).normal(size=(4, 3))
    wt = _t(w, grad=True)
    penalty = theirs(wt)
    penalty.backward()
    assert ours(w) == pytest.approx(float(penalty.detach()), rel=1e-12)
    np.testing.assert_allclose(ours.gradient(w), _np(wt.grad), **GRAD_TOL)


# ----- optimizers -----------------------------------------------------------------------
LR = 2.0 ** -6
OPTIMIZER_CASES = {
    "sgd": (dict(learning_rate=LR), keras.optimizers.SGD),
    "sgd_momentum": (dict(learning_rate=LR, momentum=0.9), keras.optimizers.SGD),
    "sgd_nesterov": (dict(learning_rate=LR, momentum=0.8, nesterov=True),
                     keras.optimizers.SGD),
    "rmsprop": (dict(learning_rate=LR), keras.optimizers.RMSprop),
    "rmsprop_momentum_centered": (dict(learning_rate=LR, rho=0.8, momentum=0.5, centered=True),
                                  keras.optimizers.RMSprop),
    "adagrad": (dict(learning_rate=LR), keras.optimizers.Adagrad),
    "adam": (dict(learning_rate=LR, beta_1=0.8, beta_2=0.99), keras.optimizers.Adam),
    "adamw": (dict(learning_rate=LR, weight_decay=0.1), keras.optimizers.AdamW),
}
_OUR_OPTIMIZER = {"sgd_momentum": "sgd", "sgd_nesterov": "sgd",
                  "rmsprop_momentum_centered": "rmsprop"}


def test_every_optimizer_is_checked():
    assert {_OUR_OPTIMIZER.get(k, k) for k in OPTIMIZER_CASES} == set(optimizers.OPTIMIZERS)


@pytest.mark.parametrize("case", sorted(OPTIMIZER_CASES))
def test_optimizer_steps_match_keras(case):
    settings, keras_class = OPTIMIZER_CASES[case]
    rng = np.random.default_rng(7)
    # small gradients (1e-4) and ordinary ones: epsilon matters for the first
    params = [rng.normal(size=(3, 2)), rng.normal(size=(4,))]
    steps = [[rng.normal(scale=scale, size=p.shape) for p in params]
             for scale in (1e-4, 1e-4, 1.0, 0.3, 2.0, 1e-3)]
    variables = [keras.Variable(p.copy(), dtype="float64") for p in params]
    reference = keras_class(**settings)
    ours = optimizers.OPTIMIZERS[_OUR_OPTIMIZER.get(case, case)](**settings)
    for grads in steps:
        ours.apply(params, grads)
        reference.apply([_t(g) for g in grads], variables)
    for value, variable in zip(params, variables):
        np.testing.assert_allclose(value, _np(variable.value), **VALUE_TOL)


@pytest.mark.parametrize("name", ["rmsprop", "adagrad"])
def test_epsilon_goes_inside_the_square_root(name):
    """The issue's numbers: lr 1e-3, rho 0.9, eps 1e-7, gradient 2e-4, one step."""
    weight, grad = np.array([0.0]), np.array([2e-4])     # from 0: the step itself, exact
    opt = optimizers.get(name)
    opt.learning_rate = 1e-3
    opt.apply([weight], [grad])
    squares = 0.1 * 4e-8 if name == "rmsprop" else 0.1 + 4e-8
    by_hand = 1e-3 * 2e-4 / math.sqrt(squares + 1e-7)
    assert -weight[0] == pytest.approx(by_hand, rel=1e-12, abs=0)
    if name == "rmsprop":
        assert -weight[0] == pytest.approx(0.0006202, abs=5e-8)   # Keras, in the issue
    variable = keras.Variable(np.array([0.0]), dtype="float64")
    type(keras.optimizers.get(name))(learning_rate=1e-3).apply([_t(grad)], [variable])
    assert -weight[0] == pytest.approx(-_np(variable.value)[0], rel=1e-12, abs=0)


# ----- layers ---------------------------------------------------------------------------
L = keras.layers
LAYER_CASES = {   # name: (our layer, keras layer, per-sample input shape, training)
    "dense_tanh": (lambda: nn.Dense(4, activation="tanh"),
                   lambda: L.Dense(4, activation="tanh"), (3,), True),
    "dense_gelu_on_sequences": (lambda: nn.Dense(3, activation="gelu"),
                                lambda: L.Dense(3, activation="gelu"), (5, 2), True),
    "dense_no_bias_softmax": (lambda: nn.Dense(3, activation="softmax", use_bias=False),
                              lambda: L.Dense(3, activation="softmax", use_bias=False),
                              (4,), True),
    "conv2d_valid": (lambda: nn.Conv2D(3, 3, activation="relu"),
                     lambda: L.Conv2D(3, 3, activation="relu"), (6, 5, 2), True),
    "conv2d_same_stride2": (lambda: nn.Conv2D(2, (3, 2), strides=2, padding="same",
                                              activation="swish"),
                            lambda: L.Conv2D(2, (3, 2), strides=2, padding="same",
                                             activation="swish"), (7, 6, 3), True),
    "maxpool_valid": (lambda: nn.MaxPool2D(2), lambda: L.MaxPooling2D(2), (6, 4, 2), True),
    "maxpool_same_3_stride2": (lambda: nn.MaxPool2D(3, strides=2, padding="same"),
                               lambda: L.MaxPooling2D(3, strides=2, padding="same"),
                               (7, 6, 2), True),
    "flatten": (lambda: nn.Flatten(), lambda: L.Flatten(), (3, 2, 2), True),
    "dropout_inference": (lambda: nn.Dropout(0.5), lambda: L.Dropout(0.5), (4,), False),
    "simple_rnn": (lambda: nn.SimpleRNN(4), lambda: L.SimpleRNN(4), (5, 3), True),
    "simple_rnn_sequences_relu": (
        lambda: nn.SimpleRNN(3, activation="relu", return_sequences=True),
        lambda: L.SimpleRNN(3, activation="relu", return_sequences=True), (4, 2), True),
    "lstm": (lambda: nn.LSTM(3), lambda: L.LSTM(3), (5, 2), True),
    "lstm_sequences": (lambda: nn.LSTM(2, return_sequences=True),
                       lambda: L.LSTM(2, return_sequences=True), (4, 3), True),
    "batchnorm_training": (lambda: nn.BatchNormalization(momentum=0.9),
                           lambda: L.BatchNormalization(momentum=0.9), (3,), True),
    "batchnorm_inference": (lambda: nn.BatchNormalization(),
                            lambda: L.BatchNormalization(), (4, 4, 2), False),
    "batchnorm_frozen_while_training": (
        lambda: nn.BatchNormalization(trainable=False),
        lambda: L.BatchNormalization(trainable=False), (3,), True),
}


def test_every_layer_type_is_checked():
    from playground.nn.layers import LAYERS
    checked = {type(make()).__name__ for make, _, _, _ in LAYER_CASES.values()}
    assert checked == {cls.__name__ for cls in LAYERS.values()}


def _keras_twin(case, rng):
    """(our built layer, the Keras layer holding the same weights, x, upstream gradient)."""
    make_ours, make_theirs, shape, _ = LAYER_CASES[case]
    ours, theirs = make_ours(), make_theirs()
    ours.build(shape, rng, np.float64)
    for key in ours.params:      # away from the defaults (zero bias, unit gamma, ...)
        ours.params[key][...] = rng.normal(scale=0.5, size=ours.params[key].shape)
        if key == "moving_variance":
            ours.params[key][...] = rng.uniform(0.5, 2.0, size=ours.params[key].shape)
    theirs.build((None, *shape))
    theirs.set_weights([np.array(v) for v in ours.params.values()])
    x = rng.normal(scale=1.5, size=(6, *shape))
    upstream = rng.normal(size=(6, *ours.output_shape))
    return ours, theirs, x, upstream


@pytest.mark.parametrize("case", sorted(LAYER_CASES))
def test_layer_output_and_gradients_match_keras(case):
    ours, theirs, x, upstream = _keras_twin(case, np.random.default_rng(9))
    training = LAYER_CASES[case][3]
    out = ours.forward(x.copy(), training)
    grad_x = ours.backward(upstream.copy())
    xt = _t(x, grad=True)
    out_t = theirs(xt, training=training)
    (out_t * _t(upstream)).sum().backward()
    np.testing.assert_allclose(out, _np(out_t), **VALUE_TOL)
    np.testing.assert_allclose(grad_x, _np(xt.grad), **GRAD_TOL)
    trainable = {v.name: v for v in theirs.trainable_weights}
    for key, grad in ours.grads.items():
        if key in trainable and ours.trainable:
            np.testing.assert_allclose(grad, _np(trainable[key].value.grad), **GRAD_TOL,
                                       err_msg=key)
    # moving statistics after the step (BatchNormalization), every weight otherwise
    for (key, value), variable in zip(ours.params.items(), theirs.weights):
        np.testing.assert_allclose(value, _np(variable.value), **VALUE_TOL, err_msg=key)


# ----- a whole model ----------------------------------------------------------------------
def test_training_steps_of_a_model_match_keras():
    """Dense + L2, BatchNormalization, softmax + sparse cross-entropy (our fused gradient),
    Adam: four train_on_batch steps on the same weights and data, then predict."""
    rng = np.random.default_rng(10)
    x, y = rng.normal(size=(16, 3)), rng.integers(0, 3, size=16)
    ours = nn.Sequential([nn.Dense(5, activation="tanh",
                                   kernel_regularizer=nn.regularizers.L2(0.01)),
                          nn.BatchNormalization(), nn.Dense(3, activation="softmax")],
                         input_shape=(3,), seed=0, dtype="float64")
    ours.compile(loss="sparse_categorical_crossentropy", optimizer=nn.optimizers.Adam(LR))
    theirs = keras.Sequential([keras.Input((3,)),
                               L.Dense(5, activation="tanh",
                                       kernel_regularizer=keras.regularizers.L2(0.01)),
                               L.BatchNormalization(), L.Dense(3, activation="softmax")])
    theirs.compile(loss="sparse_categorical_crossentropy",
                   optimizer=keras.optimizers.Adam(LR))
    theirs.set_weights(ours.get_weights())
    for start in range(0, 16, 4):
        batch = slice(start, start + 4)
        loss = ours.train_on_batch(x[batch], y[batch])["loss"]
        reference = theirs.train_on_batch(x[batch], y[batch])
        assert loss == pytest.approx(float(np.ravel(reference)[0]), rel=1e-12)
    for value, reference in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(value, reference, **VALUE_TOL)
    np.testing.assert_allclose(ours.predict(x), _np(theirs(_t(x), training=False)), **VALUE_TOL)
