"""SimpleRNN and LSTM: finite differences (full BPTT), torch in float64, shapes, bad input."""
from __future__ import annotations

import numpy as np
import pytest

from playground.nn.initializers import orthogonal
from playground.nn.layers.recurrent import LSTM, SimpleRNN
from tests.nn.test_conv import REL_TOL, check_layer, relative_error


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "relu", "linear", "swish"])
def test_simple_rnn_gradients(return_sequences, activation):
    rng = np.random.default_rng(0)
    layer = SimpleRNN(4, activation=activation, return_sequences=return_sequences)
    check_layer(layer, rng.normal(size=(3, 5, 2)), rng)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_gradients(return_sequences):
    rng = np.random.default_rng(1)
    layer = LSTM(3, return_sequences=return_sequences)
    layer.build((6, 2), rng, np.float64)
    layer.params["bias"][:] += rng.normal(size=12)      # exercise every gate away from zero
    check_layer(layer, rng.normal(size=(3, 6, 2)), rng)


def test_orthogonal_initializer_is_orthonormal():
    rng = np.random.default_rng(0)
    square = orthogonal((5, 5), 5, 5, rng, np.float64)
    np.testing.assert_allclose(square @ square.T, np.eye(5), atol=1e-12)
    wide = orthogonal((3, 12), 3, 12, rng, np.float64)        # LSTM recurrent kernel shape
    np.testing.assert_allclose(wide @ wide.T, np.eye(3), atol=1e-12)


def test_lstm_weight_shapes_and_forget_bias():
    layer = LSTM(5)
    layer.build((7, 3), np.random.default_rng(0), np.float32)
    assert list(layer.params) == ["kernel", "recurrent_kernel", "bias"]
    assert layer.params["kernel"].shape == (3, 20)
    assert layer.params["recurrent_kernel"].shape == (5, 20)
    np.testing.assert_array_equal(layer.params["bias"], [0] * 5 + [1] * 5 + [0] * 10)
    assert layer.output_shape == (5,) and layer.count_params() == 4 * (5 * 3 + 5 * 5 + 5)


def test_return_sequences_output_shapes_and_float32():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 6, 2)).astype(np.float32)
    for layer_type in (SimpleRNN, LSTM):
        layer = layer_type(3, return_sequences=True)
        layer.build((6, 2), rng, np.float32)
        out = layer.forward(x, training=True)
        assert out.shape == (4, 6, 3) and out.dtype == np.float32
        assert layer.backward(np.ones_like(out)).dtype == np.float32


def test_config_round_trip():
    for layer in (SimpleRNN(4, activation="relu", return_sequences=True, name="r"),
                  LSTM(2, unit_forget_bias=False)):
        assert type(layer)(**layer.get_config()).get_config() == layer.get_config()


@pytest.mark.parametrize("shape", [(5,), (2, 3, 4)])
def test_wrong_rank_raises(shape):
    with pytest.raises(ValueError, match="time, features"):
        LSTM(3).build(shape, np.random.default_rng(0), np.float32)


def test_forward_rejects_wrong_feature_count():
    layer = SimpleRNN(3)
    layer.build((5, 2), np.random.default_rng(0), np.float32)
    with pytest.raises(ValueError, match=r"\(batch, time, 2\)"):
        layer.forward(np.zeros((4, 5, 3), np.float32))


@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_matches_torch(return_sequences):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    units, features = 4, 3
    layer = LSTM(units, return_sequences=return_sequences)
    layer.build((5, features), rng, np.float64)
    layer.params["bias"][:] = rng.normal(size=4 * units)
    x = rng.normal(size=(2, 5, features))
    out = layer.forward(x, training=True)
    r = rng.normal(size=out.shape)
    grad_x = layer.backward(r)

    lstm = torch.nn.LSTM(features, units, batch_first=True).double()
    with torch.no_grad():   # torch gate order i, f, g, o == Keras i, f, c, o; weights transposed
        lstm.weight_ih_l0.copy_(torch.tensor(layer.params["kernel"].T))
        lstm.weight_hh_l0.copy_(torch.tensor(layer.params["recurrent_kernel"].T))
        lstm.bias_ih_l0.copy_(torch.tensor(layer.params["bias"]))
        lstm.bias_hh_l0.zero_()
    xt = torch.tensor(x, requires_grad=True)
    seq, _ = lstm(xt)
    yt = seq if return_sequences else seq[:, -1]
    (yt * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(out, yt.detach().numpy(), rtol=0, atol=1e-12)
    assert relative_error(grad_x, xt.grad.numpy()) <= REL_TOL
    assert relative_error(layer.grads["kernel"], lstm.weight_ih_l0.grad.numpy().T) <= REL_TOL
    assert relative_error(layer.grads["recurrent_kernel"],
                          lstm.weight_hh_l0.grad.numpy().T) <= REL_TOL
    assert relative_error(layer.grads["bias"], lstm.bias_ih_l0.grad.numpy()) <= REL_TOL


def test_simple_rnn_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    layer = SimpleRNN(4, return_sequences=True)
    layer.build((5, 3), rng, np.float64)
    layer.params["bias"][:] = rng.normal(size=4)
    x = rng.normal(size=(2, 5, 3))
    out = layer.forward(x, training=True)
    rnn = torch.nn.RNN(3, 4, batch_first=True).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(layer.params["kernel"].T))
        rnn.weight_hh_l0.copy_(torch.tensor(layer.params["recurrent_kernel"].T))
        rnn.bias_ih_l0.copy_(torch.tensor(layer.params["bias"]))
        rnn.bias_hh_l0.zero_()
    np.testing.assert_allclose(out, rnn(torch.tensor(x))[0].detach().numpy(), atol=1e-12)
