"""``live=True`` figures: while training, only pictures and shapes change between refreshes.

The live board (ui/live_board.py) swaps only ``layout.images`` and ``layout.shapes`` when a
figure's traces and the rest of its layout are unchanged, which is what these figures
promise. The pictures must show what the non-live figures show.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from plotly.colors import sample_colorscale

from playground.viz import decision_boundary_figure, network_figure
from tests.viz import samples
from tests.viz.png_decode import decode_data_uri


@pytest.fixture
def rng():
    return np.random.default_rng(11)


def _parts(fig) -> tuple[str, str]:
    """(traces JSON, layout JSON without images and shapes): what must not change."""
    spec = json.loads(fig.to_json())
    layout = {k: v for k, v in spec["layout"].items() if k not in ("images", "shapes")}
    return json.dumps(spec["data"]), json.dumps(layout, sort_keys=True)


def _plotly_colours(scale, values: np.ndarray) -> np.ndarray:
    """Colours plotly.py's own colorscale sampling gives for values in [0, 1]."""
    rgb = sample_colorscale([list(stop) for stop in scale], values.ravel().tolist(),
                            colortype="tuple")
    return np.rint(np.asarray(rgb) * 255).reshape(values.shape + (3,))


def test_live_boundary_is_the_heatmap_as_a_picture_under_unchanging_points(rng):
    layers = samples.dense_layers([2, 4, 1], rng)
    splits = {"train": samples.class_split("train", 60, 2, rng)}
    grid = samples.grid_for(layers, 20)
    still = decision_boundary_figure(grid, splits, ["no", "yes"])
    live = decision_boundary_figure(grid, splits, ["no", "yes"], live=True)
    heat = [t for t in still.data if t.type == "heatmap"][0]
    assert not [t for t in live.data if t.type == "heatmap"]
    assert len(live.layout.images) == 1
    image = live.layout.images[0]
    pixels = decode_data_uri(image.source)[..., :3]
    assert pixels.shape[:2] == grid.output.shape            # one pixel per cell (smooth)
    expected = _plotly_colours(heat.colorscale, np.asarray(grid.output)[::-1])  # top row first
    assert np.abs(pixels.astype(int) - expected).max() <= 1
    assert image.opacity == heat.opacity and image.layer == "below"
    # the picture covers the cells exactly as the heatmap did
    half = (grid.x1[1] - grid.x1[0]) / 2
    assert image.x == pytest.approx(grid.x1[0] - half)
    assert image.sizex == pytest.approx(grid.x1[-1] - grid.x1[0] + 2 * half)
    assert image.y == pytest.approx(grid.x2[-1] + half)
    # points keep their places and colours but do not name the (changing) prediction
    live_points = [t for t in live.data if t.type == "scatter"]
    still_points = [t for t in still.data if t.type == "scatter"]
    for a, b in zip(live_points, still_points):
        np.testing.assert_array_equal(a.x, b.x)
        assert a.marker.color == b.marker.color
        assert a.text is None and "predicted" not in a.hovertemplate
        assert "predicted" in b.hovertemplate


def test_between_refreshes_only_the_live_pictures_change(rng):
    layers = samples.dense_layers([2, 4, 1], rng)
    later = samples.dense_layers([2, 4, 1], rng)             # other weights: other outputs
    splits = {"train": samples.class_split("train", 40, 2, rng),
              "test": samples.class_split("test", 10, 2, rng)}
    first, second = (decision_boundary_figure(samples.grid_for(ls, 20), splits, ["a", "b"],
                                              show_test=True, live=True)
                     for ls in (layers, later))
    assert _parts(first) == _parts(second)
    assert first.layout.images[0].source != second.layout.images[0].source
    net1, net2 = (network_figure(ls, samples.grid_for(ls, 20), ["x1", "x2"], live=True)
                  for ls in (layers, later))
    assert _parts(net1) == _parts(net2)
    assert [i.source for i in net1.layout.images] != [i.source for i in net2.layout.images]
    assert [s.path for s in net1.layout.shapes] != [s.path for s in net2.layout.shapes]
    # not live: the hover values change, so the traces do too
    still1, still2 = (network_figure(ls, samples.grid_for(ls, 20), ["x1", "x2"])
                      for ls in (layers, later))
    assert _parts(still1)[0] != _parts(still2)[0]


def test_live_network_hover_names_without_values(rng):
    layers = samples.dense_layers([2, 3, 1], rng)
    live = network_figure(layers, samples.grid_for(layers, 10), ["x1", "x2"], live=True)
    still = network_figure(layers, samples.grid_for(layers, 10), ["x1", "x2"])
    by_name = {t.name: t for t in live.data if t.name}
    assert by_name["weights"].customdata is None
    assert "weight:" not in by_name["weights"].hovertemplate
    assert not any("bias" in text for text in by_name["neurons"].text)
    still_names = {t.name: t for t in still.data if t.name}
    assert "weight:" in still_names["weights"].hovertemplate
    assert any("bias" in text for text in still_names["neurons"].text)


def test_live_discrete_and_multiclass_regions_stay_sharp(rng):
    layers = samples.dense_layers([2, 5, 3], rng, output_activation="softmax")
    grid = samples.grid_for(layers, 12)
    splits = {"train": samples.class_split("train", 30, 3, rng)}
    live = decision_boundary_figure(grid, splits, ["a", "b", "c"], live=True)
    pixels = decode_data_uri(live.layout.images[0].source)
    assert pixels.shape[:2] == (48, 48)                     # each cell 4 x 4 pixels
    # a cell is one flat colour: its 4 x 4 block has a single value
    block = pixels[:4, :4, :3].reshape(-1, 3)
    assert (block == block[0]).all()
