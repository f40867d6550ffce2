"""Two or more runs of one experiment drawn together: the loss curves overlaid and a
table of the settings they differ in with where each ended (``playground.compare``)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly
from playground.snapshot import Snapshot
from playground.viz import theme
from playground.viz.metrics import format_metric, table_figure

# history key -> (split, line dash): the lanes share a colour per lane, the splits a dash
LANE_LOSSES = {"loss": ("train", "solid"), "val_loss": ("validation", "dash")}


def compare_loss_figure(lanes: dict[str, Snapshot]) -> go.Figure:
    """Train (solid) and validation (dashed) loss per epoch of every lane, one colour per
    lane. lanes: lane name -> its snapshot (history and history_epochs)."""
    data, top = [], 0.0
    for k, (name, snap) in enumerate(lanes.items()):
        colour = theme.class_colour(k + 2) if k > 1 else (theme.BLUE, theme.ORANGE)[k]
        for key, (split, dash) in LANE_LOSSES.items():
            values = np.asarray(snap.history.get(key) or [], dtype=np.float64)
            if not values.size:
                continue
            epochs = np.asarray(snap.history_epochs or np.arange(1, values.size + 1))
            finite = values[np.isfinite(values)]
            top = max(top, float(finite.max()) if finite.size else 0.0)
            label = plain_plotly(f"{name}: {split}")
            data.append({"type": "scatter", "mode": "lines", "x": epochs,
                         "y": theme.finite_or_none(values), "name": label,
                         "line": {"color": colour, "width": 3, "dash": dash},
                         "hovertemplate": f"{label} loss %{{y:.4g}} (epoch %{{x}})"
                                          "<extra></extra>"})
    layout = theme.base_layout(
        f"Loss: {' vs '.join(lanes)}", revision="compare_loss", height=360,
        xaxis=theme.axis("epoch"),
        yaxis=theme.axis("loss", range=[0.0, theme.nice_ceiling(top) if top > 0 else 1.0]))
    layout["legend"] = theme.legend(len(data))
    layout["margin"] = dict(theme.MARGIN, t=theme.LEGEND_ROW_TOP if len(data) <= 4 else 50)
    if not data:
        layout["annotations"] = [theme.message_annotation("No epochs yet")]
    return theme.new_figure(data, layout)


def _last(snap: Snapshot, key: str) -> float | None:
    values = snap.history.get(key) or []
    return values[-1] if values else None


def comparison_rows(lanes: dict[str, Snapshot],
                    differences: list[tuple[str, list[str]]]) -> list[list[str]]:
    """["", lane names...], the differing settings (label, value per lane), then where each
    lane ended: epochs, final train and validation loss, test accuracy or R²."""
    names = list(lanes)
    rows = [[""] + names]
    rows += [[label] + list(values) for label, values in differences]
    snaps = list(lanes.values())
    rows.append(["epochs trained"] + [f"{s.epoch:,}" for s in snaps])
    for key, label in (("loss", "train loss"), ("val_loss", "validation loss")):
        if any(_last(s, key) is not None for s in snaps):
            rows.append([label] + [format_metric("loss", _last(s, key)) for s in snaps])
    metric = "accuracy" if snaps[0].task == "classification" else "r2"
    split = next((n for n in ("test", "validation", "train") if n in snaps[0].metrics), None)
    if split is not None:
        rows.append([f"{split} {'accuracy' if metric == 'accuracy' else 'R²'}"] +
                    [format_metric(metric, s.metrics.get(split, {}).get(metric)) for s in snaps])
    return rows


def comparison_table(lanes: dict[str, Snapshot],
                     differences: list[tuple[str, list[str]]]) -> go.Figure:
    """The runs' differing settings and results as a table, one column per run."""
    rows = comparison_rows(lanes, differences)
    return table_figure(rows[0], rows[1:], "What differs", "compare_table", "No runs")
