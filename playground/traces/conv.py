"""The arithmetic of one output pixel of a Conv2D layer, from the layer's own numbers."""
from __future__ import annotations

import numpy as np

from playground.snapshot import ConvPixel


def conv_pixel(layer, x: np.ndarray, output: np.ndarray) -> ConvPixel:
    """One pixel of ``layer``'s output for one example, written out as CNN Explainer does.

    x: (1, h, w, channels) the layer's input; output: (1, h', w', filters) the layer's own
    output for it. The pixel and filter are where the output is largest (the strongest
    response to this example; the first such place if several tie).
    """
    flat = int(np.argmax(output[0]))
    row, col, filt = (int(v) for v in np.unravel_index(flat, output.shape[1:]))
    patch = np.asarray(layer.patch_at(x, row, col), dtype=np.float64)
    kernel = np.asarray(layer.params["kernel"][:, :, :, filt], dtype=np.float64)
    products = patch * kernel
    total = float(products.sum())
    bias = float(layer.params["bias"][filt])
    return ConvPixel(layer=layer.name, filter=filt, row=row, col=col, patch=patch,
                     kernel=kernel, products=products, total=total, bias=bias,
                     z=total + bias, activation=layer.activation or "linear",
                     output=float(output[0, row, col, filt]))
