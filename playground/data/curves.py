"""One-input regression sets, drawn by the app as a curve: X (n, 1) float32, y (n,) float32."""
from __future__ import annotations

import numpy as np


def line(n_samples: int, noise: float, rng: np.random.Generator):
    """The seed article's y = 2x + 3 + N(0, noise) with x evenly spaced on [1, 10].

    noise is the standard deviation of the added Gaussian noise (default 1.0).
    """
    x = np.linspace(1.0, 10.0, n_samples)
    y = 2.0 * x + 3.0 + rng.normal(0.0, 1.0, n_samples) * noise
    return x[:, None], y


def sine(n_samples: int, noise: float, rng: np.random.Generator):
    """y = sin(x) + N(0, noise) with x uniform on [-6, 6] (noise is a standard deviation)."""
    x = np.sort(rng.uniform(-6.0, 6.0, n_samples))
    y = np.sin(x) + rng.normal(0.0, 1.0, n_samples) * noise
    return x[:, None], y
