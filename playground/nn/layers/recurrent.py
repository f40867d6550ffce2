"""Recurrent layers on sequences: x (batch, time, features), Keras weight layout and order.

Both layers work time-major inside: the input projection ``x @ kernel + bias`` for every
step is one matrix product before the time loop, the loop does only the recurrent product
and the cheap element-wise maths, and backpropagation through time (full BPTT) collects the
per-step pre-activation gradients so that the kernel, recurrent kernel and input gradients are
again single matrix products after the loop. The only Python loop is over time steps.
"""
from __future__ import annotations

import numpy as np

from playground.nn import activations, initializers, regularizers
from playground.nn.layers.base import Layer


def _check_sequence_shape(input_shape: tuple, layer: str) -> tuple[int, int]:
    if len(input_shape) != 2:
        raise ValueError(
            f"{layer} expects sequences of shape (time, features) per sample, i.e. input "
            f"(batch, time, features); got per-sample shape {tuple(input_shape)}. Reshape a "
            f"single series of windows to (n, time, 1).")
    time, features = (int(d) for d in input_shape)
    if time < 1 or features < 1:
        raise ValueError(f"{layer}: time and features must be at least 1, got {input_shape}.")
    return time, features


class _Recurrent(Layer):
    """Shared settings, weight creation and input checks for SimpleRNN and LSTM."""

    gates = 1                    # blocks of `units` columns in kernel / recurrent kernel / bias
    regularizable = ("kernel",)

    def __init__(self, units, return_sequences, kernel_initializer, recurrent_initializer,
                 kernel_regularizer, name, trainable):
        super().__init__(name=name, trainable=trainable)
        kind = type(self).__name__
        if int(units) < 1:
            raise ValueError(f"{kind}: units must be at least 1, got {units!r}.")
        self.units = int(units)                                  # size of the hidden state
        self.return_sequences = bool(return_sequences)           # every step or only the last
        initializers.get(kernel_initializer)                     # fail early on bad names
        initializers.get(recurrent_initializer)
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self._x_time_major = None        # (time, batch, features) input of the last forward
        # Teaching views: set keep_state_gradients and backward() also keeps dLoss/dh_t,
        # the gradient reaching each step's hidden state (off while training: no cost).
        self.keep_state_gradients = False
        self.state_gradients = None      # (time, batch, units) dLoss/dh_t, or None

    def count_params_for(self, input_shape):
        _, features = _check_sequence_shape(input_shape, type(self).__name__)
        return self.gates * self.units * (features + self.units + 1)

    def compute_output_shape(self, input_shape):
        time, _ = _check_sequence_shape(input_shape, type(self).__name__)
        return (time, self.units) if self.return_sequences else (self.units,)

    def build(self, input_shape, rng, dtype=np.float32):
        _, features = _check_sequence_shape(input_shape, type(self).__name__)
        width = self.gates * self.units
        # contiguous copies: optimizers and gradient checks update the arrays in place
        self.params = {
            "kernel": np.ascontiguousarray(initializers.initialize(
                self.kernel_initializer, (features, width), features, width, rng, dtype)),
            "recurrent_kernel": np.ascontiguousarray(initializers.initialize(
                self.recurrent_initializer, (self.units, width), self.units, width, rng,
                dtype)),
            "bias": self._initial_bias(dtype),
        }
        super().build(input_shape, rng, dtype)

    def _initial_bias(self, dtype) -> np.ndarray:
        return np.zeros(self.gates * self.units, dtype=dtype)

    def _projected_inputs(self, x: np.ndarray, kernel: np.ndarray,
                          bias: np.ndarray) -> np.ndarray:
        """x: (batch, time, features) -> x @ kernel + bias, time-major (time, batch, width)."""
        kind = self.name or type(self).__name__
        if x.ndim != 3 or x.shape[2] != self.input_shape[1]:
            raise ValueError(
                f"{kind} expects input of shape (batch, time, {self.input_shape[1]}), "
                f"got {tuple(x.shape)}.")
        batch, time, features = x.shape
        self._x_time_major = np.ascontiguousarray(x.transpose(1, 0, 2))
        projected = self._x_time_major.reshape(-1, features) @ kernel     # one 2-D product
        projected += bias
        return projected.reshape(time, batch, kernel.shape[1])

    def _output(self, hidden: np.ndarray) -> np.ndarray:
        """hidden: (time+1, batch, units) with h0 first -> this layer's output."""
        if self.return_sequences:
            return hidden[1:].transpose(1, 0, 2)
        return hidden[-1].copy()

    def _output_gradients(self, grad_output: np.ndarray):
        """-> (per-step output grads (time, batch, units) or None, initial dLoss/dh carry).

        Without return_sequences only the last step receives a gradient from above: it
        starts the carry and there is nothing to add at the other steps."""
        if self.return_sequences:
            batch = grad_output.shape[0]
            return (grad_output.transpose(1, 0, 2),
                    np.zeros((batch, self.units), dtype=grad_output.dtype))
        return None, np.array(grad_output, dtype=grad_output.dtype)

    def _param_and_input_grads(self, grad_z: np.ndarray, hidden: np.ndarray) -> np.ndarray:
        """grad_z: (time, batch, gates*units) pre-activation grads -> fills grads, returns dx."""
        x = self._x_time_major
        time, batch, width = grad_z.shape
        flat_z = grad_z.reshape(-1, width)
        # written in place: the model may keep every gradient as a view into one flat vector
        self.grads["kernel"][...] = x.reshape(-1, x.shape[2]).T @ flat_z
        self.grads["recurrent_kernel"][...] = hidden[:-1].reshape(-1, self.units).T @ flat_z
        self.grads["bias"][...] = flat_z.sum(axis=0)
        if not self.needs_input_gradient:
            return None
        grad_x = flat_z @ self.params["kernel"].T
        return grad_x.reshape(time, batch, x.shape[2]).transpose(1, 0, 2)

    def last_states(self) -> dict[str, np.ndarray]:
        """The last forward's hidden states h_1..h_T as a batch-major copy (teaching
        views): {"hidden": (batch, time, units)}; the LSTM adds its gates and cells."""
        return {"hidden": self._hidden[1:].transpose(1, 0, 2).copy()}

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "return_sequences": self.return_sequences,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer)}


class SimpleRNN(_Recurrent):
    """h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias), h_0 = 0.

    x: (batch, time, features) -> (batch, units), or (batch, time, units) with
    return_sequences. kernel (features, units), recurrent_kernel (units, units), bias (units,).
    """

    default_name = "simple_rnn"

    def __init__(self, units, activation="tanh", return_sequences=False,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 kernel_regularizer=None, name=None, trainable=True):
        super().__init__(units, return_sequences, kernel_initializer, recurrent_initializer,
                         kernel_regularizer, name, trainable)
        self.activation_fn = activations.get(activation)
        self.activation = self.activation_fn.name
        self._hidden = None          # (time+1, batch, units) states, h0 = 0 first
        self._pre = None             # (time, batch, units) pre-activations, if the activation
                                     # derivative needs them (swish, gelu)

    def forward(self, x, training=False):
        projected = self._projected_inputs(x, self.params["kernel"], self.params["bias"])
        time, batch, _ = projected.shape
        recurrent = self.params["recurrent_kernel"]
        hidden = np.zeros((time + 1, batch, self.units), dtype=projected.dtype)
        activation = self.activation_fn
        for t in range(time):
            z = projected[t]
            z += hidden[t] @ recurrent
            activation.forward(z, out=hidden[t + 1])
        self._hidden = hidden
        self._pre = projected if activation.needs_input else None
        return self._output(hidden)

    def backward(self, grad_output):
        hidden = self._hidden
        time, batch = hidden.shape[0] - 1, hidden.shape[1]
        grad_h, carry = self._output_gradients(grad_output)   # carry: dLoss/dh_t
        recurrent_t = self.params["recurrent_kernel"].T
        grad_z = np.empty((time, batch, self.units), dtype=hidden.dtype)
        # fused (last layer, sigmoid/softmax + cross-entropy): the gradient from above is
        # already dLoss/dz, only the part carried back through time needs the derivative
        fused = self.fused_output_gradient
        kept = np.empty((time, batch, self.units), dtype=hidden.dtype) \
            if self.keep_state_gradients and not fused else None
        for t in range(time - 1, -1, -1):
            pre = None if self._pre is None else self._pre[t]
            if not fused:
                dh = carry if grad_h is None else grad_h[t] + carry
                if kept is not None:
                    kept[t] = dh
                grad_z[t] = self.activation_fn.backward(dh, hidden[t + 1], pre)
            elif grad_h is None:
                grad_z[t] = carry if t == time - 1 else self.activation_fn.backward(
                    carry, hidden[t + 1], pre)
            else:
                grad_z[t] = self.activation_fn.backward(carry, hidden[t + 1], pre)
                grad_z[t] += grad_h[t]
            if t:
                carry = grad_z[t] @ recurrent_t
        self.state_gradients = kept
        return self._param_and_input_grads(grad_z, hidden)

    def get_config(self):
        return {**super().get_config(), "activation": self.activation}


class LSTM(_Recurrent):
    """Long short-term memory, gates in Keras order input, forget, cell, output.

    z = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias, split in four blocks of `units`:
    i, f, o = sigmoid(z_i, z_f, z_o), g = tanh(z_c); c_t = f*c_{t-1} + i*g; h_t = o*tanh(c_t).
    x: (batch, time, features) -> (batch, units), or (batch, time, units) with
    return_sequences. kernel (features, 4*units), recurrent_kernel (units, 4*units),
    bias (4*units,), forget block of the bias initialised to 1 (unit_forget_bias, as Keras).
    """

    gates = 4
    default_name = "lstm"

    def __init__(self, units, return_sequences=False, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", unit_forget_bias=True,
                 kernel_regularizer=None, name=None, trainable=True):
        super().__init__(units, return_sequences, kernel_initializer, recurrent_initializer,
                         kernel_regularizer, name, trainable)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.activation = "tanh"     # cell activation; the gates use sigmoid (fixed, as Keras)
        self._gates = None           # (time, batch, 4*units) activated gates i, f, g, o
        self._cells = None           # (time+1, batch, units) cell states, c0 = 0 first
        self._tanh_cells = None      # (time, batch, units) tanh(c_t)
        self._hidden = None          # (time+1, batch, units) hidden states, h0 = 0 first

    def _initial_bias(self, dtype):
        bias = np.zeros(4 * self.units, dtype=dtype)
        if self.unit_forget_bias:
            bias[self.units: 2 * self.units] = 1
        return bias

    def _gate_scales(self, dtype):
        """sigmoid(z) = 0.5 + 0.5*tanh(z/2): one tanh over all four blocks, then an affine.

        -> inner (4*units,) scale applied to z before the tanh (folded into the weights),
           offset (4*units,): gate = inner * tanh(inner * z) + offset."""
        u = self.units
        inner = np.full(4 * u, 0.5, dtype=dtype)
        inner[2 * u: 3 * u] = 1                   # the cell candidate is a plain tanh
        offset = np.full(4 * u, 0.5, dtype=dtype)
        offset[2 * u: 3 * u] = 0
        return inner, offset

    def forward(self, x, training=False):
        p = self.params
        inner, offset = self._gate_scales(p["kernel"].dtype)
        projected = self._projected_inputs(x, p["kernel"] * inner, p["bias"] * inner)
        time, batch, _ = projected.shape
        u, dtype = self.units, projected.dtype
        recurrent = p["recurrent_kernel"] * inner
        gates = np.empty((time, batch, 4 * u), dtype=dtype)
        cells = np.zeros((time + 1, batch, u), dtype=dtype)
        tanh_cells = np.empty((time, batch, u), dtype=dtype)
        hidden = np.zeros((time + 1, batch, u), dtype=dtype)
        product = np.empty((batch, u), dtype=dtype)
        for t in range(time):
            z = projected[t]
            if t:                                 # h_0 = 0: nothing to add at the first step
                z += hidden[t] @ recurrent
            g = np.tanh(z, out=gates[t])
            g *= inner
            g += offset                           # i, f, o = sigmoid; g = tanh
            c = cells[t + 1]
            np.multiply(g[:, u: 2 * u], cells[t], out=c)
            np.multiply(g[:, :u], g[:, 2 * u: 3 * u], out=product)
            c += product
            np.tanh(c, out=tanh_cells[t])
            np.multiply(g[:, 3 * u:], tanh_cells[t], out=hidden[t + 1])
        self._gates, self._cells, self._tanh_cells, self._hidden = gates, cells, tanh_cells, hidden
        return self._output(hidden)

    def backward(self, grad_output):
        gates, cells, tanh_cells, hidden = self._gates, self._cells, self._tanh_cells, self._hidden
        time, batch, _ = gates.shape
        u = self.units
        # Everything that does not depend on the incoming gradient, for all steps at once:
        # dc_t/dh_t = o * (1 - tanh(c)^2), and dz = coefficient * (dc or dh) per gate block
        # with coefficients (g, c_{t-1}, i) * gate slope for i, f, g and tanh(c) * slope for o.
        cell_from_hidden = 1 - tanh_cells * tanh_cells
        cell_from_hidden *= gates[:, :, 3 * u:]
        coefficient = gates * (1 - gates)                 # sigmoid slope s(1-s) ...
        coefficient[:, :, 2 * u: 3 * u] = 1 - gates[:, :, 2 * u: 3 * u] ** 2   # ... tanh: 1-g^2
        coefficient[:, :, :u] *= gates[:, :, 2 * u: 3 * u]
        coefficient[:, :, u: 2 * u] *= cells[:-1]
        coefficient[:, :, 2 * u: 3 * u] *= gates[:, :, :u]
        coefficient[:, :, 3 * u:] *= tanh_cells
        coefficient = coefficient.reshape(time, batch, 4, u)
        forget = gates[:, :, u: 2 * u]
        recurrent_t = self.params["recurrent_kernel"].T
        grad_z = np.empty_like(gates)
        grad_z_blocks = grad_z.reshape(time, batch, 4, u)
        grad_h, carry_h = self._output_gradients(grad_output)   # carry_h: dLoss/dh_t
        carry_c = np.zeros((batch, u), dtype=gates.dtype)       # dLoss/dc_t from step t+1
        kept = np.empty((time, batch, u), dtype=gates.dtype) if self.keep_state_gradients \
            else None
        for t in range(time - 1, -1, -1):
            dh = carry_h if grad_h is None else grad_h[t] + carry_h
            if kept is not None:
                kept[t] = dh
            dc = dh * cell_from_hidden[t]
            dc += carry_c
            np.multiply(dc[:, None, :], coefficient[t, :, :3], out=grad_z_blocks[t, :, :3])
            np.multiply(dh, coefficient[t, :, 3], out=grad_z_blocks[t, :, 3])
            if t:
                carry_c = dc * forget[t]
                carry_h = grad_z[t] @ recurrent_t
        self.state_gradients = kept
        return self._param_and_input_grads(grad_z, hidden)

    def last_states(self) -> dict[str, np.ndarray]:
        """The last forward's internals, batch-major copies (teaching views): "hidden",
        the "input", "forget", "output" gates and the "cell" state, each
        (batch, time, units)."""
        u = self.units
        gates = self._gates.transpose(1, 0, 2)
        return {**super().last_states(), "input": gates[:, :, :u].copy(), "forget": gates[:, :, u: 2 * u].copy(),
                "output": gates[:, :, 3 * u:].copy(),
                "cell": self._cells[1:].transpose(1, 0, 2).copy()}

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}
