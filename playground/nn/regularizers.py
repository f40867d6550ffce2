"""Weight penalties added to the loss: L1, L2 (Keras conventions, no 1/2 factor).

L1(l1)(w) = l1 * sum|w|, gradient l1 * sign(w); L2(l2)(w) = l2 * sum(w^2), gradient 2 l2 w.
"""
from __future__ import annotations

import numpy as np


class Regularizer:
    name = "none"

    def __call__(self, weights: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, weights: np.ndarray) -> np.ndarray:
        """d penalty / d weights, same shape and dtype as ``weights``."""
        raise NotImplementedError

    def get_config(self) -> dict:
        raise NotImplementedError


class L1(Regularizer):
    name = "l1"

    def __init__(self, l1: float = 0.01):
        self.l1 = _check_strength(l1, "l1")

    def __call__(self, weights):
        return self.l1 * float(np.abs(weights).sum())

    def gradient(self, weights):
        grad = np.sign(weights)
        grad *= weights.dtype.type(self.l1)
        return grad

    def get_config(self):
        return {"type": "l1", "l1": self.l1}


class L2(Regularizer):
    name = "l2"

    def __init__(self, l2: float = 0.01):
        self.l2 = _check_strength(l2, "l2")

    def __call__(self, weights):
        flat = weights.ravel()
        return self.l2 * float(np.dot(flat, flat))

    def gradient(self, weights):
        return weights * weights.dtype.type(2.0 * self.l2)

    def get_config(self):
        return {"type": "l2", "l2": self.l2}


class L1L2(Regularizer):
    name = "l1_l2"

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self._l1, self._l2 = L1(l1), L2(l2)
        self.l1, self.l2 = self._l1.l1, self._l2.l2

    def __call__(self, weights):
        return self._l1(weights) + self._l2(weights)

    def gradient(self, weights):
        return self._l1.gradient(weights) + self._l2.gradient(weights)

    def get_config(self):
        return {"type": "l1_l2", "l1": self.l1, "l2": self.l2}


def _check_strength(value, what: str) -> float:
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"Regularizer {what} strength must be a finite number >= 0, got {value}.")
    return value


def get(identifier) -> Regularizer | None:
    """None, a Regularizer, "l1"/"l2"/"l1_l2" (strength 0.01), or a saved config dict."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        key = identifier.strip().lower()
        if key == "l1":
            return L1()
        if key == "l2":
            return L2()
        if key in ("l1_l2", "l1l2"):
            return L1L2(0.01, 0.01)
    if isinstance(identifier, dict):
        config = dict(identifier)
        kind = config.pop("type", None)
        classes = {"l1": L1, "l2": L2, "l1_l2": L1L2}
        if kind in classes:
            return classes[kind](**config)
    raise ValueError(
        f"Unknown regularizer {identifier!r}. Use nn.regularizers.L1(0.01), L2(0.01), "
        f"or the strings 'l1', 'l2'.")


def serialize(regularizer: Regularizer | None) -> dict | None:
    return None if regularizer is None else regularizer.get_config()
