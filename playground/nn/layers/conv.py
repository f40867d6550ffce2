"""Convolution and pooling layers on channels-last images: (batch, height, width, channels).

Conv2D forward is an im2col: ``sliding_window_view`` gives every (kh, kw, channels) patch,
one copy makes them a (patches, kh*kw*channels) matrix and a single matrix product with the
kernel does the rest. Backward reuses that matrix for the kernel gradient and scatters the
input gradient back with one slice add per kernel offset (kh*kw adds, no per-pixel loop).
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from playground.nn import activations, initializers, regularizers
from playground.nn.layers.base import Layer

PADDINGS = ("valid", "same")


def _pair(value, what: str, layer: str) -> tuple[int, int]:
    """An int or a pair of ints -> (rows, cols), all >= 1."""
    if isinstance(value, (int, np.integer)):
        pair = (int(value), int(value))
    else:
        try:
            pair = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            pair = ()
        if len(pair) != 2:
            raise ValueError(f"{layer}: {what} must be an int or a pair of ints, got {value!r}.")
    if min(pair) < 1:
        raise ValueError(f"{layer}: {what} must be at least 1, got {value!r}.")
    return pair


def _check_padding(padding: str, layer: str) -> str:
    padding = str(padding).lower()
    if padding not in PADDINGS:
        raise ValueError(f"{layer}: padding must be 'valid' or 'same', got {padding!r}.")
    return padding


def _output_and_padding(size: int, window: int, stride: int, padding: str, layer: str,
                        axis: str) -> tuple[int, int, int]:
    """Output length and (before, after) padding along one axis, as Keras/TensorFlow."""
    if padding == "same":
        out = -(-size // stride)
        total = max((out - 1) * stride + window - size, 0)
        return out, total // 2, total - total // 2     # the odd pixel goes after (bottom/right)
    if window > size:
        raise ValueError(
            f"{layer}: the window ({window}) is larger than the input {axis} ({size}) with "
            f"padding='valid'; use padding='same', a smaller window or a larger input.")
    return (size - window) // stride + 1, 0, 0


def _check_image_shape(input_shape: tuple, layer: str) -> tuple[int, int, int]:
    if len(input_shape) != 3:
        raise ValueError(
            f"{layer} expects images of shape (height, width, channels) per sample, i.e. input "
            f"(batch, height, width, channels); got per-sample shape {tuple(input_shape)}. "
            f"Reshape grey images to (n, height, width, 1).")
    return tuple(int(d) for d in input_shape)


def _check_batch(x: np.ndarray, layer: Layer) -> None:
    if x.ndim != 4 or tuple(x.shape[1:]) != layer.input_shape:
        raise ValueError(
            f"{layer.name or type(layer).__name__} expects input of shape (batch, "
            f"{', '.join(map(str, layer.input_shape))}), got {tuple(x.shape)}.")


class Conv2D(Layer):
    """2-D convolution. x: (batch, h, w, in_channels) -> (batch, out_h, out_w, filters).

    Weights in Keras layout and order: kernel (kh, kw, in_channels, filters), bias (filters,).
    """

    default_name = "conv2d"
    regularizable = ("kernel",)

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation=None,
                 kernel_initializer="glorot_uniform", kernel_regularizer=None, name=None,
                 trainable=True):
        super().__init__(name=name, trainable=trainable)
        if int(filters) < 1:
            raise ValueError(f"Conv2D: filters must be at least 1, got {filters!r}.")
        self.filters = int(filters)                                   # output channels
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2D")  # (kh, kw)
        self.strides = _pair(strides, "strides", "Conv2D")              # (rows, cols)
        self.padding = _check_padding(padding, "Conv2D")                # "valid" | "same"
        self.activation_fn = activations.get(activation)                # Activation object
        self.activation = self.activation_fn.name                       # its name
        initializers.get(kernel_initializer)                            # fail early on bad names
        self.kernel_initializer = kernel_initializer
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self._pads = ((0, 0), (0, 0))        # (top, bottom), (left, right) zero padding
        self._cols = None                    # (batch*out_h*out_w, kh*kw*in_ch) patches
        self._x_shape = None                 # shape of the last forward input
        self._z = None                       # pre-activation, kept only if the activation needs it
        self._out = None                     # (batch*out_h*out_w, filters) activation output

    def count_params_for(self, input_shape):
        _, _, channels = _check_image_shape(input_shape, "Conv2D")
        kh, kw = self.kernel_size
        return (kh * kw * channels + 1) * self.filters

    def compute_output_shape(self, input_shape):
        h, w, _ = _check_image_shape(input_shape, "Conv2D")
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        out_h, *pad_h = _output_and_padding(h, kh, sh, self.padding, "Conv2D", "height")
        out_w, *pad_w = _output_and_padding(w, kw, sw, self.padding, "Conv2D", "width")
        self._pads = (tuple(pad_h), tuple(pad_w))
        return (out_h, out_w, self.filters)

    def build(self, input_shape, rng, dtype=np.float32):
        _, _, channels = _check_image_shape(input_shape, "Conv2D")
        kh, kw = self.kernel_size
        shape = (kh, kw, channels, self.filters)
        self.params = {
            "kernel": np.ascontiguousarray(initializers.initialize(
                self.kernel_initializer, shape, kh * kw * channels, kh * kw * self.filters, rng,
                dtype)),
            "bias": np.zeros(self.filters, dtype=dtype),
        }
        super().build(input_shape, rng, dtype)

    def _padded(self, x: np.ndarray) -> np.ndarray:
        (top, bottom), (left, right) = self._pads
        if top or bottom or left or right:
            return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
        return x

    def forward(self, x, training=False):
        _check_batch(x, self)
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        out_h, out_w, filters = self.output_shape
        windows = sliding_window_view(self._padded(x), (kh, kw), axis=(1, 2))
        windows = windows[:, : (out_h - 1) * sh + 1: sh, : (out_w - 1) * sw + 1: sw]
        # (batch, out_h, out_w, ch, kh, kw) -> (batch, out_h, out_w, kh, kw, ch): kernel order
        cols = windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, kh * kw * x.shape[3])
        z = cols @ self.params["kernel"].reshape(-1, filters)
        z += self.params["bias"]
        self._cols, self._x_shape = cols, x.shape
        if self.activation_fn.needs_input:
            self._z, self._out = z, self.activation_fn.forward(z)
        else:
            self._out = self.activation_fn.forward(z, out=z)
        return self._out.reshape(x.shape[0], out_h, out_w, filters)

    def patch_at(self, x: np.ndarray, row: int, col: int) -> np.ndarray:
        """The input under the kernel for output pixel (row, col) of the first example
        (teaching views): x (batch, h, w, channels) -> (kh, kw, channels), zeros where the
        kernel hangs over the border."""
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        padded = self._padded(np.asarray(x[:1]))
        return padded[0, row * sh: row * sh + kh, col * sw: col * sw + kw].copy()

    def backward(self, grad_output):
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        batch, h, w, channels = self._x_shape
        out_h, out_w, filters = self.output_shape
        grad_z = grad_output.reshape(-1, filters)
        if not self.fused_output_gradient:
            grad_z = self.activation_fn.backward(grad_z, self._out, self._z)
        kernel = self.params["kernel"]
        # written in place: the model may keep every gradient as a view into one flat vector
        self.grads["kernel"][...] = (self._cols.T @ grad_z).reshape(kernel.shape)
        self.grads["bias"][...] = grad_z.sum(axis=0)
        if not self.needs_input_gradient:
            return None
        grad_cols = (grad_z @ kernel.reshape(-1, filters).T).reshape(
            batch, out_h, out_w, kh, kw, channels)
        (top, bottom), (left, right) = self._pads
        grad_padded = np.zeros((batch, h + top + bottom, w + left + right, channels),
                               dtype=grad_cols.dtype)
        for i in range(kh):
            for j in range(kw):
                grad_padded[:, i: i + (out_h - 1) * sh + 1: sh,
                            j: j + (out_w - 1) * sw + 1: sw] += grad_cols[:, :, :, i, j]
        return grad_padded[:, top: top + h, left: left + w]

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": list(self.kernel_size), "strides": list(self.strides),
                "padding": self.padding, "activation": self.activation,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer)}


class MaxPool2D(Layer):
    """2-D max pooling. x: (batch, h, w, channels) -> (batch, out_h, out_w, channels).

    The gradient goes to one winner per window: the first maximum in row-major order.
    """

    default_name = "max_pool2d"

    def __init__(self, pool_size=2, strides=None, padding="valid", name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self.pool_size = _pair(pool_size, "pool_size", "MaxPool2D")       # (ph, pw)
        self.strides = _pair(self.pool_size if strides is None else strides, "strides",
                             "MaxPool2D")                                 # default: pool_size
        self.padding = _check_padding(padding, "MaxPool2D")
        self._pads = ((0, 0), (0, 0))
        self._winner = None     # (batch, out_h, out_w, channels) flat index of the max in window
        self._x_shape = None

    def compute_output_shape(self, input_shape):
        h, w, channels = _check_image_shape(input_shape, "MaxPool2D")
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        out_h, *pad_h = _output_and_padding(h, ph, sh, self.padding, "MaxPool2D", "height")
        out_w, *pad_w = _output_and_padding(w, pw, sw, self.padding, "MaxPool2D", "width")
        self._pads = (tuple(pad_h), tuple(pad_w))
        return (out_h, out_w, channels)

    def forward(self, x, training=False):
        _check_batch(x, self)
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        out_h, out_w, channels = self.output_shape
        (top, bottom), (left, right) = self._pads
        if top or bottom or left or right:   # "same": padded cells never win
            x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)),
                       constant_values=-np.inf)
        windows = sliding_window_view(x, (ph, pw), axis=(1, 2))
        windows = windows[:, : (out_h - 1) * sh + 1: sh, : (out_w - 1) * sw + 1: sw]
        flat = windows.reshape(*windows.shape[:4], ph * pw)
        winner = flat.argmax(axis=-1)
        self._winner, self._x_shape = winner, (x.shape[0], *self.input_shape)
        return flat.max(axis=-1)

    def backward(self, grad_output):
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        batch, h, w, channels = self._x_shape
        out_h, out_w, _ = self.output_shape
        (top, bottom), (left, right) = self._pads
        grad_padded = np.zeros((batch, h + top + bottom, w + left + right, channels),
                               dtype=grad_output.dtype)
        for i in range(ph):
            for j in range(pw):
                routed = np.where(self._winner == i * pw + j, grad_output, 0)
                grad_padded[:, i: i + (out_h - 1) * sh + 1: sh,
                            j: j + (out_w - 1) * sw + 1: sw] += routed
        return grad_padded[:, top: top + h, left: left + w]

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size),
                "strides": list(self.strides), "padding": self.padding}
