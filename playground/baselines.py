"""What simple models score on the same split and inputs as the network: is it worth it?

Classification: the majority class of the training rows, and a logistic regression (our
engine: one Dense layer with softmax, or sigmoid for two classes, on the network's own
inputs, so the same fill values, encodings and scaler; no weight penalty, trained full
batch until it settles). Regression: the mean of the training targets, and least squares
(``numpy.linalg.lstsq`` on the same inputs plus a constant). Every baseline is fitted on
the training split only and scored on every split with the network's metric functions,
in the data's units.
"""
from __future__ import annotations

import math

import numpy as np

from playground import nn
from playground.nn import metrics as nn_metrics

# baseline key -> what the page calls it
BASELINE_LABELS = {"majority": "majority class", "logistic": "logistic regression",
                   "mean": "mean", "least_squares": "least squares"}
# the metric that decides "better", per task (higher is better for both)
DECIDING_METRIC = {"classification": "accuracy", "regression": "r2"}
# Full-batch steps of the logistic regression: enough to settle on standardised inputs,
# fewer when one step is expensive (rows x inputs x classes above STEP_BUDGET / steps).
LOGISTIC_STEPS = 600
LOGISTIC_LEARNING_RATE = 0.05
STEP_BUDGET = 3e8           # multiply-adds of all steps together
KINDS = ("table", "points2d")   # images and sequences: no meaningful linear baseline here


def classification_scores(y_true: np.ndarray, y_pred: np.ndarray,
                          n_classes: int) -> dict[str, float]:
    """accuracy, precision, recall, F1 of labels y_pred: (n,) against y_true: (n,)."""
    matrix = nn_metrics.confusion_matrix(y_true, y_pred, n_classes)
    return nn_metrics.scores_from_confusion(matrix)


def regression_scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """MSE, MAE and R² of y_pred against y_true (same shape, the data's units)."""
    return {"mse": nn_metrics.mse(y_true, y_pred), "mae": nn_metrics.mae(y_true, y_pred),
            "r2": nn_metrics.r2(y_true, y_pred)}


def logistic_regression(X: np.ndarray, y: np.ndarray, n_classes: int,
                        seed: int = 0) -> nn.Sequential:
    """Our engine's logistic regression, fitted on X: (n, features) and labels y: (n,);
    float64, full batch, no penalty. -> the trained model (outputs (n, 1) or (n, classes))."""
    binary = n_classes == 2
    model = nn.Sequential([nn.Dense(1 if binary else n_classes,
                                    activation="sigmoid" if binary else "softmax",
                                    kernel_initializer="zeros")],
                          input_shape=(X.shape[1],), seed=seed, dtype="float64")
    model.compile(loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
                  optimizer=nn.optimizers.Adam(learning_rate=LOGISTIC_LEARNING_RATE))
    cost = max(1.0, float(X.shape[0]) * X.shape[1] * (1 if binary else n_classes))
    steps = int(min(LOGISTIC_STEPS, max(50, STEP_BUDGET / cost)))
    X64 = np.asarray(X, dtype=np.float64)
    for _ in range(steps):
        model.train_on_batch(X64, y)
    return model


def fit_baselines(prepared) -> dict[str, dict[str, dict[str, float]]]:
    """baseline key -> split name -> metrics (as ``snapshot.metrics``) for a
    PreparedData; {} where no baseline applies (images, sequences, autoencoders)."""
    if prepared.autoencoder or prepared.kind not in KINDS:
        return {}
    splits = prepared.splits
    train = splits["train"]
    flat = {name: np.asarray(part.X, dtype=np.float64).reshape(len(part), -1)
            for name, part in splits.items()}
    results: dict[str, dict[str, dict[str, float]]] = {}
    if prepared.task == "classification":
        n_classes = prepared.dataset.n_classes
        y_train = np.asarray(train.y_original).ravel()
        majority = int(np.argmax(np.bincount(y_train, minlength=n_classes)))
        model = logistic_regression(flat["train"], y_train, n_classes)
        results["majority"], results["logistic"] = {}, {}
        for name, part in splits.items():
            y_true = np.asarray(part.y_original).ravel()
            results["majority"][name] = classification_scores(
                y_true, np.full(len(y_true), majority), n_classes)
            results["logistic"][name] = classification_scores(
                y_true, nn_metrics.labels_from_output(model.predict(flat[name])), n_classes)
        return results
    y_train = np.asarray(train.y_original, dtype=np.float64)
    mean = y_train.mean(axis=0)
    design = np.hstack([flat["train"], np.ones((len(train), 1))])
    coefficients, *_ = np.linalg.lstsq(design, y_train.reshape(len(train), -1), rcond=None)
    results["mean"], results["least_squares"] = {}, {}
    for name, part in splits.items():
        y_true = np.asarray(part.y_original, dtype=np.float64)
        results["mean"][name] = regression_scores(y_true, np.broadcast_to(mean, y_true.shape))
        fitted = np.hstack([flat[name], np.ones((len(part), 1))]) @ coefficients
        results["least_squares"][name] = regression_scores(y_true,
                                                           fitted.reshape(y_true.shape))
    return results


def baseline_split(metrics: dict[str, dict[str, float]]) -> str | None:
    """The split baselines are compared on: test, else validation, else train."""
    return next((name for name in ("test", "validation", "train") if name in metrics), None)


def verdict(task: str, metrics: dict[str, dict[str, float]],
            baselines: dict[str, dict[str, dict[str, float]]],
            trained: bool = True) -> str | None:
    """One plain sentence: does the network beat every baseline on the compared split?
    trained: False before the first batch (the sentence then says so)."""
    split = baseline_split(metrics)
    key = DECIDING_METRIC[task]
    if split is None or not baselines or key not in metrics[split]:
        return None
    ours = metrics[split][key]
    theirs = {name: scores[split][key] for name, scores in baselines.items()
              if split in scores}
    if not theirs or not math.isfinite(ours):
        return None
    word = "accuracy" if key == "accuracy" else "R²"
    shown = (lambda v: f"{v:.1%}") if key == "accuracy" else (lambda v: f"{v:.3f}")
    best = max(theirs, key=theirs.get)
    if not trained:
        return (f"Not trained yet: {word} {shown(ours)} on the {split} split; the best "
                f"baseline, {BASELINE_LABELS[best]}, has {shown(theirs[best])}.")
    if ours > theirs[best]:
        return (f"The network beats the baselines on the {split} split: {word} "
                f"{shown(ours)} against {shown(theirs[best])} for "
                f"{BASELINE_LABELS[best]}.")
    return (f"The network does not beat {BASELINE_LABELS[best]} on the {split} split: "
            f"{word} {shown(ours)} against {shown(theirs[best])}. A simpler model does at "
            f"least as well here.")
