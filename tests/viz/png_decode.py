"""A small PNG reader written from the PNG specification, to check what viz/png.py writes
without trusting it: chunk CRCs, IHDR, all five scanline filters, 8-bit RGB/RGBA/grey."""
from __future__ import annotations

import binascii
import struct
import zlib

import numpy as np

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}        # colour type -> samples per pixel (8-bit)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(raw: bytes, rows: int, stride: int, bpp: int) -> np.ndarray:
    """Undo the per-scanline filters (spec section 9), pixel by pixel on purpose."""
    out = np.zeros((rows, stride), dtype=np.uint8)
    previous = [0] * stride
    pos = 0
    for r in range(rows):
        kind = raw[pos]
        line = list(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            predictor = (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]
            line[i] = (line[i] + predictor) & 0xFF
        out[r] = line
        previous = line
    return out


def decode_png(data: bytes) -> np.ndarray:
    """PNG bytes -> (rows, cols, channels) uint8; raises AssertionError if malformed."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == binascii.crc32(kind + body) & 0xFFFFFFFF, f"CRC of {kind!r}"
        chunks.append((kind, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    cols, rows, depth, colour_type, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1])
    assert (depth, compression, filtering, interlace) == (8, 0, 0, 0)
    channels = CHANNELS[colour_type]
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert len(raw) == rows * (1 + cols * channels)
    return _unfilter(raw, rows, cols * channels, channels).reshape(rows, cols, channels)


def decode_data_uri(uri: str) -> np.ndarray:
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    return decode_png(binascii.a2b_base64(uri[len(prefix):]))
