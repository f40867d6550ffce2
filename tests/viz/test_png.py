"""PNG tiles: what viz/png.py writes decodes (by an independent reader) to the pixels and
colours it was given."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plotly.colors import sample_colorscale

from playground.viz import png, theme
from tests.viz.png_decode import decode_data_uri, decode_png


@settings(max_examples=30, deadline=None)
@given(rows=st.integers(1, 25), cols=st.integers(1, 25), channels=st.sampled_from([3, 4]),
       seed=st.integers(0, 2**16))
def test_any_image_round_trips_through_an_independent_decoder(rows, cols, channels, seed):
    pixels = np.random.default_rng(seed).integers(0, 256, (rows, cols, channels), np.uint8)
    np.testing.assert_array_equal(decode_png(png.png_bytes(pixels)), pixels)
    np.testing.assert_array_equal(decode_data_uri(png.data_uri(pixels)), pixels)


def test_row_zero_is_the_top_of_the_picture():
    pixels = np.zeros((2, 1, 3), np.uint8)
    pixels[0] = (255, 0, 0)
    decoded = decode_png(png.png_bytes(pixels))
    assert tuple(decoded[0, 0]) == (255, 0, 0) and tuple(decoded[1, 0]) == (0, 0, 0)


def test_bad_pixel_arrays_are_refused():
    with pytest.raises(ValueError, match="uint8"):
        png.png_bytes(np.zeros((2, 2, 3), np.float32))
    with pytest.raises(ValueError, match="uint8"):
        png.png_bytes(np.zeros((2, 2), np.uint8))
    with pytest.raises(ValueError, match="one pixel"):
        png.png_bytes(np.zeros((0, 2, 3), np.uint8))


def _plotly_rgb(positions) -> np.ndarray:
    """plotly's own interpolation of the diverging scale at ``positions`` in [0, 1]."""
    colours = sample_colorscale(theme.colorscale(theme.DIVERGING), list(positions))
    return np.array([[float(v) for v in c[4:-1].split(",")] for c in colours])


def test_colours_match_plotlys_colorscale_interpolation():
    values = np.linspace(-2.0, 2.0, 41).reshape(1, 41)            # range -1..1, clipped
    pixels = png.colour_pixels(values, -1.0, 1.0, png.colour_table(theme.DIVERGING))
    expected = _plotly_rgb(np.clip((values[0] + 1) / 2, 0, 1))
    assert np.abs(pixels[0].astype(float) - expected).max() <= 1.0  # rounding only
    assert tuple(pixels[0, 0]) == (0xF5, 0x93, 0x22)                 # below: orange
    assert tuple(pixels[0, -1]) == (0x08, 0x77, 0xBD)                # above: blue
    assert tuple(pixels[0, 20]) == (0xE8, 0xEA, 0xEB)                # middle: neutral


def test_the_colour_table_is_plotlys_interpolation_to_within_rounding():
    table = png.colour_table(theme.DIVERGING)
    expected = _plotly_rgb(np.linspace(0, 1, len(table)))
    assert np.abs(table.astype(float) - expected).max() <= 0.5 + 1e-9
    values = np.random.default_rng(0).uniform(-1, 1, (30, 30))
    pixels = png.colour_pixels(values, -1.0, 1.0, table)
    exact = _plotly_rgb(((values + 1) / 2).ravel()).reshape(30, 30, 3)
    assert np.abs(pixels.astype(float) - exact).max() <= 1.0


def test_missing_values_and_an_empty_range_stay_drawable():
    pixels = png.colour_pixels(np.array([[np.nan, np.inf, 0.3]]), 0.3, 0.3,
                               png.colour_table(theme.DIVERGING))
    assert tuple(pixels[0, 0]) == tuple(pixels[0, 1]) == png.NAN_COLOUR
    assert tuple(pixels[0, 2]) == (0xE8, 0xEA, 0xEB)                 # no span: the middle


@settings(max_examples=20, deadline=None)
@given(rows=st.integers(1, 25), cols=st.integers(1, 25), channels=st.sampled_from([3, 4]),
       seed=st.integers(0, 2**16))
def test_the_live_board_gets_back_the_pixels_of_a_picture(rows, cols, channels, seed):
    # pixels_of reads what data_uri wrote (the canvas of the live board paints them)
    pixels = np.random.default_rng(seed).integers(0, 256, (rows, cols, channels), np.uint8)
    np.testing.assert_array_equal(png.pixels_of(png.data_uri(pixels)), pixels)


def test_only_our_own_pictures_are_read_back():
    for bad in ("", "data:image/png;base64,", "data:image/jpeg;base64,/9j/",
                "data:image/png;base64," + "iVBORw0KGgo" * 3):
        with pytest.raises(ValueError, match="pixels_of"):
            png.pixels_of(bad)
