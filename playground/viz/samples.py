"""Individual samples: labelled images, autoencoder reconstructions, a sequence's next values."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly_list
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
    names = plain_plotly_list(class_names or [])    # drawn as written, never as markup
    count = min(len(images), int(max_images))
    h, w = images.shape[1:3] if images.size else (1, 1)
    cols = max(1, min(count, IMAGES_PER_ROW))
    rows = max(1, math.ceil(count / cols))
    gap = max(1, round(w / 6))
    label_h = max(3, round(h * 0.45))          # room under each image for its label
    cell_w, cell_h = w + gap, h + label_h
    shown = images[:count]
    low, high = _grey_range(shown)
    r, c = np.divmod(np.arange(count), cols)
    mosaic = _mosaic(shown, r, c, rows, cols, cell_h, cell_w, gap, low)
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
        "Samples: true → predicted",
        revision="images", height=ROW_PX * rows + 70, showlegend=False,
        xaxis=theme.hidden_axis(range=[-0.5, cols * cell_w - gap - 0.5], constrain="domain"),
        yaxis=theme.hidden_axis(range=[rows * cell_h - 0.5, -0.5], scaleanchor="x",
                                scaleratio=1, constrain="domain"),
        hovermode="closest")
    layout["margin"] = {"l": 10, "r": 10, "t": 50 + theme.SUBTITLE_PX, "b": 10}
    layout["title"]["subtitle"] = theme.subtitle(f"{n_wrong} of {count} wrong, in red")
    if count == 0:
        layout["annotations"] = [theme.message_annotation("No images to show")]
    return theme.new_figure(data, layout)


def _grey_range(images: np.ndarray) -> tuple[float, float]:
    """(low, high) of the images, never an empty range."""
    low = float(images.min()) if images.size else 0.0
    high = float(images.max()) if images.size else 1.0
    return low, high if high > low else low + 1.0


def _mosaic(images: np.ndarray, r: np.ndarray, c: np.ndarray, rows: int, cols: int,
            cell_h: int, cell_w: int, gap: int, fill: float) -> np.ndarray:
    """Images (n, h, w) placed at grid cells (r[k], c[k]) -> (rows*cell_h, cols*cell_w-gap)."""
    h, w = images.shape[1:3]
    mosaic = np.full((rows * cell_h, cols * cell_w - gap), fill, dtype=np.float32)
    for k in range(len(images)):               # one slice copy per image, not per pixel
        mosaic[r[k] * cell_h:r[k] * cell_h + h, c[k] * cell_w:c[k] * cell_w + w] = images[k]
    return mosaic


def reconstruction_figure(X: np.ndarray, reconstructed: np.ndarray,
                          max_images: int = 8, per_row: int = 4) -> go.Figure:
    """An autoencoder's originals, each with its reconstruction right below it.

    X: (n, height, width, 1) original images; reconstructed: (n, height*width) or the same
    shape as X, in the same units. Images go ``per_row`` to a row, each row of originals
    followed by the row of their reconstructions. Both share one grey scale fixed by the
    originals, so a washed-out reconstruction looks washed out.
    """
    originals = _as_grey_images(X)
    rebuilt = np.asarray(reconstructed, dtype=np.float64)
    if rebuilt.size != originals.size:
        raise ValueError(f"reconstructed holds {rebuilt.size} values but X holds "
                         f"{originals.size}; give one reconstruction per image.")
    rebuilt = rebuilt.reshape(originals.shape)
    if max_images < 1 or per_row < 1:
        raise ValueError(f"max_images and per_row must be at least 1; got {max_images} "
                         f"and {per_row}.")
    count = min(len(originals), int(max_images))
    h, w = originals.shape[1:3] if originals.size else (1, 1)
    cols = max(1, min(count, per_row))
    pairs = max(1, math.ceil(count / cols))
    gap = max(1, round(w / 6))
    cell_w, cell_h = w + gap, h + gap
    low, high = _grey_range(originals[:count])
    both = np.concatenate([originals[:count], np.clip(rebuilt[:count], low, high)])
    pair, c = np.divmod(np.arange(count), cols)
    # rows: originals, their reconstructions, an empty row to set the next pair apart
    r = np.concatenate([3 * pair, 3 * pair + 1])
    c = np.concatenate([c, c])
    rows = 3 * pairs - 1
    mosaic = _mosaic(both, r, c, rows, cols, cell_h, cell_w, gap, low)
    errors = np.sqrt(np.mean((originals[:count] - rebuilt[:count]) ** 2, axis=(1, 2)))
    data = [
        {"type": "heatmap", "z": mosaic, "zmin": low, "zmax": high, "showscale": False,
         "colorscale": theme.colorscale(theme.GREYS), "hoverinfo": "skip", "name": ""},
        {"type": "scatter", "mode": "markers", "x": (c * cell_w + (w - 1) / 2),
         "y": r * cell_h + (h - 1) / 2, "marker": {"size": 30, "opacity": 0}, "name": "",
         "text": [f"sample {k % count + 1} {'original' if k < count else 'rebuilt'}: "
                  f"RMS error {errors[k % count]:.3g}" for k in range(2 * count)],
         "hovertemplate": "%{text}<extra></extra>"},
    ]
    layout = theme.base_layout(
        "Originals, each above its reconstruction", revision="rebuilt",
        height=rows * ROW_PX + 70, showlegend=False,
        xaxis=theme.hidden_axis(range=[-0.5, cols * cell_w - gap - 0.5], constrain="domain"),
        yaxis=theme.hidden_axis(range=[rows * cell_h - gap - 0.5, -0.5],
                                scaleanchor="x", scaleratio=1, constrain="domain"),
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
    layout["margin"] = dict(theme.MARGIN, t=theme.LEGEND_ROW_TOP)
    if actual.size == 0:
        layout["annotations"] = [theme.message_annotation("No samples in this split")]
    return theme.new_figure(data, layout)
