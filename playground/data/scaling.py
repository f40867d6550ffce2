"""Feature scaling fitted on the training split only, then applied to everything else.

Statistics are per last axis: per column for tables (n, features), per channel for images
(n, h, w, c), per feature for sequences (n, t, f); they are taken over all other axes.
"""
from __future__ import annotations

import numpy as np

from .errors import DataError

METHODS = ("standard", "minmax", "none")


class Scaler:
    """x_scaled = (x - offset) / scale, one offset and scale per last-axis entry.

    standard: offset = mean, scale = standard deviation; minmax: offset = min,
    scale = max - min (so the training data spans [0, 1]); none: offset 0, scale 1.
    A constant column gets scale 1, so it never divides by zero.
    """

    def __init__(self, method: str = "standard"):
        if method not in METHODS:
            raise DataError(f"Unknown scaling method {method!r}; choose one of {METHODS}.")
        self.method = method
        self.offset: np.ndarray | None = None   # (features,) float64
        self.scale: np.ndarray | None = None    # (features,) float64, never 0

    @property
    def fitted(self) -> bool:
        return self.offset is not None

    def fit(self, X_train: np.ndarray) -> Scaler:
        """Learn offset and scale from the training inputs X_train: (n, ..., features)."""
        X = np.asarray(X_train, dtype=np.float64)
        if X.ndim < 2 or X.shape[0] == 0:
            raise DataError(f"The scaler needs at least one row of shape (n, ..., features); "
                            f"got an array of shape {X.shape}.")
        if not np.all(np.isfinite(X)):
            raise DataError("The training inputs contain missing or infinite values; "
                            "clean them (load_csv does) before fitting the scaler.")
        flat = X.reshape(-1, X.shape[-1])
        if self.method == "standard":
            offset, scale = flat.mean(axis=0), flat.std(axis=0)
        elif self.method == "minmax":
            offset = flat.min(axis=0)
            scale = flat.max(axis=0) - offset
        else:
            offset, scale = np.zeros(flat.shape[1]), np.ones(flat.shape[1])
        # A constant feature (spread 0, or too tiny to divide by) is only centred.
        scale = np.where(scale > 1e-12 * np.maximum(1.0, np.abs(offset)), scale, 1.0)
        self.offset, self.scale = offset, scale
        return self

    def _check(self, X: np.ndarray) -> np.ndarray:
        if not self.fitted:
            raise DataError("The scaler is not fitted yet; call fit(X_train) first.")
        X = np.asarray(X)
        if X.ndim < 1 or X.shape[-1] != self.offset.shape[0]:
            raise DataError(f"The scaler was fitted on {self.offset.shape[0]} features but "
                            f"got an array of shape {X.shape}.")
        return X

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Scale X: (..., features) -> same shape; float32 unless X is float64."""
        X = self._check(X)
        dtype = np.float64 if X.dtype == np.float64 else np.float32
        return ((X - self.offset) / self.scale).astype(dtype, copy=False)

    def inverse_transform(self, X: np.ndarray) -> np.ndarray:
        """Undo transform: (..., features) scaled -> original units, same shape."""
        X = self._check(X)
        dtype = np.float64 if X.dtype == np.float64 else np.float32
        return (X * self.scale + self.offset).astype(dtype, copy=False)

    def fit_transform(self, X_train: np.ndarray) -> np.ndarray:
        return self.fit(X_train).transform(X_train)

    def to_dict(self) -> dict:
        """Plain JSON-ready dict: {"method", "offset": [...], "scale": [...]} (None if unfitted)."""
        return {"method": self.method,
                "offset": None if self.offset is None else self.offset.tolist(),
                "scale": None if self.scale is None else self.scale.tolist()}

    @classmethod
    def from_dict(cls, state: dict) -> Scaler:
        """Rebuild a scaler saved with to_dict."""
        try:
            scaler = cls(state["method"])
            offset, scale = state.get("offset"), state.get("scale")
            if offset is not None:
                scaler.offset = np.asarray(offset, dtype=np.float64).reshape(-1)
                scaler.scale = np.asarray(scale, dtype=np.float64).reshape(-1)
                if scaler.offset.shape != scaler.scale.shape or np.any(scaler.scale == 0):
                    raise ValueError("offset and scale must be the same length, scale not 0")
        except (KeyError, TypeError, ValueError) as error:
            raise DataError(f"This saved scaler is damaged ({error}); save it again with "
                            f"Scaler.to_dict().") from error
        return scaler

    def __repr__(self) -> str:
        return f"Scaler(method={self.method!r}, fitted={self.fitted})"
