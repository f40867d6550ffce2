"""TensorFlow Playground's input features computed from the two coordinates of 2-D points."""
from __future__ import annotations

import numpy as np

from .errors import DataError

FEATURE_CROSSES = ("x1", "x2", "x1²", "x2²", "x1·x2", "sin(x1)", "sin(x2)")

_FORMULAS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1²": lambda x1, x2: x1 * x1,
    "x2²": lambda x1, x2: x2 * x2,
    "x1·x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def add_feature_crosses(X2: np.ndarray, selected) -> tuple[np.ndarray, list[str]]:
    """X2: (n, 2) points -> (X_new (n, len(selected)) float32, names in ``selected`` order).

    ``selected`` holds names from FEATURE_CROSSES, each at most once.
    """
    X2 = np.asarray(X2)
    if X2.ndim != 2 or X2.shape[1] != 2:
        raise DataError(f"Feature crosses need 2-D points of shape (n, 2); got {X2.shape}.")
    names = list(selected)
    unknown = [name for name in names if name not in _FORMULAS]
    if unknown:
        raise DataError(f"Unknown input feature(s) {unknown}; choose from "
                        f"{', '.join(FEATURE_CROSSES)}.")
    if not names:
        raise DataError("Select at least one input feature (for example x1 and x2).")
    if len(set(names)) != len(names):
        raise DataError(f"Each input feature can be selected once; got {names}.")
    x1 = X2[:, 0].astype(np.float32)
    x2 = X2[:, 1].astype(np.float32)
    columns = [_FORMULAS[name](x1, x2) for name in names]
    return np.stack(columns, axis=1).astype(np.float32, copy=False), names
