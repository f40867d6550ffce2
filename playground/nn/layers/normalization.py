"""Batch normalisation over the last axis (features or channels), as Keras.

Training: normalise with the batch mean and (biased) variance over every axis but the last,
then scale by gamma and shift by beta; the moving statistics follow an exponential average
``moving = momentum * moving + (1 - momentum) * batch``. Inference uses the moving statistics,
and so does a layer with ``trainable=False`` while the model trains (as Keras: a frozen
BatchNormalization runs in inference mode and leaves its moving statistics alone).

Weights in Keras get_weights order: gamma, beta, moving_mean, moving_variance. Only gamma and
beta are trainable: the moving statistics are listed in ``non_trainable_params`` and the
optimizer must skip them (their gradient is zero after a training-mode forward, the exact
derivative after an inference-mode one). They are updated in place in
forward, so they stay valid if the model keeps every weight as a view into one flat vector.
"""
from __future__ import annotations

import numpy as np

from playground.nn.layers.base import Layer


class BatchNormalization(Layer):
    """x: (batch, ..., features) -> same shape, normalised per feature."""

    default_name = "batch_normalization"
    non_trainable_params = ("moving_mean", "moving_variance")   # saved, never optimised

    def count_params_for(self, input_shape):
        if len(input_shape) < 1:
            raise ValueError("BatchNormalization needs inputs with at least one feature axis.")
        return 4 * int(input_shape[-1])

    def __init__(self, momentum=0.99, epsilon=1e-3, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self.momentum = float(momentum)      # weight of the old moving statistics
        self.epsilon = float(epsilon)        # added to the variance before the square root
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"BatchNormalization: momentum must be in [0, 1), got {momentum}.")
        if not self.epsilon > 0:
            raise ValueError(f"BatchNormalization: epsilon must be > 0, got {epsilon}.")
        self._normalised = None   # (rows, features) x_hat of the last forward
        self._inv_std = None      # (features,) 1 / sqrt(var + eps) used in the last forward
        self._batch_stats = False  # True if the last forward used batch statistics

    def build(self, input_shape, rng, dtype=np.float32):
        if len(input_shape) < 1:
            raise ValueError("BatchNormalization needs inputs with at least one feature axis.")
        features = int(input_shape[-1])
        self.params = {
            "gamma": np.ones(features, dtype=dtype),
            "beta": np.zeros(features, dtype=dtype),
            "moving_mean": np.zeros(features, dtype=dtype),
            "moving_variance": np.ones(features, dtype=dtype),
        }
        super().build(input_shape, rng, dtype)

    def forward(self, x, training=False):
        if x.ndim < 2 or tuple(x.shape[1:]) != self.input_shape:
            raise ValueError(
                f"{self.name or 'BatchNormalization'} expects input of shape (batch, "
                f"{', '.join(map(str, self.input_shape))}), got {tuple(x.shape)}.")
        features = x.shape[-1]
        rows = x.reshape(-1, features)
        p = self.params
        training = training and self.trainable     # frozen: inference mode, as Keras
        if training:
            mean = rows.mean(axis=0)
            centred = rows - mean
            variance = np.mean(centred * centred, axis=0)
            keep = x.dtype.type(self.momentum)
            p["moving_mean"] *= keep
            p["moving_mean"] += (1 - keep) * mean
            p["moving_variance"] *= keep
            p["moving_variance"] += (1 - keep) * variance
        else:
            centred = rows - p["moving_mean"]
            variance = p["moving_variance"]
        inv_std = 1.0 / np.sqrt(variance + x.dtype.type(self.epsilon))
        normalised = centred
        normalised *= inv_std
        self._normalised, self._inv_std, self._batch_stats = normalised, inv_std, training
        out = normalised * p["gamma"]
        out += p["beta"]
        return out.reshape(x.shape)

    def backward(self, grad_output):
        features = grad_output.shape[-1]
        grad = grad_output.reshape(-1, features)
        normalised = self._normalised
        self.grads["gamma"][...] = np.sum(grad * normalised, axis=0)
        self.grads["beta"][...] = grad.sum(axis=0)
        grad_normalised = grad * (self.params["gamma"] * self._inv_std)
        if self._batch_stats:   # the batch mean and variance depend on x too
            self.grads["moving_mean"][...] = 0
            self.grads["moving_variance"][...] = 0
            grad_normalised -= grad_normalised.mean(axis=0)
            grad_normalised -= normalised * np.mean(grad_normalised * normalised, axis=0)
        else:   # inference: the exact derivatives (for checks; the optimizer skips them)
            self.grads["moving_mean"][...] = -grad_normalised.sum(axis=0)
            self.grads["moving_variance"][...] = -0.5 * self._inv_std * np.sum(
                grad_normalised * normalised, axis=0)
        return grad_normalised.reshape(grad_output.shape)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon}
