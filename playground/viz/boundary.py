"""What the model predicts over the data: the 2-D decision boundary and regression fits."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly
from playground.snapshot import CurveView, GridView, SplitView
from playground.viz import png, theme

POINT_SIZE = 8
# Train points are drawn without an outline: a per-point outline is the costliest part of
# redrawing the picture in the browser (plotly styles every point's stroke). A little
# transparency keeps overlapping points apart instead.
POINT_ALPHA = 0.85
# The model's output is shipped at grid resolution and scaled up smoothly by the browser
# ("fast"): it looks like plotly's "best" interpolation at a fraction of the cost.
SMOOTH = "fast"
REGRESSION_SPLITS = ("train", "validation", "test")

# The model's output is drawn as a pale tint (as TensorFlow Playground does), so that data
# points in their class colour stay visible on the region of the same class.
BACKGROUND_OPACITY = 0.6
# While playing, the live board paints the picture of the layout image of this name on a
# canvas under the plot (playground/ui/board/board.js, RASTER_IMAGE): a new picture then
# repaints only that canvas, not plotly's whole SVG with every point. The figure's
# backgrounds are transparent so the canvas shows through (the chart's box is white).
RASTER_IMAGE = "np-raster"
TRANSPARENT = "rgba(0,0,0,0)"


# ----- checks --------------------------------------------------------------------------
def _check_grid(grid: GridView) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if grid is None:
        raise ValueError("decision_boundary_figure needs a GridView; it only exists for "
                         "2-D point data (use regression_figure or the metrics otherwise).")
    x1 = np.asarray(grid.x1, dtype=np.float64)
    x2 = np.asarray(grid.x2, dtype=np.float64)
    output = np.asarray(grid.output)
    if output.ndim == 3 and output.shape[2] == 1:          # one output unit: (res, res)
        output = output[:, :, 0]
    if x1.ndim != 1 or x2.ndim != 1 or x1.size < 2 or x2.size < 2:
        raise ValueError("GridView.x1 and x2 must be 1-D coordinate arrays of length >= 2; "
                         f"got shapes {x1.shape} and {x2.shape}.")
    if output.shape[:2] != (x2.size, x1.size) or output.ndim not in (2, 3):
        raise ValueError(f"GridView.output must be ({x2.size}, {x1.size}) or "
                         f"({x2.size}, {x1.size}, classes) to match x2 and x1; "
                         f"got {output.shape}.")
    return x1, x2, output


def _plane_range(coords: np.ndarray) -> list[float]:
    """Axis range covering the grid cells (centres +- half a step)."""
    half = 0.5 * (coords[-1] - coords[0]) / (coords.size - 1)
    return [float(coords[0] - half), float(coords[-1] + half)]


def _feature_names(grid: GridView) -> tuple[str, str]:
    """The two axis titles (plain text: theme.axis shows them as written)."""
    names = list(grid.feature_names or [])
    return (names[0] if len(names) > 0 else "x1", names[1] if len(names) > 1 else "x2")


# ----- the background --------------------------------------------------------------------
def _binary_background(x1, x2, output, discretize: bool) -> dict:
    """output: (res, res) probability of class 1 -> one heatmap, orange 0 / blue 1."""
    z = (output >= 0.5).astype(np.float32) if discretize else output
    return {
        "type": "heatmap", "x": x1, "y": x2, "z": z, "customdata": output,
        "colorscale": theme.colorscale(theme.DIVERGING), "zmin": 0.0, "zmax": 1.0,
        "showscale": False, "name": "model", "zsmooth": False if discretize else SMOOTH,
        "opacity": BACKGROUND_OPACITY,
        "hovertemplate": "(%{x:.2f}, %{y:.2f})<br>P(class 1) = %{customdata:.2f}"
                         "<extra></extra>",
    }


def _multiclass_scale(n_classes: int) -> list[list]:
    """Colorscale with one band per class: light (unsure) -> full colour (sure)."""
    scale = []
    for k in range(n_classes):
        colour = theme.class_colour(k)
        start, end = k / n_classes, (k + 1) / n_classes
        scale.append([start, theme.mix(colour, "#FFFFFF", 0.85)])
        scale.append([end - 1e-6 if k < n_classes - 1 else end,
                      theme.mix(colour, "#FFFFFF", 0.15)])
    return scale


def _multiclass_background(x1, x2, output, class_names, discretize: bool) -> dict:
    """output: (res, res, classes) -> class regions, paler where the model is unsure.

    z encodes class k with confidence c in [0, 1] as k + c * 0.999, drawn with a
    colorscale that has one light-to-full band per class.
    """
    n_classes = output.shape[2]
    winner = output.argmax(axis=2)
    top = output.max(axis=2)
    if discretize:
        confidence = np.ones_like(top)
    else:  # 1/classes (a guess) -> 0, certainty -> 1
        confidence = np.clip((top - 1.0 / n_classes) / (1.0 - 1.0 / n_classes), 0.0, 1.0)
    z = (winner + 0.999 * confidence).astype(np.float32)
    names = np.asarray(_class_labels(class_names, n_classes), dtype=str)
    return {
        "type": "heatmap", "x": x1, "y": x2, "z": z, "zmin": 0.0, "zmax": float(n_classes),
        "colorscale": _multiclass_scale(n_classes), "showscale": False, "name": "model",
        "opacity": BACKGROUND_OPACITY,
        "text": names[winner], "customdata": top,
        "hovertemplate": "(%{x:.2f}, %{y:.2f})<br>%{text}, p = %{customdata:.2f}"
                         "<extra></extra>",
    }


def _regression_colour_range(splits: dict[str, SplitView], output) -> tuple[float, float]:
    """Fixed colour range from the targets (they never change while training)."""
    targets = [np.asarray(s.y_true, dtype=np.float64).ravel() for s in splits.values()
               if s is not None and np.size(s.y_true)]
    values = np.concatenate(targets) if targets else np.asarray(output, np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return -1.0, 1.0
    low, high = float(values.min()), float(values.max())
    if low < 0 < high:              # centre the diverging scale on zero
        bound = max(-low, high)
        return -bound, bound
    if high - low <= 0:
        return low - 1.0, high + 1.0
    return low, high


def _regression_background(x1, x2, output) -> dict:
    return {
        "type": "heatmap", "x": x1, "y": x2, "z": output, "coloraxis": "coloraxis",
        "name": "model", "zsmooth": SMOOTH, "opacity": BACKGROUND_OPACITY,
        "hovertemplate": "(%{x:.2f}, %{y:.2f})<br>prediction = %{z:.3g}<extra></extra>",
    }


# ----- the points ------------------------------------------------------------------------
def _class_labels(class_names, n_classes: int) -> list[str]:
    """One label per class as Plotly text: a class called "<b>x</b>" is drawn as written."""
    names = list(class_names or [])
    return [plain_plotly(names[k]) if k < len(names) else f"class {k}"
            for k in range(n_classes)]


def _split_xy(split: SplitView) -> np.ndarray:
    X = np.asarray(split.X) if split.X is not None else None
    if X is None or X.ndim != 2 or X.shape[1] < 2:
        raise ValueError(f"The {split.name!r} split needs X of shape (n, 2+) to be drawn on "
                         f"the plane; got {None if X is None else X.shape}.")
    return X


def _class_points(split: SplitView, names: list[str], hollow: bool,
                  in_legend: bool, predictions: bool = True) -> list[dict]:
    """One scatter trace per class (filled, or hollow for test); legend groups by class.
    predictions: name each point's predicted class on hover (changes as the model learns)."""
    X = _split_xy(split)
    y_true = np.asarray(split.y_true).astype(int).ravel()
    y_pred = np.asarray(split.y_pred).astype(int).ravel()
    split_name = plain_plotly(split.name)
    traces = []
    for k, name in enumerate(names):
        mask = y_true == k
        colour = theme.class_colour(k)
        marker = ({"symbol": "circle-open", "size": POINT_SIZE + 1, "color": colour,
                   "line": {"width": 2.5, "color": colour}} if hollow else
                  {"symbol": "circle", "size": POINT_SIZE,
                   "color": theme.rgba(colour, POINT_ALPHA)})
        trace = {
            "type": "scatter", "mode": "markers", "x": X[mask, 0], "y": X[mask, 1],
            "name": name, "legendgroup": name, "showlegend": in_legend, "marker": marker,
            "hovertemplate": f"{split_name}: {name}<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>"}
        if predictions:
            trace["text"] = np.asarray(names, dtype=str)[np.clip(y_pred[mask], 0,
                                                                 len(names) - 1)]
            trace["hovertemplate"] = (f"{split_name}: {name}<br>predicted %{{text}}<br>"
                                      "(%{x:.2f}, %{y:.2f})<extra></extra>")
        traces.append(trace)
    return traces


def _hollow_key() -> dict:
    """A legend-only entry explaining that hollow rings are test points."""
    return {"type": "scatter", "mode": "markers", "x": [None], "y": [None], "name": "test (hollow)",
            "marker": {"symbol": "circle-open", "size": POINT_SIZE + 1, "color": "#555555",
                       "line": {"width": 2.5, "color": "#555555"}}, "hoverinfo": "skip"}


def _value_points(split: SplitView, hollow: bool, predictions: bool = True) -> dict:
    """Regression targets coloured on the same scale as the background (predictions: the
    model's value for each point on hover)."""
    X = _split_xy(split)
    y_true = np.asarray(split.y_true, dtype=np.float64)
    y_true = y_true[:, 0] if y_true.ndim == 2 else y_true
    y_pred = np.asarray(split.y_pred, dtype=np.float64)
    y_pred = y_pred[:, 0] if y_pred.ndim == 2 else y_pred
    marker = {"color": y_true, "coloraxis": "coloraxis", "size": POINT_SIZE + (1 if hollow
                                                                                 else 0),
              "symbol": "circle-open" if hollow else "circle",
              "line": {"width": 2.5 if hollow else 1, "color": "#333333"}}
    split_name = plain_plotly(split.name)
    trace = {"type": "scatter", "mode": "markers", "x": X[:, 0], "y": X[:, 1],
             "name": split_name, "marker": marker,
             "hovertemplate": f"{split_name}: target %{{marker.color:.3g}}<br>"
                              "(%{x:.2f}, %{y:.2f})<extra></extra>"}
    if predictions:
        trace["customdata"] = y_pred
        trace["hovertemplate"] = (f"{split_name}: target %{{marker.color:.3g}}<br>predicted "
                                  "%{customdata:.3g}<br>(%{x:.2f}, %{y:.2f})<extra></extra>")
    return trace


def _all_class_points(shown: list[SplitView], names: list[str],
                      predictions: bool = True) -> list[dict]:
    """Train points (in the legend, one entry per class), then hollow test points."""
    traces = []
    in_legend = True
    for split in sorted(shown, key=lambda s: s.name == "test"):
        hollow = split.name == "test"
        traces += _class_points(split, names, hollow, in_legend, predictions)
        in_legend = False
        if hollow:
            traces.append(_hollow_key())
    return traces


def decision_boundary_figure(grid: GridView, splits: dict[str, SplitView],
                             class_names: list[str] | None, show_test: bool = False,
                             discretize: bool = False, live: bool = False,
                             title: str | None = None, note: str = "",
                             equal_axes: bool = True) -> go.Figure:
    """The model's output over the input plane with the data points on top.

    grid: the model on a (res, res) grid; output (res, res) = P(class 1) for binary,
          (res, res, classes) for multi-class, (res, res) values for regression
          (class_names None).
    splits: "train" (always drawn) and "test" (hollow, when ``show_test``) SplitViews
            with X (n, 2+) in original units.
    discretize: binary/multi-class only: hard class regions instead of shaded confidence.
    live: for a picture redrawn several times a second while training: the output is a
          picture in ``layout.images`` (same colours; no hover values) and the points do
          not name their predictions, so the traces stay the same from one refresh to the
          next and the browser only swaps the picture; the picture is named RASTER_IMAGE
          and the backgrounds are transparent (the live board paints it on a canvas under
          the plot, see ui/board/canvases.js).
    title: instead of "Decision boundary"; note: plain text under the plot, one line per
          "\n" (e.g. where a slice holds the other inputs).
    equal_axes: one unit is as long on both axes (points); False for columns in
          different units (a slice through a table).
    """
    x1, x2, output = _check_grid(grid)
    splits = dict(splits or {})
    shown = [s for key, s in splits.items()
             if s is not None and (key == "train" or (show_test and key == "test"))]
    data: list[dict] = []
    layout_extra: dict = {}
    if class_names is None:                                  # regression
        if output.ndim != 2:
            raise ValueError("For regression the grid output must be (res, res), one value "
                             f"per point; got {output.shape}.")
        low, high = _regression_colour_range(splits, output)
        data.append(_regression_background(x1, x2, output))
        data += [_value_points(s, hollow=s.name == "test", predictions=not live)
                 for s in shown]
        layout_extra["coloraxis"] = {
            "colorscale": theme.colorscale(theme.DIVERGING), "cmin": low, "cmax": high,
            "colorbar": {"title": {"text": "value"}, "thickness": 15, "len": 0.8}}
    elif output.ndim == 2:                                   # binary
        data.append(_binary_background(x1, x2, output, discretize))
        data += _all_class_points(shown, _class_labels(class_names, 2), not live)
    else:                                                    # multi-class
        data.append(_multiclass_background(x1, x2, output, class_names, discretize))
        data += _all_class_points(shown, _class_labels(class_names, output.shape[2]),
                                  not live)

    name1, name2 = _feature_names(grid)
    layout = theme.base_layout(
        title or ("Decision boundary" if class_names is not None else
                  "Prediction over the plane"),
        revision="boundary", height=480 + 20 * _lines(note),
        xaxis=theme.axis(name1, range=_plane_range(x1), showgrid=False, constrain="domain"),
        yaxis=theme.axis(name2, range=_plane_range(x2), showgrid=False,
                         **({"scaleanchor": "x", "scaleratio": 1, "constrain": "domain",
                             "constraintoward": "top"} if equal_axes else {})),
        **layout_extra,
    )
    entries = sum(1 for trace in data if trace.get("showlegend", True)
                  and trace["type"] == "scatter")
    layout["legend"] = theme.legend(entries)
    layout["margin"] = dict(theme.MARGIN, t=theme.LEGEND_ROW_TOP if entries <= 4 else 50)
    if note:
        layout["annotations"] = [theme.note_below(note, shift=62)]
        layout["margin"]["b"] = 80 + 20 * _lines(note)
    if live:
        layout["images"] = [_heatmap_image(data.pop(0), layout_extra.get("coloraxis"))]
        layout["paper_bgcolor"] = layout["plot_bgcolor"] = TRANSPARENT
    return theme.new_figure(data, layout)


def _lines(note: str) -> int:
    """Lines of ``note`` under the plot, as theme.note_below wraps it."""
    return len(theme.note_lines(note)) if note else 0


def _heatmap_image(trace: dict, coloraxis: dict | None) -> dict:
    """A background heatmap trace -> the same picture as a layout image: a PNG of its
    (rows, cols) z at one pixel per cell, coloured as plotly would, stretched over the
    cells' extent. Cells drawn without smoothing stay sharp (each becomes 4 x 4 pixels)."""
    colours = coloraxis or trace
    low = colours["cmin"] if coloraxis else trace["zmin"]
    high = colours["cmax"] if coloraxis else trace["zmax"]
    table = png.colour_table(colours["colorscale"])
    pixels = png.colour_pixels(trace["z"], low, high, table)[::-1]   # top row first
    if trace.get("zsmooth", False) is False:
        pixels = np.repeat(np.repeat(pixels, 4, axis=0), 4, axis=1)
    left, right = _plane_range(np.asarray(trace["x"], dtype=np.float64))
    bottom, top = _plane_range(np.asarray(trace["y"], dtype=np.float64))
    return {"source": png.data_uri(np.ascontiguousarray(pixels)), "xref": "x", "yref": "y",
            "x": left, "y": top, "sizex": right - left, "sizey": top - bottom,
            "sizing": "stretch", "xanchor": "left", "yanchor": "top", "layer": "below",
            "opacity": trace.get("opacity", 1.0), "name": RASTER_IMAGE}


# ----- regression ------------------------------------------------------------------------
def _targets(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def regression_figure(curve: CurveView | None, splits: dict[str, SplitView]) -> go.Figure:
    """A regression model against its data.

    curve given (one input): each split's points (X[:, 0], y_true) and the model's curve.
    curve None (more inputs): predicted against actual per split, with the y = x line;
    several outputs are drawn together (every output's values on the same axes).
    """
    splits = {k: s for k, s in dict(splits or {}).items() if s is not None}
    ordered = [splits[k] for k in REGRESSION_SPLITS if k in splits]
    ordered += [s for k, s in splits.items() if k not in REGRESSION_SPLITS]
    all_true = [_targets(s.y_true).ravel() for s in ordered]
    all_true = np.concatenate(all_true) if all_true else np.zeros(0)
    all_true = all_true[np.isfinite(all_true)]
    low, high = (float(all_true.min()), float(all_true.max())) if all_true.size else (0, 1)
    data: list[dict] = []
    if curve is not None:
        cx, cy = np.asarray(curve.x, np.float64), np.asarray(curve.y, np.float64)
        if cx.shape != cy.shape or cx.ndim != 1:
            raise ValueError(f"CurveView.x and y must be 1-D and the same length; got "
                             f"{cx.shape} and {cy.shape}.")
        for s in ordered:
            X = np.asarray(s.X)
            name = plain_plotly(s.name)
            data.append({
                "type": "scatter", "mode": "markers", "x": X.reshape(len(X), -1)[:, 0],
                "y": _targets(s.y_true).reshape(len(X), -1)[:, 0], "name": name,
                "marker": {"color": theme.split_colour(s.name), "size": POINT_SIZE,
                           "opacity": 0.75, "line": {"width": 1, "color": "white"}},
                "hovertemplate": f"{name}: (%{{x:.3g}}, %{{y:.3g}})<extra></extra>"})
        data.append({"type": "scatter", "mode": "lines", "x": cx,
                     "y": theme.finite_or_none(cy), "name": "model",
                     "line": {"color": theme.INK, "width": 4},
                     "hovertemplate": "model: f(%{x:.3g}) = %{y:.3g}<extra></extra>"})
        xr = [float(cx.min()), float(cx.max())] if cx.size else [0.0, 1.0]
        xaxis = theme.axis("x", range=theme.padded_range(*xr, fraction=0.02))
        yaxis = theme.axis("y", range=theme.padded_range(low, high, fraction=0.15))
        title = "Model curve and data"
    else:
        for s in ordered:
            if np.shape(s.y_true) != np.shape(s.y_pred):
                raise ValueError(f"The {s.name!r} split has y_true of shape "
                                 f"{np.shape(s.y_true)} but y_pred of shape "
                                 f"{np.shape(s.y_pred)}; they must match.")
            name = plain_plotly(s.name)
            data.append({
                "type": "scatter", "mode": "markers", "x": _targets(s.y_true).ravel(),
                "y": theme.finite_or_none(_targets(s.y_pred)), "name": name,
                "marker": {"color": theme.split_colour(s.name), "size": POINT_SIZE,
                           "opacity": 0.75, "line": {"width": 1, "color": "white"}},
                "hovertemplate": f"{name}: actual %{{x:.3g}}, predicted %{{y:.3g}}"
                                 "<extra></extra>"})
        square = theme.padded_range(low, high, fraction=0.1)
        data.append({"type": "scatter", "mode": "lines", "x": square, "y": square,
                     "name": "perfect (y = x)", "hoverinfo": "skip",
                     "line": {"color": theme.INK, "width": 2, "dash": "dash"}})
        xaxis = theme.axis("actual", range=square, constrain="domain")
        yaxis = theme.axis("predicted", range=square, scaleanchor="x", scaleratio=1,
                           constrain="domain")
        title = "Predicted vs actual"
    layout = theme.base_layout(title, revision="regression", height=450,
                               xaxis=xaxis, yaxis=yaxis)
    if not ordered:
        layout["annotations"] = [theme.message_annotation("No data to draw yet")]
    return theme.new_figure(data, layout)
