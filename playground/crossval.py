"""k-fold cross-validation of an experiment over its training + validation rows.

The test split (the same rows the page's experiment holds out) is never touched. The
other rows are dealt into k folds (stratified by class for classification); for each
fold a fresh session trains the config's network for its epochs on the other folds, with
every preprocessing statistic refitted on them, and is scored on the fold, next to the
baselines fitted the same way. The result: each metric's mean and standard deviation
over the folds, for the network and for each baseline.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from playground.config import ExperimentConfig
from playground.data import Dataset
from playground.data.splits import split_indices

FOLD_CHOICES = (3, 5, 10)
SLICE_SECONDS = 0.2     # training runs in slices this long, so Cancel is seen quickly


class CrossValidationCancelled(Exception):
    """Cancel was pressed; no result."""


def fold_indices(y: np.ndarray, k: int, stratify: bool, seed: int = 0) -> list[np.ndarray]:
    """k disjoint sorted index arrays that together cover range(len(y)).

    Shuffled with ``seed``; stratified: each class is dealt round the folds in turn (the
    next class starting where the last stopped), so every fold holds each class in
    proportion, to within one row, and fold sizes differ by at most one.
    """
    if k not in FOLD_CHOICES:
        raise ValueError(f"Cross-validation takes k = {', '.join(map(str, FOLD_CHOICES))} "
                         f"folds; got {k!r}.")
    y = np.asarray(y)
    n = len(y)
    if n < k:
        raise ValueError(f"{n} rows are too few for {k} folds; pick fewer folds.")
    order = np.random.default_rng(seed).permutation(n)
    if stratify:
        order = order[np.argsort(y[order], kind="stable")]   # by class, shuffled inside
    fold_of = np.empty(n, dtype=np.int64)
    fold_of[order] = np.arange(n) % k
    return [np.flatnonzero(fold_of == fold) for fold in range(k)]


@dataclass
class CrossValidation:
    """Each fold's validation metrics and their summary.

    folds: per fold, model -> metric -> value; model is "network" or a baseline key.
    summary: model -> metric -> (mean, standard deviation over the folds, ddof=0).
    """

    k: int
    task: str
    rows: int                                        # train + validation rows used
    folds: list[dict[str, dict[str, float]]] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, dict[str, tuple[float, float]]]:
        out: dict[str, dict[str, tuple[float, float]]] = {}
        for model in (self.folds[0] if self.folds else {}):
            out[model] = {}
            for metric in self.folds[0][model]:
                values = np.array([fold[model][metric] for fold in self.folds], dtype=float)
                out[model][metric] = (float(values.mean()), float(values.std()))
        return out


def cross_validate(cfg: ExperimentConfig, dataset: Dataset, k: int = 5,
                   progress: Callable[[int, int, int, int], None] | None = None,
                   cancelled: Callable[[], bool] = lambda: False) -> CrossValidation:
    """Cross-validate ``cfg`` (its network, epochs, preprocessing) on ``dataset``.

    progress(fold, folds, epoch, epochs) is called as training moves; cancelled() is
    checked between training slices: True raises CrossValidationCancelled.
    """
    from playground.training import TrainingSession   # the session builds on this module's users

    index = split_indices(dataset, cfg.validation_fraction, cfg.test_fraction, cfg.data_seed)
    rows = np.sort(np.concatenate([index["train"], index["validation"]]))
    stratify = dataset.task == "classification" and np.asarray(dataset.y).ndim == 1
    folds = fold_indices(np.asarray(dataset.y)[rows], k, stratify, cfg.data_seed)
    result = CrossValidation(k, dataset.task, len(rows))
    epochs = max(1, int(cfg.epochs))
    for number, fold in enumerate(folds):
        held_out = rows[fold]
        split = {"train": np.setdiff1d(rows, held_out), "validation": held_out,
                 "test": np.array([], dtype=np.int64)}
        session = TrainingSession(cfg, dataset=dataset, split_index=split,
                                  enforce_budget=False)
        while session.epoch < epochs and session.status != "diverged":
            if cancelled():
                raise CrossValidationCancelled()
            session.train_for(SLICE_SECONDS, max_epochs=epochs - session.epoch)
            if progress is not None:
                progress(number, k, session.epoch, epochs)
        metrics = session.snapshot().metrics["validation"]
        scores = {"network": {m: float(v) if math.isfinite(v) else float("nan")
                              for m, v in metrics.items()}}
        for name, by_split in session.baselines().items():
            scores[name] = dict(by_split["validation"])
        result.folds.append(scores)
    return result
