"""The TensorFlow-Playground network diagram."""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plotly.colors import sample_colorscale

from playground.snapshot import LayerView
from playground.viz import network_figure, theme
from playground.viz.network import EDGE_WIDTHS, LINK_COLOUR, MAX_NODES, NODE, OUTLINE_COLOUR
from tests.viz import samples
from tests.viz.checks import assert_sound, traces_of
from tests.viz.png_decode import decode_data_uri

SEGMENT = re.compile(r"M([-\d.]+),([-\d.]+)L([-\d.]+),([-\d.]+)")   # one edge in a path
POSITIVE = {theme.mix(theme.BLUE, theme.NEUTRAL, f) for f in (0.0, 0.1, 0.35, 0.65)}
NEGATIVE = {theme.mix(theme.ORANGE, theme.NEUTRAL, f) for f in (0.0, 0.1, 0.35, 0.65)}


@pytest.fixture
def rng():
    return np.random.default_rng(3)


def _tiles(fig) -> list[tuple[float, float, np.ndarray]]:
    """(centre x, centre y, decoded pixels) of every node picture, in drawing order."""
    tiles = []
    for image in fig.layout.images:
        assert (image.xanchor, image.yanchor, image.sizing) == ("left", "top", "stretch")
        assert image.sizex == image.sizey == NODE
        tiles.append((round(image.x + NODE / 2, 6), round(image.y - NODE / 2, 6),
                      decode_data_uri(image.source)))
    return tiles


def _tile_centres(fig) -> list[tuple[float, float]]:
    return [(x, y) for x, y, _ in _tiles(fig)]


def _expected_pixels(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """values (rows, cols), row 0 at the bottom -> plotly's colours, top row first."""
    positions = np.clip((np.asarray(values, np.float64) - low) / (high - low), 0, 1)
    colours = sample_colorscale(theme.colorscale(theme.DIVERGING), positions.ravel().tolist())
    rgb = np.array([[float(v) for v in c[4:-1].split(",")] for c in colours])
    return rgb.reshape(*positions.shape, 3)[::-1]


def _assert_tile_shows(pixels: np.ndarray, values: np.ndarray, low: float, high: float):
    assert pixels.shape == (*np.shape(values), 3)
    assert np.abs(pixels.astype(float) - _expected_pixels(values, low, high)).max() <= 1.0


def _columns(fig) -> list[list[float]]:
    """Node y centres per column, columns left to right, nodes top to bottom."""
    by_x: dict[float, list[float]] = {}
    for x, y in _tile_centres(fig):
        by_x.setdefault(x, []).append(y)
    return [sorted(by_x[x], reverse=True) for x in sorted(by_x)]


def _edges(fig, plain_links: bool = False):
    """(column, source index, target index, colour, width) for every drawn edge segment
    (weighted edges, or with ``plain_links`` the grey links that carry no weight)."""
    columns = _columns(fig)
    xs = sorted({x for x, _ in _tile_centres(fig)})
    edges = []
    for shape in fig.layout.shapes:
        if shape.line.color == OUTLINE_COLOUR or (shape.line.color == LINK_COLOUR) != plain_links:
            continue
        for _x0, y0, x1, y1 in SEGMENT.findall(shape.path):
            x1, y0, y1 = float(x1), float(y0), float(y1)
            target_col = int(np.argmin([abs(c - x1) for c in xs]))
            i = int(np.argmin(np.abs(np.array(columns[target_col - 1]) - y0)))
            j = int(np.argmin(np.abs(np.array(columns[target_col]) - y1)))
            edges.append((target_col, i, j, shape.line.color, shape.line.width))
    assert not [t for t in traces_of(fig, "scatter") if t.mode == "lines"]   # all shapes
    return edges


def test_default_network_has_one_picture_per_neuron_showing_the_grid(rng):
    layers = samples.dense_layers([2, 8, 8, 1], rng)
    grid = samples.grid_for(layers, resolution=20)             # 20: drawn at full size
    fig = network_figure(layers, grid, ["x1", "x2"])
    assert_sound(fig)
    assert traces_of(fig, "heatmap") == []                      # pictures, not traces
    tiles = _tiles(fig)
    assert len(tiles) == 2 + 8 + 8 + 1
    assert [len(c) for c in _columns(fig)] == [2, 8, 8, 1]
    # tiles come column by column, top to bottom, in unit order; hidden units -1..1,
    # inputs on their own symmetric range (|x| <= 6, rounded up to 10), the sigmoid 0..1
    ranges = [(-10.0, 10.0)] * 2 + [(-1.0, 1.0)] * 16 + [(0.0, 1.0)]
    flat = [grid.neurons[k][:, :, u] for k in range(4) for u in range(grid.neurons[k].shape[2])]
    for (_, _, pixels), expected, (low, high) in zip(tiles, flat, ranges):
        _assert_tile_shows(pixels, expected, low, high)
    hover = [t for t in fig.data if t.name == "neurons"][0]
    np.testing.assert_allclose(np.column_stack([hover.x, hover.y]),
                               [(x, y) for x, y, _ in tiles], atol=1e-6)
    assert hover.marker.opacity == 0
    assert hover.text[0] == "input: x1"
    assert "dense_1, unit 3" in hover.text[2 + 2]
    bias = layers[0].weights["bias"][2]
    assert f"bias: {bias:.3f}" in hover.text[2 + 2]
    outline = fig.layout.shapes[-1]
    assert outline.line.color == OUTLINE_COLOUR and outline.layer == "above"
    # pictures cover the ends of the edges (plotly: below shapes, above images, above shapes)
    assert {image.layer for image in fig.layout.images} == {"above"}
    assert {shape.layer for shape in fig.layout.shapes[:-1]} == {"below"}
    assert outline.path.count("M") == outline.path.count("Z") == 19   # a square per node


def test_big_grids_are_subsampled_for_the_tiles(rng):
    layers = samples.dense_layers([2, 3, 1], rng)
    grid = samples.grid_for(layers, resolution=50)
    fig = network_figure(layers, grid, ["x1", "x2"])
    _, _, pixels = _tiles(fig)[2]                               # dense_1, unit 1
    _assert_tile_shows(pixels, grid.neurons[1][::3, ::3, 0], -1.0, 1.0)


def test_edges_coloured_by_sign_and_wider_for_bigger_weights(rng):
    layers = samples.dense_layers([2, 8, 8, 1], rng)
    fig = network_figure(layers, samples.grid_for(layers, 20), ["x1", "x2"])
    edges = _edges(fig)
    assert len(edges) == 2 * 8 + 8 * 8 + 8 * 1
    weights = []
    for column, i, j, colour, width in edges:
        w = float(layers[column - 1].weights["kernel"][i, j])
        assert colour in (POSITIVE if w >= 0 else NEGATIVE), (w, colour)
        weights.append((abs(w), width))
    weights.sort()
    widths = [width for _, width in weights]
    assert widths == sorted(widths)                            # monotone in |weight|
    assert widths[0] < widths[-1]
    # every (i, j) drawn exactly once
    assert len({e[:3] for e in edges}) == len(edges)
    hover = [t for t in fig.data if t.name == "weights"][0]
    kernels = np.concatenate([layer.weights["kernel"].ravel() for layer in layers])
    np.testing.assert_allclose(sorted(hover.customdata), sorted(kernels.astype(float)))


def test_widths_use_a_fixed_scale_not_the_current_largest_weight():
    small = [LayerView("dense_1", "Dense", 1, "sigmoid",
                       {"kernel": np.array([[0.05], [-0.05]], np.float32),
                        "bias": np.zeros(1, np.float32)})]
    fig = network_figure(small, None, ["x1", "x2"])
    widths = {e[4] for e in _edges(fig)}
    assert widths == {EDGE_WIDTHS[0]}                          # tiny weights stay thin


def test_no_hidden_layers(rng):
    layers = samples.dense_layers([2, 1], rng)
    fig = network_figure(layers, samples.grid_for(layers, 20), ["x1", "x2"])
    assert_sound(fig)
    assert [len(c) for c in _columns(fig)] == [2, 1]
    assert len(_edges(fig)) == 2


def _headers(fig) -> list[str]:
    """The column headers, left to right."""
    return [a.text for a in sorted(fig.layout.annotations, key=lambda a: a.x)
            if a.yref == "paper" and a.yanchor == "bottom"]


def test_big_layers_are_capped_with_a_note(rng):
    layers = samples.dense_layers([2, 40, 3], rng, output_activation="softmax")
    grid = samples.grid_for(layers, 20)
    fig = network_figure(layers, grid, ["x1", "x2"])
    assert_sound(fig)
    assert [len(c) for c in _columns(fig)] == [2, MAX_NODES, 3]
    texts = [s for t in traces_of(fig, "scatter") if t.mode == "text" for s in t.text]
    assert f"+{40 - MAX_NODES} more" in texts     # one column with more: in words
    assert len(_edges(fig)) == 2 * MAX_NODES + MAX_NODES * 3


def test_without_a_grid_nodes_are_plain_squares_coloured_by_bias(rng):
    layers = samples.dense_layers([4, 5, 3], rng, output_activation="softmax")
    fig = network_figure(layers, None, ["a", "b", "c", "d"])
    assert_sound(fig)
    tiles = _tiles(fig)
    assert len(tiles) == 4 + 5 + 3
    assert all(pixels.shape == (1, 1, 3) for _, _, pixels in tiles)
    for (_, _, pixels), bias in zip(tiles[4:9], layers[0].weights["bias"]):
        _assert_tile_shows(pixels, np.array([[bias]]), -1.0, 1.0)
    labels = [t for t in traces_of(fig, "scatter") if t.mode == "text"][0]
    assert list(labels.text) == ["a", "b", "c", "d"]


def test_layers_without_units_or_dense_kernels_do_not_break_the_diagram(rng):
    dense = samples.dense_layers([3, 4, 2], rng)
    layers = [dense[0],
              LayerView("dropout_1", "Dropout", 0, "", {}),
              dense[1],
              LayerView("conv", "Conv2D", 2, "relu",
                        {"kernel": np.ones((3, 3, 1, 2), np.float32)})]
    fig = network_figure(layers, None, ["a", "b", "c"])
    assert_sound(fig)
    assert [len(c) for c in _columns(fig)] == [3, 4, 2, 2]
    assert len(_edges(fig)) == 3 * 4 + 4 * 2                    # no weighted edges into the conv
    links = _edges(fig, plain_links=True)                       # but grey links, all to all
    assert sorted((e[1], e[2]) for e in links) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert _headers(fig)[3] == "Output 2 filters<br>relu"


def test_images_into_a_conv_layer_show_one_image_input(rng):
    layers = [LayerView("conv2d_1", "Conv2D", 4, "relu",
                        {"kernel": rng.normal(size=(3, 3, 1, 4)), "bias": np.zeros(4)}),
              LayerView("flatten", "Flatten", 0, "", {}),
              LayerView("dense_1", "Dense", 3, "softmax",
                        {"kernel": rng.normal(size=(64, 3)), "bias": np.zeros(3)})]
    fig = network_figure(layers, None, ["pixel"])
    assert_sound(fig)
    assert [len(c) for c in _columns(fig)] == [1, 4, 3]
    labels = [t for t in traces_of(fig, "scatter") if t.mode == "text"]
    assert list(labels[0].text) == ["image"] and _headers(fig)[0] == "Input<br>image"
    assert _edges(fig) == []                                    # no kernel matches a link
    assert len(_edges(fig, plain_links=True)) == 1 * 4 + 4 * 3


def test_empty_network_and_bad_input():
    fig = network_figure([], None, ["x1", "x2"])
    assert_sound(fig)
    assert "Add a layer" in fig.layout.annotations[0].text.replace("<br>", " ")
    with pytest.raises(TypeError, match="list of LayerView"):
        network_figure("dense", None, [])


def test_layout_is_the_same_when_only_weights_change(rng):
    layers = samples.dense_layers([2, 8, 8, 1], rng)
    other = samples.dense_layers([2, 8, 8, 1], np.random.default_rng(99))
    first = network_figure(layers, samples.grid_for(layers, 20), ["x1", "x2"])
    second = network_figure(other, samples.grid_for(other, 20), ["x1", "x2"])
    assert first.layout.images != second.layout.images         # the pictures change
    assert first.layout.shapes[:-1] != second.layout.shapes[:-1]   # and the edges
    assert first.layout.shapes[-1] == second.layout.shapes[-1]      # not the outlines
    for fig in (first, second):
        fig.layout.images, fig.layout.shapes = (), ()
    assert first.layout == second.layout                        # nor anything else
    assert _tile_centres(first) == _tile_centres(second)


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(1, 40), min_size=2, max_size=5),
       with_grid=st.booleans(), seed=st.integers(0, 2**16))
def test_any_dense_network_draws_with_capped_columns(sizes, with_grid, seed):
    rng = np.random.default_rng(seed)
    sizes = [2] + sizes if with_grid else sizes
    layers = samples.dense_layers(sizes, rng)
    grid = samples.grid_for(layers, 12) if with_grid else None
    fig = network_figure(layers, grid, [f"f{k}" for k in range(sizes[0])])
    assert_sound(fig)
    shown = [min(n, MAX_NODES) for n in sizes]
    assert [len(c) for c in _columns(fig)] == shown
    assert len(_edges(fig)) == sum(a * b for a, b in zip(shown[:-1], shown[1:]))


def test_tall_columns_get_thinner_edges_on_the_same_fixed_scale():
    from playground.snapshot import LayerView
    from playground.viz.network import THIN_ABOVE

    def widest(units):
        kernel = np.full((2, units), 5.0)                   # every weight in the top bucket
        layers = [LayerView("dense_1", "Dense", units, "tanh",
                            {"kernel": kernel, "bias": np.zeros(units)})]
        return max(e[4] for e in _edges(network_figure(layers, None, ["x1", "x2"])))

    assert widest(4) == widest(THIN_ABOVE) == EDGE_WIDTHS[-1]
    assert widest(2 * MAX_NODES) == pytest.approx(EDGE_WIDTHS[-1] * THIN_ABOVE / MAX_NODES)
