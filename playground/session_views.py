"""What a TrainingSession shows: per-split evaluation and the Snapshot it hands the page.

One forward pass over all splits at once gives losses, accuracies, metrics and predictions;
the result is cached until the next batch, so taking snapshots while paused costs nothing.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from playground.baselines import verdict
from playground.data.sequences import step_targets
from playground.experiment_data import PreparedData
from playground.importance import network_importance
from playground.model_builder import model_targets
from playground.nn import metrics as nn_metrics
from playground.slices import slice_view
from playground.snapshot import (
    PreprocessingView,
    CurveView,
    GridView,
    LatentView,
    ImportanceView,
    LayerView,
    NeuronChoice,
    SampleView,
    SliceView,
    Snapshot,
    SplitView,
)
from playground.traces.conv import conv_pixel
from playground.traces.latent import bottleneck_index, latent_view
from playground.traces.recurrent import recurrent_view
from playground.traces.twins import twin
from playground.traces.activity import (
    ActivityHistory,
    LayerActivity,
    activation_curve,
    health_sentences,
    layer_activity,
    loss_curves,
)
from playground.traces.landscape import Landscape, exact_surface, is_two_weight_line
from playground.traces.neuron import NeuronTrace, dense_layers, trace_neuron

_HISTORY_PREFIX = {"train": "", "validation": "val_", "test": "test_"}
GRID_MARGIN = 0.1       # the boundary grid reaches this share of the data range past it
# Above this many input numbers (all splits together) a mid-epoch snapshot reuses the
# predictions of the last completed epoch instead of a fresh pass (images, long tables).
FRESH_PREDICTION_LIMIT = 20_000
ACTIVITY_EVERY_S = 0.25  # the layers' activity (a pass over the training rows) at most this
                         # often while playing: ~6 ms each for the default experiment
CURVE_POINTS = 200
# A table's permutation importance and slice are measured once per completed epoch (not
# per batch): inputs x 5 shuffles passes over at most importance.MAX_ROWS validation rows,
# and one pass over SLICE_RESOLUTION² points.
SLICE_RESOLUTION = 30
# ... and the importance at most every IMPORTANCE_EVERY_S seconds (a 30-column table costs
# about 150 shuffled passes; its chart names the epoch it was measured after)
IMPORTANCE_EVERY_S = 2.0


PREPROCESSING_FEATURES = 8    # number features drawn in the preprocessing view
HISTOGRAM_BINS = 20


def preprocessing_view(prepared: PreparedData) -> PreprocessingView:
    """The training rows' number features before (filled) and after scaling, counted."""
    imputer = prepared.imputer
    train = prepared.splits["train"]
    before_all = imputer.model_columns(np.asarray(train.X_original, dtype=np.float64))
    after_all = np.asarray(train.X, dtype=np.float64).reshape(len(train), -1)
    fills = imputer.to_dict()["columns"]
    gaps = imputer.missing_counts(train.X_raw if train.X_raw is not None else train.X_original)
    fill_values = {c["name"]: float(c["fill"]) for c, n in zip(fills, gaps)
                   if c["type"] == "number" and n and c["fill"] is not None}
    numbers = [i for i, name in enumerate(prepared.feature_names)
               if any(c.is_number and c.name == name for c in imputer.columns)]
    shown = numbers[:PREPROCESSING_FEATURES]
    before, before_edges, after, after_edges = [], [], [], []
    for i in shown:
        counts, edges = np.histogram(before_all[:, i], bins=HISTOGRAM_BINS)
        before.append(counts), before_edges.append(edges)
        counts, edges = np.histogram(after_all[:, i], bins=HISTOGRAM_BINS)
        after.append(counts), after_edges.append(edges)
    return PreprocessingView([prepared.feature_names[i] for i in shown], before, before_edges,
                             after, after_edges, fill_values, list(prepared.report),
                             prepared.scaler.method, len(numbers) - len(shown))


LOSS_WORDS = {"mse": "mean squared error", "mae": "mean absolute error", "huber": "Huber loss",
              "binary_crossentropy": "cross-entropy",
              "sparse_categorical_crossentropy": "cross-entropy"}


def loss_note(prepared: PreparedData, loss: str) -> str:
    """The one place that says what the loss (status line, loss chart) measures, in which
    units, and what the metrics table measures. loss: the playground.nn loss name."""
    words = LOSS_WORDS.get(loss, loss)
    penalty = " (plus any weight penalty)"
    if prepared.autoencoder:
        return (f"Loss: {words} between the scaled inputs and their reconstruction"
                f"{penalty}; the metrics compare them in the inputs' own units.")
    if prepared.task == "classification":
        what = "of the class probabilities" if loss == "mse" else "of the true class"
        return (f"Loss: {words} {what}, averaged over the rows{penalty}; lower is better. "
                f"Accuracy, precision, recall and F1 count rows classified right.")
    if prepared.target_std is not None:
        std = float(np.asarray(prepared.target_std).ravel()[0])
        mean = float(np.asarray(prepared.target_mean).ravel()[0])
        ratio = (f", so this loss is the table's MSE ÷ {std * std:.4g} (the spread squared)"
                 if loss == "mse" else "")
        return (f"Loss: {words} of the target scaled to mean 0 and spread 1 (the training "
                f"mean {mean:.4g} taken off, divided by the spread {std:.4g}){ratio}"
                f"{penalty}. The metrics (MSE, MAE, R²) are in the target's own units.")
    return (f"Loss: {words} in the target's own units{penalty}, as the metrics (MSE, MAE, "
            f"R²) are.")


@dataclass(frozen=True)
class Progress:
    """Where a session's training stands, as a snapshot reports it (the session's own lists:
    the snapshot copies them)."""

    epoch: int                          # epochs completed
    batches: int                        # batches completed in all: the caches' clock
    status: str                         # "ready", "training" or "diverged"
    message: str                        # why it stopped, or ""
    history: dict[str, list[float]]     # per-epoch losses and accuracies
    grad_norms: dict[str, list[float]]  # per-epoch gradient norm of each layer
    model_kind: str = "mlp"             # the config's network type
    batch_in_epoch: int = 0             # batches done of the epoch in progress
    batches_per_epoch: int = 0          # batches in one epoch
    batch_loss: float | None = None     # after Step batch: its loss before the update
    history_epochs: tuple[int, ...] = ()  # the epoch of each entry (thinned when long)
    example: int = 1                    # the example the sample views follow (1-based)
    slice_axes: tuple[str, str] = ("", "")   # a table's slice: its two number inputs


class SessionViews:
    """Evaluation and snapshot building for one model on its prepared data (rebuilt with the
    model). Cached results belong to a batch count that the caller passes in."""

    def __init__(self, model, prepared: PreparedData, loss, baselines=dict,
                 loss_note: str = ""):
        """model: the compiled nn.Sequential; loss: the nn loss object it is evaluated with;
        baselines: () -> the session's ``baselines.fit_baselines`` result (computed once
        per data, not per model); loss_note: what the loss and the metrics measure."""
        self.model = model
        self.baselines = baselines
        self.loss_note = loss_note
        self.prepared = prepared
        self.loss = loss
        self.names = list(prepared.splits)
        parts = [prepared.splits[name] for name in self.names]
        self.X_all = np.concatenate([p.X for p in parts])      # every split's model input
        bounds = np.cumsum([0] + [len(p) for p in parts])
        self.slices = {name: slice(int(bounds[i]), int(bounds[i + 1]))
                       for i, name in enumerate(self.names)}
        self.targets = {name: model_targets(loss, prepared, prepared.splits[name].y, model)
                        for name in self.names}
        # every split's class labels, (n_all,) in X_all's row order (classification only)
        self.labels_all = np.concatenate([np.asarray(p.y).ravel() for p in parts]) \
            if prepared.task == "classification" else None
        self._outputs_at = -1        # batches count the cached outputs belong to
        self._outputs = None         # (n_all, outputs) model output for X_all
        self._grid_key = None
        self._grid: GridView | None = None
        self._grid_inputs = None     # (resolution, the grid's points): see _grid_points
        self._snapshot_key = None
        self._snapshot: Snapshot | None = None
        self._metrics_at = -1        # batches count the cached splits/metrics belong to
        self._metrics_cache = None
        self._landscape_at = -1      # batches count the cached exact landscape belongs to
        self._landscape: Landscape | None = None
        self._activity_at = -1       # ("batch", n) or ("epoch", n) the activity belongs to
        self._activity: list[LayerActivity] = []
        self._activity_time = -1e9   # monotonic time of that pass
        self.activity_history = ActivityHistory()   # per layer, percentiles per epoch
        self._loss_curves = loss_curves(prepared.task)   # fixed: one per experiment
        self._choices: list[NeuronChoice] | None = None  # the inspector's, found once
        self._slice_key = None
        self._slice: SliceView | None = None
        self._importance: ImportanceView | None = None   # as of ``_importance.epoch``
        self._importance_at = -math.inf   # monotonic time it was last measured

    def invalidate(self) -> None:
        """Forget everything cached (the weights changed without a new batch): the next
        snapshot runs a fresh pass, however big the data."""
        self._outputs_at = self._metrics_at = -1
        self._outputs = self._metrics_cache = None
        self._grid_key = self._snapshot_key = self._slice_key = None
        self._landscape_at = self._activity_at = -1
        self._importance = None

    def preprocessing(self) -> PreprocessingView | None:
        """Before/after-scaling histograms of a table's number features (training rows),
        from the fitted imputer and scaler; built once (the data does not change)."""
        prepared = self.prepared
        if prepared.imputer is None or prepared.autoencoder:
            return None
        if getattr(self, "_preprocessing", None) is None:
            self._preprocessing = preprocessing_view(prepared)
        return self._preprocessing

    # ----- evaluation -----------------------------------------------------------------------
    def outputs(self, batches: int) -> np.ndarray:
        """The model's output for every split's rows (cached per batch count)."""
        if self._outputs_at != batches:
            self._outputs = self.model.predict(self.X_all)
            self._outputs_at = batches
        return self._outputs

    def evaluate_splits(self, batches: int) -> dict[str, float]:
        """History entries for the current weights: loss (+ accuracy) per split."""
        return self._logs(self.outputs(batches))

    def _logs(self, outputs: np.ndarray) -> dict[str, float]:
        """History-style entries ("loss", "val_accuracy", ...) of outputs for X_all."""
        penalty = sum(layer.regularization_loss() for layer in self.model.layers)
        # one comparison for all splits (same numbers as nn_metrics.accuracy per split)
        correct = None if self.labels_all is None else \
            nn_metrics.labels_from_output(outputs) == self.labels_all
        logs = {}
        for name in self.names:
            rows = self.slices[name]
            prefix = _HISTORY_PREFIX[name]
            logs[prefix + "loss"] = float(self.loss(self.targets[name], outputs[rows])) + penalty
            if correct is not None:
                hits = correct[rows]
                logs[prefix + "accuracy"] = float(np.count_nonzero(hits) / hits.size) \
                    if hits.size else 0.0
        return logs

    # ----- snapshot ---------------------------------------------------------------------------
    def snapshot(self, progress: Progress, grid_resolution: int,
                 neuron: tuple[int, int, int] | None = None, path=None,
                 slice_job=None, race=None, show: frozenset | None = None) -> Snapshot:
        """Everything the page shows for the model as it is after ``progress.batches``;
        ``neuron``: (layer index, unit, training row) the neuron inspector follows;
        ``path``: the WeightPath so far; ``slice_job``: the last landscape slice asked for;
        ``race``: optimizer name -> path of the last optimizer race (two-weight models);
        ``show``: which of the costlier teaching parts ("neuron", "landscape", "activity")
        to fill in (the views on the page need them), None for all."""
        p = progress
        key = (p.batches, grid_resolution, p.status, p.message, p.epoch, p.example, neuron,
               id(slice_job), slice_job is not None and slice_job.running, id(race), show,
               p.slice_axes)
        if self._snapshot_key == key:
            return self._snapshot
        prepared = self.prepared
        splits, metrics, confusion, current = self._splits_and_metrics(p.batches)
        baselines = self.baselines()

        def wanted(part: str) -> bool:
            return show is None or part in show
        trace = self.neuron(neuron) if wanted("neuron") or wanted("activity") else None
        snap = Snapshot(
            epoch=p.epoch, batches=p.batches, task=prepared.task,
            class_names=None if prepared.task == "regression" else list(prepared.class_names),
            history={k: list(v) for k, v in p.history.items()},
            grad_norms={k: list(v) for k, v in p.grad_norms.items()},
            history_epochs=list(p.history_epochs),
            layers=[_layer_view(layer) for layer in self.model.layers],
            metrics=metrics, confusion=confusion, splits=splits,
            grid=self.grid(grid_resolution, p.batches), curve=self.curve(),
            sample=self.sample(p.example), latent=self.latent(),
            data_kind=prepared.kind, model_kind=p.model_kind,
            feature_names=list(prepared.feature_names), autoencoder=prepared.autoencoder,
            batch_in_epoch=p.batch_in_epoch, batches_per_epoch=p.batches_per_epoch,
            batch_loss=p.batch_loss, status=p.status, message=p.message,
            neuron=trace if wanted("neuron") else None, neuron_choices=self.neuron_choices(),
            train_rows=len(prepared.splits["train"]),
            **(self.landscape(p.batches, p.epoch, path, slice_job, race)
               if wanted("landscape") else {}),
            **(self.health(p.batches, p.epoch, trace) if wanted("activity") else {}),
            current=current, loss_note=self.loss_note,
            baselines={name: {split: dict(m) for split, m in scores.items()}
                       for name, scores in baselines.items()},
            baseline_note=verdict(prepared.task, metrics, baselines, trained=p.batches > 0),
            preprocessing=self.preprocessing()
            if not prepared.autoencoder else None,
            importance=self.importance(p.epoch),
            slice=self.slice(p.epoch, tuple(p.slice_axes)))
        self._snapshot_key, self._snapshot = key, snap
        return snap

    def _splits_and_metrics(self, batches: int):
        prepared = self.prepared
        if self._outputs is None or self.X_all.size <= FRESH_PREDICTION_LIMIT:
            self.outputs(batches)
        outputs = self._outputs              # big data: as of the last completed epoch
        if self._metrics_at == self._outputs_at:
            return self._metrics_cache
        splits, metrics, confusion = {}, {}, {}
        for name in self.names:
            part = prepared.splits[name]
            out = outputs[self.slices[name]]
            if prepared.task == "classification":
                n_classes = prepared.dataset.n_classes
                proba = np.concatenate([1 - out, out], axis=1) if out.shape[1] == 1 \
                    else out.copy()
                y_pred = nn_metrics.labels_from_output(out)
                y_true = np.asarray(part.y_original)
                confusion[name] = nn_metrics.confusion_matrix(y_true, y_pred, n_classes)
                metrics[name] = nn_metrics.scores_from_confusion(confusion[name])
                splits[name] = SplitView(name, part.X_original, y_true.copy(), y_pred, proba)
            else:
                y_pred = prepared.target_to_original(out.astype(np.float64))
                y_true = np.asarray(part.y_original, dtype=np.float64)
                metrics[name] = {"mse": nn_metrics.mse(y_true, y_pred),
                                 "mae": nn_metrics.mae(y_true, y_pred),
                                 "r2": nn_metrics.r2(y_true, y_pred)}
                splits[name] = SplitView(name, part.X_original, y_true.copy(), y_pred,
                                         labels=part.labels)
        # the status numbers: from the same outputs as the table, so the two agree
        current = self._logs(outputs)
        self._metrics_at = self._outputs_at
        self._metrics_cache = (splits, metrics, confusion, current)
        return self._metrics_cache

    def slice(self, epoch: int, axes: tuple[str, str]) -> SliceView | None:
        """A table's network on the plane of two number inputs, after ``epoch`` epochs."""
        key = (epoch, axes)
        if self._slice_key != key:
            self._slice = slice_view(self.prepared, self.model, *axes,
                                     resolution=SLICE_RESOLUTION)
            self._slice_key = key
        return self._slice

    def importance(self, epoch: int) -> ImportanceView | None:
        """Permutation importance of a table's inputs after ``epoch`` epochs (None for other
        data)."""
        prepared = self.prepared
        if prepared.kind != "table" or prepared.autoencoder:
            return None
        held, now = self._importance, time.monotonic()
        if held is None or (held.epoch != epoch and
                            now - self._importance_at >= IMPORTANCE_EVERY_S):
            self._importance = network_importance(prepared, self.model, epoch=epoch)
            self._importance_at = now
        return self._importance

    def grid(self, resolution: int, batches: int) -> GridView | None:
        """The network over a square grid on the 2-D input plane (points2d data only)."""
        prepared = self.prepared
        if prepared.kind != "points2d" or prepared.crosses is None or prepared.autoencoder:
            return None
        key = (batches, resolution)
        if self._grid_key == key:
            return self._grid
        x1, x2, crossed, scaled = self._grid_points(resolution)
        outputs = self.model.layer_outputs(scaled)
        shape = (resolution, resolution)
        neurons = [crossed.reshape(shape + (crossed.shape[1],)).astype(np.float32)]
        labels = ["input"]
        for layer, out in zip(self.model.layers, outputs):
            if layer.params and out.ndim == 2:
                neurons.append(out.reshape(shape + (out.shape[1],)))
                labels.append(layer.name)
        final = outputs[-1]
        if prepared.task == "classification":
            output = final.reshape(shape) if final.shape[1] == 1 else \
                final.reshape(shape + (final.shape[1],))
        else:
            output = prepared.target_to_original(final.astype(np.float64)).reshape(shape)
        self._grid_key = key
        self._grid = GridView(x1, x2, output, neurons, labels, list(prepared.feature_names))
        return self._grid

    def _grid_points(self, resolution: int):
        """(x1 (r,), x2 (r,), crossed (r*r, features), model input (r*r, features)) of the
        grid: row-major, point i*r + j is (x1[j], x2[i]). The data never changes for these
        views, so the points are made once per resolution (every live frame asks)."""
        held = self._grid_inputs
        if held is not None and held[0] == resolution:
            return held[1]
        prepared = self.prepared
        X = prepared.dataset.X
        low, high = X.min(axis=0), X.max(axis=0)
        pad = (high - low) * GRID_MARGIN + 1e-6
        x1 = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
        x2 = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
        xx, yy = np.meshgrid(x1, x2)                 # row i is x2[i], column j is x1[j]
        points = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(X.dtype)
        crossed = prepared.crossed(points)
        scaled = np.asarray(prepared.scaler.transform(crossed), dtype=np.float32)
        for array in (x1, x2, crossed, scaled):
            array.setflags(write=False)              # shared by every grid after this one
        self._grid_inputs = (resolution, (x1, x2, crossed, scaled))
        return self._grid_inputs[1]

    # ----- the loss landscape ----------------------------------------------------------
    def landscape(self, batches: int, epoch: int, path, job, race=None) -> dict:
        """Snapshot fields ``landscape`` and ``landscape_note``: the exact surface of a
        two-weight line model (cached per batch count), else the last slice computed for
        this model, with a note while it is being computed or if it failed."""
        if is_two_weight_line(self.model):
            if self._landscape_at != (batches, id(race)):
                train = self.prepared.splits["train"]
                points = path.array() if path is not None else np.zeros((0, 2))
                self._landscape = exact_surface(self.model, train.X, self.targets["train"],
                                                points, epoch, race=race)
                self._landscape_at = (batches, id(race))
            return {"landscape": self._landscape, "landscape_note": ""}
        if job is None or job.model_id != id(self.model):
            return {"landscape": None, "landscape_note": ""}
        if job.running:
            return {"landscape": None, "landscape_note":
                    f"Computing the loss landscape around the weights of epoch {job.epoch}..."}
        return {"landscape": job.result, "landscape_note": job.error}

    # ----- what the layers do ------------------------------------------------------------
    def activity(self, batches: int, epoch: int) -> list[LayerActivity]:
        """Each followable Dense layer on the training rows: renewed after a batch at most
        every ACTIVITY_EVERY_S while training runs, or once per epoch when convolution or
        recurrent layers come first (each row then costs their forward pass: about 80 ms
        for 200 digit images on the shared machine)."""
        layers = self.model.layers
        deep_input = any(layer.params for layer in layers
                         if type(layer).__name__ not in ("Dense", "Dropout"))
        key = ("epoch", epoch) if deep_input else ("batch", batches)
        now = time.monotonic()
        if self._activity_at != key and (self._activity_at == -1 or deep_input or
                                         now - self._activity_time >= ACTIVITY_EVERY_S):
            self._activity = layer_activity(self.model, self.prepared.splits["train"].X)
            self._activity_at, self._activity_time = key, now
        return self._activity

    def health(self, batches: int, epoch: int, trace: NeuronTrace | None) -> dict:
        """Snapshot fields: layer activity, its history, the health sentences, and the
        activation curve of the inspected neuron's layer with the loss curves."""
        layers = self.activity(batches, epoch)
        self.activity_history.record(epoch, layers)
        chosen = next((layer for layer in layers if trace is not None and
                       layer.name == trace.layer_name), layers[0] if layers else None)
        return {"activity": layers, "activity_history": self.activity_history.copy(),
                "health": health_sentences(layers),
                "activation_curve": activation_curve(chosen) if chosen else None,
                "loss_curves": self._loss_curves}

    # ----- the neuron inspector -----------------------------------------------------------
    def neuron_choices(self) -> list[NeuronChoice]:
        """The neurons the inspector can follow, one entry per Dense layer (fixed for the
        model: found once)."""
        if self._choices is not None:
            return self._choices
        dense_count = 0
        choices = []
        for index, layer in enumerate(self.model.layers):
            if type(layer).__name__ != "Dense":
                continue
            dense_count += 1
            if index in dense_layers(self.model):
                choices.append(NeuronChoice(index, dense_count, layer.name, layer.units,
                                            layer.activation))
        self._choices = choices
        return choices

    def neuron(self, target: tuple[int, int, int] | None) -> NeuronTrace | None:
        """The trace of ``target`` = (layer index, unit, training row), or of the first
        neuron on the first training point when it is None or does not fit this model."""
        choices = {c.layer_index: c for c in self.neuron_choices()}
        train = self.prepared.splits["train"]
        if not choices or not len(train):
            return None
        layer_index, unit, row = target if target is not None else (-1, 0, 0)
        if layer_index not in choices:
            layer_index = next(iter(choices))
        unit = unit if 0 <= unit < choices[layer_index].units else 0
        row = row if 0 <= row < len(train) else 0
        return trace_neuron(self.model, train.X[row], self.targets["train"][row], layer_index,
                            unit, row, self._input_names(layer_index))

    def _input_names(self, layer_index: int) -> list[str]:
        """What each input of a Dense layer is: the features for the first layer on flat
        data, "dense_1 #3" for a hidden neuron, "input 5" after a flatten."""
        earlier = self.model.layers[:layer_index]
        dense = [layer for layer in earlier if type(layer).__name__ == "Dense"]
        if dense:
            return [f"{dense[-1].name} #{k + 1}" for k in range(dense[-1].units)]
        if len(self.prepared.input_shape) == 1:
            return list(self.prepared.feature_names)
        return [f"input {k + 1}" for k in range(self.model.layers[layer_index].input_shape[-1])]

    def _shown_split(self) -> str | None:
        """The split the sample views draw from: test, else validation, else train."""
        return next((n for n in ("test", "validation", "train")
                     if n in self.prepared.splits and len(self.prepared.splits[n])), None)

    def sample(self, example: int = 1) -> SampleView | None:
        """Example number ``example`` (1-based; the last one if there are fewer) of the test
        (else validation, else train) split, image or sequence data, through every layer:
        the network diagram's node pictures, each conv layer's arithmetic for one pixel,
        a recurrent layer step by step."""
        prepared = self.prepared
        if prepared.kind not in ("image", "sequence"):
            return None
        name = self._shown_split()
        if name is None:
            return None
        part = prepared.splits[name]
        row = min(max(int(example), 1), len(part)) - 1
        x = np.asarray(part.X[row:row + 1], dtype=self.model.dtype)
        maps = {"input": _as_maps(x[0])}
        pixels = []
        current = x
        for layer in self.model.layers:
            output = layer.forward(current, False)
            kind = type(layer).__name__
            if kind == "Conv2D":
                pixels.append(conv_pixel(layer, current, output))
            if layer.params or kind == "MaxPool2D":
                shown = _state_over_time(layer, current) if output.ndim == 2 and \
                    current.ndim == 3 else output
                maps[layer.name] = _as_maps(np.asarray(shown)[0])
            current = output
        title = f"{name} example {row + 1}"
        if prepared.task == "classification" and not prepared.autoencoder:
            label = int(np.asarray(part.y_original).ravel()[row])
            title += f" (true {prepared.class_names[label]})"
        recurrent = None
        if prepared.kind == "sequence" and not prepared.autoencoder:
            answers = step_targets(prepared.dataset.name, part.X_original[row],
                                   np.asarray(part.y_original)[row])
            recurrent = recurrent_view(
                self.model, self.loss, x, self.targets[name][row:row + 1],
                part.X_original[row], answers, prepared.target_to_original)
        return SampleView(title, maps, tuple(pixels), recurrent)

    def latent(self) -> LatentView | None:
        """An autoencoder's 2-unit middle layer over the shown split (else None)."""
        prepared = self.prepared
        name = self._shown_split()
        if not prepared.autoencoder or name is None or \
                bottleneck_index(self.model) is None:
            return None
        part = prepared.splits[name]
        to_images = None
        if prepared.kind == "image":
            shape = prepared.input_shape

            def to_images(out):
                images = prepared.target_to_original(out).reshape((len(out),) + shape)
                return images.mean(axis=3) if images.ndim == 4 else images
        return latent_view(self.model, np.asarray(part.X, dtype=self.model.dtype), name,
                           part.labels, prepared.class_names if part.labels is not None
                           else None, to_images)

    def curve(self) -> CurveView | None:
        """The fitted curve of a one-input regression model, in original units."""
        prepared = self.prepared
        if not prepared.one_input_regression:
            return None
        X = prepared.dataset.X
        x = np.linspace(float(np.nanmin(X)), float(np.nanmax(X)), CURVE_POINTS)
        out = self.model.predict(prepared.model_input(x[:, None].astype(X.dtype)))
        return CurveView(x, prepared.target_to_original(out.astype(np.float64)))


def _as_maps(values: np.ndarray) -> np.ndarray:
    """One example's values -> (rows, cols, units) float32 pictures (see SampleView):
    (h, w, c) stays, (time, features) becomes (1, time, features), (units,) (1, 1, units)."""
    values = np.asarray(values, dtype=np.float32)
    if values.ndim == 1:
        return values.reshape(1, 1, -1)
    if values.ndim == 2:
        return values[None]
    return values


def _state_over_time(layer, x: np.ndarray) -> np.ndarray:
    """A recurrent layer's state at every time step, (batch, time, units), from a twin of
    it that returns sequences (the layer itself keeps only the last step)."""
    return twin(layer, return_sequences=True).forward(x, False)


def _layer_view(layer) -> LayerView:
    units = getattr(layer, "units", None) or getattr(layer, "filters", None) or 0
    return LayerView(name=layer.name, kind=type(layer).__name__, units=int(units),
                     activation=getattr(layer, "activation", "") or "",
                     weights={k: v.copy() for k, v in layer.params.items()})
