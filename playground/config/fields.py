"""The table of every experiment setting (TensorFlow Playground's ``state.ts`` idea).

Each row (a FieldSpec) gives a setting's name, type, default, range or choices, log-scale
flag, panel group, label, one-line help and what changing it does to a running session.
``playground.config`` builds ExperimentConfig (experiment.py) and the URL, JSON and CLI
handling (parsing.py) from it and re-exports everything here; import from
``playground.config``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from playground.data import FEATURE_CROSSES, list_datasets
from playground.data.errors import SETTING_LABELS
from playground.view_names import DETAIL_VIEW_NAMES, VIEW_AUTO
from playground.view_names import HIDE_NAMES as VIEW_HIDE_NAMES

# Field kinds: how a value is typed, parsed and shown.
KINDS = ("int", "float", "bool", "choice", "int_list", "choice_list", "str")
GROUPS = ("data", "features", "network", "training", "view")
# What a change to a field does to a running session (used by TrainingSession.apply):
#   "data": rebuild data and network; "model": rebuild the network (weights reset);
#   "live": training continues; "view": only the pictures change.
EFFECTS = ("data", "model", "live", "view")

# Parts of the page a lecturer can hide with ``hide=`` besides single settings and the
# charts (whose names come from the view registry): the UI uses these names.
PANELS = ("data_panel", "network_panel", "training_panel", "view_panel", "controls",
          "presets", "downloads", "upload", "predict_panel",
          "compare_panel")
ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "gelu")
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam", "adagrad", "adamw")
LOSSES = ("auto", "cross_entropy", "mse", "mae", "huber")
LOSSES_BY_TASK = {"classification": ("auto", "cross_entropy", "mse"),
                  "regression": ("auto", "mse", "mae", "huber")}
MODEL_KINDS = ("mlp", "cnn", "rnn", "lstm", "autoencoder")
MAX_STR_LENGTH = 200


def _dataset_names() -> tuple[str, ...]:
    """Every built-in dataset name (the data package's catalog) plus "csv"."""
    return tuple(dict.fromkeys(tuple(info.name for info in list_datasets()) + ("csv",)))


@dataclass(frozen=True)
class FieldSpec:
    """One setting: everything a widget, a URL, a JSON file or a CLI flag needs."""

    name: str                  # attribute of ExperimentConfig, URL key, JSON key, --flag
    kind: str                  # one of KINDS
    default: Any               # lists are tuples
    group: str                 # one of GROUPS: which panel shows it
    label: str                 # short widget label
    help: str                  # one line a student understands
    minimum: float | None = None   # numbers, and each item of an int_list
    maximum: float | None = None
    choices: tuple = ()        # choice / choice_list
    log_scale: bool = False    # a slider on a log axis (learning rate)
    min_items: int = 0         # lists
    max_items: int = 0         # lists; 0 = no limit
    effect: str = "model"      # one of EFFECTS

    @property
    def is_list(self) -> bool:
        return self.kind in ("int_list", "choice_list")


_F = FieldSpec
FIELDS: tuple[FieldSpec, ...] = (
    # ----- data ------------------------------------------------------------------------
    _F("dataset", "choice", "circle", "data", "Dataset",
       "Which data the network learns from; 'csv' uses the file you upload.",
       choices=_dataset_names(), effect="data"),
    _F("n_samples", "int", 400, "data", "Samples",
       "How many examples to generate (0 = the dataset's own size; ignored for CSV files).",
       minimum=0, maximum=5000, effect="data"),
    _F("noise", "float", 0.0, "data", "Noise",
       "Jitter of the points: 0 is clean, 0.5 is very noisy (line, sine, sequences: "
       "the standard deviation added to y).",
       minimum=0.0, maximum=2.0, effect="data"),
    _F("data_seed", "int", 0, "data", "Data seed",
       "Change it to draw a new random dataset of the same kind.",
       minimum=0, maximum=2**31 - 1, effect="data"),
    _F("validation_fraction", "float", 0.2, "data", "Validation share",
       "Share of examples held back to watch for overfitting while training.",
       minimum=0.0, maximum=0.5, effect="data"),
    _F("test_fraction", "float", 0.2, "data", "Test share",
       "Share of examples kept aside for a final, honest check.",
       minimum=0.0, maximum=0.5, effect="data"),
    _F("scaling", "choice", "standard", "data", "Scaling",
       "Rescale inputs (fitted on training data only): standard = mean 0, spread 1.",
       choices=("standard", "minmax", "none"), effect="data"),
    _F("csv_target", "str", "", "data", SETTING_LABELS["csv_target"],
       "The CSV column to predict (empty = the last column).", effect="data"),
    _F("csv_task", "choice", "auto", "data", SETTING_LABELS["csv_task"],
       "Predict categories (classification) or numbers (regression); auto decides from the data.",
       choices=("auto", "classification", "regression"), effect="data"),
    _F("missing", "choice", "mean", "data", SETTING_LABELS["missing"],
       "What to do with empty cells in a CSV: drop the rows, or fill them with the mean, "
       "median or most frequent value of the training rows.",
       choices=("drop", "mean", "median", "most_frequent"), effect="data"),
    # ----- features --------------------------------------------------------------------
    _F("features", "choice_list", ("x1", "x2"), "features", "Input features",
       "Which properties of each 2-D point the network sees (e.g. x1² helps with circles).",
       choices=FEATURE_CROSSES, min_items=1, max_items=len(FEATURE_CROSSES),
       effect="data"),
    # ----- network ---------------------------------------------------------------------
    _F("model_kind", "choice", "mlp", "network", "Network type",
       "mlp for points and tables, cnn for images, rnn/lstm for sequences, "
       "autoencoder to compress and rebuild the inputs.",
       choices=MODEL_KINDS),
    _F("hidden_layers", "int_list", (4, 2), "network", "Hidden layers",
       "Neurons in each hidden layer, first to last; none = a linear model.",
       minimum=1, maximum=256, max_items=8),
    _F("activation", "choice", "tanh", "network", "Activation",
       "The bend each neuron applies to its sum; without one, layers stay straight lines.",
       choices=ACTIVATIONS),
    _F("layer_activations", "choice_list", (), "network", "Per-layer activations",
       "Optional activation for each hidden layer in order; missing entries use Activation.",
       choices=ACTIVATIONS, max_items=8),
    _F("dropout", "float", 0.0, "network", "Dropout",
       "Share of neurons switched off at random in each training step, against overfitting.",
       minimum=0.0, maximum=0.9),
    _F("conv_filters", "int_list", (8, 16), "network", "Convolution filters",
       "Filters in each convolution block of a cnn (each block halves the image size).",
       minimum=1, maximum=64, min_items=1, max_items=3),
    _F("rnn_units", "int", 16, "network", "Recurrent units",
       "Size of the memory an rnn or lstm carries from one time step to the next.",
       minimum=1, maximum=128),
    _F("loss", "choice", "auto", "network", "Loss",
       "What the network minimises; auto = cross-entropy for categories, mse for numbers.",
       choices=LOSSES),
    # ----- training --------------------------------------------------------------------
    _F("optimizer", "choice", "sgd", "training", "Optimizer",
       "How the weights move downhill: plain sgd, with momentum, or adaptive steps (adam...).",
       choices=OPTIMIZERS, effect="live"),
    _F("learning_rate", "float", 0.03, "training", "Learning rate",
       "Step size of each update: too small is slow, too large jumps around or blows up.",
       minimum=1e-5, maximum=10.0, log_scale=True, effect="live"),
    _F("batch_size", "int", 10, "training", "Batch size",
       "Examples averaged for each weight update.", minimum=1, maximum=1024, effect="live"),
    _F("regularization", "choice", "none", "training", "Regularization",
       "Penalise large weights: l1 pushes some to exactly zero, l2 keeps all of them small.",
       choices=("none", "l1", "l2"), effect="live"),
    _F("regularization_rate", "float", 0.001, "training", "Regularization rate",
       "How strongly large weights are penalised.", minimum=0.0, maximum=10.0, effect="live"),
    _F("seed", "int", 0, "training", "Seed",
       "Fixes the starting weights and the shuffling, so a run can be repeated exactly.",
       minimum=0, maximum=2**31 - 1),
    _F("epochs", "int", 200, "training", "Epochs",
       "Passes over the training data (for command-line runs).", minimum=1, maximum=100_000,
       effect="view"),
    # ----- view ------------------------------------------------------------------------
    _F("discretize", "bool", False, "view", "Discretize output",
       "Show the decision regions as hard colours instead of shades.", effect="view"),
    _F("show_test", "bool", False, "view", "Show test data",
       "Also draw the test points on the picture.", effect="view"),
    _F("log_scale", "bool", False, "view", "Log-scale loss",
       "Plot the loss on a logarithmic axis to see small changes late in training.",
       effect="view"),
    _F("example", "int", 1, "view", "Example shown",
       "Which test example (1 = the first) the CNN, RNN and autoencoder views follow.",
       minimum=1, maximum=5000, effect="view"),
    _F("slice_x", "str", "", "view", "Slice: across",
       "For a table: the number column along the slice's horizontal axis (empty = the "
       "first); the other columns are held at their training median.", effect="view"),
    _F("slice_y", "str", "", "view", "Slice: up",
       "For a table: the number column along the slice's vertical axis (empty = the "
       "second).", effect="view"),
    _F("view", "choice", VIEW_AUTO, "view", "Detail chart",
       "The chart below the network, picked beside the buttons (auto, or a view this "
       "model has not: the first it offers).",
       choices=(VIEW_AUTO,) + DETAIL_VIEW_NAMES, effect="view"),
    _F("hide", "choice_list", (), "view", "Hidden controls",
       "Controls or panels a lecturer hides from students (e.g. hide=learning_rate,presets).",
       effect="view"),
)
del _F

_BY_NAME = {spec.name: spec for spec in FIELDS}
# "hide" can name any field or panel; its choices are only known once the table exists.
_BY_NAME["hide"] = dataclasses.replace(
    _BY_NAME["hide"], choices=tuple(s.name for s in FIELDS) + PANELS + VIEW_HIDE_NAMES)
FIELDS = tuple(_BY_NAME[spec.name] for spec in FIELDS)
_BY_NAME = {spec.name: spec for spec in FIELDS}


def hide_groups() -> dict[str, tuple[str, ...]]:
    """The names ``hide=`` takes, by kind, for messages: panels, views (charts) and
    controls (one setting's widget)."""
    return {"panels": PANELS, "views": VIEW_HIDE_NAMES,
            "controls": tuple(s.name for s in FIELDS if s.name != "hide")}


def one_of(spec: FieldSpec) -> str:
    """"one of a, b, c" for a choice; for ``hide`` (about 60 names) briefly, by group:
    the panels and views by name, the controls by example."""
    if spec.name != "hide":
        return f"one of {', '.join(map(str, spec.choices))}"
    groups = hide_groups()
    return (f"a part of the page (panels: {', '.join(groups['panels'])}; views: "
            f"{', '.join(groups['views'])}; controls: any setting's name as in the link, "
            f"e.g. learning_rate, batch_size)")


def field_spec(name: str) -> FieldSpec:
    """The table row for ``name``; KeyError with the known names if there is none."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"There is no setting called {name!r}. "
                       f"Known settings: {', '.join(_BY_NAME)}.") from None


def fields_in_group(group: str) -> tuple[FieldSpec, ...]:
    """The table rows shown in one panel, in table order."""
    if group not in GROUPS:
        raise ValueError(f"Unknown group {group!r}; use one of {', '.join(GROUPS)}.")
    return tuple(s for s in FIELDS if s.group == group)
