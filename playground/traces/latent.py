"""An autoencoder's 2-D middle layer: where the examples land, and what the decoder draws
from a grid of points on that plane."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from playground.snapshot import LatentView
from playground.traces.twins import forward

LATENT_GRID = 12          # decoder pictures per side of the latent grid
LATENT_MARGIN = 0.05      # the grid reaches this share of the points' range past them


def bottleneck_index(model) -> int | None:
    """Position of an autoencoder's narrowest hidden layer if it has exactly 2 units (the
    output layer does not count), else None."""
    hidden = [(layer.units, i) for i, layer in enumerate(model.layers[:-1])
              if type(layer).__name__ == "Dense"]
    if not hidden:
        return None
    units, index = min(hidden)
    return index if units == 2 else None


def latent_view(model, x: np.ndarray, split: str, labels: np.ndarray | None,
                class_names: list[str] | None,
                to_images: Callable[[np.ndarray], np.ndarray] | None) -> LatentView | None:
    """x: (n, *input_shape) the split's model inputs; labels: (n,) classes or None;
    to_images: decoder outputs (m, outputs) -> (m, h, w) images in original units, or None
    when the data are not images (then no decoder grid)."""
    index = bottleneck_index(model)
    if index is None:
        return None
    layers = model.layers
    points = forward(layers[:index + 1], x).astype(np.float64)
    if len(points):
        low, high = points.min(axis=0), points.max(axis=0)
    else:
        low, high = np.full(2, -1.0), np.full(2, 1.0)
    pad = (high - low) * LATENT_MARGIN + 1e-6
    grid_x = np.linspace(low[0] - pad[0], high[0] + pad[0], LATENT_GRID)
    grid_y = np.linspace(low[1] - pad[1], high[1] + pad[1], LATENT_GRID)
    decoded = None
    if to_images is not None:
        xx, yy = np.meshgrid(grid_x, grid_y)           # row i is grid_y[i], column j grid_x[j]
        codes = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(model.dtype)
        images = to_images(forward(layers[index + 1:], codes).astype(np.float64))
        decoded = images.reshape(LATENT_GRID, LATENT_GRID, *images.shape[1:])
    return LatentView(layer=layers[index].name, split=split, points=points,
                      labels=None if labels is None else np.asarray(labels).copy(),
                      class_names=None if class_names is None else list(class_names),
                      grid_x=grid_x, grid_y=grid_y, decoded=decoded)
