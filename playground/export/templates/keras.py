"""@@TITLE@@: a trained Neural Playground network, exported as a Keras 3 script.

Run it with no arguments: it rebuilds the network with keras.Sequential, loads the
trained weights embedded below, prepares a few saved rows the way the playground did (the
scaler and encodings it fitted on the training split) and prints the largest difference
between its outputs and the playground's own ("max difference: ..."). The exit code is 1
when that difference is above 1e-4.

    KERAS_BACKEND=torch python @@FILENAME@@                     # the check
    KERAS_BACKEND=torch python @@FILENAME@@ --csv new_rows.csv  # predict new rows
    KERAS_BACKEND=torch python @@FILENAME@@ --weights model.npz # the playground's download

Needs Python 3.9+, numpy and Keras 3 with a backend (torch, jax or tensorflow, chosen
with KERAS_BACKEND). The playground uses Keras's weight layout, so the weights go in with
``model.set_weights`` unchanged. In Python: ``network = build_network(EXPORT["layers"],
weight_arrays())`` gives a keras.Sequential you can compile and train further.
"""
import argparse
import base64
import csv
import io
import json
import sys

import numpy as np

try:
    import keras
except ImportError as missing:   # Keras, or the backend KERAS_BACKEND names, is not installed
    sys.exit(f"error: Keras 3 could not start ({missing}). Install keras and a backend and "
             f"name it, e.g. pip install keras torch, then KERAS_BACKEND=torch python "
             f"{sys.argv[0]}.")

# @@EXPORT@@

# ----- The network in Keras -----

ACTIVATIONS = {
    "linear": "linear",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "leaky_relu": "leaky_relu",                              # negative slope 0.2
    "elu": "elu",
    "swish": "silu",
    "gelu": "gelu",                                          # exact, with erf
    "gelu_tanh": lambda x: keras.activations.gelu(x, approximate=True),
    "softmax": "softmax",
}


def keras_layer(class_name, config):
    """One Keras layer from the playground's class name and settings."""
    layers = keras.layers
    if class_name == "Dense":
        return layers.Dense(config["units"], activation=ACTIVATIONS[config["activation"]],
                            use_bias=config["use_bias"])
    if class_name == "Conv2D":
        return layers.Conv2D(config["filters"], config["kernel_size"],
                             strides=config["strides"], padding=config["padding"],
                             activation=ACTIVATIONS[config["activation"]])
    if class_name == "MaxPool2D":
        return layers.MaxPooling2D(config["pool_size"], strides=config["strides"],
                                   padding=config["padding"])
    if class_name == "BatchNormalization":
        return layers.BatchNormalization(momentum=config["momentum"],
                                         epsilon=config["epsilon"])
    if class_name == "SimpleRNN":
        return layers.SimpleRNN(config["units"], activation=ACTIVATIONS[config["activation"]],
                                return_sequences=config["return_sequences"])
    if class_name == "LSTM":
        return layers.LSTM(config["units"], return_sequences=config["return_sequences"])
    if class_name == "Dropout":
        return layers.Dropout(config["rate"])
    if class_name == "Flatten":
        return layers.Flatten()
    raise ValueError(f"This script does not know the layer type {class_name!r}.")


def build_network(layers, weights):
    """The layers described in EXPORT["layers"] as a keras.Sequential, with ``weights``
    (Keras get_weights() order and layout) set."""
    network = keras.Sequential(
        [keras.Input(shape=tuple(layers[0]["input_shape"]))]
        + [keras_layer(layer["class_name"], layer["config"]) for layer in layers])
    network.set_weights(weights)
    return network


def network_outputs(network, x):
    """x: the network's input (n, *input_shape) float32 -> outputs (n, units) float32."""
    return np.asarray(keras.ops.convert_to_numpy(network(x, training=False)),
                      dtype=np.float32)


# @@COMMON@@
