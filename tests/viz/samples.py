"""Hand-made Snapshot pieces for the figure tests, the benchmark and the look check.

A tiny tanh network with fixed random weights is evaluated on a grid, so the node
heatmaps and the boundary look like what training produces, without any training code.
"""
from __future__ import annotations

import numpy as np

from playground.snapshot import CurveView, GridView, LayerView, SplitView


def dense_layers(sizes: list[int], rng: np.random.Generator, activation: str = "tanh",
                 output_activation: str = "sigmoid") -> list[LayerView]:
    """LayerViews of Dense layers: sizes = [inputs, hidden..., outputs]."""
    layers = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        last = k == len(sizes) - 2
        layers.append(LayerView(
            name=f"dense_{k + 1}", kind="Dense", units=n_out,
            activation=output_activation if last else activation,
            weights={"kernel": rng.normal(0, 1.2, (n_in, n_out)).astype(np.float32),
                     "bias": rng.normal(0, 0.3, n_out).astype(np.float32)}))
    return layers


def _activate(z: np.ndarray, name: str) -> np.ndarray:
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    return z


def grid_for(layers: list[LayerView], resolution: int = 50, extent: float = 6.0,
             feature_names=("x1", "x2")) -> GridView:
    """Evaluate the Dense ``layers`` on a (resolution, resolution) grid over the plane."""
    x1 = np.linspace(-extent, extent, resolution).astype(np.float32)
    x2 = np.linspace(-extent, extent, resolution).astype(np.float32)
    g1, g2 = np.meshgrid(x1, x2)                       # row i is x2[i], column j is x1[j]
    h = np.stack([g1, g2], axis=-1) / extent            # (res, res, 2), scaled inputs
    neurons = [np.stack([g1, g2], axis=-1)]
    labels = ["input"]
    for layer in layers:
        h = _activate(h @ layer.weights["kernel"] + layer.weights["bias"], layer.activation)
        neurons.append(h.astype(np.float32))
        labels.append(layer.name)
    out = neurons[-1]
    output = out[:, :, 0] if out.shape[2] == 1 else out
    return GridView(x1, x2, output, neurons, labels, list(feature_names))


def class_split(name: str, n: int, n_classes: int, rng: np.random.Generator,
                extent: float = 6.0) -> SplitView:
    """Points on the plane labelled by angle sector; ~20 % predicted wrongly."""
    X = rng.uniform(-extent, extent, (n, 2)).astype(np.float32)
    angle = np.arctan2(X[:, 1], X[:, 0]) + np.pi
    y_true = np.minimum((angle / (2 * np.pi) * n_classes).astype(int), n_classes - 1)
    wrong = rng.random(n) < 0.2
    y_pred = np.where(wrong, (y_true + 1) % n_classes, y_true)
    proba = np.full((n, n_classes), 0.1 / max(n_classes - 1, 1), dtype=np.float32)
    proba[np.arange(n), y_pred] = 0.9
    return SplitView(name, X, y_true, y_pred, proba)


def regression_split(name: str, n: int, rng: np.random.Generator,
                     inputs: int = 1) -> SplitView:
    X = rng.uniform(-3, 3, (n, inputs)).astype(np.float32)
    y_true = (2 * X[:, 0] + 3 + rng.normal(0, 0.5, n)).astype(np.float32)
    y_pred = (1.8 * X[:, 0] + 2.7).astype(np.float32)
    return SplitView(name, X, y_true, y_pred)


def curve() -> CurveView:
    x = np.linspace(-3, 3, 100).astype(np.float32)
    return CurveView(x, (1.8 * x + 2.7).astype(np.float32))


def history(epochs: int, classification: bool = True) -> dict[str, list[float]]:
    t = np.arange(1, epochs + 1, dtype=np.float64)
    hist = {"loss": (0.7 * np.exp(-t / 20) + 0.05).tolist(),
            "val_loss": (0.72 * np.exp(-t / 22) + 0.08).tolist(),
            "test_loss": (0.73 * np.exp(-t / 22) + 0.09).tolist()}
    if classification:
        hist.update(accuracy=(1 - 0.5 * np.exp(-t / 15)).tolist(),
                    val_accuracy=(0.97 - 0.5 * np.exp(-t / 15)).tolist(),
                    test_accuracy=(0.96 - 0.5 * np.exp(-t / 15)).tolist())
    return hist


def grad_norms(epochs: int, layer_names: list[str]) -> dict[str, list[float]]:
    t = np.arange(1, epochs + 1, dtype=np.float64)
    return {name: (10.0 ** (-k) * np.exp(-t / 30)).tolist()
            for k, name in enumerate(layer_names)}


def digit_images(n: int, rng: np.random.Generator, size: int = 8) -> np.ndarray:
    """(n, size, size, 1) blobby images in [0, 1] (not real digits, just something)."""
    yy, xx = np.mgrid[0:size, 0:size]
    centres = rng.uniform(1, size - 2, (n, 2, 1, 1))
    images = np.exp(-((yy - centres[:, 0]) ** 2 + (xx - centres[:, 1]) ** 2) / 4.0)
    return images[..., None].astype(np.float32)
