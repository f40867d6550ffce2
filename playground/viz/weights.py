"""Per-layer histograms of kernel weights, as small multiples."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly
from playground.snapshot import LayerView
from playground.viz import theme

BINS = 30                 # bars per histogram
PER_ROW = 3               # panels per row (a detail chart is about 450-650 px wide)
PANEL_HEIGHT = 165        # px per row of panels
GAP = 0.06                # space between panels, fraction of the figure


def _kernels(layers: list[LayerView]) -> list[tuple[str, np.ndarray]]:
    """(layer name as Plotly text, kernel) of each layer that has weights."""
    out = []
    for layer in layers:
        kernel = (layer.weights or {}).get("kernel")
        if kernel is not None and np.size(kernel):
            out.append((plain_plotly(layer.name), np.asarray(kernel, dtype=np.float64)))
    return out


def _domains(index: int, n_panels: int) -> tuple[list[float], list[float]]:
    """Paper-coordinate x and y domains of panel ``index`` in a PER_ROW-wide grid."""
    cols = min(n_panels, PER_ROW)
    rows = math.ceil(n_panels / PER_ROW)
    r, c = divmod(index, PER_ROW)
    width = (1.0 - GAP * (cols - 1)) / cols
    height = (1.0 - 2.5 * GAP * (rows - 1)) / rows
    x0 = c * (width + GAP)
    y1 = 1.0 - r * (height + 2.5 * GAP)
    return [x0, x0 + width], [max(y1 - height, 0.0), y1]


def weights_histogram_figure(layers: list[LayerView]) -> go.Figure:
    """One histogram per layer that has a kernel (Dense, Conv2D, RNN...), side by side.

    layers: snapshot.layers; each kernel (any shape) is flattened and binned into BINS
    bars over a symmetric range rounded up to 1, 2, 2.5 or 5 x 10^k (so the axis only
    changes when the weights outgrow it). Bars left of zero are orange, right blue.
    """
    if not isinstance(layers, (list, tuple)):
        raise TypeError("weights_histogram_figure needs a list of LayerView "
                        f"(snapshot.layers), got {type(layers).__name__}.")
    kernels = _kernels(list(layers))
    data: list[dict] = []
    layout = theme.base_layout("Weights per layer", revision="weights",
                               height=PANEL_HEIGHT * max(1, math.ceil(len(kernels) / PER_ROW))
                               + 70, showlegend=False, bargap=0.05)
    annotations = []
    for index, (name, kernel) in enumerate(kernels):
        suffix = "" if index == 0 else str(index + 1)
        values = kernel.ravel()
        values = values[np.isfinite(values)]
        bound = theme.nice_ceiling(float(np.abs(values).max())) if values.size else 1.0
        counts, edges = np.histogram(values, bins=BINS, range=(-bound, bound))
        centres = (edges[:-1] + edges[1:]) / 2
        colours = np.where(centres < 0, theme.ORANGE, theme.BLUE).tolist()
        data.append({
            "type": "bar", "x": centres, "y": counts, "width": edges[1] - edges[0],
            "marker": {"color": colours, "line": {"width": 0}}, "name": name,
            "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
            "customdata": np.column_stack([edges[:-1], edges[1:]]),
            "hovertemplate": f"{name}<br>%{{y}} weights from %{{customdata[0]:.3g}} "
                             "to %{customdata[1]:.3g}<extra></extra>",
        })
        xdom, ydom = _domains(index, len(kernels))
        layout[f"xaxis{suffix}"] = theme.axis("", domain=xdom, range=[-bound, bound],
                                              anchor=f"y{suffix}", nticks=4)
        layout[f"yaxis{suffix}"] = theme.axis("", domain=ydom, anchor=f"x{suffix}",
                                              range=[0, max(1, int(counts.max())) * 1.15],
                                              nticks=3)
        shape = "×".join(str(d) for d in kernel.shape)
        annotations.append({"text": f"{name} ({shape})", "x": sum(xdom) / 2, "y": ydom[1],
                            "xref": "paper", "yref": "paper", "xanchor": "center",
                            "yanchor": "bottom", "showarrow": False,
                            "font": {"size": theme.SMALL_SIZE + 1}})
    if not kernels:
        annotations.append(theme.message_annotation("No layers with weights yet"))
        layout["xaxis"] = theme.hidden_axis()
        layout["yaxis"] = theme.hidden_axis()
    layout["annotations"] = annotations
    layout["margin"] = dict(theme.MARGIN, t=62, l=50, b=40)
    return theme.new_figure(data, layout)
