"""Recurrent layers, input (batch, time, features). Stub: full implementation follows."""
from __future__ import annotations

from playground.nn.layers.base import Layer


class SimpleRNN(Layer):
    def __init__(self, units, activation="tanh", return_sequences=False,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 kernel_regularizer=None, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self.units = int(units)
        self.activation = activation
        self.return_sequences = bool(return_sequences)


class LSTM(Layer):
    def __init__(self, units, return_sequences=False, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", unit_forget_bias=True,
                 kernel_regularizer=None, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable)
        self.units = int(units)
        self.return_sequences = bool(return_sequences)
