"""Permutation feature importance as bars: how much the score drops when one input is
shuffled, with the spread over shuffles as error bars."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly_list
from playground.snapshot import ImportanceView
from playground.viz import theme

MAX_BARS = 20           # inputs shown; the rest (least important) are counted in the title
BAR_PX = 26             # height per bar


def importance_figure(importance: ImportanceView) -> go.Figure:
    """Horizontal bars, the most important input on top: mean drop of the score
    (accuracy or R²) over the shuffles, error bar +- one standard deviation.

    importance: names (inputs,), drops (inputs, repeats). A drop near 0 (within its
    spread) means the network does not use that input; below 0, shuffling it helped
    by chance.
    """
    names = list(importance.names)
    mean, std = np.asarray(importance.mean), np.asarray(importance.std)
    order = np.argsort(-mean, kind="stable")[:MAX_BARS]
    shown = order[::-1]                                    # plotly draws bottom-up
    labels = plain_plotly_list([names[i] for i in shown])
    percent = importance.metric == "accuracy"
    scale = 100.0 if percent else 1.0
    unit = " points" if percent else ""
    fmt = ".1f" if percent else ".3f"
    # blue: the network uses it; orange: shuffling it helped (chance, or overfitting to
    # it); grey: the drop is within its spread of zero
    colours = [theme.BLUE if mean[i] > std[i] else theme.ORANGE if mean[i] < -std[i]
               else "#A8A8A8" for i in shown]
    repeats = importance.drops.shape[1] if np.ndim(importance.drops) == 2 else 0
    data = [{
        "type": "bar", "orientation": "h", "y": labels, "x": mean[shown] * scale,
        "error_x": {"type": "data", "array": std[shown] * scale, "visible": True,
                    "color": theme.INK, "thickness": 1.5, "width": 4},
        "marker": {"color": colours}, "name": "",
        "customdata": std[shown] * scale,
        "hovertemplate": f"%{{y}}: the {importance.metric} drops by %{{x:{fmt}}}{unit} "
                         f"(± %{{customdata:{fmt}}} over {repeats} shuffles)<extra></extra>",
    }]
    more = len(names) - len(order)
    baseline = f"{importance.baseline:.1%}" if percent else f"{importance.baseline:.3f}"
    title = (f"Permutation importance ({importance.split}, epoch {importance.epoch})"
             + (f" · top {len(order)} of {len(names)}" if more > 0 else ""))
    layout = theme.base_layout(
        title, revision="importance", height=int(160 + BAR_PX * max(len(order), 2)),
        showlegend=False,
        xaxis=theme.axis(f"drop in {importance.metric}{' (points)' if percent else ''} when "
                         f"the input is shuffled", zeroline=True, zerolinecolor="#888888"),
        yaxis=theme.axis("", type="category", showgrid=False),
    )
    note = (f"{importance.metric} with nothing shuffled: {baseline} on {importance.rows:,} "
            f"{importance.split} rows.\nGrey: the drop is within its spread of zero; "
            "orange: shuffling it helped (chance, or overfitting).")
    layout["annotations"] = [theme.note_below(note, shift=52)]
    extra = theme.NOTE_LINE_PX * len(theme.note_lines(note))
    layout["margin"] = dict(theme.MARGIN, t=50, b=80 + extra)
    layout["height"] += extra
    return theme.new_figure(data, layout)
