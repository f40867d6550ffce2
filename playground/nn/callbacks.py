"""Callbacks: hooks the training loop calls, with ``self.model`` set to the model.

Every hook is empty here; subclasses override what they need. Setting
``self.model.stop_training = True`` ends ``fit`` after the current epoch.
"""
from __future__ import annotations

import math

import numpy as np


class Callback:
    def __init__(self):
        self.model = None     # the Sequential being trained, set by fit()

    def set_model(self, model) -> None:
        self.model = model

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_batch_begin(self, batch, logs=None): ...
    def on_batch_end(self, batch, logs=None): ...


class History(Callback):
    """What fit() returns: ``history`` maps "loss", "val_loss", "accuracy", ... to one value
    per finished epoch; ``epoch`` lists the epoch indices; ``stop_reason`` says why training
    ended early (divergence, early stopping) or is None."""

    def __init__(self):
        super().__init__()
        self.history: dict[str, list[float]] = {}   # metric name -> one float per epoch
        self.epoch: list[int] = []                   # epoch index of each entry
        self.stop_reason: str | None = None          # plain-words reason for an early stop

    def on_train_begin(self, logs=None):
        self.history, self.epoch, self.stop_reason = {}, [], None

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(int(epoch))
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))


class LambdaCallback(Callback):
    """Ad-hoc hooks from plain functions, e.g. LambdaCallback(on_epoch_end=lambda e, logs: ...)."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None):
        super().__init__()
        for hook, function in (("on_epoch_begin", on_epoch_begin),
                               ("on_epoch_end", on_epoch_end),
                               ("on_batch_begin", on_batch_begin),
                               ("on_batch_end", on_batch_end),
                               ("on_train_begin", on_train_begin),
                               ("on_train_end", on_train_end)):
            if function is not None:
                setattr(self, hook, function)


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience``
    epochs in a row (Keras semantics); with ``restore_best_weights`` the weights of the best
    epoch are put back when it stops."""

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto",
                 restore_best_weights=False):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping mode must be 'auto', 'min' or 'max', got {mode!r}.")
        if int(patience) < 0:
            raise ValueError(f"EarlyStopping patience must be >= 0, got {patience}.")
        self.monitor = monitor
        self.min_delta = abs(float(min_delta))
        self.patience = int(patience)
        if mode == "auto":
            mode = "max" if any(k in monitor for k in ("acc", "r2", "f1", "precision",
                                                        "recall")) else "min"
        self.mode = mode
        self.restore_best_weights = bool(restore_best_weights)
        self.best = math.inf if mode == "min" else -math.inf  # best value seen
        self.best_epoch = None          # epoch index of ``best``
        self.best_weights = None        # get_weights() copy at the best epoch
        self.wait = 0                   # epochs since the last improvement
        self.stopped_epoch = None       # epoch at which training was stopped

    def on_train_begin(self, logs=None):
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch, self.best_weights, self.wait, self.stopped_epoch = None, None, 0, None

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r} but the epoch logs only have "
                f"{sorted(logs)}; pass validation data for 'val_...' or pick one of those.")
        value = float(logs[self.monitor])
        if np.isfinite(value) and self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            self.model.stop_reason = (
                f"Early stopping: {self.monitor} did not improve for {self.wait} epochs "
                f"(best {self.best:.6g} at epoch {self.best_epoch}).")
            if self.restore_best_weights and self.best_weights is not None:
                self.model.set_weights(self.best_weights)
