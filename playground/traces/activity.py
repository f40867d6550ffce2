"""What the hidden layers do on the training data: dead and saturated units, activation
distributions over time, and the activation and loss functions drawn as curves.

``layer_activity(model, x)`` runs the training rows through the network (inference mode)
and, for every Dense layer the inspector can follow, keeps its pre-activations z, which
units are dead (a ReLU-like unit whose output is 0 on every training point: no gradient
reaches its weights any more) and which are saturated (a sigmoid or tanh unit at the flat
end of its curve on at least SATURATED_SHARE of the points: its gradient is nearly 0).
``health_sentences`` says it in plain words. ``ActivityHistory`` keeps each layer's
activation percentiles per epoch (TensorBoard's distributions). No Streamlit, no Plotly.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.nn import activations as nn_activations
from playground.nn import losses as nn_losses
from playground.traces.neuron import dense_layers

ACTIVITY_ROWS = 4000          # training rows looked at, at most (the first ones) ...
ACTIVITY_ROWS_DEEP_INPUT = 200   # ... or this many when convolution or recurrent layers
                                 # come first (each row costs their whole forward pass)
Z_SAMPLE = 600                # pre-activations kept per layer for the histogram, rows
SATURATED_SHARE = 0.9         # saturated: at the flat end on at least this share of points
# activation -> (low, high) outputs counted as "at the flat end"
SATURATION = {"sigmoid": (0.02, 0.98), "tanh": (-0.98, 0.98)}
DEAD_KINDS = ("relu",)        # outputs exactly 0 for z <= 0
# TensorBoard's distribution bands: percentiles at -inf, -2, -1.5, -1, -0.5, 0, ... sigma
PERCENTILES = (0.0, 6.68, 15.87, 30.85, 50.0, 69.15, 84.13, 93.32, 100.0)
HISTORY_CAPACITY = 400        # epochs kept per layer before every other one is dropped


@dataclass(frozen=True)
class LayerActivity:
    """One Dense layer on the training rows.

    z_sample: (rows, units) pre-activations of up to Z_SAMPLE rows; dead, saturated:
    (units,) bool; percentiles: (len(PERCENTILES),) of all its outputs a.
    """

    name: str
    number: int                  # 1-based among the Dense layers
    activation: str
    units: int
    rows: int                    # training rows looked at
    z_sample: np.ndarray
    dead: np.ndarray
    saturated: np.ndarray
    percentiles: np.ndarray
    hidden: bool                 # False for the output layer


def layer_activity(model, x: np.ndarray) -> list[LayerActivity]:
    """Every followable Dense layer's activity on x: (n, *input_shape) model inputs."""
    indices = dense_layers(model)
    if not indices:
        return []
    rows = ACTIVITY_ROWS if indices[0] == 0 or all(
        not layer.params for layer in model.layers[:indices[0]]) else ACTIVITY_ROWS_DEEP_INPUT
    x = np.asarray(x[:rows], dtype=model.dtype)
    current = x
    found, number = [], 0
    for index, layer in enumerate(model.layers):
        if type(layer).__name__ == "Dense":
            number += 1
        if index in indices:
            flat = current.reshape(len(current), -1)
            z = flat @ layer.params["kernel"]
            if layer.use_bias:
                z += layer.params["bias"]
            a = layer.activation_fn.forward(z.copy())
            found.append(_activity(layer, number, z, a, index == len(model.layers) - 1))
            current = a
        else:
            current = layer.forward(current, False)
    return found


def _activity(layer, number: int, z: np.ndarray, a: np.ndarray, last: bool) -> LayerActivity:
    units = z.shape[1]
    dead = np.zeros(units, dtype=bool)
    saturated = np.zeros(units, dtype=bool)
    if layer.activation in DEAD_KINDS:
        dead = ~(a > 0).any(axis=0)
    if layer.activation in SATURATION:
        low, high = SATURATION[layer.activation]
        flat_end = (a <= low) | (a >= high)
        saturated = flat_end.mean(axis=0) >= SATURATED_SHARE
    return LayerActivity(layer.name, number, layer.activation, units, len(z),
                         np.array(z[:Z_SAMPLE]), dead, saturated,
                         np.percentile(a, PERCENTILES).astype(np.float64), not last)


def health_sentences(layers: list[LayerActivity]) -> list[str]:
    """One plain sentence per hidden layer with dead or saturated units (empty if none)."""
    sentences = []
    for layer in layers:
        if not layer.hidden:
            continue
        where = f"Layer {layer.number} ({layer.activation})"
        dead = int(layer.dead.sum())
        if dead:
            sentences.append(
                f"{where}: {dead} of {layer.units} units are dead (output 0 on every "
                f"training point: no gradient reaches them); try a smaller learning rate "
                f"or leaky_relu.")
        saturated = int(layer.saturated.sum())
        if saturated:
            sentences.append(
                f"{where}: {saturated} of {layer.units} units are saturated (on the flat "
                f"end of the curve for {SATURATED_SHARE:.0%} of the training points or "
                f"more: their gradient is almost 0); try a smaller learning rate, scaled "
                f"inputs, or relu.")
    return sentences


class ActivityHistory:
    """layer name -> (epochs, percentiles per epoch), bounded: once a layer holds
    HISTORY_CAPACITY epochs, every other one of the older half is dropped."""

    def __init__(self):
        self.epochs: dict[str, list[int]] = {}
        self.values: dict[str, list[np.ndarray]] = {}

    def record(self, epoch: int, layers: list[LayerActivity]) -> None:
        for layer in layers:
            epochs = self.epochs.setdefault(layer.name, [])
            values = self.values.setdefault(layer.name, [])
            if epochs and epochs[-1] >= epoch:
                epochs[-1], values[-1] = epoch, layer.percentiles
                continue
            epochs.append(epoch)
            values.append(layer.percentiles)
            if len(epochs) > HISTORY_CAPACITY:
                half = HISTORY_CAPACITY // 2
                self.epochs[layer.name] = epochs[:half:2] + epochs[half:]
                self.values[layer.name] = values[:half:2] + values[half:]

    def copy(self) -> dict[str, tuple[list[int], np.ndarray]]:
        """layer name -> (epochs, (epochs, len(PERCENTILES)) array), copies."""
        return {name: (list(self.epochs[name]), np.array(self.values[name]))
                for name in self.epochs}


# ----- the curves of the explainer -------------------------------------------------------
@dataclass(frozen=True)
class ActivationCurve:
    """f and f' of one activation over x, and where a layer's z lie right now.

    x, f, slope: (points,); z_counts: (bins,) how many of the layer's pre-activations fall
    in each bin of z_edges: (bins + 1,)."""

    name: str
    layer_number: int
    x: np.ndarray
    f: np.ndarray
    slope: np.ndarray
    z_counts: np.ndarray
    z_edges: np.ndarray


def activation_curve(layer: LayerActivity, points: int = 241, bins: int = 40) -> ActivationCurve:
    """The layer's activation and its derivative, by the engine's own functions, over a
    range that covers at least [-5, 5] and all of the layer's current z."""
    z = layer.z_sample.ravel().astype(np.float64)
    low = min(-5.0, float(z.min()) if z.size else -5.0)
    high = max(5.0, float(z.max()) if z.size else 5.0)
    x = np.linspace(low, high, points)
    function = nn_activations.get(layer.activation)
    if layer.activation == "softmax":          # not element-wise: draw one unit of two
        pair = np.stack([x, np.zeros_like(x)], axis=1)
        f = function.forward(pair.copy())[:, 0]
        slope = f * (1 - f)
    else:
        f = function.forward(x.copy())
        slope = function.backward(np.ones_like(x), f.copy(), x.copy())
    counts, edges = np.histogram(z, bins=bins, range=(low, high))
    return ActivationCurve(layer.activation, layer.number, x, f, slope, counts, edges)


@dataclass(frozen=True)
class LossCurves:
    """Loss of one example as a function of the prediction, for one target.

    prediction: (points,); losses: loss name -> (points,)."""

    task: str
    target: float
    prediction: np.ndarray
    losses: dict[str, np.ndarray]


def loss_curves(task: str, points: int = 199) -> LossCurves:
    """Classification: binary cross-entropy and squared error of a probability p for the
    target 1; regression: squared, absolute and Huber error of a prediction for target 0.
    Each value is the engine's loss of a batch of one."""
    if task == "classification":
        target, prediction = 1.0, np.linspace(0.005, 0.995, points)
        names = ("binary_crossentropy", "mse")
    else:
        target, prediction = 0.0, np.linspace(-3.0, 3.0, points)
        names = ("mse", "mae", "huber")
    y = np.array([[target]])
    losses = {name: np.array([nn_losses.get(name)(y, np.array([[p]])) for p in prediction])
              for name in names}
    return LossCurves(task, target, prediction, losses)
