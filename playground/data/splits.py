"""Seeded train / validation / test splits, stratified by class for classification."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dataset import Dataset
from .errors import DataError


@dataclass
class Splits:
    """Three disjoint parts of one dataset; validation and test may have 0 rows."""

    train: Dataset
    validation: Dataset
    test: Dataset


def _split_order(y: np.ndarray, stratify: bool, rng: np.random.Generator) -> np.ndarray:
    """Row indices in the order train, then validation, then test take them.

    Stratified: each row gets its evenly spaced position (rank + 0.5) / class size inside
    its (shuffled) class; sorting by that position interleaves the classes in proportion,
    so any prefix (and so every split) holds each class in proportion. A class of one row
    sits at 0.5 and lands in train whenever train takes at least half the rows.
    """
    shuffled = rng.permutation(len(y))
    if not stratify:
        return shuffled
    _, class_of_row, class_sizes = np.unique(y[shuffled], return_inverse=True,
                                             return_counts=True)
    by_class = np.argsort(class_of_row, kind="stable")
    class_start = np.cumsum(class_sizes) - class_sizes
    rank = np.empty(len(y))
    rank[by_class] = np.arange(len(y)) - class_start[class_of_row[by_class]]
    position = (rank + 0.5) / class_sizes[class_of_row]
    # Ties between classes at the same position are broken by the random shuffle.
    return shuffled[np.argsort(position, kind="stable")]


def split_dataset(ds: Dataset, validation: float = 0.2, test: float = 0.2,
                  seed: int = 0) -> Splits:
    """Split ``ds`` into train/validation/test with the given fractions of the rows.

    Classification splits are stratified (each class in proportion, as closely as whole
    rows allow); the row counts are round(fraction * n) for validation and test.
    """
    index = split_indices(ds, validation, test, seed)
    return Splits(ds.subset(index["train"]), ds.subset(index["validation"]),
                  ds.subset(index["test"]))


def split_indices(ds: Dataset, validation: float = 0.2, test: float = 0.2,
                  seed: int = 0) -> dict[str, np.ndarray]:
    """The rows ``split_dataset`` puts in each part: "train" / "validation" / "test" ->
    sorted row numbers of ``ds``."""
    for label, fraction in (("validation", validation), ("test", test)):
        if not 0.0 <= float(fraction) < 1.0:
            raise DataError(f"The {label} fraction must be from 0 up to (not including) 1; "
                            f"got {fraction!r}.")
    if validation + test >= 1.0:
        raise DataError(f"Validation ({validation}) and test ({test}) together take every "
                        f"row; keep their sum below 1 so something is left to train on.")
    n = len(ds.y)
    n_test = int(round(test * n))
    n_validation = int(round(validation * n))
    n_train = n - n_test - n_validation
    if n_train < 1:
        raise DataError(f"{n} rows are too few to split {validation:.0%} validation and "
                        f"{test:.0%} test and still keep rows to train on; use smaller "
                        f"fractions or more data.")
    stratify = ds.task == "classification" and ds.y.ndim == 1
    order = _split_order(np.asarray(ds.y), stratify, np.random.default_rng(seed))
    train = np.sort(order[:n_train])
    valid = np.sort(order[n_train:n_train + n_validation])
    tested = np.sort(order[n_train + n_validation:])
    return {"train": train, "validation": valid, "test": tested}
