"""Tables of numbers: the confusion matrix and the per-split metrics."""
from __future__ import annotations

from types import MappingProxyType

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly, plain_plotly_list
from playground.viz import theme

# metric key -> label shown in tables, in display order
METRIC_LABELS = MappingProxyType({
    "accuracy": "accuracy", "precision": "precision", "recall": "recall",
    "f1": "F1", "mse": "MSE", "mae": "MAE", "r2": "R²"})
SPLIT_ORDER = ("train", "validation", "test")


def confusion_matrix_figure(matrix: np.ndarray, class_names: list[str],
                            title: str = "Confusion matrix") -> go.Figure:
    """Annotated heatmap of (classes, classes) counts, rows true, columns predicted.

    Each cell shows its count; its colour is the row percentage (the share of that true
    class predicted as the column), on a fixed 0-100 % scale so colours do not jump while
    training. Hover gives true, predicted, count and row percentage.
    """
    counts = np.asarray(matrix)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError("The confusion matrix must be square (classes, classes); "
                         f"got shape {counts.shape}.")
    if counts.size and (not np.isfinite(counts).all() or (counts < 0).any()):
        raise ValueError("The confusion matrix must hold non-negative counts.")
    n = counts.shape[0]
    names = list(class_names or [])
    if len(names) != n:
        raise ValueError(f"The confusion matrix has {n} classes but {len(names)} class "
                         "names were given; pass one name per row.")
    counts = np.rint(counts).astype(np.int64)
    totals = counts.sum(axis=1, keepdims=True)
    row_share = np.divide(counts, totals, out=np.zeros(counts.shape, dtype=np.float64),
                          where=totals > 0)
    labels = plain_plotly_list(names)     # tick labels and hover: class names as written
    data = [{
        "type": "heatmap", "z": row_share, "x": labels, "y": labels,
        "zmin": 0.0, "zmax": 1.0, "colorscale": theme.colorscale(theme.SEQUENTIAL_BLUES),
        "text": counts.astype(str), "customdata": row_share * 100,
        "texttemplate": "%{text}", "textfont": {"size": theme.FONT_SIZE + 2},
        "xgap": 2, "ygap": 2, "name": "",
        "colorbar": {"title": {"text": "row %"}, "tickformat": ".0%", "thickness": 15},
        "hovertemplate": "true %{y}, predicted %{x}<br>count: %{text}"
                         "<br>row %: %{customdata:.1f} % of all true %{y}<extra></extra>",
    }]
    side = int(np.clip(140 + 60 * n, 320, 700))
    layout = theme.base_layout(
        title, revision="confusion", height=side,
        xaxis=theme.axis("predicted", showgrid=False, type="category", side="bottom",
                         constrain="domain"),
        yaxis=theme.axis("true", showgrid=False, type="category", autorange="reversed",
                         scaleanchor="x", scaleratio=1, constrain="domain"),
    )
    layout["margin"] = dict(theme.MARGIN, t=50)
    return theme.new_figure(data, layout)


def _format(key: str, value) -> str:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not np.isfinite(value):
        return "n/a"
    if key in ("accuracy", "precision", "recall", "f1"):
        return f"{value:.1%}"
    return f"{value:.4g}"


def metrics_rows(metrics: dict[str, dict[str, float]]) -> list[list[str]]:
    """The metrics as text rows: a header row ["metric", split...], then one row per metric.

    metrics: split name -> {metric name -> value}, e.g. snapshot.metrics.
    """
    if not isinstance(metrics, dict):
        raise TypeError("metrics must be a dict of split -> {metric: value}, "
                        f"got {type(metrics).__name__}.")
    splits = [s for s in SPLIT_ORDER if s in metrics] + \
             [s for s in metrics if s not in SPLIT_ORDER]
    keys: list[str] = [k for k in METRIC_LABELS if any(k in metrics[s] for s in splits)]
    for s in splits:
        keys += [k for k in metrics[s] if k not in keys]
    rows = [["metric"] + splits]
    for key in keys:
        rows.append([METRIC_LABELS.get(key, key)] +
                    [_format(key, metrics[s][key]) if key in metrics[s] else "–"
                     for s in splits])
    return rows


def metrics_table(metrics: dict[str, dict[str, float]]) -> go.Figure:
    """The metrics as a plotly go.Table figure: one column per split, one row per metric.

    Classification metrics (accuracy, precision, recall, F1) are shown as percentages,
    regression metrics (MSE, MAE, R²) with 4 significant digits. ``metrics_rows`` gives
    the same cells as plain text rows.
    """
    rows = metrics_rows(metrics)
    header, body = plain_plotly_list(rows[0]), rows[1:]   # split and metric names: as written
    columns = [[row[c] for row in body] for c in range(len(header))]
    columns[0] = plain_plotly_list(columns[0])
    data = [{
        "type": "table",
        "header": {"values": [f"<b>{h}</b>" for h in header], "fill": {"color": "#F0F2F4"},
                   "align": "left", "font": {"size": theme.FONT_SIZE + 1, "color": theme.INK},
                   "height": 32, "line": {"color": "#D0D0D0"}},
        "cells": {"values": columns, "align": ["left"] + ["right"] * (len(header) - 1),
                  "font": {"size": theme.FONT_SIZE + 1, "color": theme.INK}, "height": 30,
                  "fill": {"color": "white"}, "line": {"color": "#E0E0E0"}},
    }]
    layout = theme.base_layout("Metrics", revision="metrics",
                               height=int(90 + 32 * (len(body) + 1)))
    layout["margin"] = {"l": 10, "r": 10, "t": 50, "b": 10}
    if not body:
        layout["annotations"] = [theme.message_annotation("No metrics yet")]
    return theme.new_figure(data, layout)
