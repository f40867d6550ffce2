"""Small grey images: real 8 x 8 handwritten digits and generated shapes.

X: (n, height, width, 1) float32 in [0, 1]; y: (n,) int64 labels.
"""
from __future__ import annotations

import gzip

import numpy as np

from playground.resources import ASSETS_DIR

from .errors import DataError

# UCI optdigits test set (1797 images, pixel counts 0..16), copied from scikit-learn's
# package data; CC BY 4.0, E. Alpaydin and C. Kaynak. One row: 64 pixels then the label.
DIGITS_FILE = ASSETS_DIR / "digits.csv.gz"
DIGIT_SIDE = 8
SHAPE_NAMES = ("square", "circle", "cross", "triangle", "ring")
MIN_SIDE, MAX_SIDE = 8, 64


def digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1797 digits: X (1797, 8, 8, 1) float32 in [0, 1], y (1797,) int64 0..9."""
    try:
        with gzip.open(DIGITS_FILE, "rt", encoding="ascii") as handle:
            table = np.loadtxt(handle, delimiter=",", dtype=np.float32)
    except OSError as error:
        raise DataError(f"The digits data file {DIGITS_FILE} is missing or damaged "
                        f"({error}); reinstall the app's assets folder.") from error
    X = (table[:, :-1] / 16.0).reshape(-1, DIGIT_SIDE, DIGIT_SIDE, 1)
    return X.astype(np.float32), table[:, -1].astype(np.int64)


def shapes(n_samples: int, noise: float, rng: np.random.Generator, size: int = 12,
           n_classes: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Filled shapes of random size and position, with Gaussian pixel noise.

    The first ``n_classes`` of SHAPE_NAMES are used; the label is the index in that list.
    X: (n, size, size, 1) float32 clipped to [0, 1]; noise is the noise standard deviation.
    """
    if not isinstance(size, (int, np.integer)) or not MIN_SIDE <= size <= MAX_SIDE:
        raise DataError(f"size must be a whole number of pixels from {MIN_SIDE} to "
                        f"{MAX_SIDE}; got {size!r}.")
    if not isinstance(n_classes, (int, np.integer)) or not 2 <= n_classes <= len(SHAPE_NAMES):
        raise DataError(f"n_classes must be from 2 to {len(SHAPE_NAMES)} "
                        f"({', '.join(SHAPE_NAMES)}); got {n_classes!r}.")
    labels = np.arange(n_samples) % n_classes
    rng.shuffle(labels)
    # Half-size r of each shape and its centre, in pixels, kept inside the image.
    r = rng.uniform(0.22, 0.4, (n_samples, 1, 1)) * size
    cx = rng.uniform(r[:, 0, 0], size - 1 - r[:, 0, 0])[:, None, None]
    cy = rng.uniform(r[:, 0, 0], size - 1 - r[:, 0, 0])[:, None, None]
    pixel = np.arange(size, dtype=np.float64)
    dx = pixel[None, None, :] - cx           # (n, 1, size)
    dy = pixel[None, :, None] - cy           # (n, size, 1)
    adx, ady = np.abs(dx), np.abs(dy)
    dist = np.sqrt(dx ** 2 + dy ** 2)         # (n, size, size)
    bar = r / 3.0
    masks = [
        np.maximum(adx, ady) <= r * 0.85,                                   # square
        dist <= r,                                                          # circle
        ((adx <= bar) & (ady <= r)) | ((ady <= bar) & (adx <= r)),          # cross
        (ady <= r) & (adx <= (dy + r) / 2.0),                               # triangle
        (dist <= r) & (dist >= r * 0.55),                                   # ring
    ]
    stacked = np.stack([np.broadcast_to(m, (n_samples, size, size)) for m in masks[:n_classes]])
    image = stacked[labels, np.arange(n_samples)].astype(np.float64)
    image += rng.normal(0.0, 1.0, image.shape) * noise
    return np.clip(image, 0.0, 1.0).astype(np.float32)[..., None], labels.astype(np.int64)
