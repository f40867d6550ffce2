"""Twins of a model's layers: same settings, the same weight arrays, their own caches and
gradients (a forward or backward on a twin leaves the model as training left it)."""
from __future__ import annotations

import numpy as np

from playground.nn.layers import layer_from_config


def twin(layer, **changes):
    """A copy of a built layer with ``changes`` to its settings (e.g. return_sequences),
    sharing the layer's weight arrays (not copies) and with gradients of its own."""
    copy = layer_from_config(type(layer).__name__, {**layer.get_config(), **changes})
    copy.build(layer.input_shape, np.random.default_rng(0), layer.dtype)
    copy.params = dict(layer.params)
    copy.fused_output_gradient = layer.fused_output_gradient
    return copy


def forward(layers, x: np.ndarray) -> np.ndarray:
    """x through ``layers`` in inference mode."""
    for layer in layers:
        x = layer.forward(x, False)
    return x
