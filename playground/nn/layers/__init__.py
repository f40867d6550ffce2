"""All layer classes, and the registry name -> class that load_model rebuilds from."""
from __future__ import annotations

from playground.nn.layers.base import Layer
from playground.nn.layers.conv import Conv2D, MaxPool2D
from playground.nn.layers.core import Dense, Dropout, Flatten
from playground.nn.layers.normalization import BatchNormalization
from playground.nn.layers.recurrent import LSTM, SimpleRNN

LAYERS: dict[str, type[Layer]] = {
    cls.__name__: cls for cls in (Dense, Dropout, Flatten, Conv2D, MaxPool2D, SimpleRNN, LSTM,
                                  BatchNormalization)
}
LAYERS["MaxPooling2D"] = MaxPool2D   # the Keras alias


def layer_from_config(class_name: str, config: dict) -> Layer:
    """Rebuild an (unbuilt) layer from its class name and get_config() dict."""
    if class_name not in LAYERS:
        raise ValueError(f"Unknown layer type {class_name!r}; known: {', '.join(sorted(LAYERS))}.")
    try:
        return LAYERS[class_name](**config)
    except TypeError as error:
        raise ValueError(
            f"Cannot rebuild layer {class_name} from config {config}: {error}") from None


__all__ = [
    "LAYERS",
    "LSTM",
    "BatchNormalization",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "Layer",
    "MaxPool2D",
    "SimpleRNN",
    "layer_from_config",
]
