"""Permutation feature importance: how much worse the network scores when one input
column's values are shuffled among the rows (its link to the target broken, everything
else kept), averaged over a few shuffles, with their spread.

    result = permutation_importance(score, X, groups, repeats=5, seed=0)

``score(X) -> float`` is higher-is-better (accuracy, R²) on the rows X in original units;
a group is the columns one raw input occupies (a number: one column; a text column:
its one-hot block, shuffled together). No Streamlit, no session: pure NumPy.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from playground.snapshot import ImportanceView

DEFAULT_REPEATS = 5


def permutation_importance(score: Callable[[np.ndarray], float], X: np.ndarray,
                           groups: list[tuple[str, list[int]]], repeats: int = DEFAULT_REPEATS,
                           seed: int = 0) -> tuple[float, list[str], np.ndarray]:
    """(baseline, names, drops (groups, repeats)) for the rows X: (n, columns).

    Shuffle r of group g permutes the rows of X[:, g's columns] with one permutation
    (the block moves together) from ``np.random.default_rng(seed)``, drawn in the order
    g = 0, r = 0..repeats-1, then g = 1, ...
    """
    X = np.asarray(X)
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(f"Permutation importance needs at least 2 rows of (n, columns); got "
                         f"shape {X.shape}.")
    if not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be a whole number of at least 1, not {repeats!r}.")
    rng = np.random.default_rng(seed)
    baseline = float(score(X))
    drops = np.zeros((len(groups), repeats), dtype=np.float64)
    shuffled = X.copy()
    for g, (_, columns) in enumerate(groups):
        for r in range(repeats):
            shuffled[:, columns] = X[rng.permutation(len(X))][:, columns]
            drops[g, r] = baseline - float(score(shuffled))
        shuffled[:, columns] = X[:, columns]
    return baseline, [name for name, _ in groups], drops


def column_groups(feature_names: list[str], columns: list[dict]) -> list[tuple[str, list[int]]]:
    """(raw input name, its columns in X) for the raw columns of a table
    (``export.description.table_columns``: numbers, or one-hot "name=category" blocks)."""
    groups, at = [], 0
    for column in columns:
        width = 1 if column["type"] == "number" else len(column["categories"])
        groups.append((column["name"], list(range(at, at + width))))
        at += width
    if at != len(feature_names):
        raise ValueError(f"The columns cover {at} inputs but there are {len(feature_names)}.")
    return groups


MAX_ROWS = 500           # rows scored at most (a seeded sample of a bigger split)
SPLITS = ("validation", "test", "train")   # the split measured on: the first that exists


def network_importance(prepared, model, repeats: int = DEFAULT_REPEATS, seed: int = 0,
                       epoch: int = 0) -> ImportanceView | None:
    """Permutation importance of each raw input of a table or 2-D points (``prepared``:
    a PreparedData; ``model``: its network) on the validation split (else test, else
    train): the drop in accuracy (classification) or R² (regression). None for images,
    sequences and autoencoders, and when the split has fewer than 2 rows."""
    from playground.export.description import table_columns
    from playground.nn import metrics as nn_metrics
    if prepared.kind not in ("table", "points2d") or prepared.autoencoder:
        return None
    split = next((name for name in SPLITS if name in prepared.splits), None)
    part = prepared.splits[split]
    X, y = np.asarray(part.X_original), np.asarray(part.y_original)
    if len(X) < 2:
        return None
    if len(X) > MAX_ROWS:
        rows = np.sort(np.random.default_rng(seed).choice(len(X), MAX_ROWS, replace=False))
        X, y = X[rows], y[rows]
    names = list(prepared.dataset.feature_names)
    unused = prepared.unused_columns         # dropped on the training rows: no inputs
    groups = [g for g in column_groups(names, table_columns(names)) if g[0] not in unused]
    if prepared.task == "classification":
        metric = "accuracy"

        def score(rows: np.ndarray) -> float:
            out = model.predict(prepared.model_input(rows))
            return nn_metrics.accuracy(y, nn_metrics.labels_from_output(out))
    else:
        metric = "R²"

        def score(rows: np.ndarray) -> float:
            out = model.predict(prepared.model_input(rows)).astype(np.float64)
            return nn_metrics.r2(y, prepared.target_to_original(out))
    baseline, names, drops = permutation_importance(score, X, groups, repeats, seed)
    return ImportanceView(names, drops, baseline, metric, split, len(X), epoch)
