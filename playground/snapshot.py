"""What a training session hands to the figures: plain arrays, no live objects.

``playground.training`` fills these; ``playground.viz`` draws them; the UI only passes
them along. Every array is a copy, so a snapshot stays valid while training goes on.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from playground.traces.activity import ActivationCurve, LayerActivity, LossCurves
from playground.traces.landscape import Landscape
from playground.traces.neuron import NeuronTrace


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
    labels: an autoencoder on labelled data: (n,) int class labels (its y_true holds the
       inputs), for colouring; else None.
    """

    name: str                      # "train", "validation" or "test"
    X: np.ndarray | None
    y_true: np.ndarray
    y_pred: np.ndarray
    proba: np.ndarray | None = None
    labels: np.ndarray | None = None


@dataclass(frozen=True)
class SampleView:
    """One example pushed through the network (image and sequence data): what each layer
    makes of it, for the network diagram's node pictures.

    name: which example it is, e.g. "test example 1 (true 7)".
    maps: "input" or a layer name -> (rows, cols, units) float32, one picture per unit:
          the input image (height, width, channels); a Conv2D layer's feature maps
          (height', width', filters); a sequence input (1, time, features), a strip along
          time; a recurrent layer's state over time (1, time, units); a Dense layer's
          outputs (1, 1, units), one value per unit; a MaxPool2D layer's pooled maps
          (height', width', channels). Row 0 is the top of an image.
    conv_pixels: for a CNN, one ConvPixel per Conv2D layer (in layer order), else empty.
    recurrent: for an RNN or LSTM, the RecurrentView of this example, else None.
    """

    name: str
    maps: dict[str, np.ndarray]
    conv_pixels: tuple[ConvPixel, ...] = ()
    recurrent: RecurrentView | None = None


@dataclass(frozen=True)
class ConvPixel:
    """The arithmetic of one output pixel of a Conv2D layer for the sample (CNN Explainer's
    view): z = sum(patch * kernel) + bias, output = activation(z).

    patch: (kh, kw, channels) the layer's input under the kernel, zeros where it hangs
           over the border (padding "same"); kernel: (kh, kw, channels) the filter's
           weights; products: patch * kernel. row, col: the output pixel (0-based, row 0
           at the top); picked where the filter responds most strongly to this sample.
    """

    layer: str                     # the Conv2D layer's name
    filter: int                    # 0-based filter (output channel)
    row: int
    col: int
    patch: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    total: float                   # sum of products
    bias: float
    z: float                       # total + bias
    activation: str                # e.g. "relu"
    output: float                  # the layer's own output at (row, col, filter)


@dataclass(frozen=True)
class RecurrentView:
    """One sequence through a SimpleRNN or LSTM layer, step by step.

    x: (time, features) the inputs in original units.
    hidden: (time, units) h_t. cell: (time, units) c_t (LSTM), else None.
    gates: LSTM: "input", "forget", "output" -> (time, units) gate values in [0, 1];
           empty for a SimpleRNN.
    step_prediction: (time,) what the network would predict if the sequence ended at
           step t (the layers after the recurrent one applied to h_t), original units.
    step_target: (time,) what the network should answer after step t: for a series the
           value that follows (the input at t+1, the example's target after the last step),
           for the recall test its first value.
    grad_norm: (time,) ||dL/dh_t|| for this example's loss (L on the final prediction):
           how much each step's state still matters to the loss (vanishing gradients).
    """

    layer: str
    kind: str                      # "SimpleRNN" or "LSTM"
    x: np.ndarray
    hidden: np.ndarray
    cell: np.ndarray | None
    gates: dict[str, np.ndarray]
    step_prediction: np.ndarray
    step_target: np.ndarray
    grad_norm: np.ndarray


@dataclass(frozen=True)
class LatentView:
    """An autoencoder with a 2-unit bottleneck: where each example lands, and what the
    decoder draws from points of that plane.

    points: (n, 2) bottleneck outputs of the shown split's examples. labels: (n,) int
    classes (labelled data) or None; class_names to go with them.
    grid_x, grid_y: (g,) latent coordinates spanning the points; decoded: (g, g, h, w)
    images (image data, original units), decoded[i, j] drawn from (grid_x[j], grid_y[i]);
    None for other data.
    """

    layer: str                     # the bottleneck layer's name
    split: str                     # which split the points are from
    points: np.ndarray
    labels: np.ndarray | None
    class_names: list[str] | None
    grid_x: np.ndarray
    grid_y: np.ndarray
    decoded: np.ndarray | None


@dataclass(frozen=True)
class NeuronChoice:
    """A layer whose neurons the inspector can follow (Dense layers only)."""

    layer_index: int               # position in the model's layers
    number: int                    # 1-based among the Dense layers, as the diagram counts
    name: str                      # e.g. "dense_2"
    units: int
    activation: str


@dataclass(frozen=True)
class PreprocessingView:
    """A table's number features in the training rows, before and after scaling.

    Per shown feature i (names[i], a number input of the network): before[i] (bins,)
    counts of its training values in the data's units (gaps filled) over before_edges[i]
    (bins + 1,); after[i] and after_edges[i] the same for the scaled values the network
    sees. fill_values: feature name -> the value its gaps got (only features with gaps);
    fills: the report lines of what the missing-value step filled (fitted on training).
    """

    names: list[str]
    before: list[np.ndarray]
    before_edges: list[np.ndarray]
    after: list[np.ndarray]
    after_edges: list[np.ndarray]
    fill_values: dict[str, float]
    fills: list[str]
    method: str                 # the scaler: "standard", "minmax" or "none"
    hidden: int = 0             # number features not shown (beyond the first few)


@dataclass(frozen=True)
class SliceView:
    """The network on a plane through two number inputs of a table, every other input
    held at one value (``playground.slices``).

    grid: the network over the plane (GridView; x1, x2 the two inputs' values in original
          units, output as for 2-D points; no neurons).
    columns: (2,) the two inputs' columns in a split's X (drawn as the points' x and y).
    held: (name, value as text) of every other raw input: a number's training median,
          a text column's most frequent training category.
    """

    grid: GridView
    columns: tuple[int, int]
    held: list[tuple[str, str]]


@dataclass(frozen=True)
class ImportanceView:
    """Permutation importance of each raw input on one split (``playground.importance``).

    names: (inputs,) the raw inputs' names (a text column once, for its one-hot block).
    drops: (inputs, repeats) the score with nothing shuffled minus the score with that
    input shuffled, one column per shuffle; mean/std: (inputs,) over the shuffles (std
    with ddof=0, as scikit-learn's permutation_importance).
    """

    names: list[str]
    drops: np.ndarray
    baseline: float                # the score with nothing shuffled
    metric: str                    # "accuracy" (classification) or "R²" (regression)
    split: str                     # the split it is measured on, e.g. "validation"
    rows: int                      # rows scored
    epoch: int = 0                 # the network's weights after this many epochs

    @property
    def mean(self) -> np.ndarray:
        return self.drops.mean(axis=1)

    @property
    def std(self) -> np.ndarray:
        return self.drops.std(axis=1)


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
    latent: LatentView | None = None         # only for an autoencoder with 2 middle units
    batch_in_epoch: int = 0                  # batches done of the epoch in progress
    batches_per_epoch: int = 0               # batches in one epoch
    batch_loss: float | None = None          # after Step batch: that batch's loss, taken
                                             # just before its update; else None
    status: str = "ready"                    # "ready", "training", "paused", "diverged", "done"
    message: str = ""                        # plain-language note (why it paused, what to try)
    history_epochs: list[int] = field(default_factory=list)   # empty: 1..len(history)
    neuron: NeuronTrace | None = None        # the inspected neuron on one training point
    neuron_choices: list[NeuronChoice] = field(default_factory=list)   # what can be picked
    train_rows: int = 0                      # training points (the inspector picks one)
    landscape: Landscape | None = None       # loss surface (exact) or slice, with the path
    landscape_note: str = ""                 # while a slice is computed, or why it failed
    activity: list[LayerActivity] = field(default_factory=list)   # dense layers on train
    # layer name -> (epochs, (epochs, percentiles) of its outputs): distributions over time
    activity_history: dict[str, tuple[list[int], np.ndarray]] = field(default_factory=dict)
    health: list[str] = field(default_factory=list)   # plain sentences: dead, saturated
    activation_curve: ActivationCurve | None = None   # the inspected layer's f, f' and z
    loss_curves: LossCurves | None = None             # the loss of one example
    # the current weights' "loss", "val_loss", "test_accuracy", ...: what the status shows,
    # from the same outputs as ``metrics`` (before the first epoch: the untrained network)
    current: dict[str, float] = field(default_factory=dict)
    loss_note: str = ""        # what the loss measures (its units) and what the metrics do
    # baseline key (playground.baselines) -> split -> metrics, fitted on the training split
    baselines: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    baseline_note: str | None = None   # does the network beat them? (one sentence)
    preprocessing: PreprocessingView | None = None   # tables only (built once per data)
    importance: ImportanceView | None = None  # tables: permutation importance
    slice: SliceView | None = None           # tables with 2+ number inputs: a 2-D slice
