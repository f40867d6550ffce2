"""Autoencoder views: 2-D points and their reconstructions, the 2-D latent plane, what the
decoder draws over it, and the reconstruction error of every example."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly_list
from playground.snapshot import LatentView, SplitView
from playground.viz import theme
from playground.viz.cnn import tile_rows

MAX_ERROR_BARS = 400      # examples drawn in the error chart (the worst first)


def _class_name(names: list[str] | None, k: int) -> str:
    return names[k] if names and 0 <= k < len(names) else f"class {k}"


def points_reconstruction_figure(split: SplitView, feature_names: list[str]) -> go.Figure:
    """2-D points (hollow) and where the autoencoder puts them back (filled), joined by a
    grey line: with a 1-unit bottleneck every reconstruction lies on one curve.

    split.X: (n, 2) points; split.y_true / y_pred: (n, features) the inputs and their
    reconstructions in original units, columns named by ``feature_names`` (x1 and x2 are
    drawn). split.labels: (n,) classes for colour, or None.
    """
    ix, iy = feature_names.index("x1"), feature_names.index("x2")
    true = np.asarray(split.y_true, dtype=np.float64)
    rebuilt = np.asarray(split.y_pred, dtype=np.float64)
    n = len(true)
    links_x = np.column_stack([true[:, ix], rebuilt[:, ix], np.full(n, np.nan)]).ravel()
    links_y = np.column_stack([true[:, iy], rebuilt[:, iy], np.full(n, np.nan)]).ravel()
    data = [{"type": "scatter", "mode": "lines", "x": theme.finite_or_none(links_x),
             "y": theme.finite_or_none(links_y), "line": {"color": "#BBBBBB", "width": 1},
             "hoverinfo": "skip", "showlegend": False, "name": ""}]
    labels = np.zeros(n, dtype=int) if split.labels is None else np.asarray(split.labels)
    colours = [theme.class_colour(k) for k in labels.tolist()] if split.labels is not None \
        else theme.INK
    errors = np.sqrt(np.mean((true - rebuilt) ** 2, axis=1)) if n else np.zeros(0)
    data.append({"type": "scatter", "mode": "markers", "x": true[:, ix], "y": true[:, iy],
                 "name": "input", "marker": {"size": 7, "color": "rgba(0,0,0,0)",
                                             "line": {"color": colours, "width": 1.5}},
                 "hovertemplate": "input (%{x:.3g}, %{y:.3g})<extra></extra>"})
    data.append({"type": "scatter", "mode": "markers", "x": theme.finite_or_none(rebuilt[:, ix]),
                 "y": theme.finite_or_none(rebuilt[:, iy]), "name": "reconstruction",
                 "marker": {"size": 6, "color": colours},
                 "customdata": errors,
                 "hovertemplate": "rebuilt (%{x:.3g}, %{y:.3g})<br>RMS error "
                                  "%{customdata:.3g}<extra></extra>"})
    both = np.concatenate([true[:, [ix, iy]], rebuilt[:, [ix, iy]]])
    finite = both[np.isfinite(both).all(axis=1)]
    low = finite.min(axis=0) if len(finite) else np.zeros(2)
    high = finite.max(axis=0) if len(finite) else np.ones(2)
    mean_error = float(np.mean(errors)) if n else 0.0
    layout = theme.base_layout(
        f"Inputs (○) and rebuilt (●), {split.name}: RMS error {mean_error:.3g}",
        revision="points_rebuilt",
        xaxis=theme.axis("x1", range=theme.padded_range(low[0], high[0])),
        yaxis=theme.axis("x2", range=theme.padded_range(low[1], high[1]),
                         scaleanchor="x", scaleratio=1), hovermode="closest",
        legend=theme.legend(2))
    layout["margin"] = dict(theme.MARGIN, t=theme.LEGEND_ROW_TOP)
    return theme.new_figure(data, layout)


def latent_figure(latent: LatentView) -> go.Figure:
    """Every example of the split at its place in the 2-D bottleneck, one colour per class
    and the class's name at its median point (latent.points (n, 2), latent.labels (n,) or
    None). Class names are plain text, shown as written."""
    points = latent.points
    data = []
    if latent.labels is None:
        data.append({"type": "scatter", "mode": "markers", "x": points[:, 0],
                     "y": points[:, 1], "name": "example",
                     "marker": {"size": 6, "color": theme.BLUE, "opacity": 0.8},
                     "hovertemplate": "(%{x:.3g}, %{y:.3g})<extra></extra>"})
    else:
        names = plain_plotly_list(latent.class_names or [])
        labels = np.asarray(latent.labels)
        centres_x, centres_y, centre_names, centre_colours = [], [], [], []
        for k in np.unique(labels).tolist():
            rows = labels == k
            name = _class_name(names, k)
            data.append({"type": "scatter", "mode": "markers", "x": points[rows, 0],
                         "y": points[rows, 1], "name": name,
                         "marker": {"size": 6, "color": theme.class_colour(k),
                                    "opacity": 0.7},
                         "hovertemplate": f"{name}: (%{{x:.3g}}, %{{y:.3g}})<extra></extra>"})
            centres_x.append(float(np.median(points[rows, 0])))
            centres_y.append(float(np.median(points[rows, 1])))
            centre_names.append(f"<b>{name}</b>")
            centre_colours.append(theme.mix(theme.class_colour(k), theme.INK, 0.35))
        # each class's name at its median point: readable on a projector, no legend needed
        data.append({"type": "scatter", "mode": "text", "x": centres_x, "y": centres_y,
                     "text": centre_names, "name": "classes", "hoverinfo": "skip",
                     "textfont": {"size": theme.TITLE_SIZE + 4, "color": centre_colours}})
    layout = theme.base_layout(
        f"Latent space ({latent.layer}, {latent.split} examples)", revision="latent",
        xaxis=theme.axis("unit 1", range=[float(latent.grid_x[0]), float(latent.grid_x[-1])]),
        yaxis=theme.axis("unit 2", range=[float(latent.grid_y[0]), float(latent.grid_y[-1])]),
        hovermode="closest", showlegend=False)
    layout["margin"] = dict(theme.MARGIN, t=50)
    return theme.new_figure(data, layout)


def latent_grid_figure(latent: LatentView) -> go.Figure:
    """What the decoder draws from each point of a grid over the latent plane.

    latent.decoded: (g, g, h, w) images, decoded[i, j] from (grid_x[j], grid_y[i]); drawn
    with grid_y growing upwards, as in the latent scatter, dark is high.
    """
    decoded = np.asarray(latent.decoded, dtype=np.float64)
    g, _, h, w = decoded.shape
    low, high = float(decoded.min()), float(decoded.max())
    span = high - low if high > low else 1.0
    rows = [[(decoded[i, j] - low) / span for j in range(g)] for i in range(g - 1, -1, -1)]
    tile = max(h, w)
    grid = tile_rows([[np.pad(t, ((0, tile - h), (0, tile - w))) for t in row]
                      for row in rows], tile, fill=0.0)          # 0 is white: the gaps
    data = [{"type": "heatmap", "z": grid, "zmin": 0, "zmax": 1,
             "colorscale": theme.colorscale(theme.GREYS), "showscale": False,
             "hoverongaps": False, "hoverinfo": "skip", "name": ""}]
    layout = theme.base_layout(
        f"What the decoder draws at {g}×{g} latent points",
        revision="latent_grid", height=420, showlegend=False,
        xaxis=theme.hidden_axis(range=[-0.5, grid.shape[1] - 0.5], constrain="domain"),
        yaxis=theme.hidden_axis(range=[grid.shape[0] - 0.5, -0.5], scaleanchor="x",
                                scaleratio=1, constrain="domain"))
    layout["margin"] = {"l": 10, "r": 10, "t": 50, "b": 10}
    return theme.new_figure(data, layout)


def reconstruction_errors(split: SplitView) -> np.ndarray:
    """(n,) mean squared error of each example's reconstruction, original units."""
    true = np.asarray(split.y_true, dtype=np.float64).reshape(len(split.y_true), -1)
    rebuilt = np.asarray(split.y_pred, dtype=np.float64).reshape(true.shape)
    return np.mean((true - rebuilt) ** 2, axis=1)


def reconstruction_error_figure(split: SplitView) -> go.Figure:
    """The reconstruction error (mean squared, original units) of every example of the
    split, worst first (at most MAX_ERROR_BARS bars), with the mean as a line."""
    errors = reconstruction_errors(split)
    order = np.argsort(-errors, kind="stable")[:MAX_ERROR_BARS]
    mean = float(errors.mean()) if errors.size else 0.0
    data = [{"type": "bar", "x": np.arange(1, len(order) + 1), "y": errors[order],
             "customdata": order + 1, "marker": {"color": theme.BLUE, "line": {"width": 0}},
             "name": "error", "hovertemplate": "example %{customdata}: %{y:.4g}"
                                               "<extra></extra>"}]
    shown = "" if len(order) == len(errors) else f", worst {len(order)} of {len(errors)}"
    layout = theme.base_layout(
        f"Error per example ({split.name}{shown}), mean {mean:.4g}",
        revision="rebuild_error", showlegend=False, bargap=0,
        xaxis=theme.axis("example, worst first"),
        yaxis=theme.axis("mean squared error",
                         range=[0, theme.nice_ceiling(float(errors.max()) * 1.05)
                                if errors.size else 1]),
        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": mean, "y1": mean,
                 "line": {"color": theme.ORANGE, "width": 2, "dash": "dash"}}])
    return theme.new_figure(data, layout)
