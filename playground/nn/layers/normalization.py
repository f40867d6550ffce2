"""Batch normalisation over the last axis. Stub: full implementation follows."""
from __future__ import annotations

from playground.nn.layers.base import Layer


class BatchNormalization(Layer):
    def __init__(self, momentum=0.99, epsilon=1e-3, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
