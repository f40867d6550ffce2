"""BatchNormalization: finite differences in both modes, torch in float64, moving statistics."""
from __future__ import annotations

import numpy as np
import pytest

from playground.nn.layers.normalization import BatchNormalization
from tests.nn.gradcheck import check_layer_gradients, relative_error


def _randomised(layer, rng):
    """gamma/beta/moving stats away from their 1/0 defaults so every term is exercised."""
    p = layer.params
    p["gamma"][:] = rng.uniform(0.5, 2.0, p["gamma"].shape)
    p["beta"][:] = rng.normal(size=p["beta"].shape)
    p["moving_mean"][:] = rng.normal(size=p["beta"].shape)
    p["moving_variance"][:] = rng.uniform(0.5, 2.0, p["beta"].shape)
    return layer


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("input_shape", [(4,), (3, 3, 2)])
def test_gradients(training, input_shape):
    rng = np.random.default_rng(0)
    layer = BatchNormalization()
    layer.build(input_shape, rng, np.float64)
    _randomised(layer, rng)
    check_layer_gradients(layer, input_shape, rng, training=training, batch=5)
    if training:   # the output ignores the moving statistics while training
        assert not layer.grads["moving_mean"].any() and not layer.grads["moving_variance"].any()


def test_matches_torch_training_and_inference():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    layer = BatchNormalization(momentum=0.9, epsilon=1e-3)
    layer.build((3,), rng, np.float64)
    _randomised(layer, rng)
    start_mean = layer.params["moving_mean"].copy()
    start_var = layer.params["moving_variance"].copy()
    x = rng.normal(2.0, 3.0, size=(6, 3))
    out = layer.forward(x, training=True)
    r = rng.normal(size=out.shape)
    grad_x = layer.backward(r)

    bn = torch.nn.BatchNorm1d(3, eps=1e-3, momentum=0.1).double()   # torch momentum = 1 - ours
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(layer.params["gamma"]))
        bn.bias.copy_(torch.tensor(layer.params["beta"]))
        bn.running_mean.copy_(torch.tensor(start_mean))
        bn.running_var.copy_(torch.tensor(start_var))
    xt = torch.tensor(x, requires_grad=True)
    yt = bn(xt)
    (yt * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(out, yt.detach().numpy(), atol=1e-12)
    assert relative_error(grad_x, xt.grad.numpy()) <= 1e-6
    assert relative_error(layer.grads["gamma"], bn.weight.grad.numpy()) <= 1e-6
    assert relative_error(layer.grads["beta"], bn.bias.grad.numpy()) <= 1e-6
    np.testing.assert_allclose(layer.params["moving_mean"], bn.running_mean.numpy(), atol=1e-12)
    # Keras tracks the biased batch variance, torch the unbiased one (factor n / (n - 1))
    biased = x.var(axis=0)
    np.testing.assert_allclose(layer.params["moving_variance"], 0.9 * start_var + 0.1 * biased,
                               atol=1e-12)
    bn.eval()
    np.testing.assert_allclose(
        layer.forward(x), (x - layer.params["moving_mean"])
        / np.sqrt(layer.params["moving_variance"] + 1e-3) * layer.params["gamma"]
        + layer.params["beta"], atol=1e-12)


def test_training_output_is_normalised_per_channel():
    rng = np.random.default_rng(2)
    layer = BatchNormalization()
    layer.build((4, 4, 3), rng, np.float32)
    x = rng.normal(5.0, 4.0, size=(8, 4, 4, 3)).astype(np.float32)
    out = layer.forward(x, training=True)
    assert out.dtype == np.float32 and out.shape == x.shape
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(0, 1, 2)), 16 / (16 + 1e-3), rtol=1e-4)


def test_weights_order_and_config():
    layer = BatchNormalization(momentum=0.9, epsilon=1e-5, name="bn")
    layer.build((3,), np.random.default_rng(0), np.float32)
    assert list(layer.params) == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert layer.non_trainable_params == ("moving_mean", "moving_variance")
    assert BatchNormalization(**layer.get_config()).get_config() == layer.get_config()


@pytest.mark.parametrize("kwargs", [dict(momentum=1.0), dict(epsilon=0)])
def test_bad_settings(kwargs):
    with pytest.raises(ValueError, match="BatchNormalization"):
        BatchNormalization(**kwargs)


def test_frozen_layer_trains_in_inference_mode():
    """trainable=False (Keras): moving statistics normalise, and nothing is updated, even
    while the model trains; gamma and beta stay too."""
    from playground import nn
    rng = np.random.default_rng(5)
    model = nn.Sequential([nn.Dense(3), nn.BatchNormalization(trainable=False), nn.Dense(1)],
                          input_shape=(2,), seed=1, dtype="float64")
    frozen = model.layers[1]
    _randomised(frozen, rng)
    before = {k: v.copy() for k, v in frozen.params.items()}
    model.compile(loss="mse", optimizer="sgd")
    x, y = rng.normal(3.0, 2.0, size=(8, 2)), rng.normal(size=(8, 1))
    hidden = model.layers[0].forward(x)
    np.testing.assert_allclose(frozen.forward(hidden, training=True),
                               frozen.forward(hidden, training=False), atol=1e-15)
    model.fit(x, y, epochs=3, batch_size=4)
    for key, value in frozen.params.items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)
