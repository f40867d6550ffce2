"""A resumable training session: the live loop behind the app (no Streamlit, no Plotly).

    session = TrainingSession(cfg)
    snapshot = session.step_epochs(1)        # or step_batches(n), train_for(seconds)
    reason = session.apply(new_cfg)          # live change, or a rebuild with a reason

History (per epoch, after the epoch's last batch, inference mode, weight penalties included):
"loss"/"val_loss"/"test_loss" and, for classification, the matching accuracies. The
gradient norm per layer is the L2 norm over all of that layer's parameter gradients on the
LAST batch of each epoch. Regression losses are in scaled target units when scaling is on
(metrics in ``snapshot().metrics`` are in original units).
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import time

import numpy as np

from playground import nn
from playground.budget import model_cost, over_budget
from playground.config import ExperimentConfig, changed_fields, field_spec, to_json
from playground.data import Dataset
from playground.experiment_data import ExperimentError, PreparedData, load_dataset, prepare
from playground.history import EpochHistory
from playground.model_builder import (
    build_model,
    compile_model,
    loss_name,
    model_targets,
    set_regularization,
)
from playground.baselines import fit_baselines
from playground.session_views import Progress, SessionViews, loss_note
from playground.snapshot import Snapshot

RACE_OPTIMIZERS = ("sgd", "momentum", "adam")   # the optimizer race's runners
RACE_MIN_BATCHES = 300                           # a race runs at least this many batches
from playground.traces.landscape import SliceJob, WeightPath, is_two_weight_line, start_slice

__all__ = ["TrainingSession", "ExperimentError"]


class TrainingSession:
    """Data, model, optimizer state and history of one experiment, trained step by step.

    Raises ExperimentError / DataError (both ValueError) with a plain message when the
    config cannot run (e.g. a cnn on 2-D points, or 'csv' without an uploaded file).
    """

    def __init__(self, cfg: ExperimentConfig, csv_bytes: bytes | None = None,
                 csv_name: str = "uploaded.csv", enforce_budget: bool = True,
                 dataset: Dataset | None = None, split_index: dict | None = None):
        """dataset: use this loaded dataset (as ``cfg`` would load it) instead of loading;
        split_index: split name -> its rows of the dataset, instead of the seeded split
        (a cross-validation fold; see ``experiment_data.prepare``)."""
        self._csv_bytes = csv_bytes          # the uploaded file, parsed only when it changes
        self._csv_name = csv_name
        # playground.budget: a config that would cost a shared server too much is refused
        # (ExperimentError); with enforce_budget=False (the CLI) it runs and
        # ``budget_warning`` says why it is slow.
        self._enforce_budget = enforce_budget
        self.budget_warning: str | None = None
        self._dataset_cache: tuple[tuple, Dataset] | None = None   # (key, dataset)
        self._split_index = split_index
        self.config = cfg
        if dataset is not None:
            self._dataset_cache = (self._dataset_key(cfg), dataset)
        self.follow_next = False     # the inspector follows the next Step batch's point
        # which costlier teaching parts snapshots carry ("neuron", "landscape", "activity"):
        # the page sets what its views need (playground.viz.views.needs); None: all
        self.show: frozenset | None = None
        self._build_data(cfg)
        self._build_model(cfg)

    # ----- building --------------------------------------------------------------------
    def _dataset_key(self, cfg: ExperimentConfig) -> tuple:
        if cfg.dataset == "csv":
            digest = hashlib.sha256(self._csv_bytes).hexdigest() if self._csv_bytes else None
            return ("csv", digest, cfg.csv_target, cfg.csv_task, cfg.missing)
        return (cfg.dataset, cfg.n_samples, cfg.noise, cfg.data_seed)

    def _load(self, cfg: ExperimentConfig) -> Dataset:
        key = self._dataset_key(cfg)
        if self._dataset_cache is not None and self._dataset_cache[0] == key:
            return self._dataset_cache[1]
        dataset = load_dataset(cfg, self._csv_bytes, self._csv_name)
        self._dataset_cache = (key, dataset)
        return dataset

    def _build_data(self, cfg: ExperimentConfig) -> None:
        self.prepared: PreparedData = prepare(cfg, self._load(cfg), self._split_index)
        self._baselines: dict | None = None     # fitted on first use (see baselines)

    def baselines(self) -> dict[str, dict[str, dict[str, float]]]:
        """Majority class and logistic regression, or mean and least squares, fitted on
        this data's training split: key -> split -> metrics (``playground.baselines``).
        Fitted once per data (not per model or reset)."""
        if self._baselines is None:
            self._baselines = fit_baselines(self.prepared)
        return self._baselines

    def _build_model(self, cfg: ExperimentConfig) -> None:
        """A fresh network (seeded), empty history, and the per-split evaluation targets."""
        model = build_model(cfg, self.prepared)
        self._check_budget(cfg, model)
        self.model = model
        self._shuffle_rng = self.model.rng   # the model's one generator: init, order, dropout
        self._loss = nn.losses.get(loss_name(cfg, self.prepared))   # for split evaluation
        train = self.prepared.splits["train"]
        # (n, *input_shape) in the model's dtype, as train_on_prepared_batch wants it
        self._train_X = np.asarray(train.X, dtype=self.model.dtype)
        # targets checked and shaped once, as the loss wants them (not once per batch)
        self._train_y = model_targets(self._loss, self.prepared, train.y, self.model)
        self._epoch_X = self._epoch_y = None   # this epoch's shuffled copies of the train rows
        self.epoch = 0                       # epochs completed
        self.batches = 0                     # batches completed in all
        self._order: np.ndarray | None = None  # this epoch's shuffled row order
        self._position = 0                   # next row of self._order to train on
        # per-epoch losses, accuracies and gradient norms, thinned once it grows long
        self.log = EpochHistory([layer.name for layer in self.model.layers if layer.params])
        self.batch_loss: float | None = None  # set by step_batches: its last batch's loss
        self.status = "ready"
        self.message = ""
        # (layer index, unit, training row) the neuron inspector follows; None: the first
        self.inspected: tuple[int, int, int] | None = None
        # the weights the optimizer passed through: after every batch for a two-weight
        # line model (its exact loss surface), after every epoch otherwise
        self.path = WeightPath(self.model.store.params, is_two_weight_line(self.model))
        self.slice_job: SliceJob | None = None   # the last loss-landscape slice asked for
        # optimizer name -> (steps + 1, 2) path of a race from the same start (two weights)
        self.race: dict[str, np.ndarray] | None = None
        self._views = SessionViews(self.model, self.prepared, self._loss, self.baselines,
                                   loss_note(self.prepared, loss_name(cfg, self.prepared)))

    @property
    def history(self) -> dict[str, list[float]]:
        """key -> value per recorded epoch (``self.log.epochs``): "loss", "val_loss", ..."""
        return self.log.logs

    @property
    def grad_norms(self) -> dict[str, list[float]]:
        """layer name -> gradient L2 norm per recorded epoch (``self.log.epochs``)."""
        return self.log.grad_norms

    def _check_budget(self, cfg: ExperimentConfig, model) -> None:
        rows = sum(len(split.y) for split in self.prepared.splits.values())
        cost = model_cost(model, min(cfg.batch_size, len(self.prepared.splits["train"].y)),
                          rows)
        message = over_budget(cost, cfg.model_kind)
        if message and self._enforce_budget:
            raise ExperimentError(message)
        self.budget_warning = message

    # ----- training --------------------------------------------------------------------
    def _batch_size(self) -> int:
        return max(1, min(self.config.batch_size, len(self._train_y)))

    @property
    def batches_per_epoch(self) -> int:
        return -(-len(self._train_y) // self._batch_size())

    @property
    def batch_in_epoch(self) -> int:
        """Batches done of the epoch in progress (0 right after an epoch ends)."""
        return -(-self._position // self._batch_size()) if self._order is not None else 0

    def _batch_loss(self, x: np.ndarray, y: np.ndarray) -> float:
        """The loss of one batch with the current weights, as the history measures it
        (inference mode, weight penalties included)."""
        penalty = sum(layer.regularization_loss() for layer in self.model.layers)
        return float(self._loss(y, self.model.predict(x))) + penalty

    def _train_one_batch(self, measure: bool = False) -> bool:
        """One minibatch; True if it closed an epoch. Raises nn.TrainingDiverged.
        measure: first keep the batch's loss in ``batch_loss`` (what Step batch shows)."""
        n = len(self._train_y)
        if self._order is None:
            self._start_epoch()
        start, stop = self._position, min(self._position + self._batch_size(), n)
        if measure:
            self.batch_loss = self._batch_loss(self._epoch_X[start:stop],
                                               self._epoch_y[start:stop])
        # rows of arrays checked once in _build_model: no per-batch re-check
        self.model.train_on_prepared_batch(self._epoch_X[start:stop], self._epoch_y[start:stop])
        self._position = stop
        self.batches += 1
        if self.path.every_batch:
            self.path.record(self.model.store.params, self.batches)
        if self._position < n:
            return False
        self._finish_epoch()
        return True

    def _start_epoch(self) -> None:
        """This epoch's shuffled order (the generator's next draw: drawing it before the
        first batch, as ``next_row`` may, changes nothing in the sequence)."""
        self._order = self._shuffle_rng.permutation(len(self._train_y))
        self._epoch_X, self._epoch_y = self._train_X[self._order], self._train_y[self._order]
        self._position = 0
        self._epoch_start_weights = self.model.get_weights()

    def next_row(self) -> int | None:
        """The training row the next batch starts with (its only row at batch size 1)."""
        if self.status == "diverged":
            return None
        if self._order is None:
            self._start_epoch()
        return int(self._order[self._position])

    def _finish_epoch(self) -> None:
        norms = {layer.name: _grad_norm(layer) for layer in self.model.layers if layer.params}
        logs = self._views.evaluate_splits(self.batches)
        if not all(math.isfinite(v) for v in logs.values()) or \
                not all(math.isfinite(v) for v in norms.values()):
            # finite weights whose loss overflows: go back to the epoch's start
            self.model.set_weights(self._epoch_start_weights)
            self._views.invalidate()
            self._order = None
            raise nn.TrainingDiverged(
                f"The loss became too large to compute in epoch {self.epoch + 1}.")
        self.epoch += 1
        self.log.record(self.epoch, logs, norms)
        if not self.path.every_batch:
            self.path.record(self.model.store.params, self.batches)
        self._order = None
        self.status = "training"

    def _diverged(self) -> None:
        lr = self.config.learning_rate
        self.status = "diverged"
        self.message = (f"Training stopped: the loss became infinite or not a number "
                        f"(epoch {self.epoch + 1}, learning rate {lr:g}). The weights are "
                        f"kept from before it happened, but they may already be huge: set a "
                        f"smaller learning rate, e.g. {lr / 10:g}, press Reset weights and "
                        f"Play again.")

    def _run(self, max_batches: float, max_epochs: float, deadline: float,
             measure: bool = False, stop=None) -> int:
        """Train until a limit; returns epochs completed. Stops quietly on divergence.
        measure: keep each batch's loss before its update in ``batch_loss``.
        stop: () -> bool, asked after every batch: True ends the run there."""
        self.batch_loss = None
        if self.status == "diverged":
            return 0
        done_epochs = done_batches = 0
        try:
            # overflow on the way to divergence is expected; it is caught and reported
            with np.errstate(over="ignore", invalid="ignore"):
                while done_batches < max_batches and done_epochs < max_epochs:
                    done_epochs += self._train_one_batch(measure)
                    done_batches += 1
                    if time.perf_counter() >= deadline or (stop is not None and stop()):
                        break
        except (nn.TrainingDiverged, FloatingPointError):
            self._diverged()
        return done_epochs

    def step_epochs(self, n: int = 1) -> Snapshot:
        """Train until ``n`` more epochs are complete (a partial epoch counts as the first)."""
        self._run(math.inf, _count(n, "n"), math.inf)
        return self.snapshot()

    def step_batches(self, n: int = 1) -> Snapshot:
        """Train ``n`` minibatches; the epoch count moves on when an epoch's last one is done.
        ``batch_loss`` is then the last batch's loss just before its update."""
        n = _count(n, "n")
        if n > 1:
            self._run(n - 1, math.inf, math.inf)
        self._run(1, math.inf, math.inf, measure=True)
        return self.snapshot()

    def train_for(self, seconds: float, max_epochs: int | None = None, stop=None) -> int:
        """Train for about ``seconds`` (checked after every batch); returns epochs completed.
        stop: () -> bool, asked after every batch (e.g. Pause pressed): True ends it early."""
        if not seconds > 0:
            raise ValueError(f"seconds must be a positive number, not {seconds!r}.")
        limit = math.inf if max_epochs is None else _count(max_epochs, "max_epochs")
        return self._run(math.inf, limit, time.perf_counter() + seconds, stop=stop)

    # ----- changes -------------------------------------------------------------------------
    def apply(self, new_cfg: ExperimentConfig) -> str | None:
        """Switch to ``new_cfg``. Learning rate, optimizer, regularisation, batch size and
        view changes keep training (optimizer state kept when only the learning rate
        changes). Data, feature or network changes rebuild and return why the weights were
        reset. On an error (ExperimentError/DataError) nothing changes.
        """
        changed = changed_fields(self.config, new_cfg)
        if not changed:
            return None
        effects = {field_spec(name).effect for name in changed}
        if "data" in effects or "model" in effects:
            return self._rebuild(new_cfg, "data" in effects, changed)
        old = self.config
        if new_cfg.batch_size != old.batch_size:
            self._check_budget(new_cfg, self.model)      # before anything changes
        self.config = new_cfg
        if new_cfg.optimizer != old.optimizer:
            compile_model(self.model, new_cfg, self.prepared)
        elif new_cfg.learning_rate != old.learning_rate:
            self.model.optimizer.learning_rate = new_cfg.learning_rate
        if (new_cfg.regularization, new_cfg.regularization_rate) != \
                (old.regularization, old.regularization_rate):
            set_regularization(self.model, new_cfg)
        if self.status == "diverged" and {"learning_rate", "optimizer"} & set(changed):
            self.status, self.message = "training" if self.epoch else "ready", ""
        return None

    def _rebuild(self, new_cfg: ExperimentConfig, data_changed: bool, changed) -> str:
        old_state = dict(self.__dict__)
        try:
            self.config = new_cfg
            if data_changed:
                self._build_data(new_cfg)
            self._build_model(new_cfg)
        except Exception:
            self.__dict__.update(old_state)
            raise
        labels = ", ".join(field_spec(name).label.lower() for name in changed
                           if field_spec(name).effect in ("data", "model"))
        if data_changed:
            return (f"The data changed ({labels}), so the network was rebuilt and the "
                    f"weights were reset.")
        return f"The network changed ({labels}), so the weights were reset."

    def reset_weights(self) -> Snapshot:
        """New starting weights from the seed, empty history, fresh optimizer state."""
        self._build_model(self.config)
        return self.snapshot()

    def set_csv(self, data: bytes, filename: str = "uploaded.csv") -> str | None:
        """Take an uploaded CSV file. The same bytes again do nothing (no re-parse).

        If the current dataset is "csv" the file is parsed at once and the session rebuilt
        (returns the reason); a bad file raises DataError and the session keeps its state.
        """
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("set_csv needs the file's bytes (e.g. uploaded_file.getvalue()).")
        if self._csv_bytes == data:
            return None
        old = (self._csv_bytes, self._csv_name)
        self._csv_bytes, self._csv_name = bytes(data), filename
        if self.config.dataset != "csv":
            return None
        try:
            return self._rebuild(self.config, True, ["dataset"])
        except Exception:
            self._csv_bytes, self._csv_name = old
            raise

    # ----- outputs --------------------------------------------------------------------------
    def snapshot(self, grid_resolution: int = 40) -> Snapshot:
        """Everything the page shows now (copies; cached until the next batch)."""
        if self.follow_next and self._batch_size() == 1:
            row = self.next_row()
            choices = self._views.neuron_choices()
            if row is not None and choices:
                layer, unit, _ = self.inspected or (choices[0].layer_index, 0, 0)
                self.inspected = (layer, unit, row)
        progress = Progress(self.epoch, self.batches, self.status, self.message, self.history,
                            self.grad_norms, self.config.model_kind, self.batch_in_epoch,
                            self.batches_per_epoch, self.batch_loss,
                            tuple(self.log.epochs), self.config.example,
                            (self.config.slice_x, self.config.slice_y))
        return self._views.snapshot(progress, grid_resolution, self.inspected, self.path,
                                    self.slice_job, self.race, self.show)

    def run_race(self, optimizers=RACE_OPTIMIZERS, min_batches: int = RACE_MIN_BATCHES):
        """SGD, momentum and Adam (by default) from this session's starting weights, on the
        same shuffled batches (same seed), for as many batches as trained so far (at least
        ``min_batches``): their paths are drawn on the exact landscape. Two-weight line
        models only (a plain ValueError otherwise)."""
        if not is_two_weight_line(self.model):
            raise ValueError("The optimizer race runs on the two-weight line model (the "
                             "linear regression presets), whose whole landscape is known.")
        batches = max(self.batches, int(min_batches))
        paths = {}
        for name in optimizers:
            rival = TrainingSession(self.config.replace(optimizer=name), self._csv_bytes,
                                    self._csv_name, self._enforce_budget)
            rival._run(batches, math.inf, math.inf)
            paths[name] = rival.path.array()
        self.race = paths

    def inspect(self, layer_index: int, unit: int, row: int) -> None:
        """Follow neuron ``unit`` of ``model.layers[layer_index]`` on training row ``row``
        in the neuron inspector (``snapshot().neuron``). ValueError, with what fits, for
        a layer, neuron or row that does not exist; nothing changes then."""
        choices = {c.layer_index: c for c in self._views.neuron_choices()}
        if layer_index not in choices:
            raise ValueError("The neuron inspector follows the network's dense layers; "
                             "pick one of the layers offered.")
        units = choices[layer_index].units
        if isinstance(unit, bool) or not isinstance(unit, (int, np.integer)) or \
                not 0 <= unit < units:
            raise ValueError(f"Layer {choices[layer_index].number} has neurons 1 to {units}.")
        rows = len(self.prepared.splits["train"])
        if isinstance(row, bool) or not isinstance(row, (int, np.integer)) or \
                not 0 <= row < rows:
            raise ValueError(f"Pick a training point from 1 to {rows}.")
        self.inspected = (int(layer_index), int(unit), int(row))

    def compute_landscape(self) -> str | None:
        """Start computing the loss-landscape slice around the current weights in the
        background (``snapshot().landscape`` once done); a two-weight line model needs
        none (its exact surface is in every snapshot). Returns a plain note, or None."""
        if is_two_weight_line(self.model):
            return "This model has two weights: its exact loss surface is always shown."
        if self.slice_job is not None and self.slice_job.running:
            return "The loss landscape is still being computed."
        self.slice_job = start_slice(self.model, self._train_X, self._train_y,
                                     self.path.array(), self.epoch, id(self.model))
        return None

    @property
    def data_report(self) -> list[str]:
        """How the data was made or cleaned, in plain words: the loading, then what was
        fitted on the training split (gap fill values, categories)."""
        return list(self.prepared.dataset.report) + list(self.prepared.report)

    def linear_fit(self) -> tuple[float, float] | None:
        """(w, b) of y = w x + b in original units, for a one-input linear regression model
        (no hidden layers); None for any other model."""
        p = self.prepared
        if not p.one_input_regression or self.config.hidden_layers or \
                self.config.model_kind != "mlp":
            return None
        X = np.array([[0.0], [1.0]], dtype=p.dataset.X.dtype)
        y = p.target_to_original(self.model.predict(p.model_input(X)).astype(np.float64))
        return float(y[1] - y[0]), float(y[0])

    def history_csv(self) -> str:
        """Per-epoch history as CSV: epoch, then every history key, then gradient norms
        (plain numbers; one row per recorded epoch, see ``self.log.note()``)."""
        return self.log.to_csv()

    def model_npz_bytes(self) -> bytes:
        """The model saved by ``playground.nn`` (.npz, no pickle) as bytes, plus two text
        entries ``nn.load_model`` ignores: "experiment_json" (the config) and
        "pipeline_json" (gap fill values and categories fitted on the training split,
        scaler, feature and class names, target scaling) so the file
        says how to prepare inputs for it."""
        buffer = io.BytesIO()
        self.model.save(buffer)
        buffer.seek(0)
        with np.load(buffer, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        p = self.prepared
        pipeline = {"scaler": p.scaler.to_dict(), "feature_names": p.feature_names,
                    "feature_crosses": None if p.crosses is None else list(p.crosses),
                    "class_names": p.class_names, "task": p.task, "kind": p.kind,
                    "target_mean": None if p.target_mean is None else p.target_mean.tolist(),
                    "target_std": None if p.target_std is None else p.target_std.tolist(),
                    "missing_values": None if p.imputer is None else p.imputer.to_dict()}
        arrays["experiment_json"] = np.array(to_json(self.config))
        arrays["pipeline_json"] = np.array(json.dumps(pipeline))
        out = io.BytesIO()
        np.savez(out, **arrays)
        return out.getvalue()


def _grad_norm(layer) -> float:
    """L2 norm over all of the layer's parameter gradients (its last batch)."""
    total = 0.0
    for grad in layer.grads.values():
        flat = grad.ravel()
        total += float(np.dot(flat, flat))
    return math.sqrt(total)


def _count(n, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{what} must be a whole number of at least 1, not {n!r}.")
    return int(n)
