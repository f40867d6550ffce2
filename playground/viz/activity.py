"""The activation and loss explainer and the training-health view, drawn from a snapshot's
``ActivationCurve``, ``LossCurves`` and ``LayerActivity`` (playground.traces.activity)."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from playground.traces.activity import PERCENTILES, ActivationCurve, LayerActivity, LossCurves
from playground.viz import theme

LOSS_LABELS = {"binary_crossentropy": "cross-entropy", "mse": "squared error",
               "mae": "absolute error", "huber": "Huber"}
PANELS_PER_ROW = 4
GAP = 0.06                 # between panels side by side (share of the width)
ROW_GAP = 0.2              # between rows of panels (share of the height): the titles fit


def activation_figure(curve: ActivationCurve, losses: LossCurves | None) -> go.Figure:
    """Left: f(x) and f'(x), with grey bars showing where the layer's z lie now (the
    saturated ends of a sigmoid or tanh, the dead side of a ReLU). Right: the loss of one
    example against its prediction."""
    widths = max(float(curve.z_edges[1] - curve.z_edges[0]), 1e-9)
    peak = max(int(curve.z_counts.max()), 1)
    data = [
        {"type": "bar", "x": (curve.z_edges[:-1] + widths / 2), "y": curve.z_counts / peak,
         "width": widths, "name": f"z of layer {curve.layer_number} now",
         "marker": {"color": "rgba(120,120,120,0.35)"}, "xaxis": "x", "yaxis": "y",
         "hovertemplate": "z ≈ %{x:.3g}<extra>share of the highest bar: %{y:.2f}</extra>"},
        {"type": "scatter", "mode": "lines", "x": curve.x, "y": curve.f,
         "name": f"f = {curve.name}", "line": {"color": theme.BLUE, "width": 3},
         "xaxis": "x", "yaxis": "y"},
        {"type": "scatter", "mode": "lines", "x": curve.x, "y": curve.slope,
         "name": "f′", "line": {"color": theme.ORANGE, "width": 3, "dash": "dash"},
         "xaxis": "x", "yaxis": "y"},
    ]
    low = min(0.0, float(np.min(curve.f)), float(np.min(curve.slope)))
    high = max(1.05, float(np.max(curve.slope)) * 1.05)
    top = float(np.max(curve.f))
    layout_axes = {
        "xaxis": {**theme.axis("z (pre-activation)"), "domain": [0.0, 0.44]},
        "yaxis": {**theme.axis(""), "range": [low - 0.05, max(high, min(top, 6.0))]},
    }
    if losses is not None:
        colours = (theme.class_colour(2), theme.class_colour(3), theme.class_colour(6))
        for (name, values), colour in zip(losses.losses.items(), colours):
            data.append({"type": "scatter", "mode": "lines", "x": losses.prediction,
                         "y": values, "name": LOSS_LABELS.get(name, name),
                         "line": {"color": colour, "width": 3}, "xaxis": "x2", "yaxis": "y2"})
        what = "probability p of class 1" if losses.task == "classification" else "prediction"
        layout_axes["xaxis2"] = {**theme.axis(f"{what} (target {losses.target:g})"),
                                 "domain": [0.6, 1.0], "anchor": "y2", "nticks": 6}
        layout_axes["yaxis2"] = {**theme.axis("loss"), "anchor": "x2"}
    title = f"Layer {curve.layer_number}: {curve.name}, f′ and its z now"
    layout = theme.base_layout(title, revision="activation", height=330, **layout_axes)
    # the legend in rows under the title: a column on the right left the two panels
    # about 170 px each in the 1280 x 720 detail chart, their axes overlapping
    layout["legend"] = {"orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.03,
                        "yanchor": "bottom", "font": {"size": 13},
                        "bgcolor": "rgba(255,255,255,0)"}
    layout["margin"] = {**theme.MARGIN, "t": 100, "b": 50, "r": 20}
    layout["barmode"] = "overlay"
    return theme.new_figure(data, layout)


def health_figure(layers: list[LayerActivity], history: dict, sentences: list[str]) -> go.Figure:
    """One small panel per hidden layer (at most two rows): bands of its outputs'
    percentiles over the epochs (as TensorBoard's distributions: darker towards the
    median), titled with how many units are dead or saturated."""
    layers = [layer for layer in layers if layer.hidden] or layers
    count = len(layers)
    per_row = max(1, min(count, max(PANELS_PER_ROW, math.ceil(count / 2))))
    rows = max(1, math.ceil(count / per_row))
    width = (1.0 - GAP * (per_row - 1)) / per_row
    height = (1.0 - ROW_GAP * (rows - 1)) / rows
    data, layout_axes, annotations = [], {}, []
    bands = len(PERCENTILES) // 2
    for k, layer in enumerate(layers):
        r, c = divmod(k, per_row)
        suffix = "" if k == 0 else str(k + 1)
        x0 = c * (width + GAP)
        y1 = 1.0 - r * (height + ROW_GAP)
        layout_axes[f"xaxis{suffix}"] = {**theme.axis(""), "domain": [x0, x0 + width],
                                         "anchor": f"y{suffix}", "tickfont": {"size": 12},
                                         "showticklabels": r == rows - 1, "nticks": 4}
        layout_axes[f"yaxis{suffix}"] = {**theme.axis(""), "domain": [max(y1 - height, 0), y1],
                                         "anchor": f"x{suffix}", "tickfont": {"size": 12},
                                         "nticks": 4}
        epochs, values = history.get(layer.name, ([], np.zeros((0, len(PERCENTILES)))))
        around = list(epochs) + list(epochs)[::-1]
        for band in range(bands):     # one closed band per pair of percentiles
            shade = theme.rgba(theme.BLUE, 0.15 + 0.17 * band)
            outline = np.concatenate([values[:, band], values[::-1, -1 - band]]) \
                if len(values) else []
            data.append({"type": "scatter", "mode": "lines", "x": around, "y": outline,
                         "fill": "toself", "fillcolor": shade, "line": {"width": 0},
                         "hoverinfo": "skip", "showlegend": False,
                         "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"})
        data.append({"type": "scatter", "mode": "lines", "x": epochs,
                     "y": values[:, bands] if len(values) else [], "showlegend": False,
                     "line": {"color": theme.INK, "width": 1.5},
                     "hovertemplate": "epoch %{x}: median %{y:.3g}<extra></extra>",
                     "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"})
        annotations.append({"text": _panel_title(layer), "x": x0, "y": y1, "xref": "paper",
                            "yref": "paper", "xanchor": "left", "yanchor": "bottom",
                            "showarrow": False, "font": {"size": 13, "color": _ink(layer)}})
    title = "Health: " + (
        f"{len(sentences)} problem{'s' if len(sentences) != 1 else ''} (see below)"
        if sentences else "no dead or saturated units")
    layout = theme.base_layout(title, revision="health", height=130 + 100 * rows,
                               **layout_axes)
    layout["annotations"] = annotations
    layout["showlegend"] = False
    layout["margin"] = {**theme.MARGIN, "t": 70, "b": 30, "l": 50}
    return theme.new_figure(data, layout)


def _panel_title(layer: LayerActivity) -> str:
    parts = [f"L{layer.number} {layer.activation}"]
    if layer.dead.any():
        parts.append(f"{int(layer.dead.sum())}/{layer.units} dead")
    if layer.saturated.any():
        parts.append(f"{int(layer.saturated.sum())}/{layer.units} saturated")
    return ", ".join(parts)


def _ink(layer: LayerActivity) -> str:
    return theme.WRONG if layer.hidden and (layer.dead.any() or layer.saturated.any()) \
        else theme.INK
