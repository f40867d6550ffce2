"""Conv2D and MaxPool2D: finite differences, torch in float64, shapes and bad input."""
from __future__ import annotations

import numpy as np
import pytest

from playground.nn.layers.conv import Conv2D, MaxPool2D
from tests.nn.gradcheck import check_layer_gradients, relative_error

REL_TOL = 1e-6


def check_layer(layer, x, rng):
    """float64 central differences for d/dx and every param (A's shared checker)."""
    check_layer_gradients(layer, x.shape[1:], rng, x=x)


@pytest.mark.parametrize("padding,strides,kernel", [
    ("valid", 1, 3), ("same", 1, 3), ("same", 1, 1), ("valid", 2, 3), ("same", 2, 3),
    ("same", 2, (2, 3)),
    ("same", (1, 2), 4),
])
def test_conv2d_gradients(padding, strides, kernel):
    rng = np.random.default_rng(0)
    activation = "gelu" if kernel == 1 else "tanh"     # gelu: the pre-activation path
    layer = Conv2D(3, kernel, strides=strides, padding=padding, activation=activation)
    check_layer(layer, rng.normal(size=(2, 7, 6, 2)), rng)


@pytest.mark.parametrize("padding,pool,strides", [
    ("valid", 2, None), ("same", 2, None), ("valid", 3, 1), ("same", (2, 3), 2),
])
def test_maxpool_gradients(padding, pool, strides):
    rng = np.random.default_rng(1)
    check_layer(MaxPool2D(pool, strides=strides, padding=padding),
                rng.normal(size=(2, 7, 5, 3)), rng)


def test_maxpool_routes_ties_to_first_winner():
    layer = MaxPool2D(2)
    layer.build((2, 2, 1), np.random.default_rng(0), np.float64)
    out = layer.forward(np.ones((1, 2, 2, 1)))
    assert out.shape == (1, 1, 1, 1) and out[0, 0, 0, 0] == 1
    grad = layer.backward(np.full((1, 1, 1, 1), 5.0))
    np.testing.assert_array_equal(grad[0, :, :, 0], [[5.0, 0.0], [0.0, 0.0]])


@pytest.mark.parametrize("size,kernel,stride,expected", [
    (7, 3, 1, 7), (7, 3, 2, 4), (8, 3, 2, 4), (5, 4, 3, 2), (1, 3, 1, 1),
])
def test_same_padding_output_sizes_match_keras(size, kernel, stride, expected):
    layer = Conv2D(1, kernel, strides=stride, padding="same")
    layer.build((size, size, 1), np.random.default_rng(0), np.float32)
    assert layer.output_shape == (expected, expected, 1)


def test_float32_in_float32_out():
    rng = np.random.default_rng(0)
    layer = Conv2D(4, 3, padding="same", activation="relu")
    layer.build((6, 6, 1), rng, np.float32)
    x = rng.normal(size=(5, 6, 6, 1)).astype(np.float32)
    out = layer.forward(x, training=True)
    assert out.dtype == np.float32 and layer.backward(np.ones_like(out)).dtype == np.float32
    assert all(g.dtype == np.float32 for g in layer.grads.values())


def test_config_round_trip():
    layer = Conv2D(5, (3, 2), strides=2, padding="same", activation="relu", name="c")
    clone = Conv2D(**layer.get_config())
    assert clone.get_config() == layer.get_config()
    pool = MaxPool2D(3, strides=1, padding="same")
    assert MaxPool2D(**pool.get_config()).get_config() == pool.get_config()


@pytest.mark.parametrize("make,shape,message", [
    (lambda: Conv2D(2, 3), (8, 8), "height, width, channels"),
    (lambda: Conv2D(2, 5), (4, 8, 1), "larger than the input height"),
    (lambda: MaxPool2D(3), (8, 2, 1), "larger than the input width"),
])
def test_bad_input_shapes_raise_clear_errors(make, shape, message):
    with pytest.raises(ValueError, match=message):
        make().build(shape, np.random.default_rng(0), np.float32)


@pytest.mark.parametrize("kwargs", [dict(strides=0), dict(kernel_size=0), dict(padding="full"),
                                    dict(kernel_size=(3, 3, 3))])
def test_bad_settings_raise(kwargs):
    with pytest.raises(ValueError, match="Conv2D"):
        Conv2D(**{"filters": 2, "kernel_size": 3, **kwargs})


def test_forward_rejects_wrong_batch_shape():
    layer = Conv2D(2, 3)
    layer.build((8, 8, 1), np.random.default_rng(0), np.float32)
    with pytest.raises(ValueError, match=r"\(batch, 8, 8, 1\)"):
        layer.forward(np.zeros((4, 8, 8), np.float32))


@pytest.mark.parametrize("padding,strides", [("valid", 1), ("same", 1), ("valid", 2),
                                             ("same", 2)])
def test_conv2d_matches_torch(padding, strides):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    layer = Conv2D(4, 3, strides=strides, padding=padding)
    x = rng.normal(size=(3, 7, 8, 2))
    layer.build(x.shape[1:], rng, np.float64)
    layer.params["bias"][:] = rng.normal(size=4)
    out = layer.forward(x, training=True)
    r = rng.normal(size=out.shape)
    grad_x = layer.backward(r)

    xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)          # NCHW
    wt = torch.tensor(layer.params["kernel"].transpose(3, 2, 0, 1), requires_grad=True)  # OIHW
    bt = torch.tensor(layer.params["bias"], requires_grad=True)
    if padding == "same":   # TensorFlow's asymmetric padding: the extra pixel bottom/right
        def tf_pads(size):  # TensorFlow: total = max((ceil(n/s)-1)*s + k - n, 0)
            total = max((-(-size // strides) - 1) * strides + 3 - size, 0)
            return total // 2, total - total // 2
        (top, bottom), (left, right) = tf_pads(7), tf_pads(8)
        xin = torch.nn.functional.pad(xt, (left, right, top, bottom))
    else:
        xin = xt
    yt = torch.nn.functional.conv2d(xin, wt, bt, stride=strides)
    (yt * torch.tensor(r.transpose(0, 3, 1, 2))).sum().backward()
    np.testing.assert_allclose(out, yt.detach().numpy().transpose(0, 2, 3, 1), rtol=0, atol=1e-10)
    assert relative_error(grad_x, xt.grad.numpy().transpose(0, 2, 3, 1)) <= REL_TOL
    assert relative_error(layer.grads["kernel"], wt.grad.numpy().transpose(2, 3, 1, 0)) <= REL_TOL
    assert relative_error(layer.grads["bias"], bt.grad.numpy()) <= REL_TOL
