"""The epoch loop behind ``Sequential.fit`` (batches, callbacks, validation, stopping) and
the metrics fit and evaluate report.

    run(model, x, y, x_val, y_val, epochs, initial_epoch, batch_size, shuffle, callbacks)
        -> History
x, y are prepared and checked by the model (x: (n, *input_shape) in the model's dtype, y as
its loss wants them); each batch is one ``model._step``. Divergence ends training after the
batch that diverged, with the reason in ``history.stop_reason`` (the weights stay finite).
"""
from __future__ import annotations

import numpy as np

from playground.nn.callbacks import Callback, History
from playground.nn.divergence import TrainingDiverged


MODEL_METRICS = ("accuracy", "mae", "mse")     # what compile(metrics=...) accepts
_METRIC_ALIASES = {"acc": "accuracy", "mean_absolute_error": "mae", "mean_squared_error": "mse"}


def metric_names(metrics) -> list[str]:
    """compile()'s metrics as canonical names; ValueError for one we do not have."""
    names = []
    for metric in metrics or ():
        key = _METRIC_ALIASES.get(str(metric).lower(), str(metric).lower())
        if key not in MODEL_METRICS:
            raise ValueError(f"Unknown metric {metric!r}; model metrics are "
                             f"{', '.join(MODEL_METRICS)} (more in nn.metrics).")
        names.append(key)
    return names


def metric_values(names, y: np.ndarray, output: np.ndarray) -> dict:
    """{name: value} for y as the loss wants it and output (batch, *output_shape)."""
    values = {}
    for name in names:
        if name == "accuracy":
            values[name] = _accuracy(y, output)
        elif name == "mae":
            values[name] = float(np.abs(output - y).mean())
        else:
            values[name] = float(np.square(output - y).mean())
    return values


def _accuracy(y, output) -> float:
    if y.ndim == 1 and output.ndim == 2 and output.shape[1] > 1:   # sparse labels
        return float(np.mean(output.argmax(axis=1) == y))
    if output.shape[-1] == 1:
        return float(np.mean((output > 0.5) == (y > 0.5)))
    return float(np.mean(output.argmax(axis=-1) == y.argmax(axis=-1)))


def positive_int(value, what: str, allow_zero: bool = False) -> int:
    """value as an int, or ValueError if it is not a whole number >= 1 (>= 0)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < (
            0 if allow_zero else 1):
        raise ValueError(f"{what} must be a whole number >= {0 if allow_zero else 1}, "
                         f"got {value!r}.")
    return int(value)


def split_validation(x, y, validation_split):
    """(x, y, x_val, y_val): the last ``validation_split`` of the rows held out, as Keras
    (no shuffling first); x_val = y_val = None for a split of 0."""
    if not validation_split:
        return x, y, None, None
    if not 0.0 < float(validation_split) < 1.0:
        raise ValueError(f"validation_split must be between 0 and 1, got {validation_split}.")
    cut = len(x) - round(len(x) * float(validation_split))
    if cut < 1 or cut == len(x):
        raise ValueError(f"validation_split={validation_split} leaves no training or "
                         f"no validation samples out of {len(x)}.")
    return x[:cut], y[:cut], x[cut:], y[cut:]


def run(model, x, y, x_val, y_val, epochs, initial_epoch, batch_size, shuffle,
        callbacks) -> History:
    """Train ``model`` for epochs initial_epoch .. epochs-1; returns the History."""
    history = History()
    callback_list = [history, *(callbacks or [])]
    for callback in callback_list:
        if not isinstance(callback, Callback):
            raise ValueError(f"callbacks must be nn.callbacks.Callback objects, got "
                             f"{callback!r}.")
        callback.set_model(model)
    model.stop_training, model.stop_reason = False, None
    model.history = history
    for callback in callback_list:
        callback.on_train_begin({})
    # Overflow on the way to divergence is expected: it is detected and reported in
    # history.stop_reason, so NumPy's warnings would only repeat it.
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(initial_epoch, epochs):
            _run_epoch(model, epoch, x, y, x_val, y_val, batch_size, shuffle, callback_list)
            if model.stop_training:
                break
    history.stop_reason = model.stop_reason
    for callback in callback_list:
        callback.on_train_end({})
    return history


def _run_epoch(model, epoch, x, y, x_val, y_val, batch_size, shuffle, callback_list) -> None:
    count = len(x)
    for callback in callback_list:
        callback.on_epoch_begin(epoch, {})
    if shuffle:
        order = model.rng.permutation(count)
        x, y = x[order], y[order]
    totals: dict[str, float] = {}
    for batch, start in enumerate(range(0, count, batch_size)):
        x_batch, y_batch = x[start: start + batch_size], y[start: start + batch_size]
        for callback in callback_list:
            callback.on_batch_begin(batch, {"size": len(x_batch)})
        model._context = f"epoch {epoch + 1}, batch {batch + 1}"
        try:
            logs = model._step(x_batch, y_batch)
        except TrainingDiverged as error:
            model.stop_training, model.stop_reason = True, str(error)
            return                   # an epoch cut short is not counted or logged
        finally:
            model._context = ""
        for key, value in logs.items():
            totals[key] = totals.get(key, 0.0) + value * len(x_batch)
        for callback in callback_list:
            callback.on_batch_end(batch, logs)
    epoch_logs = {key: total / count for key, total in totals.items()}
    if x_val is not None:
        validation = model._evaluate_prepared(x_val, y_val)
        epoch_logs.update({f"val_{k}": v for k, v in validation.items()})
    model.epochs_trained += 1
    for callback in callback_list:
        callback.on_epoch_end(epoch, epoch_logs)
