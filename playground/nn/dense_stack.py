"""The training pass of a model made only of Dense layers, with every lookup done once.

On the playground's small networks (2-4-2-1, batches of 10) a NumPy call costs about a
microsecond and the Python around it (a method call per layer, dict lookups, shape and
flag checks) cost as much again. ``DenseStack`` is built once per parameter layout and
runs the same NumPy calls, in the same order, on the same arrays as ``Dense.forward`` /
``Dense.backward`` do: the numbers are the same bit for bit (tests/nn/test_dense_stack.py),
only the bookkeeping between them is gone.

    stack = DenseStack.of(model)        # None unless every layer is a bound 2-D Dense
    output = stack.forward(x)           # x: (batch, in) in the model's dtype -> (batch, out)
    stack.backward(grad)                # grad: dL/d(output) (or dL/dz when fused), same shape

``forward`` leaves each layer's caches (``_x``, ``_z``, ``_a``) as ``Dense.forward`` does;
``backward`` writes every gradient in place into the model's flat gradient vector.
"""
from __future__ import annotations

import numpy as np

from playground.nn import divergence
from playground.nn.layers.core import Dense


class DenseStack:
    """Per layer, in order: (layer, kernel, bias or None, kernel grad, bias grad or None,
    activation, whether its backward reads z). All arrays are the views ``FlatParameters``
    bound into the layers' ``params`` / ``grads``."""

    def __init__(self, model) -> None:
        self.store = model.store              # the layout these views belong to
        self.plan = []
        for layer in model.layers:
            bias = layer.params.get("bias") if layer.use_bias else None
            self.plan.append((layer, layer.params["kernel"], bias, layer.grads["kernel"],
                              layer.grads.get("bias") if layer.use_bias else None,
                              layer.activation_fn, layer.activation_fn.needs_input))
        self.reverse = self.plan[::-1]        # the same, last layer first
        # divergence.loss_follows_grads for this layout (it depends on nothing else)
        self.loss_follows_grads = divergence.loss_follows_grads(
            model._fused, model.layers[-1], model.store)

    @classmethod
    def of(cls, model) -> DenseStack | None:
        """A stack for ``model`` if every layer is a Dense on 2-D input whose weights are
        all in the model's flat vectors; None otherwise (the general path then runs)."""
        store = model.store
        if store is None or not model.layers or model.input_shape is None or \
                len(model.input_shape) != 1:
            return None
        bound = {(id(layer), key) for layer, key, _, _ in store.bindings}
        for layer in model.layers:
            if type(layer) is not Dense or not layer.built:
                return None
            if any((id(layer), key) not in bound for key in layer.params):
                return None
        return cls(model)

    def holds(self, model) -> bool:
        """Still true to ``model``: same layout and no weight or gradient array rebound
        since (identity checks; ``FlatParameters.resync`` binds a replaced one back after
        the general path's step, and the stack holds again)."""
        if model.store is not self.store:
            return False
        for layer, kernel, bias, kernel_grad, bias_grad, _, _ in self.plan:
            params, grads = layer.params, layer.grads
            if params["kernel"] is not kernel or grads["kernel"] is not kernel_grad:
                return False
            if bias is not None and (params["bias"] is not bias or
                                     grads["bias"] is not bias_grad):
                return False
        return len(self.plan) == len(model.layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Training-mode forward, as Dense.forward: x (batch, in) -> (batch, units)."""
        dot = np.dot
        for layer, kernel, bias, _, _, activation, keeps_z in self.plan:
            z = dot(x, kernel)
            if bias is not None:
                z += bias
            layer._x = x
            if keeps_z:
                layer._z = z
                x = activation.forward(z)
            else:
                x = activation.forward(z, out=z)
            layer._a = x
        return x

    def backward(self, grad: np.ndarray) -> None:
        """As Dense.backward from the last layer to the first: grad (batch, out) is dL/da
        of the output (dL/dz if its activation is fused with the loss)."""
        dot, reduce = np.dot, np.add.reduce
        last = len(self.reverse) - 1
        for index, (layer, kernel, bias, kernel_grad, bias_grad, activation, _) in \
                enumerate(self.reverse):
            if layer.fused_output_gradient:
                grad_z = grad
            else:
                grad_z = activation.backward(grad, layer._a, layer._z)
            try:
                dot(layer._x.T, grad_z, out=kernel_grad)
            except ValueError:        # dtype or layout differs from the grads buffer
                kernel_grad[...] = dot(layer._x.T, grad_z)
            if bias is not None:
                reduce(grad_z, axis=0, out=bias_grad)
            if index == last and not layer.needs_input_gradient:
                return
            grad = dot(grad_z, kernel.T)
