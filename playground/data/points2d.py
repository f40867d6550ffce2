"""TensorFlow Playground's 2-D toy sets, plus moons, checkerboard, blobs and a k-arm spiral.

Every generator takes (n_samples, noise, rng) and returns (X, y):
X: (n_samples, 2) float32 coordinates roughly in [-6, 6];
y: (n_samples,) int64 labels for classification, float32 values in [-1, 1] for regression.
``noise`` is TF Playground's fraction (its slider's 0-50 shown as 0-0.5).
Formulas follow TF Playground's src/dataset.ts so the pictures look familiar.
"""
from __future__ import annotations

import numpy as np

from .errors import DataError

DOMAIN = 6.0          # points live in [-DOMAIN, DOMAIN] before noise
MAX_CLASSES = 5       # blobs and spiral_multi offer 3..5 classes (2 also works)


def _uniform(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    return rng.uniform(low, high, n)


def _halves(n_samples: int) -> tuple[int, int]:
    """Sizes of the two classes: the first gets the extra point when n is odd."""
    return n_samples - n_samples // 2, n_samples // 2


def circle(n_samples: int, noise: float, rng: np.random.Generator):
    """Class 1 inside radius 2.5, class 0 on a ring from 3.5 to 5; noise jitters the label test."""
    radius = 5.0
    n_in, n_out = _halves(n_samples)
    r = np.concatenate([_uniform(rng, 0, radius * 0.5, n_in),
                        _uniform(rng, radius * 0.7, radius, n_out)])
    angle = _uniform(rng, 0, 2 * np.pi, n_samples)
    x, y = r * np.sin(angle), r * np.cos(angle)
    jitter = rng.uniform(-radius, radius, (n_samples, 2)) * noise
    # As in TF Playground: the label comes from the jittered point, the drawn point is not.
    inside = np.hypot(x + jitter[:, 0], y + jitter[:, 1]) < radius * 0.5
    return np.stack([x, y], axis=1), inside.astype(np.int64)


def xor(n_samples: int, noise: float, rng: np.random.Generator):
    """Four quadrants; class 1 where x1 and x2 have the same sign."""
    padding = 0.3
    xy = rng.uniform(-5, 5, (n_samples, 2))
    xy += np.where(xy > 0, padding, -padding)
    jitter = rng.uniform(-5, 5, (n_samples, 2)) * noise
    same_sign = (xy[:, 0] + jitter[:, 0]) * (xy[:, 1] + jitter[:, 1]) >= 0
    return xy, same_sign.astype(np.int64)


def gauss(n_samples: int, noise: float, rng: np.random.Generator):
    """Two Gaussian clouds at (2, 2) (class 1) and (-2, -2) (class 0); noise widens them."""
    variance = 0.5 + (4.0 - 0.5) * noise
    n_pos, n_neg = _halves(n_samples)
    centres = np.concatenate([np.full((n_pos, 2), 2.0), np.full((n_neg, 2), -2.0)])
    xy = centres + rng.normal(0.0, np.sqrt(variance), (n_samples, 2))
    labels = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return xy, labels


def _spiral_arms(n_samples: int, noise: float, rng: np.random.Generator, n_arms: int):
    """n_arms interleaved spirals of radius 5; arm k is class k. Noise: uniform jitter.

    Positions along each arm are drawn at random (so every seed gives new points, even
    without noise); TF Playground spaces them evenly.
    """
    labels = np.arange(n_samples) % n_arms
    along = rng.uniform(0.0, 1.0, n_samples)   # 0 = centre, 1 = outer end of the arm
    r = along * 5.0
    t = 1.75 * along * 2 * np.pi + labels * (2 * np.pi / n_arms)
    xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
    xy += rng.uniform(-1, 1, (n_samples, 2)) * noise
    return xy, labels.astype(np.int64)


def spiral(n_samples: int, noise: float, rng: np.random.Generator):
    """TF Playground's two-arm spiral: class 1 (arm at angle 0) and class 0 (arm at pi)."""
    xy, arm = _spiral_arms(n_samples, noise, rng, 2)
    return xy, (1 - arm).astype(np.int64)


def spiral_multi(n_samples: int, noise: float, rng: np.random.Generator, n_classes: int = 3):
    """n_classes spiral arms, one class each."""
    _check_classes(n_classes)
    return _spiral_arms(n_samples, noise, rng, n_classes)


def moons(n_samples: int, noise: float, rng: np.random.Generator):
    """Two interleaving half circles (scikit-learn's make_moons) scaled to about [-5, 5]."""
    n_upper, n_lower = _halves(n_samples)
    t_upper = np.sort(rng.uniform(0, np.pi, n_upper))
    t_lower = np.sort(rng.uniform(0, np.pi, n_lower))
    upper = np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1)
    lower = np.stack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1)
    xy = (np.concatenate([upper, lower]) - [0.5, 0.25]) * 3.3
    xy += rng.normal(0.0, 1.0, (n_samples, 2)) * noise * 2.0
    labels = np.concatenate([np.zeros(n_upper, np.int64), np.ones(n_lower, np.int64)])
    return xy, labels


def checkerboard(n_samples: int, noise: float, rng: np.random.Generator):
    """A 4 x 4 board of 3 x 3 squares over [-6, 6]; the colour of the square is the class."""
    xy = rng.uniform(-DOMAIN, DOMAIN, (n_samples, 2))
    jitter = rng.uniform(-3, 3, (n_samples, 2)) * noise
    cells = np.floor((xy + jitter) / 3.0).astype(np.int64)
    return xy, ((cells[:, 0] + cells[:, 1]) % 2).astype(np.int64)


def blobs(n_samples: int, noise: float, rng: np.random.Generator, n_classes: int = 3):
    """n_classes Gaussian clouds with centres on a circle of radius 3.5; noise widens them."""
    _check_classes(n_classes)
    labels = np.arange(n_samples) % n_classes
    angle = 2 * np.pi * labels / n_classes + np.pi / 2
    centres = 3.5 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    std = 0.4 + 2.6 * noise
    return centres + rng.normal(0.0, std, (n_samples, 2)), labels.astype(np.int64)


def plane(n_samples: int, noise: float, rng: np.random.Generator):
    """Regression: y = (x1 + x2) / 10 in [-1.2, 1.2], computed from noise-jittered points."""
    xy = rng.uniform(-DOMAIN, DOMAIN, (n_samples, 2))
    jitter = rng.uniform(-DOMAIN, DOMAIN, (n_samples, 2)) * noise
    value = (xy + jitter).sum(axis=1) / 10.0
    return xy, value


GAUSSIAN_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                           [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=np.float64)
GAUSSIAN_BUMPS.flags.writeable = False   # (centre x1, centre x2, sign) of each bump


def gaussian(n_samples: int, noise: float, rng: np.random.Generator):
    """Regression: six signed bumps; y is the bump with the largest |value| (in [-1, 1])."""
    xy = rng.uniform(-DOMAIN, DOMAIN, (n_samples, 2))
    jitter = rng.uniform(-DOMAIN, DOMAIN, (n_samples, 2)) * noise
    p = xy + jitter
    # distance of every point to every bump: (n, 6); TF's label scale maps d 0..2 to 1..0.
    dist = np.hypot(p[:, :1] - GAUSSIAN_BUMPS[:, 0], p[:, 1:] - GAUSSIAN_BUMPS[:, 1])
    signed = GAUSSIAN_BUMPS[:, 2] * np.clip(1.0 - dist / 2.0, 0.0, 1.0)
    strongest = np.argmax(np.abs(signed), axis=1)
    return xy, signed[np.arange(n_samples), strongest]


def _check_classes(n_classes: int) -> None:
    if not isinstance(n_classes, (int, np.integer)) or not 2 <= n_classes <= MAX_CLASSES:
        raise DataError(f"n_classes must be a whole number from 2 to {MAX_CLASSES}; "
                        f"got {n_classes!r}.")
