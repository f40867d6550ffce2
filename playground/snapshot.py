"""What a training session hands to the figures: plain arrays, no live objects.

``playground.training`` fills these; ``playground.viz`` draws them; the UI only passes
them along. Every array is a copy, so a snapshot stays valid while training goes on.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class LayerView:
    """One layer of the network as the diagram and histograms see it."""

    name: str                      # e.g. "dense_1"
    kind: str                      # layer class name: "Dense", "Conv2D", "LSTM", ...
    units: int                     # neurons (Dense), filters (Conv2D), units (RNN); 0 if none
    activation: str                # activation name, "" if the layer has none
    weights: dict[str, np.ndarray]  # param name -> copy, e.g. {"kernel": (in, out), "bias": (out,)}


@dataclass(frozen=True)
class GridView:
    """The network evaluated on a square grid over a 2-D input plane (points2d data only).

    x1, x2: (resolution,) grid coordinates in the data's original units.
    output: (resolution, resolution) for binary classification (probability of class 1)
            or one-output regression; (resolution, resolution, classes) probabilities for
            multi-class. Row i is x2[i], column j is x1[j].
    neurons: one array per entry of ``neuron_labels``' layers, each
             (resolution, resolution, units): the input features first (after feature
             crosses, before scaling), then every layer's output after its activation.
    neuron_labels: the layer each ``neurons`` entry belongs to: "input", then layer names.
    """

    x1: np.ndarray
    x2: np.ndarray
    output: np.ndarray
    neurons: list[np.ndarray]
    neuron_labels: list[str]
    feature_names: list[str]       # names of the input features (x1, x2, x1², sin(x1), ...)


@dataclass(frozen=True)
class CurveView:
    """A one-input regression model drawn as a curve (1-D data such as y = 2x + 3).

    x: (points,) evenly spaced over the data range, original units.
    y: (points,) the model's prediction at x, original units.
    """

    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class SplitView:
    """One data split, in original units, with the model's current predictions.

    X: the split's inputs in original units: (n, features) for points/tables,
       (n, height, width, channels) for images, (n, time, features) for sequences.
    y_true: classification (n,) int labels; regression (n,) or (n, outputs) floats.
    y_pred: classification (n,) int predicted labels; regression same shape as y_true.
    proba: classification (n, classes) probabilities, else None.
    """

    name: str                      # "train", "validation" or "test"
    X: np.ndarray | None
    y_true: np.ndarray
    y_pred: np.ndarray
    proba: np.ndarray | None = None


@dataclass(frozen=True)
class Snapshot:
    """Everything the page shows after some training.

    history: per-epoch lists, all the same length (= epoch): "loss", "val_loss",
             "test_loss", and for classification "accuracy", "val_accuracy",
             "test_accuracy". A split that is empty has no key.
    grad_norms: layer name -> per-epoch L2 norm of that layer's gradient (all its params).
    metrics: split name -> {"accuracy", "precision", "recall", "f1"} (classification) or
             {"mse", "mae", "r2"} (regression), from ``playground.nn.metrics``.
    confusion: split name -> (classes, classes) int counts, rows true, columns predicted.
    """

    epoch: int                               # epochs completed
    batches: int                             # batches completed in all
    task: str                                # "classification" or "regression"
    class_names: list[str] | None
    history: dict[str, list[float]]
    grad_norms: dict[str, list[float]]
    layers: list[LayerView]
    metrics: dict[str, dict[str, float]]
    confusion: dict[str, np.ndarray] = field(default_factory=dict)
    splits: dict[str, SplitView] = field(default_factory=dict)
    grid: GridView | None = None             # only for 2-D point data
    curve: CurveView | None = None           # only for 1-input regression
    status: str = "ready"                    # "ready", "training", "paused", "diverged", "done"
    message: str = ""                        # plain-language note (why it paused, what to try)
