"""Small PNG pictures as data URIs, made with NumPy and zlib (no imaging library).

The network diagram draws each neuron's output over the plane as a small picture
(``layout.images``) instead of one heatmap trace per neuron: the browser only decodes and
scales an image, while every heatmap costs plotly.js defaults, a canvas and a PNG encode
on each refresh. Colours follow plotly's colorscales: linear in RGB between the stops.
"""
from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOUR_TYPES = {3: 2, 4: 6}      # channels -> PNG colour type (2 = RGB, 6 = RGBA)
NAN_COLOUR = (232, 234, 235)     # theme.NEUTRAL: cells with no value
TABLE_LEVELS = 1024              # colours sampled per colorscale (error < 1/2 unit of 255)


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC-32 of type + data."""
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_bytes(pixels: np.ndarray) -> bytes:
    """pixels: (rows, cols, 3) RGB or (rows, cols, 4) RGBA uint8, row 0 at the top ->
    the bytes of an 8-bit PNG file (no filtering, zlib level 6)."""
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in COLOUR_TYPES:
        raise ValueError("png_bytes needs a (rows, cols, 3 or 4) uint8 array; got "
                         f"{pixels.dtype} {pixels.shape}.")
    rows, cols, channels = pixels.shape
    if rows == 0 or cols == 0:
        raise ValueError("A PNG needs at least one pixel.")
    scanlines = np.zeros((rows, 1 + cols * channels), dtype=np.uint8)  # filter byte 0
    scanlines[:, 1:] = pixels.reshape(rows, cols * channels)
    header = struct.pack(">IIBBBBB", cols, rows, 8, COLOUR_TYPES[channels], 0, 0, 0)
    return (SIGNATURE + _chunk(b"IHDR", header) +
            _chunk(b"IDAT", zlib.compress(scanlines.tobytes(), 1)) + _chunk(b"IEND", b""))


def data_uri(pixels: np.ndarray) -> str:
    """pixels as above -> "data:image/png;base64,..." for an <img> or layout.images."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(pixels)).decode("ascii")


def pixels_of(uri: str) -> np.ndarray:
    """A "data:image/png;base64,..." URI made by ``data_uri`` -> its (rows, cols, 3 or 4)
    uint8 pixels (the live board paints them on a canvas: no image decode in the browser).
    Only what ``png_bytes`` writes is read: one IDAT, 8-bit RGB/RGBA, no filtering; anything
    else is a ValueError."""
    prefix = "data:image/png;base64,"
    try:
        data = base64.b64decode(uri[len(prefix):]) if uri.startswith(prefix) else b""
        if not data.startswith(SIGNATURE):
            raise ValueError("not a PNG")
        at, chunks = len(SIGNATURE), {}
        while at + 8 <= len(data):
            length, kind = struct.unpack(">I4s", data[at:at + 8])
            chunks.setdefault(kind, data[at + 8:at + 8 + length])
            at += 12 + length
        cols, rows, depth, colour_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
        scanlines = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8)
    except (ValueError, KeyError, struct.error, zlib.error):
        raise ValueError("pixels_of reads the PNG data URIs of png.data_uri only.") from None
    channels = {v: k for k, v in COLOUR_TYPES.items()}.get(colour_type)
    if depth != 8 or channels is None or scanlines.size != rows * (1 + cols * channels):
        raise ValueError("pixels_of reads 8-bit RGB/RGBA PNGs of png.data_uri only.")
    scanlines = scanlines.reshape(rows, 1 + cols * channels)
    if scanlines[:, 0].any():
        raise ValueError("pixels_of reads unfiltered PNGs (png.data_uri) only.")
    return scanlines[:, 1:].reshape(rows, cols, channels)


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def colour_table(stops, levels: int = TABLE_LEVELS) -> np.ndarray:
    """The colorscale ``stops`` ((position in [0, 1], "#RRGGBB"), ...) sampled at
    ``levels`` evenly spaced positions -> (levels, 3) uint8, interpolated linearly in RGB
    as plotly.js does. Make it once per figure and colour every tile with it."""
    at = np.array([float(p) for p, _ in stops])
    colours = np.array([_hex_rgb(c) for _, c in stops], dtype=np.float64)   # (stops, 3)
    position = np.linspace(0.0, 1.0, levels)
    channels = [np.interp(position, at, colours[:, k]) for k in range(3)]
    return np.rint(np.stack(channels, axis=-1)).astype(np.uint8)


def colour_pixels(values: np.ndarray, low: float, high: float, table: np.ndarray
                  ) -> np.ndarray:
    """values: (rows, cols) numbers -> (rows, cols, 3) uint8 colours from ``table``
    (``colour_table``), values clipped to [low, high]; NaN or infinite values get
    NAN_COLOUR. Row order is kept (flip for images)."""
    values = np.asarray(values, dtype=np.float64)
    span = float(high) - float(low)
    position = (values - float(low)) / span if span > 0 else np.full(values.shape, 0.5)
    finite = np.isfinite(position)
    index = np.rint(np.clip(np.where(finite, position, 0.0), 0.0, 1.0) * (len(table) - 1))
    pixels = table[index.astype(np.intp)]
    pixels[~finite] = NAN_COLOUR
    return pixels
