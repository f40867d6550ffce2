"""Missing values and categories of a table, fitted on the training split only.

``load_csv`` leaves a gap as NaN (a text column's gap as NaN in all its one-hot columns)
and lists the table's columns; ``TableImputer.fit`` learns, from the training rows alone,
the value each column's gaps get and which categories training has seen. Applied to
validation, test or new rows it changes nothing it learnt, so no held-out row can leak
into training. A category training never saw gives all zeros in its one-hot columns.

Whether a column is used at all is decided on the training rows too: a column that holds
one value there, a row id (a different whole number in every training row, under an id
name), a text in every training row, or more categories in training than the network
takes, is dropped, and the report says why.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import DataError

STRATEGIES = ("mean", "median", "most_frequent")
# A number column is discrete (counts, ratings, codes) when its training values are whole
# numbers with at most this many different values: only then can its most frequent value
# stand in for a gap. A continuous column's most frequent value is an accident of rounding.
MAX_DISCRETE_VALUES = 20
MAX_CATEGORIES = 20   # a text column with more categories in training is dropped


@dataclass(frozen=True)
class TableColumn:
    """One input column of the file and where it sits in the Dataset's X.

    start: its first column in X; a number column fills X[:, start], a text column the
    one-hot columns X[:, start:start + len(categories)] (categories as in the file, sorted).
    """

    name: str
    start: int
    categories: tuple[str, ...] | None = None    # None: a number column
    # a number column whose name (or nameless first place) says it may be a row id: it
    # is dropped when its training values are all different whole numbers
    id_like: bool = False

    @property
    def stop(self) -> int:
        return self.start + (1 if self.categories is None else len(self.categories))

    @property
    def is_number(self) -> bool:
        return self.categories is None


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class TableImputer:
    """Fill values and seen categories, learnt from the training rows of a table.

    X (anywhere below): (n, width) float, the Dataset's layout: NaN where a value is
    missing. After ``fit``: ``fill[i]`` is column i's fill value (a number, or the
    category's index), ``known``: (width,) bool, True for number columns and for the
    categories training has seen; ``how[i]`` says in words how column i's gaps are filled.
    """

    def __init__(self, columns: list[TableColumn], strategy: str = "mean",
                 max_categories: int = MAX_CATEGORIES):
        if strategy not in STRATEGIES:
            raise DataError(f"The way to fill missing values must be one of "
                            f"{', '.join(STRATEGIES)}; got {strategy!r}.")
        self.columns = list(columns)
        self.strategy = strategy
        self.max_categories = max_categories   # more categories in training: column dropped
        self.width = self.columns[-1].stop if self.columns else 0
        self.fill: list[float | int] | None = None
        self.known: np.ndarray | None = None
        self.how: list[str] = []
        # per column: why the training rows make it useless (None: it is used)
        self.dropped: list[str | None] = []

    @property
    def fitted(self) -> bool:
        return self.fill is not None

    def fit(self, X_train: np.ndarray) -> TableImputer:
        """Learn fill values and seen categories from the training rows X_train: (n, width)."""
        X = self._checked(X_train, fitted=False)
        fill, how, dropped = [], [], []
        known = np.ones(self.width, dtype=bool)
        for column in self.columns:
            block = X[:, column.start:column.stop]
            present = ~np.isnan(block[:, 0])
            dropped.append(unused_reason(column, block, self.max_categories))
            if column.is_number:
                value, words = self._number_fill(block[present, 0])
            else:
                counts = block[present].sum(axis=0)
                known[column.start:column.stop] = counts > 0
                value = int(np.argmax(counts))        # ties: the first in sorted order
                words = (f"the most frequent category in training, "
                         f"'{column.categories[value]}'" if present.any() else
                         "no category (training has no value in it), so all zeros")
                if not present.any():
                    value = -1
            fill.append(value)
            how.append(words)
            if dropped[-1] is not None:
                known[column.start:column.stop] = False
        self.fill, self.known, self.how, self.dropped = fill, known, how, dropped
        return self

    @property
    def used_columns(self) -> list[TableColumn]:
        """The columns the network gets (not dropped on the training rows)."""
        return [c for c, why in zip(self.columns, self.dropped) if why is None]

    def _number_fill(self, values: np.ndarray) -> tuple[float, str]:
        """(fill value, how it was chosen) for one number column's present training values."""
        if values.size == 0:
            return 0.0, "0 (training has no value in it)"
        strategy = self.strategy
        if strategy == "most_frequent":
            distinct, counts = np.unique(values, return_counts=True)
            if np.array_equal(values, np.round(values)) and distinct.size <= \
                    MAX_DISCRETE_VALUES:
                value = float(distinct[np.argmax(counts)])
                return value, f"the most frequent value in training, {value:.4g}"
            strategy = "median"
            value = float(np.median(values))
            return value, (f"the median in training, {value:.4g} (it holds continuous "
                           f"numbers, so not the most frequent value)")
        value = float(values.mean() if strategy == "mean" else np.median(values))
        return value, f"the {strategy} in training, {value:.4g}"

    def _checked(self, X: np.ndarray, fitted: bool = True) -> np.ndarray:
        if fitted and not self.fitted:
            raise DataError("The missing-value filler is not fitted yet; call fit(X_train).")
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.width:
            raise DataError(f"The table has {self.width} input columns but got an array of "
                            f"shape {X.shape}.")
        return X

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Fill the gaps: (n, width) with NaN -> (n, width) float32 without NaN, the layout
        kept (a category training never saw keeps its 1; ``model_columns`` drops it)."""
        X = np.array(self._checked(X), dtype=np.float32)
        for column, value in zip(self.columns, self.fill):
            gaps = np.isnan(X[:, column.start])
            if not gaps.any():
                continue
            if column.is_number:
                X[gaps, column.start] = value
            else:
                X[np.ix_(gaps, range(column.start, column.stop))] = 0.0
                if value >= 0:
                    X[gaps, column.start + value] = 1.0
        return X

    def model_columns(self, X_filled: np.ndarray) -> np.ndarray:
        """(n, width) filled -> (n, known features): the columns the network sees."""
        return X_filled[:, self.known]

    def feature_names(self, names: list[str]) -> list[str]:
        """The Dataset's feature names -> the names of ``model_columns``' columns."""
        return [name for name, keep in zip(names, self.known) if keep]

    def missing_counts(self, X: np.ndarray) -> list[int]:
        """Gaps per column in X: (n, width) -> one count per TableColumn."""
        X = self._checked(X, fitted=False)
        return [int(np.isnan(X[:, column.start]).sum()) for column in self.columns]

    def report(self, gaps_by_split: dict[str, list[int]]) -> list[str]:
        """Plain lines: what each column's gaps were filled with, and the categories only
        held-out rows have. gaps_by_split: split name -> ``missing_counts`` of its rows."""
        lines = [why for why in self.dropped if why is not None]
        for index, column in enumerate(self.columns):
            if self.dropped[index] is not None:
                continue
            counts = {name: counts[index] for name, counts in gaps_by_split.items()
                      if counts[index]}
            if counts:
                where = ", ".join(f"{n:,} {name}" for name, n in counts.items())
                lines.append(f"Filled {_plural(sum(counts.values()), 'missing value')} in "
                             f"'{column.name}' ({where}) with {self.how[index]}.")
            if not column.is_number:
                unseen = [category for category, seen in
                          zip(column.categories, self.known[column.start:column.stop])
                          if not seen]
                if unseen:
                    shown = ", ".join(f"'{c}'" for c in unseen[:5])
                    lines.append(f"'{column.name}': {len(unseen):,} "
                                 f"categor{'y' if len(unseen) == 1 else 'ies'} "
                                 f"({shown}{' ...' if len(unseen) > 5 else ''}) only in "
                                 f"validation or test rows; the network never trains on "
                                 f"them, so they count as unknown (all zeros).")
        return lines

    def to_dict(self) -> dict:
        """JSON-ready: per column its name, type, the categories training saw and its fill
        value (a number, the category's name, or None for none); "dropped": why the
        training rows make it useless, or None when the network uses it."""
        described = []
        for index, column in enumerate(self.columns):
            value = self.fill[index] if self.fill else None
            why = self.dropped[index] if self.dropped else None
            if column.is_number:
                described.append({"name": column.name, "type": "number", "fill": value,
                                  "dropped": why})
                continue
            seen = self.known[column.start:column.stop]
            described.append({"name": column.name, "type": "category",
                              "categories": [c for c, k in zip(column.categories, seen) if k],
                              "fill": None if value is None or value < 0
                              else column.categories[value], "dropped": why})
        return {"strategy": self.strategy, "columns": described}


def unused_reason(column: TableColumn, block: np.ndarray, max_categories: int) -> str | None:
    """Why ``column`` cannot help the network, judged on the training rows alone, or None.

    block: (n_train, width) the column's training values (a number, or its one-hot
    block), NaN where missing."""
    name, n = column.name, len(block)
    present = ~np.isnan(block[:, 0])
    if not present.any():
        return (f"Dropped column '{name}': every value is missing in the training rows, so "
                f"there is nothing to learn from it.")
    if column.is_number:
        values = block[present, 0]
        if values.min() == values.max():
            return (f"Dropped column '{name}': it holds the same value ({values[0]:.6g}) in "
                    f"every training row, so it cannot help predict.")
        if column.id_like and n >= 3 and present.all() and \
                np.array_equal(values, np.round(values)) and np.unique(values).size == n:
            return (f"Dropped column '{name}': a different whole number in every training "
                    f"row, like a row id, so it carries no pattern.")
        return None
    counts = block[present].sum(axis=0)
    seen = int((counts > 0).sum())
    if seen == 1:
        only = column.categories[int(np.argmax(counts))]
        return (f"Dropped column '{name}': it holds the same value ('{_short(only)}') in "
                f"every training row, so it cannot help predict.")
    if seen == n >= 2:
        return (f"Dropped column '{name}': a different text in every training row (like a "
                f"name or id), so it carries no pattern.")
    if seen > max_categories:
        return (f"Dropped column '{name}': {seen} different text values in the training "
                f"rows, more than the {max_categories} categories one-hot encoding takes. "
                f"To use it, group its rare values into fewer categories in the file.")
    return None


def _short(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."
