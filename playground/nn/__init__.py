"""The NumPy neural-network engine, with a Keras-like surface.

    from playground import nn
    model = nn.Sequential([nn.Dense(8, activation="tanh"), nn.Dense(1, activation="sigmoid")],
                          input_shape=(2,), seed=0)
    model.compile(loss="binary_crossentropy", optimizer=nn.optimizers.Adam(0.01),
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=50, batch_size=10, validation_data=(xv, yv))

No Streamlit, Plotly or pandas in here: only NumPy.
"""
from playground.nn import (
                           activations,
                           callbacks,
                           initializers,
                           losses,
                           metrics,
                           optimizers,
                           regularizers,
)
from playground.nn.io import save_model
from playground.nn.layers import (
                           LSTM,
                           BatchNormalization,
                           Conv2D,
                           Dense,
                           Dropout,
                           Flatten,
                           Layer,
                           MaxPool2D,
                           SimpleRNN,
)
from playground.nn.loading import load_model
from playground.nn.model import Sequential, TrainingDiverged

MaxPooling2D = MaxPool2D

__all__ = [
                           "LSTM",
                           "BatchNormalization",
                           "Conv2D",
                           "Dense",
                           "Dropout",
                           "Flatten",
                           "Layer",
                           "MaxPool2D",
                           "MaxPooling2D",
                           "Sequential",
                           "SimpleRNN",
                           "TrainingDiverged",
                           "activations",
                           "callbacks",
                           "initializers",
                           "load_model",
                           "losses",
                           "metrics",
                           "optimizers",
                           "regularizers",
                           "save_model",
]
