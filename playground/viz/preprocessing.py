"""What preprocessing did to a table: each number feature before and after scaling, and
what the missing-value step filled (all fitted on the training split).

The histograms come ready counted on the snapshot (``PreprocessingView``: the training
rows' values as the network's input columns, before and after the scaler); this module
only draws them, one row per feature: left in the data's units with the fill value
marked, right as the network sees it.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly
from playground.snapshot import PreprocessingView
from playground.viz import theme

ROW_PX = 110          # height of one feature's row
GAP = 0.05            # vertical space between rows, as a share of the plot
BEFORE_COLOUR = "#9AA5B1"
AFTER_COLOUR = theme.BLUE
MAX_FILL_LINES = 4    # lines of "Filled 3 missing values in ..." under the title
LABEL_PX = 22         # the row labels' line above each pair of histograms


def _bars(counts: np.ndarray, edges: np.ndarray, colour: str, axis: str) -> dict:
    """One histogram as a bar trace: counts (bins,), edges (bins + 1,)."""
    centres = (edges[:-1] + edges[1:]) / 2
    return {"type": "bar", "x": centres.tolist(), "y": counts.tolist(),
            "width": np.diff(edges).tolist(), "marker": {"color": colour},
            "xaxis": f"x{axis}", "yaxis": f"y{axis}", "showlegend": False,
            "hovertemplate": "%{x:.4g}: %{y} training rows<extra></extra>"}


def preprocessing_figure(view: PreprocessingView) -> go.Figure:
    """Rows of histograms: each shown number feature's training values before scaling
    (left, the fill value of its gaps marked by a dashed line) and after (right)."""
    rows = len(view.names)
    height = int(110 + ROW_PX * max(rows, 1))
    title = f"Preprocessing (scaling: {view.method})"
    lines = ["The training rows before and after scaling" + (
        f": the first {rows} number features, {view.hidden} more not shown."
        if view.hidden else ".")] + list(view.fills[:MAX_FILL_LINES])
    if len(view.fills) > MAX_FILL_LINES:
        lines.append(f"... and {len(view.fills) - MAX_FILL_LINES} more in the report")
    layout = theme.base_layout(title, revision="preprocessing", height=height)
    layout["margin"] = {"l": 60, "r": 20, "t": 90, "b": 40}
    layout["bargap"] = 0.05
    data, annotations, shapes = [], [], []
    step = 1.0 / max(rows, 1)
    for index, name in enumerate(view.names):
        top = 1.0 - index * step
        bottom = top - step + GAP
        for side, (counts, edges, colour, x_domain) in enumerate((
                (view.before[index], view.before_edges[index], BEFORE_COLOUR, [0.0, 0.47]),
                (view.after[index], view.after_edges[index], AFTER_COLOUR, [0.53, 1.0]))):
            axis = str(2 * index + side + 1)
            suffix = "" if axis == "1" else axis
            data.append(_bars(counts, edges, colour, suffix))
            layout[f"xaxis{suffix}"] = theme.axis("", domain=x_domain, anchor=f"y{suffix}")
            layout[f"yaxis{suffix}"] = theme.axis("", domain=[bottom, top],
                                                  anchor=f"x{suffix}", showticklabels=False)
        fill = view.fill_values.get(name)
        label = plain_plotly(name)
        if fill is not None:
            shapes.append({"type": "line", "xref": "x" + ("" if index == 0 else
                                                            str(2 * index + 1)),
                           "yref": "paper", "x0": fill, "x1": fill, "y0": bottom, "y1": top,
                           "line": {"color": theme.WRONG, "dash": "dash", "width": 2}})
        annotations.append({"text": f"<b>{label}</b> as loaded" +
                            (f" (gaps filled with {fill:.4g}, dashed)" if fill is not None
                             else ""),
                            "xref": "paper", "yref": "paper", "x": 0.0, "y": top,
                            "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                            "font": {"size": theme.SMALL_SIZE}})
        annotations.append({"text": f"<b>{label}</b> as the network sees it",
                            "xref": "paper", "yref": "paper", "x": 0.53, "y": top,
                            "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                            "font": {"size": theme.SMALL_SIZE}})
    if not rows:
        annotations.append(theme.message_annotation("No number columns to show."))
    layout["annotations"] = annotations
    layout["shapes"] = shapes
    theme.notes_under_title(layout, lines, above=LABEL_PX)
    return theme.new_figure(data, layout)
