"""Divergence detection: a loss, gradient or update that stops being a finite number.

The model checks every training step cheaply (one dot product over the flat gradient
vector, one over the updated weights) and, when something is not finite, asks here what
broke and raises ``TrainingDiverged`` with advice, before any weight has changed (or after
undoing the update). Bad data or bad weights set by hand are reported as ``ValueError``.
"""
from __future__ import annotations

import math

import numpy as np

from playground.nn.layers.core import Dense


class TrainingDiverged(ArithmeticError):
    """The loss or a gradient stopped being a finite number; the weights were not changed."""

    def __init__(self, message: str, loss: float = math.nan, learning_rate: float = math.nan):
        super().__init__(message)
        self.loss = loss            # the non-finite loss (or the finite one with bad grads)
        self.learning_rate = learning_rate    # the learning rate at the time


def check_finite(x: np.ndarray, y: np.ndarray, what: str = "") -> None:
    """ValueError naming the first row of x or (float) y that holds NaN or infinity."""
    if not np.isfinite(x).all():
        row = int(np.argwhere(~np.isfinite(x))[0][0])
        raise ValueError(f"{what}x contains NaN or infinite values (first in row {row}); "
                         f"drop or fill those rows first.")
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        row = int(np.argwhere(~np.isfinite(y))[0][0])
        raise ValueError(f"{what}y contains NaN or infinite values (first in row {row}); "
                         f"drop or fill those rows first.")


def report_non_finite(loss: float, x, y, store, where: str, learning_rate: float,
                      gradients: bool = False):
    """Raise for a non-finite loss (or, ``gradients=True``, gradient): ValueError if the
    data or the weights (``store``: the model's FlatParameters) are to blame, else
    TrainingDiverged with the step (``where``) and the learning rate."""
    check_finite(x, y)
    if not store.finite():
        raise ValueError("The weights contain NaN or infinity (were they set by hand?); "
                         "set finite weights or rebuild the model.")
    what = "a gradient" if gradients else "the loss"
    state = "infinite" if gradients or math.isinf(loss) else "NaN (not a number)"
    raise TrainingDiverged(
        f"Training diverged: {what} became {state} at {where}. The weights were left as "
        f"they were before this step. Try a smaller learning rate (now {learning_rate:g}), "
        f"scaling the inputs, or gradient-friendlier activations.", loss=loss,
        learning_rate=learning_rate)


def overflowing_update(loss: float, where: str, learning_rate: float) -> TrainingDiverged:
    """The error for an optimizer step that made a weight infinite (the caller has undone
    it, from ``FlatParameters.before_step``)."""
    return TrainingDiverged(
        f"Training diverged: the update at {where} would have made the weights infinite, "
        f"so it was undone. Try a smaller learning rate (now {learning_rate:g}).",
        loss=loss, learning_rate=learning_rate)


def loss_follows_grads(fused: bool, last_layer, store) -> bool:
    """True when finite gradients prove the loss finite, so it need not be computed:
    a sigmoid/softmax output fused with cross-entropy (probabilities are clipped to
    [eps, 1] before the log, so only a NaN output makes the loss non-finite) from a
    Dense layer whose kernel gradient is in the checked flat vector: it takes in every
    output gradient (p - y), so it turns NaN as soon as one output does. Penalties are
    checked by the caller."""
    return fused and type(last_layer) is Dense and store.output_kernel_grad is not None \
        and last_layer.grads.get("kernel") is store.output_kernel_grad
