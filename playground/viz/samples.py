"""Individual samples: a gallery of images with labels, and a sequence's next values."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from playground.snapshot import SplitView
from playground.viz import theme

IMAGES_PER_ROW = 8
ROW_PX = 120              # figure height per row of images


def _as_grey_images(X) -> np.ndarray:
    """(n, h, w), (n, h, w, 1) or (n, h, w, 3) -> (n, h, w) float64 (colour averaged)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 4 and X.shape[3] in (1, 3):
        X = X.mean(axis=3)
    if X.ndim != 3:
        raise ValueError("image_samples_figure needs images shaped (n, height, width, 1) "
                         f"(or (n, height, width)); got {X.shape}.")
    return X


def _label(names: list[str], k: int) -> str:
    return names[k] if 0 <= k < len(names) else str(k)


def image_samples_figure(X: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray,
                         class_names: list[str], max_images: int = 24) -> go.Figure:
    """The first ``max_images`` images in a grid, each labelled "true → predicted".

    X: (n, height, width, 1) images (3 channels are averaged to grey); high values are
       drawn dark on white. y_true, y_pred: (n,) int labels. Wrong predictions get a red
       label and a red frame (the frame keeps them apart without colour vision too).
    """
    images = _as_grey_images(X)
    y_true = np.asarray(y_true).astype(int).ravel()
    y_pred = np.asarray(y_pred).astype(int).ravel()
    if not (len(images) == len(y_true) == len(y_pred)):
        raise ValueError(f"X, y_true and y_pred must hold the same number of samples; got "
                         f"{len(images)}, {len(y_true)} and {len(y_pred)}.")
    if max_images < 1:
        raise ValueError(f"max_images must be at least 1; got {max_images}.")
    names = [str(c) for c in (class_names or [])]
    count = min(len(images), int(max_images))
    h, w = images.shape[1:3] if images.size else (1, 1)
    cols = max(1, min(count, IMAGES_PER_ROW))
    rows = max(1, math.ceil(count / cols))
    gap = max(1, round(w / 6))
    label_h = max(3, round(h * 0.45))          # room under each image for its label
    cell_w, cell_h = w + gap, h + label_h
    shown = images[:count]
    low = float(shown.min()) if count else 0.0
    high = float(shown.max()) if count else 1.0
    high = high if high > low else low + 1.0
    mosaic = np.full((rows * cell_h, cols * cell_w - gap), low, dtype=np.float32)
    r, c = np.divmod(np.arange(count), cols)
    for k in range(count):                     # one slice copy per image, not per pixel
        mosaic[r[k] * cell_h:r[k] * cell_h + h, c[k] * cell_w:c[k] * cell_w + w] = shown[k]
    wrong = y_true[:count] != y_pred[:count]
    centre_x = c * cell_w + (w - 1) / 2
    centre_y = r * cell_h + (h - 1) / 2
    texts = [f"{_label(names, t)} → {_label(names, p)}"
             for t, p in zip(y_true[:count].tolist(), y_pred[:count].tolist())]
    data = [{
        "type": "heatmap", "z": mosaic, "zmin": low, "zmax": high, "showscale": False,
        "colorscale": theme.colorscale(theme.GREYS), "hoverinfo": "skip", "name": "",
    }]
    frame_x, frame_y = [], []
    for k in np.flatnonzero(wrong).tolist():   # red frames around the wrong ones
        x0, y0 = c[k] * cell_w - 0.5, r[k] * cell_h - 0.5
        frame_x += [x0, x0 + w, x0 + w, x0, x0, None]
        frame_y += [y0, y0, y0 + h, y0 + h, y0, None]
    if frame_x:
        data.append({"type": "scatter", "mode": "lines", "x": frame_x, "y": frame_y,
                     "line": {"color": theme.WRONG, "width": 3}, "hoverinfo": "skip",
                     "name": "wrong"})
    data.append({"type": "scatter", "mode": "text", "x": centre_x,
                 "y": r * cell_h + h - 0.5 + label_h / 2, "text": texts,
                 "textfont": {"size": theme.FONT_SIZE,
                              "color": np.where(wrong, theme.WRONG, theme.INK).tolist()},
                 "hoverinfo": "skip", "name": "labels"})
    data.append({"type": "scatter", "mode": "markers", "x": centre_x, "y": centre_y,
                 "marker": {"size": 30, "opacity": 0}, "name": "",
                 "text": [f"sample {k + 1}: true {_label(names, t)}, predicted "
                          f"{_label(names, p)}" for k, (t, p) in
                          enumerate(zip(y_true[:count].tolist(), y_pred[:count].tolist()))],
                 "hovertemplate": "%{text}<extra></extra>"})
    n_wrong = int(wrong.sum())
    layout = theme.base_layout(
        f"Samples: true → predicted ({n_wrong} of {count} wrong, in red)",
        revision="images", height=ROW_PX * rows + 70, showlegend=False,
        xaxis=theme.hidden_axis(range=[-0.5, cols * cell_w - gap - 0.5], constrain="domain"),
        yaxis=theme.hidden_axis(range=[rows * cell_h - 0.5, -0.5], scaleanchor="x",
                                scaleratio=1, constrain="domain"),
        hovermode="closest")
    layout["margin"] = {"l": 10, "r": 10, "t": 50, "b": 10}
    if count == 0:
        layout["annotations"] = [theme.message_annotation("No images to show")]
    return theme.new_figure(data, layout)


def _first_output(values) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError("sequence_figure needs targets shaped (n,) or (n, outputs); "
                         f"got {arr.shape}.")
    return arr


def sequence_figure(split: SplitView) -> go.Figure:
    """Actual and predicted next value along the sample index of one split.

    split.y_true, split.y_pred: (n,) or (n, outputs) (the first output is drawn), in
    original units. The y range is fixed by the actual values (padded 15 %).
    """
    if split is None:
        raise ValueError("sequence_figure needs a SplitView; this split is empty.")
    actual = _first_output(split.y_true)
    predicted = _first_output(split.y_pred)
    if actual.shape != predicted.shape:
        raise ValueError(f"y_true has {actual.size} values but y_pred has "
                         f"{predicted.size}; they must match.")
    index = np.arange(actual.size)
    finite = actual[np.isfinite(actual)]
    y_range = (theme.padded_range(float(finite.min()), float(finite.max()), 0.15)
               if finite.size else [0.0, 1.0])
    data = [
        {"type": "scatter", "mode": "lines", "x": index, "y": actual, "name": "actual",
         "line": {"color": theme.INK, "width": 2},
         "hovertemplate": "actual: %{y:.3g}<extra></extra>"},
        {"type": "scatter", "mode": "lines", "x": index, "y": theme.finite_or_none(predicted),
         "name": "predicted", "line": {"color": theme.ORANGE, "width": 3, "dash": "dash"},
         "hovertemplate": "predicted: %{y:.3g}<extra></extra>"},
    ]
    layout = theme.base_layout(
        f"Next value: actual vs predicted ({split.name})", revision="sequence",
        xaxis=theme.axis("sample (time order)",
                         range=[-0.5, max(actual.size, 2) - 0.5]),
        yaxis=theme.axis("value", range=y_range), hovermode="x unified")
    layout["margin"] = dict(theme.MARGIN, t=95)
    if actual.size == 0:
        layout["annotations"] = [theme.message_annotation("No samples in this split")]
    return theme.new_figure(data, layout)
