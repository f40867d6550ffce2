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


def per_class_scores(matrix: np.ndarray) -> dict[str, np.ndarray]:
    """Precision, recall, F1 and support of every class from a (classes, classes) confusion
    matrix (rows true, columns predicted): each (classes,), as scikit-learn's
    ``precision_recall_fscore_support(average=None, zero_division=0)``; support is the
    number of true examples of the class (int)."""
    counts = np.asarray(matrix)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"The confusion matrix must be square; got shape {counts.shape}.")
    precision, recall, f1, _ = _per_class_scores(counts)
    return {"precision": precision, "recall": recall, "f1": f1,
            "support": np.asarray(counts, dtype=np.int64).sum(axis=1)}


def _binary_scores(y_true, score, pos_label) -> tuple[np.ndarray, np.ndarray]:
    """(is_positive (n,) bool, score (n,) float64), checked: finite scores, both classes."""
    y_true = np.asarray(y_true).ravel()
    score = np.asarray(score, dtype=np.float64).ravel()
    if y_true.shape != score.shape:
        raise ValueError(f"y_true has {y_true.size} labels but score has {score.size} values.")
    if not np.isfinite(score).all():
        raise ValueError("The scores must be finite numbers; some are missing or infinite.")
    positive = y_true == pos_label
    if positive.all() or not positive.any():
        raise ValueError("A ROC curve needs examples of both classes, but only one class "
                         "occurs in these labels.")
    return positive, score


def roc_curve(y_true, score, pos_label=1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fpr, tpr, thresholds), each (points,), as scikit-learn's ``roc_curve``.

    y_true: (n,) labels; score: (n,) higher = more likely ``pos_label`` (e.g. P(class 1)).
    Point k counts as positive every example with score >= thresholds[k]; thresholds fall,
    the first is +inf (nothing positive: the point (0, 0)). Points on a straight line
    between their neighbours are left out (``drop_intermediate=True``).
    """
    positive, score = _binary_scores(y_true, score, pos_label)
    order = np.argsort(score, kind="mergesort")[::-1]
    score, positive = score[order], positive[order]
    # the last example of each run of equal scores: one curve point per distinct score
    ends = np.r_[np.flatnonzero(np.diff(score)), score.size - 1]
    tps = np.cumsum(positive)[ends].astype(np.float64)
    fps = (ends + 1) - tps
    thresholds = score[ends]
    if tps.size > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)),
                                    True])
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thresholds]
    return fps / fps[-1], tps / tps[-1], thresholds


def roc_auc(y_true, score, pos_label=1) -> float:
    """Area under the ROC curve (scikit-learn's ``roc_auc_score`` for two classes): the
    chance that a random positive example scores higher than a random negative one."""
    fpr, tpr, _ = roc_curve(y_true, score, pos_label)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))


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
