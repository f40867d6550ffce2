"""The layer contract every layer in ``playground.nn`` follows.

A layer is built lazily: ``__init__`` stores settings, ``build(input_shape, rng, dtype)``
creates the weights once the input shape is known, ``forward`` computes the output and
caches what ``backward`` needs, ``backward`` turns the gradient of the loss with respect to
the output into the gradient with respect to the input and *overwrites* ``self.grads``.
Weights are never updated here: that is the optimizer's job.

Shapes exclude the batch axis: ``input_shape=(2,)`` for a Dense layer on 2 features,
``(height, width, channels)`` for Conv2D, ``(time, features)`` for recurrent layers.
"""
from __future__ import annotations

import numpy as np

from playground.nn import regularizers as regularizers_module


class Layer:
    """Base class: parameters and their gradients side by side, in Keras order.

    The class attributes below are what a model or builder may rely on: every layer class
    declares them (or inherits these defaults), so nothing needs probing with hasattr.
    """

    default_name = "layer"         # the model names it f"{default_name}_{n}" if unnamed
    regularizable: tuple[str, ...] = ()      # params that take a penalty (set_regularizer)
    non_trainable_params: tuple[str, ...] = ()   # params saved but never optimised
    activation: str | None = None  # output activation name (the model fuses it with the loss)
    # False on a model's first layer: a layer with weights may then skip computing dx.
    needs_input_gradient = True

    def __init__(self, name: str | None = None, trainable: bool = True):
        self.name = name                  # unique within a model; the model fills it in if None
        self.trainable = trainable        # False: the optimizer skips this layer's params
        self.built = False                # True once build() has created the weights
        self.input_shape: tuple | None = None    # per-sample input shape, no batch axis
        self.output_shape: tuple | None = None   # per-sample output shape, no batch axis
        self.dtype = np.float32           # float32 by default; the model may ask float64
        self.params: dict[str, np.ndarray] = {}  # name -> weight array, in Keras get_weights order
        self.grads: dict[str, np.ndarray] = {}   # name -> dLoss/dparam for the last backward()
        self.regularizers: dict[str, object] = {}  # param name -> regularizer (L1/L2) for it
        # Set by the model when this layer's activation is fused with the loss
        # (sigmoid/softmax + cross-entropy): backward() then receives dLoss/dz directly.
        self.fused_output_gradient = False

    # ----- lifecycle -------------------------------------------------------------------
    def build(self, input_shape: tuple, rng: np.random.Generator, dtype=np.float32) -> None:
        """Create weights for per-sample ``input_shape``; subclasses call super().build last."""
        self.input_shape = tuple(int(d) for d in input_shape)
        self.dtype = np.dtype(dtype).type
        self.output_shape = tuple(self.compute_output_shape(self.input_shape))
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.regularizers = {key: getattr(self, f"{key}_regularizer")
                             for key in self.regularizable if key in self.params
                             and getattr(self, f"{key}_regularizer") is not None}
        self.built = True

    def count_params_for(self, input_shape: tuple) -> int:
        """How many weights build(input_shape) would create, without creating them."""
        return 0

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """Per-sample output shape for a per-sample input shape (default: unchanged)."""
        return tuple(input_shape)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """x: (batch, *input_shape) -> (batch, *output_shape)."""
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray) -> np.ndarray:
        """grad_output: (batch, *output_shape) -> grad_input: (batch, *input_shape)."""
        raise NotImplementedError

    # ----- regularisation --------------------------------------------------------------
    def set_regularizer(self, regularizer, param: str = "kernel") -> None:
        """Penalise ``param`` with ``regularizer`` (L1/L2 object, name or config; None
        removes the penalty). Works before and after build; training continues."""
        if param not in self.regularizable:
            raise ValueError(f"{type(self).__name__} has no {param!r} to regularise "
                             f"(regularisable: {', '.join(self.regularizable) or 'none'}).")
        regularizer = regularizers_module.get(regularizer)
        setattr(self, f"{param}_regularizer", regularizer)     # what get_config() records
        if regularizer is None:
            self.regularizers.pop(param, None)
        elif param in self.params:
            self.regularizers[param] = regularizer

    def regularization_loss(self) -> float:
        """Sum of this layer's weight penalties (added to the reported loss)."""
        return float(sum(reg(self.params[name]) for name, reg in self.regularizers.items()))

    def add_regularization_gradients(self) -> None:
        """Add each penalty's gradient to ``self.grads`` (the model calls it after backward)."""
        for name, reg in self.regularizers.items():
            self.grads[name] += reg.gradient(self.params[name])

    # ----- introspection ---------------------------------------------------------------
    def count_params(self) -> int:
        return int(sum(p.size for p in self.params.values()))

    def get_config(self) -> dict:
        """Constructor arguments as plain JSON values; ``type(self)(**config)`` rebuilds it."""
        return {"name": self.name, "trainable": self.trainable}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, output_shape={self.output_shape})"
