"""Metrics as plain functions on arrays (same conventions as scikit-learn).

Classification metrics take label arrays y_true, y_pred: (n,) ints. ``labels_from_output``
turns model outputs (probabilities) into labels. Regression metrics take (n,) or (n, k) floats.
Division by zero (no predicted positives, ...) gives 0.0, as scikit-learn's default.
"""
from __future__ import annotations

import numpy as np


def labels_from_output(output: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """(n, 1) or (n,) probabilities -> 0/1 labels; (n, classes) -> argmax labels."""
    output = np.asarray(output)
    if output.ndim == 1 or output.shape[-1] == 1:
        return (output.reshape(len(output)) > threshold).astype(np.intp)
    return output.argmax(axis=-1)


def _labels(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {y_true.size} labels but y_pred has {y_pred.size}.")
    return y_true, y_pred


def accuracy(y_true, y_pred) -> float:
    """Fraction of labels predicted exactly."""
    y_true, y_pred = _labels(y_true, y_pred)
    return float(np.mean(y_true == y_pred)) if y_true.size else 0.0


def confusion_matrix(y_true, y_pred, num_classes: int | None = None) -> np.ndarray:
    """(classes, classes) counts; row = true label, column = predicted label."""
    y_true, y_pred = _labels(y_true, y_pred)
    y_true, y_pred = y_true.astype(np.intp), y_pred.astype(np.intp)
    if y_true.size and min(y_true.min(), y_pred.min()) < 0:
        raise ValueError("confusion_matrix needs labels 0, 1, 2, ...; found a negative label.")
    if num_classes is None:
        num_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1)) + 1)
    flat = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    return flat[: num_classes * num_classes].reshape(num_classes, num_classes)


def _safe_divide(numerator, denominator):
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    return np.divide(numerator, denominator, out=np.zeros_like(numerator),
                     where=denominator != 0)


def _per_class_scores(matrix: np.ndarray):
    """(precision, recall, f1, present) per class from a (classes, classes) confusion matrix;
    ``present``: the class occurs in y_true or y_pred (the classes a macro average uses)."""
    counts = np.asarray(matrix, dtype=np.float64)
    true_positive = np.diag(counts)
    predicted, actual = counts.sum(axis=0), counts.sum(axis=1)
    precision = _safe_divide(true_positive, predicted)
    recall = _safe_divide(true_positive, actual)
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    return precision, recall, f1, (predicted + actual) > 0


def _scores(y_true, y_pred, average: str, pos_label):
    """(precision, recall, f1) for ``average`` "binary" (of pos_label) or "macro"."""
    if average not in ("binary", "macro"):
        raise ValueError(f"average must be 'binary' or 'macro', got {average!r}.")
    y_true, y_pred = _labels(y_true, y_pred)
    classes = np.union1d(y_true, y_pred)         # any labels: ints, strings, ...
    matrix = confusion_matrix(np.searchsorted(classes, y_true),
                              np.searchsorted(classes, y_pred), classes.size)
    precision, recall, f1, _ = _per_class_scores(matrix)
    if average == "macro":
        return float(precision.mean()), float(recall.mean()), float(f1.mean())
    if classes.size > 2:
        raise ValueError(
            f"average='binary' needs two classes but found {classes.size}; use "
            f"average='macro' for multi-class labels.")
    where = np.flatnonzero(classes == pos_label)
    if where.size == 0:
        return 0.0, 0.0, 0.0
    i = where[0]
    return float(precision[i]), float(recall[i]), float(f1[i])


def scores_from_confusion(matrix: np.ndarray) -> dict[str, float]:
    """Accuracy, precision, recall, f1 from a (classes, classes) confusion matrix.

    Two classes: the scores of class 1 (``average="binary"``); more: the macro average over
    the classes that occur in y_true or y_pred (``average="macro"``). The same numbers as
    ``precision``/``recall``/``f1`` on the labels, from counts a snapshot already has.
    """
    precision, recall, f1, present = _per_class_scores(matrix)
    total = float(np.sum(matrix))
    scores = {"accuracy": float(np.trace(matrix) / total) if total else 0.0}
    if len(precision) == 2:
        scores.update(precision=float(precision[1]), recall=float(recall[1]), f1=float(f1[1]))
    else:
        scores.update(precision=float(precision[present].mean()),
                      recall=float(recall[present].mean()), f1=float(f1[present].mean()))
    return scores


def precision(y_true, y_pred, average: str = "binary", pos_label=1) -> float:
    """True positives / predicted positives (per class, then averaged for "macro")."""
    return _scores(y_true, y_pred, average, pos_label)[0]


def recall(y_true, y_pred, average: str = "binary", pos_label=1) -> float:
    """True positives / actual positives (per class, then averaged for "macro")."""
    return _scores(y_true, y_pred, average, pos_label)[1]


def f1(y_true, y_pred, average: str = "binary", pos_label=1) -> float:
    """Harmonic mean of precision and recall (per class, then averaged for "macro")."""
    return _scores(y_true, y_pred, average, pos_label)[2]


def _regression(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.ndim == 1:
        y_true = y_true[:, None]
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has {y_pred.shape}.")
    return y_true, y_pred


def mae(y_true, y_pred) -> float:
    """Mean absolute error over all entries."""
    y_true, y_pred = _regression(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def mse(y_true, y_pred) -> float:
    """Mean squared error over all entries."""
    y_true, y_pred = _regression(y_true, y_pred)
    return float(np.mean((y_true - y_pred) ** 2))


def r2(y_true, y_pred) -> float:
    """Coefficient of determination, averaged uniformly over outputs (scikit-learn's r2_score)."""
    y_true, y_pred = _regression(y_true, y_pred)
    residual = ((y_true - y_pred) ** 2).sum(axis=0)
    total = ((y_true - y_true.mean(axis=0)) ** 2).sum(axis=0)
    scores = np.where(total != 0, 1.0 - _safe_divide(residual, total),
                      np.where(residual == 0, 1.0, 0.0))
    return float(scores.mean())
