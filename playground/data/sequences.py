"""Windowed time series: predict the next value(s) from the last ``window`` values; and one
memory test, ``seq_recall``: after ``window`` random values, say the first one again.

Each sample is its own short series with a random phase (and for some sets a random
frequency), so samples are independent and a random split does not leak.
X: (n, window, 1) float32; y: (n,) float32 for horizon 1, else (n, horizon).
"""
from __future__ import annotations

import numpy as np

from .errors import DataError

MAX_WINDOW = 200
MAX_HORIZON = 50


def _times(n_samples: int, window: int, horizon: int, rng: np.random.Generator,
           step: float) -> np.ndarray:
    """(n, window + horizon) time points, each row starting at a random phase."""
    start = rng.uniform(0.0, 2 * np.pi, (n_samples, 1))
    return start + step * np.arange(window + horizon)


def _sine(t, rng):
    return np.sin(t)


def _sawtooth(t, rng):
    # Rises linearly from -1 to 1 over each period of 2*pi.
    return (t / np.pi) % 2.0 - 1.0


def _sum_of_sines(t, rng):
    # Per-sample amplitudes so the mixture differs from row to row.
    weights = rng.uniform(0.3, 1.0, (t.shape[0], 3))
    parts = np.stack([np.sin(t), np.sin(2.7 * t + 1.0), np.sin(0.45 * t + 2.0)], axis=-1)
    return (parts * weights[:, None, :]).sum(axis=-1) / weights.sum(axis=1, keepdims=True)


SHAPES = {"seq_sine": _sine, "seq_noisy_sine": _sine,
          "seq_sawtooth": _sawtooth, "seq_sum_of_sines": _sum_of_sines}
RECALL = "seq_recall"     # y is the window's first value: nothing to read off the last steps


def step_targets(name: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """What a network should answer after each step of one window: x (window, 1), y (its
    target, first value used) -> (window,). For a series, the value that follows step t
    (x[t+1], then y); for the recall test, the first value at every step."""
    first = float(np.asarray(y, dtype=np.float64).ravel()[0])
    if name == RECALL:
        return np.full(len(x), first)
    return np.append(np.asarray(x, dtype=np.float64)[1:, 0], first)


def windows(name: str, n_samples: int, noise: float, rng: np.random.Generator,
            window: int = 20, horizon: int = 1, step: float = 0.3):
    """X: (n, window, 1) past values; y: the next ``horizon`` values, (n,) if horizon is 1.

    noise: standard deviation of Gaussian noise added to the whole series (inputs and targets).
    step: time between samples in radians (a sine period is 2*pi / step samples).
    """
    if not isinstance(window, (int, np.integer)) or not 2 <= window <= MAX_WINDOW:
        raise DataError(f"window must be a whole number from 2 to {MAX_WINDOW}; got {window!r}.")
    if not isinstance(horizon, (int, np.integer)) or not 1 <= horizon <= MAX_HORIZON:
        raise DataError(f"horizon must be a whole number from 1 to {MAX_HORIZON}; "
                        f"got {horizon!r}.")
    if not 0.0 < float(step) <= np.pi:
        raise DataError(f"step must be above 0 and at most pi; got {step!r}.")
    if name == RECALL:
        X = rng.uniform(-1.0, 1.0, (n_samples, window, 1))
        y = X[:, 0, 0] + rng.normal(0.0, 1.0, n_samples) * noise
        return X, (y if horizon == 1 else np.repeat(y[:, None], horizon, axis=1))
    t = _times(n_samples, window, horizon, rng, float(step))
    series = SHAPES[name](t, rng) + rng.normal(0.0, 1.0, t.shape) * noise
    X = series[:, :window, None]
    y = series[:, window:]
    return X, (y[:, 0] if horizon == 1 else y)
