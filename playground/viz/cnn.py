"""Inside a CNN: the learned filters, one example's feature maps, one pixel's arithmetic."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly
from playground.snapshot import ConvPixel, LayerView, SampleView
from playground.viz import theme

MAX_MAPS = 16             # feature maps shown per layer (the rest are counted in the label)
MAX_CHANNELS = 3          # input channels shown per filter of a deeper conv layer
CHART_PX = 600            # the width a detail chart has at 1280x720 (sets the height)
LABEL_W = 0.25            # share of the width kept for the row labels on the left


def grid_to_z(grid: np.ndarray) -> list:
    """A float mosaic with NaN gaps -> nested lists with None there (plotly draws a gap)."""
    rows = grid.tolist()
    return [[None if v != v else v for v in row] for row in rows]


def tile_rows(rows: list[list[np.ndarray]], tile: int, gap: int = 1,
              fill: float = np.nan) -> np.ndarray:
    """Rows of (tile, tile) arrays -> one (rows*(tile+gap)-gap, cols*(tile+gap)-gap) mosaic,
    ``fill`` between tiles and after short rows (NaN: a gap, see grid_to_z; 0 on a grey
    scale: white, and the mosaic stays a fast float array). Row 0 of a tile is at the top."""
    cols = max((len(r) for r in rows), default=1)
    step = tile + gap
    grid = np.full((len(rows) * step - gap, max(1, cols * step - gap)), fill)
    for r, tiles in enumerate(rows):
        for c, values in enumerate(tiles):
            grid[r * step:r * step + tile, c * step:c * step + tile] = values
    return grid


def _upscaled(values: np.ndarray, tile: int, fill: float = np.nan) -> np.ndarray:
    """A (h, w) map enlarged by whole-pixel repeats to at most (tile, tile), centred in a
    ``fill`` (tile, tile) square so that small maps stay blocky and aligned."""
    h, w = values.shape
    k = max(1, tile // max(h, w))
    big = np.kron(values, np.ones((k, k)))
    out = np.full((tile, tile), fill)
    top, left = (tile - big.shape[0]) // 2, (tile - big.shape[1]) // 2
    out[top:top + big.shape[0], left:left + big.shape[1]] = big
    return out


def _mosaic_layout(title: str, revision: str, grid: np.ndarray, n_rows: int,
                   labels: list[str]) -> dict:
    """Square pixels, row labels on the left of each row of tiles (paper coordinates)."""
    cell_px = CHART_PX * (1 - LABEL_W) / grid.shape[1]
    height_px = int(np.clip(grid.shape[0] * cell_px + 70, 220, 560))
    layout = theme.base_layout(title, revision=revision, height=height_px, showlegend=False,
                               xaxis=theme.hidden_axis(range=[-0.5, grid.shape[1] - 0.5],
                                                       domain=[LABEL_W, 1.0],
                                                       constrain="domain"),
                               yaxis=theme.hidden_axis(range=[grid.shape[0] - 0.5, -0.5],
                                                       scaleanchor="x", scaleratio=1,
                                                       constrain="domain"),
                               hovermode="closest")
    layout["margin"] = {"l": 10, "r": 10, "t": 50, "b": 10}
    step = grid.shape[0] / max(n_rows, 1)
    layout["annotations"] = [
        {"text": plain_plotly(text), "x": LABEL_W - 0.01, "y": (r + 0.5) * step - 0.5,
         "xref": "paper", "yref": "y", "xanchor": "right", "yanchor": "middle",
         "showarrow": False, "font": {"size": theme.SMALL_SIZE + 1}}
        for r, text in enumerate(labels)]
    return layout


def conv_filters_figure(layers: list[LayerView]) -> go.Figure:
    """Every Conv2D layer's filters as small images, one row per input channel (at most
    MAX_CHANNELS channels and 2*MAX_MAPS filters per layer).

    layers: snapshot.layers; a kernel is (kh, kw, in_channels, filters). Filter f's slice
    for input channel c is drawn at row c, column f of its layer's block. Colours: orange
    negative, blue positive, each layer scaled by its largest |weight|, so a first-layer
    edge detector shows as an orange side next to a blue side.
    """
    rows, labels = [], []
    convs = [layer for layer in layers if layer.kind == "Conv2D" and "kernel" in layer.weights]
    size = max((layer.weights["kernel"].shape[0] for layer in convs), default=3)
    for layer in convs:
        kernel = np.asarray(layer.weights["kernel"], dtype=np.float64)
        bound = float(np.abs(kernel).max()) or 1.0
        channels = min(kernel.shape[2], MAX_CHANNELS)
        for c in range(channels):
            tiles = [_upscaled(kernel[:, :, c, f] / bound, size)
                     for f in range(min(kernel.shape[3], 2 * MAX_MAPS))]
            rows.append(tiles)
            of = f" of {kernel.shape[2]}" if c == channels - 1 and \
                kernel.shape[2] > channels else ""
            labels.append(f"{layer.name} in {c + 1}" if c == 0 else f"in {c + 1}{of}")
    if not rows:
        layout = theme.base_layout("Filters", revision="filters", height=260,
                                   xaxis=theme.hidden_axis(), yaxis=theme.hidden_axis())
        layout["annotations"] = [theme.message_annotation("The network has no conv layers")]
        return theme.new_figure([], layout)
    grid = tile_rows(rows, size)
    data = [{"type": "heatmap", "z": grid_to_z(grid), "zmin": -1, "zmax": 1,
             "colorscale": theme.colorscale(theme.DIVERGING), "showscale": False,
             "hoverongaps": False, "name": "",
             "hovertemplate": "weight / largest |weight| of the layer: %{z:.2f}"
                              "<extra></extra>"}]
    first = convs[0].weights["kernel"].shape
    title = (f"Learned filters ({first[0]}×{first[1]}; blue +, orange −): "
             f"{', '.join(f'{layer.name} {layer.units}' for layer in convs)}")
    return theme.new_figure(data, _mosaic_layout(title, "filters", grid, len(rows), labels))


def feature_maps_figure(sample: SampleView | None, layers: list[LayerView]) -> go.Figure:
    """One example's input and its feature maps after each Conv2D and MaxPool2D layer.

    sample.maps: "input" (h, w, channels) and per layer name (h', w', units); one row per
    layer, up to MAX_MAPS maps. Dark is high; each row is scaled by its own largest value
    (a ReLU map is 0 where the filter found nothing). Smaller maps are enlarged by whole
    pixels so every tile has the input's size.
    """
    names = ["input"] + [layer.name for layer in layers
                         if layer.kind in ("Conv2D", "MaxPool2D")]
    shown = [(name, np.asarray(sample.maps[name], dtype=np.float64))
             for name in names if sample is not None and name in sample.maps]
    if not shown:
        layout = theme.base_layout("Feature maps", revision="feature_maps", height=260,
                                   xaxis=theme.hidden_axis(), yaxis=theme.hidden_axis())
        layout["annotations"] = [theme.message_annotation("No example to show")]
        return theme.new_figure([], layout)
    tile = max(max(values.shape[:2]) for _, values in shown)
    rows, labels = [], []
    for name, values in shown:
        low, high = float(values.min()), float(values.max())
        span = high - low if high > low else 1.0
        count = values.shape[2]
        rows.append([_upscaled((values[:, :, k] - low) / span, tile, fill=0.0)
                     for k in range(min(count, MAX_MAPS))])
        extra = f" (+{count - MAX_MAPS})" if count > MAX_MAPS else ""
        labels.append(f"{name} {values.shape[0]}×{values.shape[1]}{extra}")
    grid = tile_rows(rows, tile, fill=0.0)                     # 0 is white: the gaps
    data = [{"type": "heatmap", "z": grid, "zmin": 0, "zmax": 1,
             "colorscale": theme.colorscale(theme.GREYS), "showscale": False,
             "hoverongaps": False, "name": "",
             "hovertemplate": "share of the row's largest value: %{z:.2f}<extra></extra>"}]
    title = f"Feature maps of {sample.name}"
    return theme.new_figure(data, _mosaic_layout(title, "feature_maps", grid, len(rows),
                                                 labels))


def _number(value: float) -> str:
    return f"{value:.4g}"


def conv_arithmetic_figure(pixel: ConvPixel | None) -> go.Figure:
    """One output pixel of a Conv2D layer worked out: the input patch, the kernel, their
    products (each cell written out), and above them the sum, the bias and the activation.

    pixel.patch, pixel.kernel, pixel.products: (kh, kw, channels); with several input
    channels the grids show channel 1 and the sum runs over all of them (said in the text).
    The numbers are the layer's input as it sees it (scaled pixels, or the previous layer's
    maps).
    """
    if pixel is None:
        layout = theme.base_layout("Convolution arithmetic", revision="conv_math", height=300,
                                   xaxis=theme.hidden_axis(), yaxis=theme.hidden_axis())
        layout["annotations"] = [theme.message_annotation("No conv layer to show")]
        return theme.new_figure([], layout)
    channels = pixel.patch.shape[2]
    of = "" if channels == 1 else f" (channel 1 of {channels})"
    grids = ((f"input patch{of}", pixel.patch[:, :, 0]), ("× kernel", pixel.kernel[:, :, 0]),
             ("= products", pixel.products[:, :, 0]))
    data, layout_axes, annotations = [], {}, []
    width, gap = 0.3, 0.05
    for k, (name, values) in enumerate(grids):
        suffix = "" if k == 0 else str(k + 1)
        bound = float(np.abs(values).max()) or 1.0
        data.append({"type": "heatmap", "z": values, "zmin": -bound, "zmax": bound,
                     "colorscale": theme.colorscale(theme.DIVERGING), "showscale": False,
                     "texttemplate": "%{z:.3g}", "textfont": {"size": theme.FONT_SIZE},
                     "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "name": name,
                     "hovertemplate": f"{name}: %{{z:.4g}}<extra></extra>"})
        domain = [k * (width + gap), k * (width + gap) + width]
        layout_axes[f"xaxis{suffix}"] = theme.hidden_axis(domain=domain,
                                                          anchor=f"y{suffix}")
        layout_axes[f"yaxis{suffix}"] = theme.hidden_axis(
            domain=[0.0, 0.72], anchor=f"x{suffix}", autorange="reversed")
        annotations.append({"text": name, "x": sum(domain) / 2, "y": 0.73, "xref": "paper",
                            "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                            "showarrow": False, "font": {"size": theme.FONT_SIZE}})
    over = "" if channels == 1 else f" (all {channels} channels)"
    equation = (f"sum{over} {_number(pixel.total)} + bias {_number(pixel.bias)} "
                f"= z {_number(pixel.z)}  →  {pixel.activation}(z) = {_number(pixel.output)}")
    # the sum first, under the title: on a projector the chart's lower part may be cut off
    annotations.append({"text": plain_plotly(equation), "x": 0.0, "y": 0.97, "xref": "paper",
                        "yref": "paper", "xanchor": "left", "yanchor": "top",
                        "showarrow": False, "font": {"size": theme.FONT_SIZE + 1}})
    title = (f"{pixel.layer}, filter {pixel.filter + 1}: output pixel row {pixel.row + 1}, "
             f"column {pixel.col + 1}")
    layout = theme.base_layout(title, revision="conv_math", height=330, showlegend=False,
                               **layout_axes)
    layout["annotations"] = annotations
    layout["margin"] = {"l": 10, "r": 10, "t": 50, "b": 10}
    return theme.new_figure(data, layout)
