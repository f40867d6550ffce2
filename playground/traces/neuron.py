"""One neuron of a Dense layer, forward and backward for one data point, with the numbers.

``trace_neuron(model, x, y, layer_index, unit)`` pushes one model input row through the
network (inference mode: dropout off) and takes the loss of that point alone back to the
chosen neuron, using the engine's own activation, loss and optimizer code. Everything is in
float64 (the model's float32 weights widened), so the printed 4 significant digits are the
engine's numbers without float32 rounding noise.

What it holds, for input i of the neuron (i = 0 .. n_in - 1):
    z = sum_i w_i x_i + b,  a = f(z)
    dL/da (the loss of this point through every later layer), f'(z), delta = dL/dz
    dL/dw_i = delta x_i (+ the weight penalty's gradient), dL/db = delta
    the optimizer's change of every w_i and of b if its next step were on this point alone,
    from the optimizer's own state (velocity, Adam's moments and step count).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.nn.layers.core import Dense, Dropout

PASS_THROUGH = (Dropout,)    # layers that are the identity in inference mode


@dataclass(frozen=True)
class OptimizerStep:
    """The update the optimizer would make to k weights (the neuron's w_i, then b).

    grads, change: (k,); before, after: (slots, k), one row per ``slot_names`` entry.
    """

    name: str                        # "sgd", "adam", ... (the optimizer's own name)
    learning_rate: float
    settings: dict[str, float]       # momentum, beta_1, beta_2, epsilon, ...
    step_number: int                 # t of this step (the optimizer's count + 1)
    slot_names: tuple[str, ...]      # what each state row holds ("velocity"; "m", "v")
    grads: np.ndarray                # (k,) gradient fed to the step
    before: np.ndarray               # (slots, k) state before the step
    after: np.ndarray                # (slots, k) state after it
    change: np.ndarray               # (k,) new weight - old weight
    step_size: float | None = None   # Adam's bias-corrected lr_t of this step, else None


@dataclass(frozen=True)
class NeuronTrace:
    """Forward and backward through one neuron for one point (see the module docstring).

    inputs, weights, terms, grad_weights: (n_in,); output: (outputs,) the network's
    prediction for the point in model units; target: what the loss compares it with.
    """

    layer_name: str                  # e.g. "dense_2"
    layer_index: int                 # position in model.layers
    layer_number: int                # 1-based among the Dense layers (the diagram's column)
    unit: int                        # 0-based neuron of that layer
    activation: str                  # "tanh", "relu", "sigmoid", "linear", "softmax", ...
    row: int                         # training row of the point
    input_names: list[str]           # what each x_i is ("x1", "dense_1 #3", ...)
    inputs: np.ndarray               # (n_in,) x_i
    weights: np.ndarray              # (n_in,) w_i
    bias: float                      # b (0 if the layer has none)
    terms: np.ndarray                # (n_in,) w_i x_i
    z: float
    a: float
    loss_name: str
    loss: float                      # the loss of this point alone
    output: np.ndarray               # (outputs,) the network's output for the point
    target: np.ndarray               # the target row as the loss takes it
    dloss_da: float                  # dL/da of this neuron
    slope: float | None              # f'(z); None for softmax (not element-wise)
    delta: float                     # dL/dz
    grad_weights: np.ndarray         # (n_in,) dL/dw_i, penalty included
    grad_bias: float                 # dL/db, penalty included
    penalty_weights: np.ndarray | None   # (n_in,) the weight penalty's part, None if none
    fused: bool                      # delta came from the fused p - y of the loss
    step: OptimizerStep | None       # None: not compiled, or the layer is frozen


def dense_layers(model) -> list[int]:
    """Indices in ``model.layers`` of the Dense layers the inspector can follow: 2-D input,
    and only Dense or inference-identity layers after them."""
    found = []
    for index, layer in enumerate(model.layers):
        later = model.layers[index + 1:]
        if isinstance(layer, Dense) and len(layer.input_shape) == 1 and \
                all(isinstance(other, (Dense,) + PASS_THROUGH) for other in later):
            found.append(index)
    return found


def _dense_forward(layer: Dense, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x: (1, in) float64 -> (z, a), both (1, units) float64, with the layer's activation."""
    z = x @ layer.params["kernel"].astype(np.float64)
    if layer.use_bias:
        z = z + layer.params["bias"].astype(np.float64)
    return z, layer.activation_fn.forward(z.copy())


def trace_neuron(model, x_row, y_row, layer_index: int, unit: int, row: int = 0,
                 input_names: list[str] | None = None) -> NeuronTrace:
    """The trace of neuron ``unit`` of ``model.layers[layer_index]`` (a Dense layer listed by
    ``dense_layers``) for one model input row x_row (*input_shape) and its target y_row
    (as ``model.loss.prepare_targets`` returns a row). ValueError for anything else."""
    if layer_index not in dense_layers(model):
        raise ValueError("The neuron inspector follows Dense layers only (and the Dense "
                         "layers after a network's convolution or recurrent part).")
    layer = model.layers[layer_index]
    if not 0 <= unit < layer.units:
        raise ValueError(f"{layer.name} has neurons 0 to {layer.units - 1}, not {unit}.")
    # every layer's output for the point: Dense layers in float64 here, the layers before
    # the first inspectable one (convolution, recurrent, flatten) by the engine itself
    first = dense_layers(model)[0]
    current = np.asarray(x_row, dtype=model.dtype)[None]
    for before in model.layers[:first]:
        current = before.forward(current, False)
    current = np.asarray(current, dtype=np.float64).reshape(1, -1)
    forward = []                      # (layer, input, z, a) of the Dense layers from here on
    for index in range(first, len(model.layers)):
        dense = model.layers[index]
        if isinstance(dense, Dense):
            z, a = _dense_forward(dense, current)
            if index >= layer_index:
                forward.append((dense, current, z, a))
            current = a
    loss_fn = model.loss
    y = np.asarray(y_row)
    y = y.reshape(1) if loss_fn.name == "sparse_categorical_crossentropy" else \
        y.astype(np.float64).reshape(1, -1)
    output = current
    last, _, z_last, a_last = forward[-1]
    fused = loss_fn.fused_activation is not None and last.activation == loss_fn.fused_activation
    grad_a = loss_fn.gradient(y, output.copy())                  # dL/da of the output layer
    grad_z = loss_fn.fused_gradient(y, output.copy()) if fused else \
        last.activation_fn.backward(grad_a.copy(), a_last, z_last)
    for position in range(len(forward) - 1, 0, -1):               # back to the chosen layer
        dense, _, _, _ = forward[position]
        below, _, z_below, a_below = forward[position - 1]
        grad_a = grad_z @ dense.params["kernel"].astype(np.float64).T
        grad_z = below.activation_fn.backward(grad_a.copy(), a_below, z_below)
    _, x_in, z, a = forward[0]
    elementwise = layer.activation != "softmax"
    slope = float(layer.activation_fn.backward(np.ones_like(z), a, z)[0, unit]) \
        if elementwise else None
    delta = float(grad_z[0, unit])
    inputs = x_in[0]
    weights = layer.params["kernel"][:, unit].astype(np.float64)
    grad_weights = delta * inputs
    penalty = None
    kernel_reg = layer.regularizers.get("kernel")
    if kernel_reg is not None:
        penalty = np.asarray(kernel_reg.gradient(weights), dtype=np.float64)
        grad_weights = grad_weights + penalty
    grad_bias = delta
    bias_reg = layer.regularizers.get("bias")
    bias = float(layer.params["bias"][unit]) if layer.use_bias else 0.0
    if bias_reg is not None and layer.use_bias:
        grad_bias += float(bias_reg.gradient(np.array([bias]))[0])
    names = input_names if input_names is not None and len(input_names) == len(inputs) \
        else [f"input {i + 1}" for i in range(len(inputs))]
    return NeuronTrace(
        layer_name=layer.name, layer_index=layer_index,
        layer_number=sum(isinstance(other, Dense) for other in model.layers[:layer_index]) + 1,
        unit=unit, activation=layer.activation, row=row, input_names=list(names),
        inputs=inputs.copy(), weights=weights, bias=bias, terms=weights * inputs,
        z=float(z[0, unit]), a=float(a[0, unit]), loss_name=loss_fn.name,
        loss=float(loss_fn(y, output.copy())), output=output[0].copy(), target=y[0].copy(),
        dloss_da=float(grad_a[0, unit]),
        slope=slope, delta=delta, grad_weights=grad_weights, grad_bias=grad_bias,
        penalty_weights=penalty, fused=fused and len(forward) == 1,
        step=_optimizer_step(model, layer, unit, np.append(grad_weights, grad_bias)))


def _optimizer_step(model, layer: Dense, unit: int, grads: np.ndarray) -> OptimizerStep | None:
    """The optimizer's next step for the neuron's weights (kernel column, then bias), from
    its own state at those weights' places in the flat parameter vector."""
    optimizer, store = model.optimizer, model.store
    if optimizer is None or store is None or not layer.trainable:
        return None
    try:
        start = store.offset_of(layer, "kernel")
        positions = [start + i * layer.units + unit for i in range(layer.input_shape[-1])]
        if layer.use_bias:
            positions.append(store.offset_of(layer, "bias") + unit)
    except KeyError:
        return None
    grads = grads[:len(positions)]
    values = store.params[positions].astype(np.float64)
    before = np.array([optimizer.state_at(p) for p in positions], dtype=np.float64).T
    before = before.reshape(optimizer.slot_count, len(positions))
    change, after = optimizer.trial_step(values, grads, list(before))
    settings = {k: v for k, v in optimizer.get_config().items()
                if k not in ("type", "learning_rate") and not isinstance(v, bool)}
    step_size = optimizer.step_size_at(optimizer.iterations + 1) \
        if hasattr(optimizer, "step_size_at") else None
    return OptimizerStep(optimizer.name, optimizer.learning_rate, settings,
                         optimizer.iterations + 1, tuple(optimizer.slot_names), grads.copy(),
                         before, np.array(after).reshape(before.shape), change,
                         None if step_size is None else float(step_size))
