"""The one dataset type every loader and generator in ``playground.data`` returns."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .imputing import MAX_CATEGORIES, TableColumn

TASKS = ("classification", "regression")
# What the inputs look like, so the app can offer networks that fit them.
KINDS = ("points2d", "table", "image", "sequence")
# The network types that fit each kind of inputs (model_kind values), and the natural one
# the app picks when the data changes kind.
MODEL_KINDS_FOR_KIND = {
    "points2d": ("mlp", "autoencoder"),
    "table": ("mlp", "autoencoder"),
    "image": ("mlp", "cnn", "autoencoder"),
    "sequence": ("mlp", "rnn", "lstm"),
}
NATURAL_MODEL_FOR_KIND = {"points2d": "mlp", "table": "mlp", "image": "cnn", "sequence": "lstm"}


@dataclass
class Dataset:
    """Inputs, targets and a plain-language account of how they were made.

    X: float array. points2d/table: (n, features); image: (n, height, width, channels);
       sequence: (n, time, features). A table's missing input is NaN (a text column's
       gap: NaN in all its one-hot columns): ``columns`` and ``missing`` say how it is
       filled once the training split is known (``TableImputer``), never here.
    y: classification: int labels (n,) in 0..len(class_names)-1;
       regression: float (n,) or (n, outputs).
    """

    X: np.ndarray
    y: np.ndarray
    task: str                                # one of TASKS
    # one per column of X (points2d/table), per pixel (image), ["value"] (sequence)
    feature_names: list[str]
    class_names: list[str] | None = None     # classification only
    report: list[str] = field(default_factory=list)  # every preprocessing step, in plain words
    name: str = ""                           # e.g. "spiral", "iris", "uploaded.csv"
    kind: str = "table"                      # one of KINDS
    # tables: the file's input columns and where each sits in X (None for other data)
    columns: list[TableColumn] | None = None
    missing: str = "mean"                    # how a table's gaps get filled (see above)
    target_name: str = ""                    # tables: the column the target was read from
    # tables: a text column with more categories in the training rows is not used
    max_categories: int = MAX_CATEGORIES

    @property
    def has_gaps(self) -> bool:
        """True when some input is missing (NaN): it must be filled before training."""
        return self.columns is not None and bool(np.isnan(self.X).any())

    @property
    def n_classes(self) -> int:
        return len(self.class_names) if self.class_names else 0

    def subset(self, index: np.ndarray) -> Dataset:
        """The same dataset restricted to rows ``index`` (report and names shared)."""
        return Dataset(self.X[index], self.y[index], self.task, list(self.feature_names),
                       None if self.class_names is None else list(self.class_names),
                       list(self.report), self.name, self.kind,
                       None if self.columns is None else list(self.columns), self.missing,
                       self.target_name, self.max_categories)
