"""Dense, Dropout, Flatten: central-difference gradients, shapes, dtypes, initializers."""
from __future__ import annotations

import numpy as np
import pytest

from playground import nn
from playground.nn import initializers

from .gradcheck import check_layer_gradients

ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "gelu",
               "softmax"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_gradients(activation):
    rng = np.random.default_rng(0)
    check_layer_gradients(nn.Dense(4, activation=activation), (3,), rng, batch=5)


def test_dense_gradients_on_sequences_and_without_bias():
    rng = np.random.default_rng(1)
    check_layer_gradients(nn.Dense(3, activation="tanh"), (4, 2), rng)
    layer = nn.Dense(3, use_bias=False)
    check_layer_gradients(layer, (2,), rng)
    assert list(layer.params) == ["kernel"]


def test_dropout_gradients_with_a_fixed_mask_and_its_statistics():
    rng = np.random.default_rng(2)
    check_layer_gradients(nn.Dropout(0.4), (6,), rng, training=True)
    layer = nn.Dropout(0.25)
    layer.build((1000,), np.random.default_rng(3), np.float32)
    x = np.ones((20, 1000), dtype=np.float32)
    out = layer.forward(x, training=True)
    assert out.dtype == np.float32
    assert abs((out == 0).mean() - 0.25) < 0.02
    np.testing.assert_allclose(out[out != 0], 1 / 0.75)
    assert layer.forward(x, training=False) is x
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\)"):
        nn.Dropout(1.0)


def test_flatten_gradients_and_shape():
    layer = nn.Flatten()
    check_layer_gradients(layer, (2, 3, 2), np.random.default_rng(4))
    assert layer.output_shape == (12,)


def test_dense_keras_layout_float32_and_zero_bias():
    layer = nn.Dense(5, activation="relu")
    layer.build((3,), np.random.default_rng(0), np.float32)
    assert [(k, v.shape, v.dtype) for k, v in layer.params.items()] == [
        ("kernel", (3, 5), np.float32), ("bias", (5,), np.float32)]
    assert not layer.params["bias"].any()
    out = layer.forward(np.ones((2, 3), dtype=np.float32))
    assert out.dtype == np.float32 and out.shape == (2, 5)


def test_dense_refuses_bad_settings():
    with pytest.raises(ValueError, match="units"):
        nn.Dense(0)
    with pytest.raises(ValueError, match="relu6"):
        nn.Dense(3, activation="relu6")
    with pytest.raises(ValueError, match="Unknown initializer"):
        nn.Dense(3, kernel_initializer="glorot")


@pytest.mark.parametrize("name,fan_in,fan_out,expected_std", [
    ("glorot_uniform", 300, 200, np.sqrt(2 / 500)),
    ("glorot_normal", 300, 200, np.sqrt(2 / 500)),
    ("he_normal", 300, 200, np.sqrt(2 / 300)),
    ("he_uniform", 300, 200, np.sqrt(2 / 300)),
    ("lecun_normal", 300, 200, np.sqrt(1 / 300)),
])
def test_initializer_scales(name, fan_in, fan_out, expected_std):
    w = initializers.initialize(name, (fan_in, fan_out), fan_in, fan_out,
                                np.random.default_rng(0), np.float64)
    assert w.std() == pytest.approx(expected_std, rel=0.05)
    assert abs(w.mean()) < 0.01 * 3
    assert initializers.initialize("ones", (2,), 1, 1, None).tolist() == [1, 1]
    assert initializers.initialize("zeros", (2,), 1, 1, None).dtype == np.float32
