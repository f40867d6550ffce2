"""@@TITLE@@: a trained Neural Playground network, exported as a PyTorch script.

Run it with no arguments: it rebuilds the network with torch.nn, loads the trained
weights embedded below, prepares a few saved rows the way the playground did (the
scaler and encodings it fitted on the training split) and prints the largest difference
between its outputs and the playground's own ("max difference: ..."). The exit code is 1
when that difference is above 1e-4.

    python @@FILENAME@@                      # the check
    python @@FILENAME@@ --csv new_rows.csv   # predict new rows (table or 2-D point data)
    python @@FILENAME@@ --weights model.npz  # use the playground's "Model (.npz)" download

Needs Python 3.9+, numpy and torch. In Python: ``network = build_network(EXPORT["layers"],
weight_arrays())`` gives a torch.nn.Sequential you can train further.
"""
import argparse
import base64
import csv
import io
import json
import sys

import numpy as np

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as missing:
    sys.exit(f"error: PyTorch is not installed ({missing}); pip install torch, then run "
             f"python {sys.argv[0]} again.")

# @@EXPORT@@

# ----- The network in PyTorch -----
# Tensors stay channels-last, (batch, height, width, channels), as in Keras and the
# playground, so Flatten orders features the same way: only convolution and pooling
# permute to PyTorch's (batch, channels, height, width) and back.

ACTIVATIONS = {
    "linear": lambda x: x,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, negative_slope=0.2),
    "elu": F.elu,
    "swish": F.silu,
    "gelu": F.gelu,                                          # exact, with erf
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),    # the tanh approximation
    "softmax": lambda x: torch.softmax(x, dim=-1),
}


def same_padding(size, window, stride):
    """(before, after) zero padding of Keras 'same' along one axis (odd pixel after)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def image_padding(input_shape, window, strides, padding):
    """F.pad's (left, right, top, bottom) for a channels-last image input_shape."""
    if padding == "valid":
        return (0, 0, 0, 0)
    height, width, _ = input_shape
    return (*same_padding(width, window[1], strides[1]),
            *same_padding(height, window[0], strides[0]))


class Dense(nn.Module):
    """Keras Dense: x (..., in) -> activation(x @ kernel + bias) on the last axis."""

    def __init__(self, input_shape, units, activation, use_bias):
        super().__init__()
        self.linear = nn.Linear(input_shape[-1], units, bias=use_bias)
        self.activation = ACTIVATIONS[activation]

    def load_keras_weights(self, kernel, bias=None):
        self.linear.weight.copy_(torch.from_numpy(kernel.T))     # (in, units) -> (units, in)
        if bias is not None:
            self.linear.bias.copy_(torch.from_numpy(bias))

    def forward(self, x):
        return self.activation(self.linear(x))


class Conv2D(nn.Module):
    """Keras Conv2D on channels-last images: (batch, h, w, c) -> (batch, h', w', filters)."""

    def __init__(self, input_shape, filters, kernel_size, strides, padding, activation):
        super().__init__()
        self.conv = nn.Conv2d(input_shape[-1], filters, kernel_size, stride=strides)
        self.padding = image_padding(input_shape, kernel_size, strides, padding)
        self.activation = ACTIVATIONS[activation]

    def load_keras_weights(self, kernel, bias):
        # Keras kernel (kh, kw, in, filters) -> PyTorch weight (filters, in, kh, kw)
        self.conv.weight.copy_(torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()))
        self.conv.bias.copy_(torch.from_numpy(bias))

    def forward(self, x):
        x = F.pad(x.permute(0, 3, 1, 2), self.padding)
        return self.activation(self.conv(x).permute(0, 2, 3, 1))


class MaxPool2D(nn.Module):
    """Keras MaxPooling2D on channels-last images; 'same' pads with -inf (never the max)."""

    def __init__(self, input_shape, pool_size, strides, padding):
        super().__init__()
        self.pool_size, self.strides = tuple(pool_size), tuple(strides)
        self.padding = image_padding(input_shape, pool_size, strides, padding)

    def forward(self, x):
        x = F.pad(x.permute(0, 3, 1, 2), self.padding, value=float("-inf"))
        return F.max_pool2d(x, self.pool_size, self.strides).permute(0, 2, 3, 1)


class BatchNormalization(nn.Module):
    """Keras BatchNormalization over the last axis (features or channels).

    PyTorch's momentum is the weight of the new batch: 1 - Keras's momentum."""

    def __init__(self, input_shape, momentum, epsilon):
        super().__init__()
        self.norm = nn.BatchNorm1d(input_shape[-1], eps=epsilon, momentum=1 - momentum)

    def load_keras_weights(self, gamma, beta, moving_mean, moving_variance):
        self.norm.weight.copy_(torch.from_numpy(gamma))
        self.norm.bias.copy_(torch.from_numpy(beta))
        self.norm.running_mean.copy_(torch.from_numpy(moving_mean))
        self.norm.running_var.copy_(torch.from_numpy(moving_variance))

    def forward(self, x):
        return self.norm(x.reshape(-1, x.shape[-1])).reshape(x.shape)


class SimpleRNN(nn.Module):
    """Keras SimpleRNN: h_t = activation(x_t @ kernel + h_(t-1) @ recurrent_kernel + bias).

    x: (batch, time, features) -> the last h (batch, units), or every h (batch, time,
    units). Written out because torch.nn.RNN offers only tanh and relu; the weights keep
    Keras's layout."""

    def __init__(self, input_shape, units, activation, return_sequences):
        super().__init__()
        features = input_shape[-1]
        self.kernel = nn.Parameter(torch.zeros(features, units))
        self.recurrent_kernel = nn.Parameter(torch.zeros(units, units))
        self.bias = nn.Parameter(torch.zeros(units))
        self.activation = ACTIVATIONS[activation]
        self.return_sequences = return_sequences

    def load_keras_weights(self, kernel, recurrent_kernel, bias):
        self.kernel.copy_(torch.from_numpy(kernel))
        self.recurrent_kernel.copy_(torch.from_numpy(recurrent_kernel))
        self.bias.copy_(torch.from_numpy(bias))

    def forward(self, x):
        projected = x @ self.kernel + self.bias
        h = x.new_zeros(x.shape[0], self.bias.shape[0])
        states = []
        for t in range(x.shape[1]):
            h = self.activation(projected[:, t] + h @ self.recurrent_kernel)
            states.append(h)
        return torch.stack(states, dim=1) if self.return_sequences else h


class LSTM(nn.Module):
    """Keras LSTM as torch.nn.LSTM: x (batch, time, features) -> (batch, units) or every step.

    Both order the four gate blocks input, forget, cell candidate, output. PyTorch keeps
    the kernels transposed and has two biases: Keras's bias goes in bias_ih, bias_hh = 0."""

    def __init__(self, input_shape, units, return_sequences):
        super().__init__()
        self.lstm = nn.LSTM(input_shape[-1], units, batch_first=True)
        self.return_sequences = return_sequences

    def load_keras_weights(self, kernel, recurrent_kernel, bias):
        self.lstm.weight_ih_l0.copy_(torch.from_numpy(kernel.T))            # (4u, features)
        self.lstm.weight_hh_l0.copy_(torch.from_numpy(recurrent_kernel.T))  # (4u, units)
        self.lstm.bias_ih_l0.copy_(torch.from_numpy(bias))
        self.lstm.bias_hh_l0.zero_()

    def forward(self, x):
        outputs, _ = self.lstm(x)
        return outputs if self.return_sequences else outputs[:, -1]


class Dropout(nn.Dropout):
    """Keras Dropout: active only in training (the network is in eval mode here)."""

    def __init__(self, input_shape, rate):
        super().__init__(rate)


class Flatten(nn.Flatten):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...), channels-last order as Keras."""

    def __init__(self, input_shape):
        super().__init__()


LAYERS = {cls.__name__: cls for cls in (Dense, Conv2D, MaxPool2D, BatchNormalization,
                                        SimpleRNN, LSTM, Dropout, Flatten)}


def build_network(layers, weights):
    """The layers described in EXPORT["layers"] as a torch.nn.Sequential in eval mode,
    with ``weights`` (Keras order, each layer's arrays in turn) copied in."""
    modules, remaining = [], list(weights)
    with torch.no_grad():
        for layer in layers:
            module = LAYERS[layer["class_name"]](layer["input_shape"], **layer["config"])
            count = len(layer["weights"])
            if count > len(remaining):
                raise ValueError(f"Too few weight arrays for layer {layer['class_name']}: "
                                 f"the weights do not belong to this network.")
            if count:
                module.load_keras_weights(*remaining[:count])
                del remaining[:count]
            modules.append(module)
    if remaining:
        raise ValueError(f"{len(remaining)} weight arrays are left over: the weights do "
                         f"not belong to this network.")
    return nn.Sequential(*modules).eval()


def network_outputs(network, x):
    """x: the network's input (n, *input_shape) float32 -> outputs (n, units) float32."""
    with torch.no_grad():
        return network(torch.from_numpy(np.ascontiguousarray(x))).numpy()


# @@COMMON@@
