"""Losses: values against scikit-learn/torch, gradients by central differences (also the
fused output gradients), and targets that do not fit the loss."""
from __future__ import annotations

import numpy as np
import pytest

from playground.nn import activations, losses

from .gradcheck import check_function_gradient

RNG = np.random.default_rng(7)


def _probabilities(shape):
    return activations.get("softmax").forward(RNG.normal(size=shape))


def _cases():
    pred = RNG.normal(size=(6, 3))
    target = RNG.normal(size=(6, 3))
    p_binary = 1 / (1 + np.exp(-RNG.normal(size=(6, 1))))
    y_binary = RNG.integers(0, 2, size=(6, 1)).astype(float)
    p_multi = _probabilities((6, 4))
    labels = RNG.integers(0, 4, size=6)
    onehot = np.eye(4)[labels]
    return {
        "mse": (target, pred),
        "mae": (target, pred),
        "huber": (target, 2 * pred),
        "binary_crossentropy": (y_binary, p_binary),
        "categorical_crossentropy": (onehot, p_multi),
        "sparse_categorical_crossentropy": (labels, p_multi),
    }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_central_differences(name):
    y, p = CASES[name]
    loss = losses.get(name)
    check_function_gradient(lambda q: loss(y, q), lambda q: loss.gradient(y, q), p)


@pytest.mark.parametrize("name,activation", [("binary_crossentropy", "sigmoid"),
                                             ("categorical_crossentropy", "softmax"),
                                             ("sparse_categorical_crossentropy", "softmax")])
def test_fused_gradient_is_d_loss_d_logits(name, activation):
    y, p = CASES[name]
    loss, act = losses.get(name), activations.get(activation)
    logits = RNG.normal(size=p.shape)
    check_function_gradient(lambda z: loss(y, act.forward(z)),
                            lambda z: loss.fused_gradient(y, act.forward(z)), logits)
    assert loss.fused_activation == activation


def test_values_match_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    y, p = CASES["mse"]
    assert losses.get("mse")(y, p) == pytest.approx(metrics.mean_squared_error(y, p), rel=1e-12)
    assert losses.get("mae")(y, p) == pytest.approx(metrics.mean_absolute_error(y, p), rel=1e-12)
    y, p = CASES["binary_crossentropy"]
    assert losses.get("binary_crossentropy")(y, p) == pytest.approx(
        metrics.log_loss(y.ravel(), p.ravel(), labels=[0, 1]), rel=1e-10)
    labels, p = CASES["sparse_categorical_crossentropy"]
    expected = metrics.log_loss(labels, p, labels=[0, 1, 2, 3])
    assert losses.get("sparse_categorical_crossentropy")(labels, p) == pytest.approx(expected,
                                                                                     rel=1e-10)
    assert losses.get("categorical_crossentropy")(np.eye(4)[labels], p) == pytest.approx(
        expected, rel=1e-10)


def test_huber_matches_torch():
    torch = pytest.importorskip("torch")
    y, p = CASES["huber"]
    expected = torch.nn.functional.huber_loss(torch.tensor(p), torch.tensor(y), delta=1.0)
    assert losses.get("huber")(y, p) == pytest.approx(float(expected), rel=1e-12)


def test_cross_entropy_of_certain_wrong_answer_is_finite():
    for dtype in (np.float32, np.float64):
        eps = np.finfo(dtype).eps
        p = np.array([[0.0], [1.0]], dtype=dtype)
        y = np.array([[1.0], [0.0]], dtype=dtype)
        value = losses.get("binary_crossentropy")(y, p)
        assert value == pytest.approx(-np.log(eps), rel=1e-5)
        value = losses.get("sparse_categorical_crossentropy")(
            np.array([1]), np.array([[1.0, 0.0]], dtype=dtype))
        assert value == pytest.approx(-np.log(eps), rel=1e-5)


def test_mean_over_batch_makes_gradients_independent_of_batch_size():
    y, p = CASES["mse"]
    loss = losses.get("mse")
    doubled = loss.gradient(np.concatenate([y, y]), np.concatenate([p, p]))
    np.testing.assert_allclose(doubled[: len(y)], loss.gradient(y, p) / 2)
    assert loss(np.concatenate([y, y]), np.concatenate([p, p])) == pytest.approx(loss(y, p))


@pytest.mark.parametrize("name,y,shape,message", [
    ("sparse_categorical_crossentropy", [0, 1, 3], (3,), "labels must be 0 .. 2"),
    ("sparse_categorical_crossentropy", [0, 0.5, 1], (3,), "whole-number class labels"),
    ("sparse_categorical_crossentropy", [-1, 0, 1], (3,), "labels must be 0 .. 2"),
    ("binary_crossentropy", [0, 1, 3], (1,), "between 0 and 1"),
    ("categorical_crossentropy", [[1, 0], [1, 1]], (2,), "one-hot"),
    ("mse", [[1, 2], [3, 4]], (1,), "shape"),
    ("binary_crossentropy", [np.nan, 1, 0], (1,), "between 0 and 1"),
])
def test_targets_that_do_not_fit_the_loss_are_refused(name, y, shape, message):
    with pytest.raises(ValueError, match=message):
        losses.get(name).prepare_targets(np.array(y), shape, np.float32)


def test_unknown_loss_name_lists_the_choices():
    with pytest.raises(ValueError, match="Unknown loss 'hinge'.*mse"):
        losses.get("hinge")


def test_configs_round_trip_including_huber_delta():
    for name in losses.LOSSES:
        assert type(losses.get(losses.get(name).get_config())) is losses.LOSSES[name]
    assert losses.get(losses.Huber(2.5).get_config()).delta == 2.5
