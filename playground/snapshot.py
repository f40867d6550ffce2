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
class SampleView:
    """One example pushed through the network (image and sequence data): what each layer
    makes of it, for the network diagram's node pictures.

    name: which example it is, e.g. "test example 1 (true 7)".
    maps: "input" or a layer name -> (rows, cols, units) float32, one picture per unit:
          the input image (height, width, channels); a Conv2D layer's feature maps
          (height', width', filters); a sequence input (1, time, features), a strip along
          time; a recurrent layer's state over time (1, time, units); a Dense layer's
          outputs (1, 1, units), one value per unit. Row 0 is the top of an image.
    """

    name: str
    maps: dict[str, np.ndarray]


@dataclass(frozen=True)
class Snapshot:
    """Everything the page shows after some training.

    history: per-epoch lists, all the same length (= len(history_epochs)): "loss", "val_loss",
             "test_loss", and for classification "accuracy", "val_accuracy",
             "test_accuracy". A split that is empty has no key.
    grad_norms: layer name -> per-epoch L2 norm of that layer's gradient (all its params).
    history_epochs: the 1-based epoch of each history entry: 1, 2, ..., epoch until a long
             run's history is thinned (then epoch 1, every k-th epoch and the latest).
    metrics: split name -> {"accuracy", "precision", "recall", "f1"} (classification) or
             {"mse", "mae", "r2"} (regression), from ``playground.nn.metrics``.
    confusion: split name -> (classes, classes) int counts, rows true, columns predicted.
    data_kind, model_kind, feature_names, autoencoder: what the views need to know about
             the experiment (``playground.viz.views`` picks the pictures from them).
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
    data_kind: str = "points2d"              # "points2d", "table", "image" or "sequence"
    model_kind: str = "mlp"                  # "mlp", "cnn", "rnn", "lstm", "autoencoder"
    feature_names: list[str] = field(default_factory=list)   # the model's input columns
    autoencoder: bool = False                # the target is the input itself
    grid: GridView | None = None             # only for 2-D point data
    curve: CurveView | None = None           # only for 1-input regression
    sample: SampleView | None = None         # only for image and sequence data
    batch_in_epoch: int = 0                  # batches done of the epoch in progress
    batches_per_epoch: int = 0               # batches in one epoch
    batch_loss: float | None = None          # after Step batch: that batch's loss, taken
                                             # just before its update; else None
    status: str = "ready"                    # "ready", "training", "paused", "diverged", "done"
    message: str = ""                        # plain-language note (why it paused, what to try)
    history_epochs: list[int] = field(default_factory=list)   # empty: 1..len(history)
