"""Tables of numbers and what they rest on: the confusion matrix, the per-split metrics,
the per-class scores and the ROC curve of a binary classifier."""
from __future__ import annotations

from types import MappingProxyType

import numpy as np
import plotly.graph_objects as go

from playground.baselines import BASELINE_LABELS, baseline_split
from playground.nn import metrics as nn_metrics
from playground.plain_text import plain_plotly, plain_plotly_list
from playground.snapshot import SplitView
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


def format_metric(key: str, value) -> str:
    """A metric as table text: shares as percentages, others with 4 digits, "–" if none."""
    if value is None:
        return "–"
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
                    [format_metric(key, metrics[s][key]) if key in metrics[s] else "–"
                     for s in splits])
    return rows


def with_baselines(metrics: dict[str, dict[str, float]],
                   baselines: dict[str, dict[str, dict[str, float]]] | None
                   ) -> dict[str, dict[str, float]]:
    """The network's metrics per split, then one column per baseline on the compared split
    (test, else validation): "majority class (test)" -> its metrics."""
    split = baseline_split(metrics)
    columns = {name: dict(values) for name, values in metrics.items()}
    for key, scores in (baselines or {}).items():
        if split in scores:
            columns[f"{BASELINE_LABELS.get(key, key)} ({split})"] = dict(scores[split])
    return columns


def metrics_table(metrics: dict[str, dict[str, float]],
                  baselines: dict[str, dict[str, dict[str, float]]] | None = None,
                  note: str | None = None, loss_note: str | None = None,
                  at: str | None = None) -> go.Figure:
    """The metrics as a plotly go.Table figure: one column per split, one row per metric,
    then the baselines on the test split (``with_baselines``).

    Classification metrics (accuracy, precision, recall, F1) are shown as percentages,
    regression metrics (MSE, MAE, R²) with 4 significant digits. ``metrics_rows`` gives
    the same cells as plain text rows. note: whether the network beats the baselines;
    loss_note: what the loss and the metrics measure (both shown under the title);
    at: when the numbers were taken, e.g. "epoch 12, batch 5 / 24" (in the title: while
    playing the table is redrawn less often than the status line, which then runs ahead).
    """
    rows = metrics_rows(with_baselines(metrics, baselines))
    notes = (note, loss_note) if rows[1:] else ()
    title = f"Metrics at {at}" if at else "Metrics"
    return table_figure(rows[0], rows[1:], title, "metrics", "No metrics yet", notes)


def table_figure(header: list[str], body: list[list[str]], title: str, revision: str,
                  empty: str, notes=()) -> go.Figure:
    """A go.Table of text rows (first column left, the numbers right); header and first
    column are plain text (class and split names as written); ``notes``: plain sentences
    under the title (wrapped)."""
    columns = [[row[c] for row in body] for c in range(len(header))]
    columns[0] = plain_plotly_list(columns[0])
    data = [{
        "type": "table",
        "header": {"values": [f"<b>{h}</b>" for h in plain_plotly_list(header)],
                   "fill": {"color": "#F0F2F4"}, "align": "left",
                   "font": {"size": theme.FONT_SIZE + 1, "color": theme.INK},
                   "height": 32, "line": {"color": "#D0D0D0"}},
        "cells": {"values": columns, "align": ["left"] + ["right"] * (len(header) - 1),
                  "font": {"size": theme.FONT_SIZE + 1, "color": theme.INK}, "height": 30,
                  "fill": {"color": "white"}, "line": {"color": "#E0E0E0"}},
    }]
    layout = theme.base_layout(title, revision=revision,
                               height=int(90 + 32 * (len(body) + 1)))
    layout["margin"] = {"l": 10, "r": 10, "t": 50, "b": 10}
    if not body:
        layout["annotations"] = [theme.message_annotation(empty)]
    theme.notes_under_title(layout, notes)
    return theme.new_figure(data, layout)


def class_scores_rows(matrix: np.ndarray, class_names: list[str]) -> list[list[str]]:
    """Per-class scores as text rows: header ["class", "precision", "recall", "F1",
    "support"], then one row per class, then the macro average (classes that occur).

    matrix: (classes, classes) counts, rows true, columns predicted.
    """
    scores = nn_metrics.per_class_scores(matrix)
    names = list(class_names or [])
    if len(names) != len(scores["support"]):
        raise ValueError(f"The confusion matrix has {len(scores['support'])} classes but "
                         f"{len(names)} class names were given; pass one name per row.")
    rows = [["class", "precision", "recall", "F1", "support"]]
    for k, name in enumerate(names):
        rows.append([name] + [format_metric(key, scores[key][k]) for key in ("precision", "recall",
                                                                        "f1")]
                    + [f"{int(scores['support'][k]):,}"])
    # the mean over the classes that occur (true or predicted), as the Metrics table's
    # multi-class scores
    present = (scores["support"] + np.asarray(matrix).sum(axis=0)) > 0
    if present.any():
        rows.append(["macro average"] + [format_metric(key, np.mean(scores[key][present]))
                                         for key in ("precision", "recall", "f1")]
                    + [f"{int(scores['support'].sum()):,}"])
    return rows


def class_scores_table(matrix: np.ndarray, class_names: list[str],
                       split: str = "test") -> go.Figure:
    """Precision, recall, F1 and support of every class on one split (go.Table).

    Precision: of the examples predicted as the class, the share that are; recall: of the
    examples of the class, the share found; support: how many examples of it there are.
    """
    rows = class_scores_rows(matrix, class_names)
    return table_figure(rows[0], rows[1:], f"Per-class scores ({split})", "class_scores",
                         "No classes")


def roc_curves(splits: dict[str, SplitView]) -> dict[str, tuple[np.ndarray, np.ndarray,
                                                                 np.ndarray, float]]:
    """split -> (fpr, tpr, thresholds, auc) for every split of a binary classifier that
    has probabilities and both classes (train, validation, test order)."""
    curves = {}
    for name in SPLIT_ORDER:
        split = (splits or {}).get(name)
        if split is None or split.proba is None or np.ndim(split.proba) != 2 or \
                np.shape(split.proba)[1] != 2:
            continue
        y_true = np.asarray(split.y_true).ravel()
        if np.unique(y_true).size < 2:
            continue
        fpr, tpr, thresholds = nn_metrics.roc_curve(y_true, split.proba[:, 1])
        curves[name] = (fpr, tpr, thresholds, nn_metrics.roc_auc(y_true, split.proba[:, 1]))
    return curves


def roc_figure(splits: dict[str, SplitView], class_names: list[str]) -> go.Figure:
    """ROC curve of a binary classifier per split, the area under it (AUC) in the legend.

    Each point is one threshold t on P(class 1): x = the share of class-0 examples with
    P >= t (false positive rate), y = the share of class-1 examples found (true positive
    rate). The diagonal is guessing (AUC 0.5); the top left corner is perfect (AUC 1).
    """
    names = list(class_names or [])
    positive = str(names[1]) if len(names) > 1 else "class 1"    # plain: the theme escapes
    curves = roc_curves(splits)
    data = [{"type": "scatter", "mode": "lines", "x": [0.0, 1.0], "y": [0.0, 1.0],
             "name": "guessing", "showlegend": False, "hoverinfo": "skip",
             "line": {"color": "#AAAAAA", "width": 1.5, "dash": "dash"}}]
    for name, (fpr, tpr, thresholds, auc) in curves.items():
        shown = np.asarray([f"{t:.3f}" if np.isfinite(t) else "above every score"
                            for t in thresholds])
        data.append({
            "type": "scatter", "mode": "lines", "x": fpr, "y": tpr, "text": shown,
            "name": f"{theme.SPLIT_LABELS.get(name, name)} (AUC {auc:.3f})",
            "line": {"color": theme.split_colour(name), "width": 3,
                     "dash": theme.SPLIT_DASHES.get(name, "solid")},
            "hovertemplate": f"{plain_plotly(name)}: threshold %{{text}}<br>false positive "
                             f"rate %{{x:.2f}}<br>true positive rate %{{y:.2f}}<extra></extra>"})
    layout = theme.base_layout(
        f"ROC curve (positive class: {positive})", revision="roc", height=360,
        xaxis=theme.axis("false positive rate", range=[-0.02, 1.02]),
        yaxis=theme.axis(f"true positive rate ({positive} found)", range=[-0.02, 1.02]),
    )
    layout["legend"] = theme.legend(len(curves))
    layout["margin"] = dict(theme.MARGIN, t=theme.LEGEND_ROW_TOP)
    if not curves:
        layout["annotations"] = [theme.message_annotation(
            "No split holds examples of both classes, so there is no ROC curve.")]
    return theme.new_figure(data, layout)
