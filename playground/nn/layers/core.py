"""Dense, Dropout and Flatten: the fully connected building blocks."""
from __future__ import annotations

import numpy as np

from playground.nn import activations as activations_module
from playground.nn import initializers, regularizers
from playground.nn.layers.base import Layer


class Dense(Layer):
    """Fully connected: x: (batch, ..., in) -> (batch, ..., units), a = f(x @ kernel + bias).

    Weights in Keras layout and order: kernel (in, units), bias (units,).
    Inputs with more than two axes are treated as (batch * ..., in) rows, as Keras does.
    """

    default_name = "dense"
    regularizable = ("kernel", "bias")

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 1:
            raise ValueError(f"Dense: units must be a whole number >= 1, got {units!r}.")
        self.units = int(units)                                   # output features
        self.activation_fn = activations_module.get(activation)   # Activation object
        self.activation = self.activation_fn.name                 # its name, for configs/UI
        self.use_bias = bool(use_bias)
        initializers.get(kernel_initializer)                      # fail early on bad names
        initializers.get(bias_initializer)
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self._x = None        # (rows, in) input of the last forward, 2-D view
        self._z = None        # (rows, units) pre-activation, kept only if the activation needs it
        self._a = None        # (rows, units) output of the last forward

    def count_params_for(self, input_shape):
        self.compute_output_shape(input_shape)
        return (int(input_shape[-1]) + self.use_bias) * self.units

    def compute_output_shape(self, input_shape):
        if len(input_shape) < 1:
            raise ValueError("Dense needs inputs with at least one feature axis.")
        return tuple(input_shape[:-1]) + (self.units,)

    def build(self, input_shape, rng, dtype=np.float32):
        fan_in = int(input_shape[-1])
        self.params = {"kernel": initializers.initialize(
            self.kernel_initializer, (fan_in, self.units), fan_in, self.units, rng, dtype)}
        if self.use_bias:
            self.params["bias"] = initializers.initialize(
                self.bias_initializer, (self.units,), fan_in, self.units, rng, dtype)
        super().build(input_shape, rng, dtype)

    def forward(self, x, training=False):
        if x.ndim != 2:
            if x.shape[1:] != self.input_shape:
                raise ValueError(f"{self.name or 'Dense'} expects input (batch, "
                                 f"{', '.join(map(str, self.input_shape))}), got {x.shape}.")
            return self.forward(x.reshape(-1, x.shape[-1]), training).reshape(
                x.shape[:-1] + (self.units,))
        z = np.dot(x, self.params["kernel"])
        if self.use_bias:
            z += self.params["bias"]
        self._x = x
        if self.activation_fn.needs_input:
            self._z = z
            self._a = self.activation_fn.forward(z)
        else:
            self._a = self.activation_fn.forward(z, out=z)
        return self._a

    def backward(self, grad_output):
        if grad_output.ndim != 2:
            grad_input = self.backward(grad_output.reshape(-1, self.units))
            if grad_input is None:
                return None
            return grad_input.reshape(grad_output.shape[:-1] + (self.input_shape[-1],))
        if self.fused_output_gradient:
            grad_z = grad_output
        else:
            grad_z = self.activation_fn.backward(grad_output, self._a, self._z)
        kernel_grad = self.grads["kernel"]
        try:
            np.dot(self._x.T, grad_z, out=kernel_grad)
        except ValueError:        # dtype or layout differs from the grads buffer
            kernel_grad[...] = np.dot(self._x.T, grad_z)
        if self.use_bias:
            np.add.reduce(grad_z, axis=0, out=self.grads["bias"])
        if not self.needs_input_gradient:
            return None
        return np.dot(grad_z, self.params["kernel"].T)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": self.activation,
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer)}


class Dropout(Layer):
    """Zeroes a fraction ``rate`` of inputs while training, scales the rest by 1/(1-rate).

    x: (batch, ...) -> same shape. Inference is the identity. The mask comes from the
    generator handed to ``build`` (the model's one seeded generator).
    """

    default_name = "dropout"

    def __init__(self, rate, name=None, trainable=True, seed=None):
        super().__init__(name=name, trainable=trainable)
        rate = float(rate)
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate}.")
        self.rate = rate                  # fraction of inputs dropped while training
        self.rng = np.random.default_rng(seed)  # replaced by the model's generator in build()
        self.mask = None                  # (batch, ...) scaled keep-mask of the last forward

    def build(self, input_shape, rng, dtype=np.float32):
        self.rng = rng
        super().build(input_shape, rng, dtype)

    def forward(self, x, training=False):
        if not training or self.rate == 0.0:
            self.mask = None
            return x
        keep = self.rng.random(x.shape, dtype=np.float64 if x.dtype == np.float64
                               else np.float32) >= self.rate
        self.mask = keep.astype(x.dtype)
        self.mask *= x.dtype.type(1.0 / (1.0 - self.rate))
        return x * self.mask

    def backward(self, grad_output):
        if self.mask is None:
            return grad_output
        return grad_output * self.mask

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""

    default_name = "flatten"

    def compute_output_shape(self, input_shape):
        return (int(np.prod(input_shape, dtype=np.int64)),)

    def forward(self, x, training=False):
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_output):
        return grad_output.reshape((grad_output.shape[0],) + self.input_shape)
