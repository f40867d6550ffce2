"""The loss landscape drawn: contours of the loss, the optimizer's path, where it is now.

``landscape_figure(landscape)`` -> go.Figure (log10 of the loss in flat colour bands, so the
valley floor and the far walls both show, the bands reading as contour levels; the hover gives the loss itself). ``step_formula`` ->
the LaTeX of theta <- theta - alpha grad J with the current numbers (exact kind), and
``landscape_caption`` says what was computed, on how many rows, at what cost.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.traces.landscape import SLICE_BUDGET_S, Landscape
from playground.viz import theme
from playground.viz.neuron import number, paren, tex

PATH_COLOUR = "#D81B60"          # the path: magenta, distinct from the blue-white contours
BANDS = 14                       # colour steps of the surface (its contour levels)
RACE_COLOURS = ("#E69F00", "#009E73", "#222222")   # the race's runners: orange, green, ink
MAX_DRAWN_PATH = 600             # path points drawn (evenly thinned, last always kept)


def banded_scale(bands: int) -> list[list]:
    """A colour scale of ``bands`` flat steps from dark (low loss) to light: the bands read
    as contour levels (the page's plotly bundle has heatmaps, not contour traces)."""
    dark, light = theme.SEQUENTIAL_BLUES[-1][1], theme.SEQUENTIAL_BLUES[0][1]
    scale = []
    for band in range(bands):
        colour = theme.mix(dark, light, band / (bands - 1))
        scale += [[band / bands, colour], [(band + 1) / bands, colour]]
    return scale


def _drawn_path(path: np.ndarray) -> np.ndarray:
    if len(path) <= MAX_DRAWN_PATH:
        return path
    keep = np.unique(np.append(np.linspace(0, len(path) - 1, MAX_DRAWN_PATH).astype(int),
                               len(path) - 1))
    return path[keep]


def landscape_figure(landscape: Landscape) -> go.Figure:
    """Contours of the loss over the two axes, the path (oldest to newest) and a marker at
    the current weights (and at the best fit, for the exact surface)."""
    loss = np.asarray(landscape.loss, dtype=np.float64)
    finite = np.isfinite(loss) & (loss > 0)
    floor = float(loss[finite].min()) if finite.any() else 1.0
    logs = np.log10(np.where(finite, loss, floor))
    # arrays travel as compact typed arrays; only a surface with holes needs None gaps
    shown = logs if finite.all() else np.where(finite, logs, None).tolist()
    hover = loss if finite.all() else np.where(finite, loss, None).tolist()
    a_name, b_name = landscape.axis_names
    data = [{
        "type": "heatmap", "x": landscape.alpha, "y": landscape.beta, "z": shown,
        "customdata": hover, "zsmooth": "best",
        "colorscale": banded_scale(BANDS), "showscale": False,   # darker: lower loss
        "hovertemplate": f"{a_name} %{{x:.3g}}, {b_name} %{{y:.3g}}<br>loss "
                         "%{customdata:.4g}<extra></extra>",
        "name": "loss", "showlegend": False}]
    path = _drawn_path(np.asarray(landscape.path))
    if len(path):
        data.append({"type": "scatter", "mode": "lines+markers", "x": path[:, 0],
                     "y": path[:, 1], "name": "path",
                     "line": {"color": PATH_COLOUR, "width": 2},
                     "marker": {"size": 4, "color": PATH_COLOUR},
                     "hovertemplate": "path: %{x:.4g}, %{y:.4g}<extra></extra>"})
    for (name, race_path), colour in zip((landscape.race or {}).items(), RACE_COLOURS):
        drawn = _drawn_path(race_path)
        data.append({"type": "scatter", "mode": "lines", "x": drawn[:, 0], "y": drawn[:, 1],
                     "name": name, "line": {"color": colour, "width": 2.5,
                                            "dash": "dash" if name == "adam" else "solid"},
                     "hovertemplate": name + ": %{x:.4g}, %{y:.4g}<extra></extra>"})
    if landscape.optimum is not None:
        data.append({"type": "scatter", "mode": "markers", "x": [landscape.optimum[0]],
                     "y": [landscape.optimum[1]], "name": "best fit",
                     "marker": {"symbol": "x", "size": 12, "color": theme.INK},
                     "hovertemplate": "best fit: %{x:.4g}, %{y:.4g}<extra></extra>"})
    data.append({"type": "scatter", "mode": "markers", "x": [landscape.current[0]],
                 "y": [landscape.current[1]], "name": "now",
                 "marker": {"size": 12, "color": PATH_COLOUR,
                            "line": {"color": "white", "width": 2}},
                 "hovertemplate": "now: %{x:.4g}, %{y:.4g}<extra></extra>"})
    title = ("Loss surface J(w, b) and the path" if landscape.kind == "exact" else
             f"Loss around the weights of epoch {landscape.epoch}")
    layout = theme.base_layout(title, revision=f"landscape_{landscape.kind}", height=280,
                               xaxis=theme.axis(a_name), yaxis=theme.axis(b_name))
    layout["legend"] = theme.legend(len(data) - 1)
    layout["margin"] = {**theme.MARGIN, "t": 60, "b": 50}
    if landscape.kind == "slice":      # what it cost, on the chart (the caption says more)
        theme.notes_under_title(layout, [slice_cost(landscape)], above=30)
    return theme.new_figure(data, layout)


def slice_cost(landscape: Landscape) -> str:
    """"7 x 7 grid on 120 of 1,078 training rows, 1.62 s" for a slice."""
    rows = f"{landscape.rows:,}" + (f" of {landscape.total_rows:,}"
                                     if landscape.total_rows > landscape.rows else "")
    return (f"{len(landscape.alpha)} x {len(landscape.beta)} grid on {rows} training rows, "
            f"{landscape.seconds:.2f} s")


def step_formula(landscape: Landscape) -> list[str]:
    """theta <- theta - alpha grad J written out with the numbers (exact kind only)."""
    if landscape.kind != "exact" or landscape.gradient is None or \
            landscape.next_point is None:
        return []
    (w, b), (gw, gb), (nw, nb) = landscape.current, landscape.gradient, landscape.next_point
    lr = tex(landscape.learning_rate)
    return [
        r"J(w, b) = \frac{1}{n}\sum_{k=1}^{n} (w x_k + b - y_k)^2"
        rf" \quad (n = {landscape.rows})",
        r"\nabla J = \begin{pmatrix} \frac{2}{n}\sum (w x_k + b - y_k)\,x_k \\ "
        r"\frac{2}{n}\sum (w x_k + b - y_k) \end{pmatrix} = "
        rf"\begin{{pmatrix}} {tex(gw)} \\ {tex(gb)} \end{{pmatrix}}",
        r"\theta \leftarrow \theta - \alpha\,\nabla J:\quad "
        rf"\begin{{pmatrix}} {tex(w)} \\ {tex(b)} \end{{pmatrix}} - {lr}"
        rf"\begin{{pmatrix}} {tex(gw)} \\ {tex(gb)} \end{{pmatrix}} = "
        rf"\begin{{pmatrix}} {tex(nw)} \\ {tex(nb)} \end{{pmatrix}}",
    ] + ([rf"\text{{best fit: }} w = {tex(landscape.optimum[0])},\ "
          rf"b = {tex(landscape.optimum[1])}\quad J = {paren(_best_loss(landscape))}"]
         if landscape.optimum is not None else [])


def _best_loss(landscape: Landscape) -> float:
    return float(np.nanmin(landscape.loss))


def landscape_caption(landscape: Landscape) -> str:
    """What the picture is and what it cost, in plain words."""
    grid = f"{len(landscape.alpha)} x {len(landscape.beta)}"
    if landscape.kind == "exact":
        return (f"Darker is lower loss (bands of equal log loss). "
                f"The exact loss of the model's two weights over a {grid} grid "
                f"({landscape.rows} training points, {landscape.seconds * 1000:.1f} ms), in "
                f"the units the network sees. The path shows the weights after every batch "
                f"({landscape.optimizer}); the formula uses the whole training set, while "
                f"each step uses one batch, which is why the path wobbles.")
    return (f"Darker is lower loss (bands of equal log loss). "
            f"A slice through weight space around the weights of epoch {landscape.epoch}: "
            f"the loss at w + α·d1 + β·d2 for two random directions d1, d2, each scaled "
            f"neuron by neuron to the size of its weights (Li et al. 2018). "
            f"{slice_cost(landscape)}, computed in the background on a copy of the network "
            f"(at most {SLICE_BUDGET_S:g} s: a bigger network gets a coarser grid and fewer "
            f"rows). The path (one point per epoch) is "
            f"projected onto the slice, so it can look shorter than it was.")


def current_numbers(landscape: Landscape) -> str:
    """"w = 0.9447, b = 9.294e-05" for the exact kind (plain text)."""
    return ", ".join(f"{name} = {number(value)}"
                     for name, value in zip(landscape.axis_names, landscape.current))
