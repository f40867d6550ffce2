"""The flat parameter store: every trainable weight of a model in one vector.

``FlatParameters(layers, dtype)`` copies each trainable weight into one flat vector and
rebinds ``layer.params[key]`` to a view of it (``layer.grads[key]`` likewise into a second
vector), so the optimizer updates the whole network with a handful of NumPy calls and one
dot product checks every gradient for NaN or infinity. Trainable means: the layer's
``trainable`` is True and the key is not in its ``non_trainable_params`` (moving statistics).
"""
from __future__ import annotations

import math

import numpy as np


class FlatParameters:
    """Views of every trainable weight into ``params`` and of its gradient into ``grads``."""

    def __init__(self, layers, dtype):
        entries = [(layer, key) for layer in layers if layer.trainable
                   for key in layer.params if key not in layer.non_trainable_params]
        total = sum(layer.params[key].size for layer, key in entries)
        self.params = np.zeros(total, dtype=dtype)    # (total,) every trainable weight
        self.grads = np.zeros(total, dtype=dtype)     # (total,) their gradients, same layout
        self.before_step = np.empty_like(self.params)  # undo buffer for one update
        self.bindings: list[tuple] = []     # (layer, key, param view, grad view)
        offset = 0
        for layer, key in entries:
            value = layer.params[key]
            param_view = self.params[offset: offset + value.size].reshape(value.shape)
            grad_view = self.grads[offset: offset + value.size].reshape(value.shape)
            param_view[...] = value
            layer.params[key] = param_view
            layer.grads[key] = grad_view
            self.bindings.append((layer, key, param_view, grad_view))
            offset += value.size
        self.param_list = [self.params]     # what optimizer.apply takes, the same list
        self.grad_list = [self.grads]       # object every step (its state is keyed on it)
        last = layers[-1] if layers else None
        self.output_kernel_grad = next(      # the last layer's kernel gradient view, if any
            (grad for layer, key, _, grad in self.bindings
             if layer is last and key == "kernel"), None)

    def offset_of(self, layer, key: str) -> int:
        """Where ``layer.params[key]`` starts in ``params`` (its elements follow in C order)."""
        offset = 0
        for bound_layer, bound_key, param_view, _ in self.bindings:
            if bound_layer is layer and bound_key == key:
                return offset
            offset += param_view.size
        raise KeyError(f"{layer.name}.{key} is not a trainable weight of this model.")

    @property
    def size(self) -> int:
        return int(self.params.size)

    def resync(self) -> None:
        """Copy back any param/grad array a layer replaced instead of writing in place."""
        for layer, key, param_view, grad_view in self.bindings:
            grad = layer.grads[key]
            if grad is not grad_view:
                grad_view[...] = grad
                layer.grads[key] = grad_view
            param = layer.params[key]
            if param is not param_view:
                param_view[...] = param
                layer.params[key] = param_view

    def squared_gradient_norm(self) -> float:
        """sum of squared gradients: one BLAS dot; NaN and infinity propagate into it."""
        return float(np.dot(self.grads, self.grads))

    def save_for_undo(self) -> None:
        np.copyto(self.before_step, self.params)

    def undo(self) -> None:
        np.copyto(self.params, self.before_step)

    def finite(self) -> bool:
        """True if every weight is a finite number."""
        return bool(np.isfinite(self.params).all())

    def squared_norm_finite(self) -> bool:
        """The cheap check after an update: one dot product, in which NaN and infinity
        propagate (and which also overflows for weights near the float limit)."""
        return math.isfinite(float(np.dot(self.params, self.params)))


def get_weights(layers) -> list[np.ndarray]:
    """Copies of every layer's params, Keras order (Dense: kernel, bias)."""
    return [np.array(value) for layer in layers for value in layer.params.values()]


def set_weights(layers, weights) -> None:
    """Set weights from a list like get_weights(); refuses wrong count, shapes or values."""
    weights = list(weights)
    expected = [(layer, key, value) for layer in layers for key, value in layer.params.items()]
    if len(weights) != len(expected):
        raise ValueError(f"set_weights got {len(weights)} arrays but the model has "
                         f"{len(expected)} "
                         f"({', '.join(f'{lay.name}.{k}' for lay, k, _ in expected)}).")
    for (layer, key, value), new in zip(expected, weights):
        new = np.asarray(new)
        if new.shape != value.shape:
            raise ValueError(f"Layer {layer.name}: {key} needs shape {value.shape}, got "
                             f"{new.shape}.")
        if new.dtype.kind not in "biuf" or not np.isfinite(new).all():
            raise ValueError(f"Layer {layer.name}: {key} must hold finite numbers.")
    for (_, _, value), new in zip(expected, weights):
        value[...] = new


def summary_table(model_name: str, layers, trainable: int) -> str:
    """Keras's model.summary() text: one row per layer (name, type, output shape, params)."""
    rows = [("Layer (type)", "Output shape", "Params")]
    for layer in layers:
        shape = "(None, " + ", ".join(map(str, layer.output_shape or ("?",))) + ")"
        rows.append((f"{layer.name} ({type(layer).__name__})", shape,
                     str(layer.count_params())))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    line = "-" * (sum(widths) + 4)
    body = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows]
    total = sum(layer.count_params() for layer in layers)
    return "\n".join([f'Model: "{model_name}"', line, body[0], line, *body[1:], line,
                      f"Total params: {total}", f"Trainable params: {trainable}",
                      f"Non-trainable params: {total - trainable}"])
