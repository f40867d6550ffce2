"""TensorFlow Playground's network diagram: node heatmaps joined by weighted edges.

Everything sits in ONE pair of axes in diagram units: column c of nodes is centred at
x = c * pitch (COLUMN_PITCH, closer for deep nets), node i of a column at
y = (shown - 1) / 2 * ROW_PITCH - i * ROW_PITCH, and every node is a NODE x NODE square.
Column headers are annotations just above the plot area (paper coordinates), so they
never run into the nodes whatever the chart's size; deep nets get short headers (the
unit count, the shared activation once in the title) so that neighbours never overlap. A node is a small PNG in ``layout.images`` (its
neuron's output over the input plane or, without a grid, one pixel coloured by its bias):
the browser redraws images far more cheaply than one heatmap trace per node. The node
outlines are one path shape; one trace of invisible markers gives each node its hover.
Edges are grouped into a few path shapes by sign and |weight| bucket (one SVG element
each, where a line trace with gaps makes one per edge), with one invisible marker per
edge midpoint for hover.
"""
from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly, plain_plotly_list
from playground.snapshot import GridView, LayerView, SampleView
from playground.viz import png, theme

NODE = 1.0                # side of a node square, diagram units
ROW_PITCH = 1.25          # vertical distance between node centres
COLUMN_PITCH = 3.2        # horizontal distance between column centres (up to 5 columns)
MIN_COLUMN_PITCH = 2.2    # ... shrinking to this for 10 columns (8 hidden layers)
MAX_NODES = 10            # larger layers show their first MAX_NODES units and "+N more"
SHORT_HEADERS_FROM = 7    # columns; from this many on the headers give the unit count only
HEADER_SIZE = 13          # px, column headers
TILE_RESOLUTION = 20      # node heatmaps are subsampled to at most this many cells a side
# |weight| bucket edges -> line widths (px) and how far the colour fades to grey
WEIGHT_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0)
EDGE_WIDTHS = (0.6, 1.2, 2.0, 3.0, 4.5, 6.0)
EDGE_FADES = (0.65, 0.35, 0.1, 0.0, 0.0, 0.0)
THIN_ABOVE = 8            # columns taller than this get proportionally thinner edges
PX_PER_UNIT = 32          # figure height per diagram unit of height (px)
SQUASHING = ("sigmoid", "softmax")   # activations with outputs in [0, 1]
LINK_COLOUR = "#C8C8C8"   # connections without one weight per edge (conv, recurrent)
OUTLINE_COLOUR = "#9A9A9A"  # thin square around every node
NODE_HOVER_PX = 24        # invisible hover marker over each node (px)


class _Column:
    """One column of nodes: what it is called and what its nodes show."""

    def __init__(self, index: int, label: str, units: int, layer: LayerView | None,
                 short: str = ""):
        self.index = index                     # position from the left, 0 = inputs
        self.label = label                     # header text
        self.short = short or label            # header text when space is short
        self.units = units                     # all units of the layer
        self.shown = min(units, MAX_NODES)     # units drawn
        self.layer = layer                     # None for the input column
        self.x = index * COLUMN_PITCH          # centre of the column (see _space_out)
        self.y = (self.shown - 1) / 2 * ROW_PITCH - np.arange(self.shown) * ROW_PITCH
        self.names: list[str] = []             # input column only: one name per input,
                                               # as Plotly text (drawn as written)
        self.widest_name = 0                   # characters in the longest shown name


def _kernel(layer: LayerView) -> np.ndarray | None:
    kernel = (layer.weights or {}).get("kernel")
    return None if kernel is None else np.asarray(kernel)


UNIT_WORDS = MappingProxyType({"Conv2D": "filters", "SimpleRNN": "units", "LSTM": "units",
                               "GRU": "units"})


def _columns(layers: list[LayerView], feature_names: list[str]) -> list[_Column]:
    """Input column, then one column per layer with units (Dropout etc. are skipped)."""
    drawn = [layer for layer in layers if int(layer.units or 0) > 0]
    first_kernel = _kernel(drawn[0]) if drawn else None
    if first_kernel is not None and first_kernel.ndim == 4:      # images into a Conv2D
        channels = first_kernel.shape[2]
        names = ["image"] if channels == 1 else [f"channel {k + 1}" for k in range(channels)]
        inputs = _Column(0, "Input<br>image", channels, None, "image")
    else:
        count = len(feature_names)
        if first_kernel is not None and first_kernel.ndim == 2:
            count = first_kernel.shape[0]
        names = _input_names(feature_names, count)
        inputs = _Column(0, f"Input<br>{count} feature{'s' if count != 1 else ''}",
                         count, None, "input")
    inputs.names = plain_plotly_list(names)
    inputs.widest_name = max((len(n) for n in names[:inputs.shown]), default=2)
    columns = [inputs]
    for i, layer in enumerate(drawn):
        last = i == len(drawn) - 1
        size = " ".join(w for w in (str(layer.units), UNIT_WORDS.get(layer.kind, "")) if w)
        label = (f"{'Output ' if last else ''}{plain_plotly(size)}<br>"
                 f"{plain_plotly(layer.activation or 'linear')}")
        columns.append(_Column(i + 1, label, int(layer.units), layer,
                               f"out {layer.units}" if last else str(layer.units)))
    _space_out(columns)
    return columns


def _space_out(columns: list[_Column]) -> None:
    """Columns closer together for deep nets: the chart is as wide as the page allows, so
    fewer diagram units across make bigger nodes."""
    pitch = float(np.clip(COLUMN_PITCH - 0.2 * (len(columns) - 5), MIN_COLUMN_PITCH,
                          COLUMN_PITCH))
    for column in columns:
        column.x = column.index * pitch


def shared_activation(columns: list[_Column]) -> str | None:
    """The one activation of every hidden layer, if they share it (else None)."""
    hidden = {c.layer.activation or "linear" for c in columns[1:-1]}
    return hidden.pop() if len(hidden) == 1 else None


def _input_names(feature_names: list[str], count: int) -> list[str]:
    names = list(feature_names or [])
    return [names[i] if i < len(names) else f"input {i + 1}" for i in range(count)]


def _neuron_maps(grid: GridView | None, sample: SampleView | None = None
                 ) -> dict[str, np.ndarray]:
    """Label ("input" or a layer name) -> (rows, cols, units) with row 0 at the bottom,
    subsampled for tiles: the grid's neurons over the plane, else one sample's maps."""
    if grid is not None:
        pairs = zip(grid.neuron_labels, grid.neurons)
    elif sample is not None:
        pairs = ((label, np.asarray(values)[::-1]) for label, values in sample.maps.items())
    else:
        return {}
    maps = {}
    for label, values in pairs:
        values = np.asarray(values)
        if values.ndim != 3:
            continue
        step = max(1, math.ceil(max(values.shape[:2]) / TILE_RESOLUTION))
        maps[label] = values[::step, ::step, :]
    return maps


def _tile_range(column: _Column, values: np.ndarray, is_last: bool,
                own: bool = False) -> tuple[float, float]:
    """Colour range of one node: inputs by their own size, hidden units -1..1 (own: every
    node by its own size, for one sample's feature maps, whose sizes differ widely)."""
    activation = column.layer.activation if column.layer is not None else ""
    if activation in SQUASHING:
        return (-1.0, 1.0) if own else (0.0, 1.0)   # own: a probability of 0 is neutral
    if own or column.layer is None or (is_last and activation in ("", "linear")):
        finite = values[np.isfinite(values)]
        bound = theme.nice_ceiling(float(np.abs(finite).max())) if finite.size else 1.0
        return -bound, bound
    return -1.0, 1.0


def _tile_image(left: float, top: float, values: np.ndarray, zmin: float, zmax: float,
                table: np.ndarray) -> dict:
    """A layout image filling the NODE square with top-left corner (left, top).

    values: (rows, cols) with row 0 at the bottom of the plane (as the grid is), shown on
    the colour ``table`` (png.colour_table) from zmin to zmax; the browser scales it up.
    """
    pixels = png.colour_pixels(values, zmin, zmax, table)[::-1]   # top row first
    # "above": over the edges (shapes below), which end on the node borders and would
    # otherwise paint half their width over the picture; the outlines go above it all
    return {"source": png.data_uri(pixels), "xref": "x", "yref": "y", "x": left, "y": top,
            "sizex": NODE, "sizey": NODE, "sizing": "stretch", "xanchor": "left",
            "yanchor": "top", "layer": "above"}


def _node_hover(column: _Column, unit: int, bias: np.ndarray | None, names: list[str]) -> str:
    if column.layer is None:
        return f"input: {names[unit]}"
    hover = f"{plain_plotly(column.layer.name)}, unit {unit + 1}"
    if column.layer.activation:
        hover += f"<br>activation: {plain_plotly(column.layer.activation)}"
    if bias is not None and unit < bias.size:
        hover += f"<br>bias: {bias[unit]:.3f}"
    return hover


def _nodes(columns: list[_Column], maps: dict[str, np.ndarray], with_values: bool = True,
           own_ranges: bool = False) -> tuple[list[dict], dict]:
    """One layout image per node (its neuron's output over the plane, or without a grid
    one cell coloured by its bias) and one trace of invisible markers for the hover
    (with_values: with each neuron's bias)."""
    images, hover_x, hover_y, hover_text = [], [], [], []
    names = columns[0].names
    table = png.colour_table(theme.DIVERGING)
    for column in columns:
        label = "input" if column.layer is None else column.layer.name
        values = maps.get(label)
        if values is not None and values.shape[2] < column.shown:
            values = None                      # grid does not match the layer: no maps
        bias = None
        if column.layer is not None:
            b = (column.layer.weights or {}).get("bias")
            bias = None if b is None else np.asarray(b, dtype=np.float64).ravel()
        for unit in range(column.shown):
            cx, cy = column.x, float(column.y[unit])
            if values is not None:
                z = values[:, :, unit]
                zmin, zmax = _tile_range(column, z, column is columns[-1], own_ranges)
            else:                               # no plane: one cell coloured by the bias
                value = bias[unit] if bias is not None and unit < bias.size else 0.0
                z, zmin, zmax = np.array([[value]], dtype=np.float64), -1.0, 1.0
            images.append(_tile_image(cx - NODE / 2, cy + NODE / 2, z, zmin, zmax, table))
            hover_x.append(cx)
            hover_y.append(cy)
            hover_text.append(_node_hover(column, unit, bias if with_values else None, names))
    hover = {"type": "scatter", "mode": "markers", "x": hover_x, "y": hover_y,
             "text": hover_text, "name": "neurons", "showlegend": False,
             "marker": {"size": NODE_HOVER_PX, "symbol": "square", "opacity": 0},
             "hovertemplate": "%{text}<extra></extra>"}
    return images, hover


def _segments_path(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray) -> str:
    """m straight segments (x0, y0) -> (x1, y1), arrays of length m -> one SVG path."""
    return "".join(f"M{a:.4f},{b:.4f}L{c:.4f},{d:.4f}" for a, b, c, d in
                   zip(x0.tolist(), y0.tolist(), x1.tolist(), y1.tolist()))


def _line_shape(path: str, colour: str, width: float, name: str) -> dict:
    """Lines drawn as one layout shape: one SVG element, nothing for plotly to compute."""
    return {"type": "path", "path": path, "xref": "x", "yref": "y", "layer": "below",
            "line": {"color": colour, "width": width}, "name": name}


def _outline_shape(columns: list[_Column]) -> dict:
    """Thin grey squares around every node, as ONE path shape (one SVG element)."""
    h = NODE / 2
    squares = [f"M{x - h:.4f},{y + h:.4f}H{x + h:.4f}V{y - h:.4f}H{x - h:.4f}Z"
               for c in columns for x, y in zip([c.x] * c.shown, c.y.tolist())]
    return {"type": "path", "path": "".join(squares), "xref": "x", "yref": "y",
            "line": {"color": OUTLINE_COLOUR, "width": 1}, "layer": "above"}


def _edges(columns: list[_Column], with_values: bool = True
           ) -> tuple[list[dict], list[dict]]:
    """Edges as path shapes grouped by (sign, width bucket), thin ones drawn first, and
    one hover trace of invisible markers at the edge midpoints (with_values: with weights)."""
    groups: dict[tuple[bool, int], list[str]] = {}
    mid_x, mid_y, mid_w, mid_text = [], [], [], []
    names = columns[0].names
    links = []                                  # (x0, y0, x1, y1) arrays of plain links
    for source, target in zip(columns[:-1], columns[1:]):
        kernel = _kernel(target.layer)
        if kernel is None or kernel.shape != (source.units, target.units):
            # conv, recurrent or after a Flatten: connected, but not one weight per edge
            i, j = np.meshgrid(np.arange(source.shown), np.arange(target.shown),
                               indexing="ij")
            links.append((np.full(i.size, source.x + NODE / 2), source.y[i.ravel()],
                          np.full(i.size, target.x - NODE / 2), target.y[j.ravel()]))
            continue
        w = np.asarray(kernel[:source.shown, :target.shown], dtype=np.float64)
        i, j = np.meshgrid(np.arange(source.shown), np.arange(target.shown), indexing="ij")
        i, j, w = i.ravel(), j.ravel(), w.ravel()
        x0, x1 = source.x + NODE / 2, target.x - NODE / 2
        y0, y1 = source.y[i], target.y[j]
        bucket = np.digitize(np.abs(w), WEIGHT_BUCKETS)
        positive = w >= 0
        for sign in (False, True):
            for b in np.unique(bucket[positive == sign]).tolist():
                pick = (positive == sign) & (bucket == b)
                m = int(pick.sum())
                groups.setdefault((sign, b), []).append(
                    _segments_path(np.full(m, x0), y0[pick], np.full(m, x1), y1[pick]))
        mid_x.append(np.full(w.size, (x0 + x1) / 2))
        mid_y.append((y0 + y1) / 2)
        mid_w.append(w)
        src_names = (names if source.layer is None
                     else [f"{plain_plotly(source.layer.name)} unit {k + 1}"
                           for k in range(source.shown)])
        target_name = plain_plotly(target.layer.name)
        mid_text += [f"{src_names[a]} → {target_name} unit {c + 1}"
                     for a, c in zip(i.tolist(), j.tolist())]
    shapes, traces = [], []
    if links:
        path = _segments_path(*(np.concatenate([link[k] for link in links]) for k in range(4)))
        shapes.append(_line_shape(path, LINK_COLOUR, 0.6, "connections"))
    # many edges between tall columns would merge into a solid block at full width
    tallest = max(c.shown for c in columns)
    width_scale = min(1.0, THIN_ABOVE / tallest)
    for (sign, b), parts in sorted(groups.items(), key=lambda item: item[0][::-1]):
        colour = theme.mix(theme.BLUE if sign else theme.ORANGE, theme.NEUTRAL, EDGE_FADES[b])
        shapes.append(_line_shape(
            "".join(parts), colour, EDGE_WIDTHS[b] * width_scale,
            f"{'positive' if sign else 'negative'} weights, bucket {b}"))
    if mid_x:
        hover = {"type": "scatter", "mode": "markers", "x": np.concatenate(mid_x),
                 "y": np.concatenate(mid_y), "text": np.asarray(mid_text),
                 "showlegend": False, "name": "weights", "marker": {"size": 12, "opacity": 0},
                 "hovertemplate": "%{text}<extra></extra>"}
        if with_values:
            hover["customdata"] = np.concatenate(mid_w)
            hover["hovertemplate"] = "%{text}<br>weight: %{customdata:.3f}<extra></extra>"
        traces.append(hover)
    return shapes, traces


def _headers(columns: list[_Column]) -> list[dict]:
    """One annotation per column just above the plot area: full headers ("8 filters" over
    "relu") for a few columns, the unit count only for many (see SHORT_HEADERS_FROM)."""
    short = len(columns) >= SHORT_HEADERS_FROM
    return [{"text": c.short if short else c.label, "x": c.x, "xref": "x", "y": 1.0,
             "yref": "paper", "yanchor": "bottom", "xanchor": "center", "showarrow": False,
             "font": {"size": HEADER_SIZE, "color": theme.INK}} for c in columns]


def _label_traces(columns: list[_Column]) -> list[dict]:
    """Input feature names and "+N more" notes (units not drawn; "+N" when several
    columns have one, the title then says so) as text traces."""
    first = columns[0]
    short = len(columns) >= SHORT_HEADERS_FROM
    inputs = {"type": "scatter", "mode": "text",
              "x": np.full(first.shown, first.x - NODE / 2 - 0.15), "y": first.y,
              "text": first.names[:first.shown], "cliponaxis": False,
              "textposition": "middle left", "hoverinfo": "skip", "showlegend": False,
              "textfont": {"size": theme.FONT_SIZE, "color": theme.INK}}
    traces = [inputs]
    more = [c for c in columns if c.units > c.shown]
    if more:
        traces.append({"type": "scatter", "mode": "text", "x": [c.x for c in more],
                       "y": [float(c.y[-1]) - NODE / 2 - 0.2 for c in more],
                       "text": [f"+{c.units - c.shown}" if short or len(more) > 1 else
                                f"+{c.units - c.shown} more" for c in more],
                       "textposition": "bottom center", "hoverinfo": "skip",
                       "showlegend": False, "cliponaxis": False,
                       "textfont": {"size": HEADER_SIZE, "color": "#555555"}})
    return traces


def _title(columns: list[_Column], grid: GridView | None, sample: SampleView | None
           ) -> tuple[str, str]:
    """(title, subtitle): "Network" and with short headers the shared activation (which
    the headers then leave out); under it, smaller, what the nodes show when it is one
    example and how many units are drawn (one line would run past a narrow chart's edge,
    e.g. at 125 % browser zoom)."""
    title = "Network"
    activation = shared_activation(columns) if len(columns) >= SHORT_HEADERS_FROM else None
    if activation:
        title += f": {len(columns) - 2} hidden layers, {activation}"
    details = []
    if grid is None and sample is not None:
        details.append(sample.name)
    if sum(c.units > c.shown for c in columns) > 1:      # the nodes say only "+N"
        details.append(f"{MAX_NODES} units of each layer drawn")
    return title, "; ".join(details)


def network_figure(layers: list[LayerView], grid: GridView | None,
                   feature_names: list[str], live: bool = False,
                   sample: SampleView | None = None) -> go.Figure:
    """The network as columns of nodes joined by weighted edges.

    layers: the model's layers in order; those with units > 0 become columns, and a
            2-D "kernel" (inputs, units) becomes edges (orange negative, blue positive,
            wider for larger |weight|).
    grid: 2-D point data only: grid.neurons[k] (res, res, units) for grid.neuron_labels[k]
          ("input" or a layer name) is drawn inside each node. None: nodes are plain
          squares coloured by their bias.
    feature_names: names of the input features, one per input node.
    sample: without a grid (images, sequences): one example through the network; each
            node shows what its unit makes of it (feature maps, state over time, value).
    live: for a diagram redrawn several times a second while training: hovering names the
          edges and neurons without their changing weights and biases, so the traces stay
          the same and the browser only swaps node pictures and edge shapes.
    """
    if not isinstance(layers, (list, tuple)):
        raise TypeError("network_figure needs a list of LayerView (snapshot.layers), "
                        f"got {type(layers).__name__}.")
    columns = _columns(list(layers), list(feature_names or []))
    maps = _neuron_maps(grid, sample)
    tallest = max(c.shown for c in columns)
    half_height = max((tallest - 1) / 2 * ROW_PITCH + NODE / 2, 1.5)
    top = half_height + 0.2
    has_more = any(c.units > c.shown for c in columns)
    bottom = -half_height - (1.0 if has_more else 0.2)
    label_room = 0.5 + 0.3 * columns[0].widest_name
    images, node_hover = _nodes(columns, maps, with_values=not live,
                                own_ranges=grid is None)
    edge_shapes, data = _edges(columns, with_values=not live)
    data.append(node_hover)
    data += _label_traces(columns)
    x_range = [-NODE / 2 - label_room, columns[-1].x + NODE / 2 + 0.8]   # room for headers
    y_range = [bottom, top]
    height = int(np.clip(90 + PX_PER_UNIT * (y_range[1] - y_range[0]), 300, 760))
    title, subtitle = _title(columns, grid, sample)
    layout = theme.base_layout(
        title, revision="network", height=height,
        xaxis=theme.hidden_axis(range=x_range, constrain="domain"),
        yaxis=theme.hidden_axis(range=y_range, scaleanchor="x", scaleratio=1,
                                constrain="domain", constraintoward="top"),
        showlegend=False, hovermode="closest",
    )
    short = len(columns) >= SHORT_HEADERS_FROM
    layout["margin"] = {"l": 10, "r": 10, "b": 6,
                        "t": (58 if short else 78) + (theme.SUBTITLE_PX if subtitle else 0)}
    if subtitle:
        layout["title"]["subtitle"] = theme.subtitle(subtitle)
    layout["annotations"] = _headers(columns)
    layout["images"] = images
    layout["shapes"] = edge_shapes + [_outline_shape(columns)]
    if len(columns) == 1:
        layout["annotations"] = [theme.message_annotation("Add a layer to see the network")]
    return theme.new_figure(data, layout)
