"""The registry of views: which pictures a snapshot offers, and how each is drawn.

The page has four places for charts ("slots"): the task's main view, the network, the
loss curves and a detail chart picked beside the buttons. Every view is one ``View``
entry in ``VIEWS``: its name (also the name ``hide=`` takes), the slots it can fill,
which snapshots it fits, and a pure function (snapshot, options) -> Figure. A view whose
picture changes while training also has ``update``: (snapshot, options) -> the small part
a live board needs to redraw it (layout images and shapes, or the traces' arrays), the
rest of its figure staying as it is.

Adding a view (CNN feature maps, RNN state, ...) is one entry in ``VIEWS``: the page,
the stream, the ``hide`` names and the tests take it from here. Nothing here reads a
session or Streamlit; everything comes from the snapshot.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

import plotly.graph_objects as go

from playground.snapshot import Snapshot, SplitView
from playground.view_names import (
    DETAIL_GROUPS,
    DETAIL_VIEW_NAMES,
    SLOTS,
    VIEW_NAMES,
)
from playground.viz import theme
from playground.viz.activity import activation_figure, health_figure
from playground.viz.autoencoder import (
    latent_figure,
    latent_grid_figure,
    points_reconstruction_figure,
    reconstruction_error_figure,
)
from playground.viz.boundary import decision_boundary_figure, regression_figure
from playground.viz.cnn import conv_arithmetic_figure, conv_filters_figure, feature_maps_figure
from playground.viz.curves import gradient_norms_figure, loss_figure
from playground.viz.importance import importance_figure
from playground.viz.landscape import landscape_figure
from playground.viz.metrics import (
    class_scores_table,
    confusion_matrix_figure,
    metrics_table,
    roc_figure,
)
from playground.viz.network import network_figure
from playground.viz.neuron import neuron_figure
from playground.viz.preprocessing import preprocessing_figure
from playground.viz.recurrent import (
    gradient_reach_figure,
    hidden_states_figure,
    lstm_gates_figure,
    step_predictions_figure,
)
from playground.viz.samples import image_samples_figure, reconstruction_figure, sequence_figure
from playground.viz.slice import slice_figure
from playground.viz.weights import weights_histogram_figure

MAX_SAMPLE_IMAGES = 24


@dataclass(frozen=True)
class ViewOptions:
    """How the views are drawn: the experiment's view settings, and whether the picture is
    redrawn several times a second (live: traces stay fixed, pictures are swapped)."""

    show_test: bool = False        # draw the test points on the decision boundary
    discretize: bool = False       # hard class regions instead of shaded confidence
    log_scale: bool = False        # loss on a log axis
    live: bool = False


def options_from_config(cfg, live: bool = False) -> ViewOptions:
    """ViewOptions from an ExperimentConfig's view settings (any object with them)."""
    return ViewOptions(show_test=bool(cfg.show_test), discretize=bool(cfg.discretize),
                       log_scale=bool(cfg.log_scale), live=bool(live))


@dataclass(frozen=True)
class View:
    """One picture the page can show."""

    name: str                          # registry key and ``hide`` name, e.g. "boundary"
    label: str                         # what the selector says, e.g. "Decision boundary"
    slots: tuple[str, ...]             # places it can fill, in SLOTS
    fits: Callable[[Snapshot], bool]   # whether this snapshot has what it draws
    figure: Callable[[Snapshot, ViewOptions], go.Figure]
    why_not: str = ""                  # shown instead when picked but not fitting
    update: Callable[[Snapshot, ViewOptions], dict] | None = None   # the live redraw
    # whether a picker lists it for this snapshot (``offered``): the model has what it
    # draws, even where that is filled in only while the view is shown (the neuron
    # inspector) or computed when asked (a landscape slice); None: exactly when it fits
    offers: Callable[[Snapshot], bool] | None = None
    # the costlier teaching parts of the snapshot it draws ("neuron", "landscape",
    # "activity"): a session fills them in only while a view that needs them is shown
    needs: tuple[str, ...] = ()


def shown_split(snap: Snapshot) -> SplitView | None:
    """The split whose examples are drawn: test, else validation, else train."""
    for name in ("test", "validation", "train"):
        if name in snap.splits:
            return snap.splits[name]
    return None


def progress_text(snap: Snapshot) -> str:
    """How far training was for this snapshot, in the status line's words: "epoch 12"
    or "epoch 12, batch 5 / 24" (epochs done, batches of the next)."""
    batch = f", batch {snap.batch_in_epoch} / {snap.batches_per_epoch}" \
        if snap.batch_in_epoch else ""
    return f"epoch {snap.epoch:,}{batch}"


def _confusion_split(snap: Snapshot) -> str:
    return "test" if "test" in snap.confusion else next(iter(snap.confusion))


# ----- the figures ----------------------------------------------------------------------
def _boundary(snap: Snapshot, o: ViewOptions) -> go.Figure:
    classes = snap.class_names if snap.task == "classification" else None
    return decision_boundary_figure(snap.grid, snap.splits, classes, show_test=o.show_test,
                                    discretize=o.discretize, live=o.live)


def _samples(snap: Snapshot, o: ViewOptions) -> go.Figure:
    split = shown_split(snap)
    return image_samples_figure(split.X, split.y_true, split.y_pred, snap.class_names or [],
                                max_images=MAX_SAMPLE_IMAGES)


def _reconstruction(snap: Snapshot, o: ViewOptions) -> go.Figure:
    split = shown_split(snap)
    return reconstruction_figure(split.X, split.y_pred)


def _confusion(snap: Snapshot, o: ViewOptions) -> go.Figure:
    name = _confusion_split(snap)
    return confusion_matrix_figure(snap.confusion[name], snap.class_names or [],
                                   f"Confusion matrix ({name})")


def _class_scores(snap: Snapshot, o: ViewOptions) -> go.Figure:
    name = _confusion_split(snap)
    return class_scores_table(snap.confusion[name], snap.class_names or [], name)


def _slice(snap: Snapshot, o: ViewOptions) -> go.Figure:
    classes = snap.class_names if snap.task == "classification" else None
    return slice_figure(snap.slice, snap.splits, classes, show_test=o.show_test,
                        discretize=o.discretize, live=o.live)


def _binary(snap: Snapshot) -> bool:
    """A two-class classifier whose splits carry probabilities (what a ROC curve needs)."""
    return snap.task == "classification" and len(snap.class_names or []) == 2 and \
        any(split.proba is not None for split in snap.splits.values())


def _network(snap: Snapshot, o: ViewOptions) -> go.Figure:
    return network_figure(snap.layers, snap.grid, snap.feature_names, live=o.live,
                          sample=snap.sample)


def _pictures(build) -> Callable[[Snapshot, ViewOptions], dict]:
    """The live update of a figure whose traces stay fixed: its images and shapes."""
    def update(snap: Snapshot, o: ViewOptions) -> dict:
        layout = build(snap, o).layout
        return {"images": [image.to_plotly_json() for image in layout.images],
                "shapes": [shape.to_plotly_json() for shape in layout.shapes]}
    return update


def _loss_update(snap: Snapshot, o: ViewOptions) -> dict:
    """The loss curves' arrays and axis ranges (the traces' number and styles stay)."""
    figure = loss_figure(snap.history, log_y=o.log_scale, epochs=snap.history_epochs)
    layout = figure.layout.to_plotly_json()
    ranges = {f"{axis}.range": list(layout[axis]["range"])
              for axis in ("xaxis", "yaxis", "xaxis2") if "range" in layout.get(axis, {})}
    return {"data": [{"x": trace.x, "y": trace.y} for trace in figure.data],
            "layout": ranges}


def not_available(view: View) -> go.Figure:
    """A blank chart saying why ``view`` has nothing to show for this experiment."""
    layout = theme.base_layout(view.label, revision=f"{view.name}_missing", height=300,
                               xaxis=theme.hidden_axis(), yaxis=theme.hidden_axis())
    layout["annotations"] = [theme.message_annotation(view.why_not)]
    return theme.new_figure([], layout)


def _split_of(snap: Snapshot) -> bool:
    return shown_split(snap) is not None


def _has_conv(snap: Snapshot) -> bool:
    return any(layer.kind == "Conv2D" for layer in snap.layers)


def _recurrent(snap: Snapshot):
    return None if snap.sample is None else snap.sample.recurrent


def _points_autoencoder(snap: Snapshot) -> bool:
    return snap.autoencoder and snap.data_kind == "points2d" and _split_of(snap) and \
        {"x1", "x2"} <= set(snap.feature_names)


def _dense(snap: Snapshot) -> bool:
    """The network has dense layers the neuron inspector, activation and health follow."""
    return bool(snap.neuron_choices)


def _sample_name(snap: Snapshot) -> str:
    return snap.sample.name if snap.sample is not None else ""


# In each slot the first view that fits the snapshot is its default.
VIEWS: MappingProxyType[str, View] = MappingProxyType({view.name: view for view in (
    View("boundary", "Decision boundary", ("main",), lambda s: s.grid is not None, _boundary,
         "The decision boundary needs 2-D point data.", update=_pictures(_boundary)),
    View("points_rebuilt", "Reconstructions", ("main",), _points_autoencoder,
         lambda s, o: points_reconstruction_figure(shown_split(s), s.feature_names),
         "Point reconstructions are drawn for an autoencoder on 2-D points."),
    View("samples", "Samples", ("main",),
         lambda s: s.data_kind == "image" and s.task == "classification" and _split_of(s),
         _samples, "Sample pictures are drawn for image classification."),
    View("sequence", "Sequence", ("main",), lambda s: s.data_kind == "sequence" and
         _split_of(s), lambda s, o: sequence_figure(shown_split(s)),
         "The sequence view is drawn for sequence data."),
    View("curve", "Predictions", ("main",),
         lambda s: s.task == "regression" and not s.autoencoder,
         lambda s, o: regression_figure(s.curve, s.splits),
         "Predictions against the truth are drawn for regression."),
    View("network", "Network", ("network",), lambda s: bool(s.layers), _network,
         "The network has no layers yet.", update=_pictures(_network)),
    View("loss", "Loss", ("loss",), lambda s: True,
         lambda s, o: loss_figure(s.history, log_y=o.log_scale, epochs=s.history_epochs),
         update=_loss_update),
    View("metrics", "Metrics", ("detail",), lambda s: True,
         lambda s, o: metrics_table(s.metrics, s.baselines, s.baseline_note, s.loss_note,
                                    at=progress_text(s))),
    View("preprocessing", "Preprocessing", ("detail",), lambda s: s.preprocessing is not None,
         lambda s, o: preprocessing_figure(s.preprocessing),
         "The preprocessing view shows a table's columns before and after scaling; this "
         "data is not a table."),
    View("confusion", "Confusion", ("main", "detail"),
         lambda s: s.task == "classification" and bool(s.confusion), _confusion,
         "A confusion matrix counts right and wrong classes; this experiment predicts "
         "numbers (regression), so there is none. Metrics shows its errors."),
    View("class_scores", "Per class", ("detail",),
         lambda s: s.task == "classification" and bool(s.confusion), _class_scores,
         "Precision, recall and F1 per class are scores of a classifier; this experiment "
         "predicts numbers (regression). Metrics shows its errors."),
    View("roc", "ROC", ("detail",), _binary,
         lambda s, o: roc_figure(s.splits, s.class_names),
         "A ROC curve is drawn for two classes: it moves the threshold on the probability "
         "of the second class. Per class shows the scores of each class."),
    View("importance", "Importance", ("detail",), lambda s: s.importance is not None,
         lambda s, o: importance_figure(s.importance),
         "Permutation importance shuffles one column of a table at a time; this experiment "
         "does not learn from a table."),
    View("slice", "Slice", ("main", "detail"), lambda s: s.slice is not None, _slice,
         "The slice is drawn for a table with at least two number columns: the network "
         "over two of them, the others held at their training median.",
         update=_pictures(_slice)),
    View("weights", "Weights", ("detail",), lambda s: bool(s.layers),
         lambda s, o: weights_histogram_figure(s.layers), "The network has no weights yet."),
    View("gradients", "Gradients", ("detail",), lambda s: bool(s.grad_norms),
         lambda s, o: gradient_norms_figure(s.grad_norms, s.history_epochs),
         "The network has no layers with weights, so no gradients."),
    # ----- inside an autoencoder (main and detail: after Metrics, the detail default) ----
    View("latent", "Latent", ("main", "detail"), lambda s: s.latent is not None,
         lambda s, o: latent_figure(s.latent),
         "The latent space is drawn for an autoencoder whose middle layer has 2 units."),
    View("reconstruction", "Rebuilt", ("main", "detail"),
         lambda s: s.autoencoder and s.data_kind == "image" and _split_of(s), _reconstruction,
         "Reconstructions are drawn for an autoencoder on images."),
    View("rebuild_error", "Errors", ("main", "detail"),
         lambda s: s.autoencoder and _split_of(s),
         lambda s, o: reconstruction_error_figure(shown_split(s)),
         "Reconstruction errors belong to an autoencoder."),
    # ----- inside a CNN ----------------------------------------------------------------
    View("filters", "Filters", ("detail",), _has_conv,
         lambda s, o: conv_filters_figure(s.layers), "Filters belong to a cnn."),
    View("feature_maps", "Feature maps", ("detail",),
         lambda s: _has_conv(s) and s.sample is not None,
         lambda s, o: feature_maps_figure(s.sample, s.layers),
         "Feature maps belong to a cnn on images."),
    View("conv_math", "Conv maths", ("detail",),
         lambda s: s.sample is not None and bool(s.sample.conv_pixels),
         lambda s, o: conv_arithmetic_figure(s.sample.conv_pixels[0]),
         "The convolution arithmetic belongs to a cnn on images."),
    # ----- inside an RNN / LSTM ----------------------------------------------------------
    View("rnn_states", "States h_t", ("detail",), lambda s: _recurrent(s) is not None,
         lambda s, o: hidden_states_figure(_recurrent(s), _sample_name(s)),
         "Hidden states over time belong to an rnn or lstm."),
    View("lstm_gates", "Gates", ("detail",),
         lambda s: _recurrent(s) is not None and bool(_recurrent(s).gates),
         lambda s, o: lstm_gates_figure(_recurrent(s), _sample_name(s)),
         "Gates belong to an lstm."),
    View("step_predictions", "Each step", ("detail",), lambda s: _recurrent(s) is not None,
         lambda s, o: step_predictions_figure(_recurrent(s), _sample_name(s)),
         "Predictions after each step belong to an rnn or lstm."),
    View("gradient_reach", "Reach", ("detail",),
         lambda s: _recurrent(s) is not None,
         lambda s, o: gradient_reach_figure(_recurrent(s), _sample_name(s)),
         "How far back the gradient reaches is drawn for an rnn or lstm."),
    # ----- inside an autoencoder --------------------------------------------------------
    View("latent_grid", "Decoder", ("detail",),
         lambda s: s.latent is not None and s.latent.decoded is not None,
         lambda s, o: latent_grid_figure(s.latent),
         "The decoder grid is drawn for an image autoencoder with 2 middle units."),
    View("neuron", "Neuron", ("detail",), lambda s: s.neuron is not None,
         lambda s, o: neuron_figure(s.neuron),
         "The neuron inspector follows dense layers, and this network has none that it "
         "can follow.", needs=("neuron",), offers=_dense),
    View("landscape", "Landscape", ("detail",), lambda s: s.landscape is not None,
         lambda s, o: landscape_figure(s.landscape),
         "Press 'Compute the loss landscape' below the charts: the loss around the current "
         "weights is then computed in the background (a few seconds).",
         needs=("landscape",), offers=lambda s: bool(s.layers)),
    View("activation", "Activation", ("detail",), lambda s: s.activation_curve is not None,
         lambda s, o: activation_figure(s.activation_curve, s.loss_curves),
         "The activation view follows dense layers, and this network has none it can "
         "follow.", needs=("neuron", "activity"), offers=_dense),
    View("health", "Health", ("detail",), lambda s: bool(s.activity),
         lambda s, o: health_figure(s.activity, s.activity_history, s.health),
         "Training health looks at dense layers, and this network has none it can follow.",
         needs=("activity",), offers=_dense),
)})
if set(VIEWS) != set(VIEW_NAMES):   # the names the config offers are the views drawn here
    raise RuntimeError(
        "playground/view_names.py VIEW_NAMES must name every view in VIEWS: add "
        f"{sorted(set(VIEWS) - set(VIEW_NAMES))}, remove {sorted(set(VIEW_NAMES) - set(VIEWS))}.")
_DETAIL = {name for name, view in VIEWS.items() if "detail" in view.slots}
if _DETAIL != set(DETAIL_VIEW_NAMES) or len(DETAIL_VIEW_NAMES) != len(_DETAIL):
    raise RuntimeError(
        "playground/view_names.py DETAIL_GROUPS must name every detail view once: add "
        f"{sorted(_DETAIL - set(DETAIL_VIEW_NAMES))}, remove "
        f"{sorted(set(DETAIL_VIEW_NAMES) - _DETAIL)} (or a name is there twice).")
del _DETAIL


def in_slot(slot: str, hidden=()) -> list[View]:
    """The views that can fill ``slot``, in registry order, without the hidden ones."""
    if slot not in SLOTS:
        raise ValueError(f"There is no place called {slot!r}; use one of {', '.join(SLOTS)}.")
    return [view for view in VIEWS.values() if slot in view.slots and view.name not in hidden]


def needs(names) -> frozenset[str]:
    """The costlier snapshot parts the named views draw from (unknown names: none)."""
    return frozenset(part for name in names if name in VIEWS for part in VIEWS[name].needs)


def is_offered(view: View, snap: Snapshot) -> bool:
    """Whether a picker lists ``view`` for this snapshot (see ``View.offers``)."""
    return (view.offers or view.fits)(snap)


def offered(slot: str, snap: Snapshot, hidden=()) -> list[View]:
    """The views a picker lists for ``slot``: only those this model has (a ROC curve for
    two classes, filters for a CNN, ...), without the hidden ones, in registry order."""
    return [view for view in in_slot(slot, hidden) if is_offered(view, snap)]


def detail_groups(snap: Snapshot, hidden=()) -> list[tuple[str, str, list[View]]]:
    """The detail picker's two levels: (group key, its label, its offered views) for each
    group of ``DETAIL_GROUPS`` with at least one view offered for ``snap``."""
    shown = {view.name: view for view in offered("detail", snap, hidden)}
    groups = [(key, label, [shown[name] for name in names if name in shown])
              for key, (label, names) in DETAIL_GROUPS.items()]
    return [group for group in groups if group[2]]


def group_of(name: str) -> str | None:
    """The ``DETAIL_GROUPS`` key of detail view ``name`` (None for any other name)."""
    return next((key for key, (_, names) in DETAIL_GROUPS.items() if name in names), None)


def choose(snap: Snapshot, slot: str, wanted: str | None = None, hidden=()) -> View | None:
    """The view to show in ``slot``: ``wanted`` if it is offered there (not hidden, and this
    model has it), else the first offered; None if the slot is hidden or offers nothing.
    An offered view may still have nothing to draw yet (a landscape slice not computed):
    ``draw`` then says why."""
    if SLOTS[slot] in hidden:
        return None
    views = offered(slot, snap, hidden)
    return next((view for view in views if view.name == wanted), views[0] if views else None)


def draw(view: View | str, snap: Snapshot, options: ViewOptions = ViewOptions()) -> go.Figure:
    """The view's figure for this snapshot, or a chart saying why it has none."""
    view = VIEWS[view] if isinstance(view, str) else view
    return view.figure(snap, options) if view.fits(snap) else not_available(view)


def live_update(view: View | str, snap: Snapshot, options: ViewOptions) -> dict | None:
    """The small redraw of an animated view (see View.update), or None: draw it anew."""
    view = VIEWS[view] if isinstance(view, str) else view
    if view.update is None or not view.fits(snap):
        return None
    return view.update(snap, options)
