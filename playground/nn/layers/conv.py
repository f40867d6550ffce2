"""Convolution and pooling layers (channels-last). Stub: full implementation follows."""
from __future__ import annotations

from playground.nn.layers.base import Layer


class Conv2D(Layer):
    """2-D convolution, input (batch, height, width, channels)."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation=None,
                 kernel_initializer="glorot_uniform", kernel_regularizer=None, name=None,
                 trainable=True):
        super().__init__(name=name, trainable=trainable)
        self.filters = int(filters)
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.activation = activation
        self.kernel_initializer = kernel_initializer
        self.kernel_regularizer = kernel_regularizer


class MaxPool2D(Layer):
    """2-D max pooling, input (batch, height, width, channels)."""

    def __init__(self, pool_size=2, strides=None, padding="valid", name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self.pool_size = pool_size
        self.strides = strides
        self.padding = padding
