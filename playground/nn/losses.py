"""Losses: a mean over the batch, with gradients consistent with that mean.

Each loss object offers
    prepare_targets(y, output_shape, dtype) -> y    check and reshape targets once
    __call__(y_true, y_pred) -> float               mean loss over the batch
    gradient(y_true, y_pred) -> dL/dy_pred          same shape as y_pred
    fused_gradient(y_true, y_pred) -> dL/dz         only when ``fused_activation`` is the
                                                    output activation: (p - y) / n
Shapes: y_pred (batch, outputs); y_true the same, except sparse categorical: (batch,) ints.
Multi-output regression and binary losses average over the output axis too (as Keras).
Probabilities are clipped to [eps, 1 - eps] with eps = finfo(dtype).eps before any log.
"""
from __future__ import annotations

import numpy as np

from playground.nn.constants import EPSILON, ONE


class Loss:
    name = ""
    fused_activation: str | None = None   # output activation whose gradient fuses with this loss

    def prepare_targets(self, y, output_shape: tuple, dtype) -> np.ndarray:
        """Float targets shaped like the output; (n,) is accepted for a single output."""
        if type(y) is np.ndarray and y.dtype == dtype and y.shape[1:] == output_shape:
            return y
        y = _as_float_array(y, dtype, "y")
        if y.ndim == 1 and tuple(output_shape) == (1,):
            y = y.reshape(-1, 1)
        if y.shape[1:] != tuple(output_shape):
            raise ValueError(
                f"y has shape {y.shape} but the model outputs (batch, "
                f"{', '.join(map(str, output_shape))}) and loss '{self.name}' needs y shaped "
                f"like the output. Change the last layer's units or reshape y.")
        return y

    def __call__(self, y_true, y_pred) -> float:
        raise NotImplementedError

    def gradient(self, y_true, y_pred) -> np.ndarray:
        raise NotImplementedError

    def fused_gradient(self, y_true, y_pred) -> np.ndarray:
        raise NotImplementedError(f"Loss '{self.name}' has no fused output gradient.")

    def get_config(self) -> str | dict:
        """The name, or a dict with the settings for losses that have some (Huber)."""
        return self.name


class MeanSquaredError(Loss):
    name = "mse"

    def __call__(self, y_true, y_pred):
        diff = (y_pred - y_true).ravel()
        return float(np.dot(diff, diff)) / diff.size

    def gradient(self, y_true, y_pred):
        grad = y_pred - y_true
        grad *= grad.dtype.type(2.0 / grad.size)
        return grad


class MeanAbsoluteError(Loss):
    name = "mae"

    def __call__(self, y_true, y_pred):
        return float(np.abs(y_pred - y_true).mean())

    def gradient(self, y_true, y_pred):
        grad = np.sign(y_pred - y_true)
        grad *= grad.dtype.type(1.0 / grad.size)
        return grad


class Huber(Loss):
    """0.5 d^2 where |d| <= delta, else delta (|d| - 0.5 delta); mean over elements."""

    name = "huber"

    def __init__(self, delta: float = 1.0):
        self.delta = float(delta)
        if not self.delta > 0:
            raise ValueError(f"Huber delta must be > 0, got {delta}.")

    def __call__(self, y_true, y_pred):
        d = np.abs(y_pred - y_true)
        quadratic = np.minimum(d, self.delta)
        return float((0.5 * quadratic * quadratic + self.delta * (d - quadratic)).mean())

    def get_config(self):
        return {"type": self.name, "delta": self.delta}

    def gradient(self, y_true, y_pred):
        grad = np.clip(y_pred - y_true, -self.delta, self.delta)
        grad *= grad.dtype.type(1.0 / grad.size)
        return grad


class BinaryCrossentropy(Loss):
    """-mean(y log p + (1 - y) log(1 - p)); targets in [0, 1]."""

    name = "binary_crossentropy"
    fused_activation = "sigmoid"

    def prepare_targets(self, y, output_shape, dtype):
        y = super().prepare_targets(y, output_shape, dtype)
        if y.size and not (y.min() >= 0.0 and y.max() <= 1.0):
            raise ValueError(
                "binary_crossentropy needs targets y between 0 and 1 (class labels 0/1); "
                f"got values from {y.min()} to {y.max()}. For more than two classes use "
                "sparse_categorical_crossentropy with a softmax output.")
        return y

    def __call__(self, y_true, y_pred):
        dtype = y_pred.dtype
        eps = EPSILON.get(dtype)
        if eps is None:
            eps = _eps(dtype)
        log_p = np.maximum(y_pred, eps)
        np.log(log_p, out=log_p)                       # log p, p clipped to >= eps
        log_q = np.subtract(ONE.get(dtype, 1.0), y_pred)
        np.maximum(log_q, eps, out=log_q)
        np.log(log_q, out=log_q)                       # log(1 - p), 1 - p clipped to >= eps
        # y log p + (1-y) log q = y (log p - log q) + log q
        log_p -= log_q
        total = float(np.vdot(y_true, log_p)) + float(np.add.reduce(log_q, axis=None))
        return -total / y_pred.size

    def gradient(self, y_true, y_pred):
        eps = _eps(y_pred.dtype)
        p = np.clip(y_pred, eps, 1.0 - eps)
        grad = (p - y_true) / (p * (1.0 - p))
        grad *= grad.dtype.type(1.0 / grad.size)
        return grad

    def fused_gradient(self, y_true, y_pred):
        grad = y_pred - y_true
        grad *= grad.dtype.type(1.0 / grad.size)
        return grad


class CategoricalCrossentropy(Loss):
    """-mean over the batch of sum_k y_k log q_k; one-hot (or probability) rows. As Keras,
    q is p divided by its row sum, then clipped to [eps, 1 - eps] (a no-op for softmax)."""

    name = "categorical_crossentropy"
    fused_activation = "softmax"

    def prepare_targets(self, y, output_shape, dtype):
        y = super().prepare_targets(y, output_shape, dtype)
        if y.size:
            row_sums = y.sum(axis=-1)
            if not (y.min() >= 0.0 and np.allclose(row_sums, 1.0, atol=1e-3)):
                raise ValueError(
                    "categorical_crossentropy needs one-hot targets y (each row >= 0 and "
                    "summing to 1). For integer class labels use "
                    "sparse_categorical_crossentropy.")
        return y

    def __call__(self, y_true, y_pred):
        q, _ = _normalised_rows(y_pred)
        return -float(np.vdot(y_true, np.log(q))) / _rows(y_pred)

    def gradient(self, y_true, y_pred):
        q, unclipped = _normalised_rows(y_pred)
        return _through_normalisation(-y_true * unclipped / q, q, y_pred)

    def fused_gradient(self, y_true, y_pred):
        grad = y_pred - y_true
        grad *= grad.dtype.type(1.0 / _rows(y_pred))
        return grad


class SparseCategoricalCrossentropy(Loss):
    """-mean log q[label]; y holds integer class labels 0 .. classes-1, shape (batch,);
    q is p over its row sum, clipped to [eps, 1 - eps] (Keras)."""

    name = "sparse_categorical_crossentropy"
    fused_activation = "softmax"

    def prepare_targets(self, y, output_shape, dtype):
        classes = int(output_shape[-1])
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1 or len(output_shape) != 1:
            raise ValueError(
                f"sparse_categorical_crossentropy needs y as one integer label per sample, "
                f"shape (batch,), and a (batch, classes) output; got y {y.shape} for output "
                f"(batch, {', '.join(map(str, output_shape))}).")
        if y.dtype.kind not in "iub":
            if y.dtype.kind != "f":
                raise ValueError(f"y must hold integer class labels, got dtype {y.dtype}.")
            if y.size and not np.array_equal(y, np.round(y)):
                raise ValueError(
                    "sparse_categorical_crossentropy needs whole-number class labels in y; "
                    f"found {y[y != np.round(y)][0]!r}. Use binary_crossentropy or mse for "
                    "fractional targets.")
        if y.size:
            low, high = y.min(), y.max()
            if not (low >= 0 and high < classes):
                raise ValueError(
                    f"y holds class labels from {low} to {high}, but the output layer has "
                    f"{classes} units, so labels must be 0 .. {classes - 1}. Give the last "
                    f"Dense layer as many units as there are classes.")
        return y.astype(np.intp, copy=False)

    def __call__(self, y_true, y_pred):
        q, _ = _normalised_rows(y_pred)
        picked = q[np.arange(len(y_true)), y_true]
        return -float(np.log(picked).sum()) / max(len(y_true), 1)

    def gradient(self, y_true, y_pred):
        q, unclipped = _normalised_rows(y_pred)
        rows = np.arange(len(y_true))
        grad_q = np.zeros_like(q)
        grad_q[rows, y_true] = -unclipped[rows, y_true] / q[rows, y_true]
        return _through_normalisation(grad_q, q, y_pred)

    def fused_gradient(self, y_true, y_pred):
        grad = y_pred.copy()
        grad[np.arange(len(y_true)), y_true] -= 1.0
        grad *= grad.dtype.type(1.0 / len(y_true))
        return grad


_EPSILONS = {np.dtype(t): float(np.finfo(t).eps) for t in (np.float16, np.float32, np.float64)}


def _eps(dtype) -> float:
    """Machine epsilon of a float dtype: probabilities are clipped to [eps, 1 - eps]."""
    eps = _EPSILONS.get(dtype)
    return float(np.finfo(dtype).eps) if eps is None else eps


def _normalised_rows(y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(q, unclipped): q = p / row sum clipped to [eps, 1 - eps], both (batch, classes);
    unclipped is 1 where the clip did not bind, else 0 (the derivative of the clip)."""
    eps = _eps(y_pred.dtype)
    q = y_pred / y_pred.sum(axis=-1, keepdims=True)
    clipped = np.clip(q, eps, 1.0 - eps)
    return clipped, (clipped == q).astype(y_pred.dtype)


def _through_normalisation(grad_q: np.ndarray, q: np.ndarray, y_pred: np.ndarray):
    """dLoss/dp from dLoss/dq (summed over rows) for q = p / S, S the row sum, as a batch
    mean: (grad_q - sum_k grad_q_k q_k) / S / rows. Shapes (batch, classes)."""
    grad = grad_q - np.einsum("...k,...k->...", grad_q, q)[..., None]
    grad /= y_pred.sum(axis=-1, keepdims=True)
    grad *= grad.dtype.type(1.0 / _rows(y_pred))
    return grad


def _rows(y_pred: np.ndarray) -> int:
    return max(y_pred.size // y_pred.shape[-1], 1)


def _as_float_array(values, dtype, what: str) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{what} must be numbers, got an array of dtype {array.dtype}.")
    return array.astype(dtype, copy=False)


LOSSES = {cls.name: cls for cls in (MeanSquaredError, MeanAbsoluteError, Huber,
                                    BinaryCrossentropy, CategoricalCrossentropy,
                                    SparseCategoricalCrossentropy)}
_ALIASES = {"mean_squared_error": "mse", "mean_absolute_error": "mae", "huber_loss": "huber"}


def get(identifier) -> Loss:
    """A Loss from its name ("mse", "binary_crossentropy", ...), a Loss instance or a
    saved config such as {"type": "huber", "delta": 2.0}."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict) and identifier.get("type") in LOSSES:
        config = dict(identifier)
        return LOSSES[config.pop("type")](**config)
    if isinstance(identifier, str):
        key = identifier.strip().lower()
        key = _ALIASES.get(key, key)
        if key in LOSSES:
            return LOSSES[key]()
    raise ValueError(f"Unknown loss {identifier!r}. Use one of: {', '.join(sorted(LOSSES))}.")
