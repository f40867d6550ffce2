"""Sequential: a stack of layers with Keras's compile / fit / evaluate / predict.

Every trainable weight lives in one flat vector (``layer.params`` entries are views into it,
see nn.parameters) and every gradient in another, so the optimizer updates the whole network
with a handful of NumPy calls; nn.divergence says what broke when a step stops being finite,
nn.training_loop runs fit()'s epochs. One ``np.random.Generator`` made from ``seed`` draws
the initial weights, the shuffling order and the dropout masks: the same seed gives the same
history, bit for bit.
"""
from __future__ import annotations

import math

import numpy as np

from playground.nn import divergence
from playground.nn import losses as losses_module
from playground.nn import optimizers as optimizers_module
from playground.nn import parameters as parameters_module
from playground.nn import training_loop
from playground.nn.callbacks import History
from playground.nn.dense_stack import DenseStack
from playground.nn.divergence import TrainingDiverged, check_finite
from playground.nn.io import save_model
from playground.nn.layers.base import Layer
from playground.nn.parameters import FlatParameters
from playground.nn.training_loop import MODEL_METRICS, metric_values, positive_int

_PREDICT_CHUNK = 4096     # rows per forward pass in predict/evaluate (bounds memory)


__all__ = ["MODEL_METRICS", "Sequential", "TrainingDiverged"]


class Sequential:
    """A linear stack of layers. ``input_shape`` excludes the batch axis; without it the
    model is built on the first batch it sees."""

    def __init__(self, layers=None, input_shape=None, seed=None, dtype="float32", name=None):
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype}.")
        self.dtype = dtype.type               # np.float32 (default) or np.float64
        self.name = name or "sequential"
        if isinstance(seed, np.random.Generator):
            self.seed, self.rng = None, seed  # a caller's generator: used as it is
        else:
            if seed is not None and (isinstance(seed, bool) or
                                     not isinstance(seed, (int, np.integer)) or seed < 0):
                raise ValueError(f"seed must be a whole number >= 0 or None, got {seed!r}.")
            self.seed = None if seed is None else int(seed)   # kept for save()
            self.rng = np.random.default_rng(self.seed)  # the one generator: init, shuffling,
            #                                               dropout
        self.layers: list[Layer] = []
        self.input_shape: tuple | None = None   # per-sample input shape once built
        self.built = False
        self.loss: losses_module.Loss | None = None
        self.optimizer: optimizers_module.Optimizer | None = None
        self.metrics: list[str] = []          # compiled metric names
        self.stop_training = False            # set by callbacks to end fit() after this epoch
        self.stop_reason: str | None = None   # why the last fit() stopped early, if it did
        self.epochs_trained = 0               # epochs finished by fit() over the model's life
        self.gradient_norm = 0.0              # global L2 norm of the last step's gradients
        self.store: FlatParameters | None = None    # the flat weight and gradient vectors
        self._fused = False                   # output activation fused with the loss gradient
        # Dense-only models train through nn.dense_stack (same numbers, less Python);
        # False: always the general per-layer path (tests compare the two)
        self.fast_path = True
        self._stack: DenseStack | None = None   # the stack for ``_stack_store``, if it fits
        self._stack_store: FlatParameters | None = None
        self._context = ""                    # "epoch 3, batch 7" while fit() runs
        for layer in layers or ():
            self.add(layer)
        if input_shape is not None:
            self.build(input_shape)

    # ----- construction ---------------------------------------------------------------
    def add(self, layer: Layer) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(f"Sequential takes nn layers such as nn.Dense(4); got {layer!r}.")
        if any(existing is layer for existing in self.layers):
            raise ValueError(f"Layer {layer.name or layer!r} is already in this model.")
        if layer.name is None:
            taken = {other.name for other in self.layers}
            count = 1
            while f"{layer.default_name}_{count}" in taken:
                count += 1
            layer.name = f"{layer.default_name}_{count}"
        elif layer.name in {other.name for other in self.layers}:
            raise ValueError(f"Two layers are named {layer.name!r}; names must be unique.")
        self.layers.append(layer)
        if self.built:
            self.build(self.input_shape)
        self._update_fusion()

    def build(self, input_shape) -> None:
        """Create every layer's weights for per-sample ``input_shape`` (no batch axis)."""
        if isinstance(input_shape, (int, np.integer)):
            input_shape = (int(input_shape),)
        input_shape = tuple(int(d) for d in input_shape)
        if not input_shape or min(input_shape) < 1:
            raise ValueError(f"input_shape must be positive sizes without the batch axis, "
                             f"e.g. (2,) for two features; got {input_shape}.")
        if not self.layers:
            raise ValueError("The model has no layers; add some before building it.")
        shape = input_shape
        for index, layer in enumerate(self.layers):
            if not layer.built:
                try:
                    layer.build(shape, self.rng, self.dtype)
                except ValueError as error:
                    raise ValueError(f"Layer {layer.name} ({type(layer).__name__}) cannot take "
                                     f"input of shape {shape}: {error}") from None
            elif layer.input_shape != shape:
                raise ValueError(f"Layer {layer.name} was built for input {layer.input_shape} "
                                 f"but now receives {shape}.")
            layer.needs_input_gradient = index > 0
            shape = layer.output_shape
        self.input_shape = input_shape
        self.built = True
        self._gather_parameters()

    @property
    def output_shape(self) -> tuple | None:
        return self.layers[-1].output_shape if self.built else None

    def _gather_parameters(self) -> None:
        """Move trainable weights and their gradients into two flat vectors (views back)."""
        self.store = FlatParameters(self.layers, self.dtype)
        if self.optimizer is not None:
            self.optimizer.reset()     # the parameter layout changed: fresh state

    # ----- compile ----------------------------------------------------------------------
    def compile(self, loss="mse", optimizer="rmsprop", metrics=None) -> None:
        """Choose loss, optimizer and metrics. Calling it again keeps the weights and
        replaces the optimizer (its state starts fresh)."""
        self.loss = losses_module.get(loss)
        self.optimizer = optimizers_module.get(optimizer)
        if self.built:
            self._gather_parameters()      # picks up layers whose ``trainable`` changed
        self.optimizer.reset()
        self.metrics = training_loop.metric_names(metrics)
        self._update_fusion()

    def _update_fusion(self) -> None:
        for layer in self.layers:
            layer.fused_output_gradient = False
        self._fused = False
        if self.loss is None or not self.layers or self.loss.fused_activation is None:
            return
        last = self.layers[-1]
        if last.activation == self.loss.fused_activation:
            last.fused_output_gradient = True
            self._fused = True

    def _require_compiled(self, what: str) -> None:
        if self.loss is None or self.optimizer is None:
            raise ValueError(f"Call model.compile(loss=..., optimizer=...) before {what}().")

    # ----- input checks -----------------------------------------------------------------
    def _prepare_x(self, x, what: str = "x") -> np.ndarray:
        if type(x) is np.ndarray and x.dtype == self.dtype and x.shape[1:] == self.input_shape:
            return x                        # the common case, checked in three comparisons
        x = np.asarray(x)
        if x.dtype.kind not in "biuf":
            raise ValueError(f"{what} must be numbers, got an array of dtype {x.dtype}.")
        if x.ndim < 2:
            raise ValueError(f"{what} needs a batch axis first: shape (samples, features...), "
                             f"got {x.shape}. For one feature use x.reshape(-1, 1).")
        if not self.built:
            self.build(x.shape[1:])
        if x.shape[1:] != self.input_shape:
            raise ValueError(f"{what} has shape {x.shape} but the model expects (batch, "
                             f"{', '.join(map(str, self.input_shape))}).")
        return x.astype(self.dtype, copy=False)

    def _prepare(self, x, y, what: str = "") -> tuple[np.ndarray, np.ndarray]:
        x = self._prepare_x(x, f"{what}x")
        y = self.loss.prepare_targets(y, self.output_shape, self.dtype)
        if len(y) != len(x):
            raise ValueError(f"{what}x has {len(x)} samples but {what}y has {len(y)}.")
        return x, y

    # ----- the training step --------------------------------------------------------------
    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def _loss_and_gradients(self, x, y, loss_wanted: bool = True) -> tuple[float, np.ndarray]:
        """Forward (training mode), loss, backward; fills every layer's grads.
        Raises ValueError for bad data or TrainingDiverged before any weight changes.

        ``loss_wanted=False``: the caller does not need the loss value, so it is only
        computed when finite gradients would not prove it finite (see
        divergence.loss_follows_grads); the returned loss is then NaN. Divergence is
        reported exactly as with the value.
        """
        stack = self._dense_stack() if x.shape[1:] == self.input_shape else None
        store = self.store
        # Looked up every step (a few attribute reads) so penalties changed later still count.
        regularized = [layer for layer in self.layers if layer.regularizers]
        if stack is None:
            output = self._forward(x, True)
            loss_free = divergence.loss_follows_grads(self._fused, self.layers[-1], store)
        else:
            output = stack.forward(x)
            loss_free = stack.loss_follows_grads
        loss = self._checked_loss(x, y, output, regularized) \
            if loss_wanted or regularized or not loss_free else None
        loss_fn = self.loss
        grad = loss_fn.fused_gradient(y, output) if self._fused else loss_fn.gradient(y, output)
        if stack is None:
            for layer in reversed(self.layers):
                grad = layer.backward(grad)
        else:
            stack.backward(grad)        # every gradient written in place: nothing to resync
        for layer in regularized:
            layer.add_regularization_gradients()
        if stack is None:
            store.resync()
        squared_norm = store.squared_gradient_norm()   # NaN/inf in any gradient shows here
        if not math.isfinite(squared_norm):
            if loss is None:         # the loss may be what broke: report it first, as above
                loss = self._checked_loss(x, y, output, regularized)
            self._diverged(loss, x, y, gradients=True)
        self.gradient_norm = math.sqrt(squared_norm)
        return (math.nan if loss is None else loss), output

    def _dense_stack(self) -> DenseStack | None:
        """The fast path for this step, or None (not wanted, not a Dense-only model, or
        an array rebound since: the general path then runs and binds it back)."""
        if not self.fast_path:
            return None
        if self._stack_store is not self.store:       # a new layout: look again
            self._stack, self._stack_store = DenseStack.of(self), self.store
        stack = self._stack
        return stack if stack is not None and stack.holds(self) else None

    def _checked_loss(self, x, y, output, regularized) -> float:
        """The batch loss with weight penalties; TrainingDiverged if it is not finite."""
        loss = self.loss(y, output)
        for layer in regularized:
            loss += layer.regularization_loss()
        if not math.isfinite(loss):
            self._diverged(loss, x, y)
        return loss

    def _where(self, step: int) -> str:
        return self._context or f"training step {step}"

    def _diverged(self, loss: float, x, y, gradients: bool = False):
        divergence.report_non_finite(loss, x, y, self.store,
                                     self._where(self.optimizer.iterations + 1),
                                     self.optimizer.learning_rate, gradients)

    def _step(self, x: np.ndarray, y: np.ndarray, loss_wanted: bool = True) -> dict | None:
        loss, output = self._loss_and_gradients(x, y, loss_wanted)
        store = self.store
        store.save_for_undo()
        self.optimizer.apply(store.param_list, store.grad_list)
        if not store.squared_norm_finite():      # an update too big for floats: undone
            store.undo()
            if math.isnan(loss):    # not computed (loss_wanted=False, no penalties)
                loss = self.loss(y, output)
            raise divergence.overflowing_update(loss, self._where(self.optimizer.iterations),
                                                self.optimizer.learning_rate)
        if not loss_wanted:
            return None
        logs = {"loss": loss}
        if self.metrics:
            logs.update(metric_values(self.metrics, y, output))
        return logs

    def train_on_batch(self, x, y) -> dict:
        """One optimizer step on one batch; returns {"loss": ..., metric: ...} measured
        on the batch before the update. Layer ``.grads`` keep this batch's gradients."""
        self._require_compiled("train_on_batch")
        x, y = self._prepare(x, y)
        return self._step(x, y)

    def train_on_prepared_batch(self, x: np.ndarray, y: np.ndarray) -> None:
        """``train_on_batch`` for a caller that prepared its data once, as fit() does, and
        does not need the batch loss back (the live session). x: (batch, *input_shape) in
        the model's dtype; y: rows of targets as ``model.loss.prepare_targets`` returned
        them. Skips re-checking both every step (for binary cross-entropy a min and a max
        over y) and, where finite gradients prove it finite, the loss value. Same update,
        same numbers, same TrainingDiverged (before any weight changes) as train_on_batch.
        """
        self._require_compiled("train_on_prepared_batch")
        if not self.built:
            raise ValueError("train_on_prepared_batch needs a built model (input_shape=..., "
                             "or one train_on_batch first).")
        self._step(x, y, loss_wanted=False)

    def compute_gradients(self, x, y) -> tuple[float, list[dict[str, np.ndarray]]]:
        """(loss, per-layer {param name: gradient copy}) for a batch; weights unchanged.
        Training-mode forward; the random generator is restored afterwards."""
        self._require_compiled("compute_gradients")
        x, y = self._prepare(x, y)
        state = self.rng.bit_generator.state
        try:
            loss, _ = self._loss_and_gradients(x, y)
        finally:
            self.rng.bit_generator.state = state
        return loss, [{k: np.array(v) for k, v in layer.grads.items()} for layer in self.layers]

    def compute_loss(self, x, y, training: bool = True) -> float:
        """The loss (with weight penalties) for a batch, without gradients or updates."""
        self._require_compiled("compute_loss")
        x, y = self._prepare(x, y)
        state = self.rng.bit_generator.state
        try:
            output = self._forward(x, training)
        finally:
            self.rng.bit_generator.state = state
        return self.loss(y, output) + self._regularization_loss()

    def _regularization_loss(self) -> float:
        """Sum of every layer's weight penalties."""
        return float(sum(layer.regularization_loss() for layer in self.layers
                         if layer.regularizers))

    # ----- fit / evaluate / predict -------------------------------------------------------
    def fit(self, x, y, epochs=1, batch_size=32, validation_data=None, validation_split=0.0,
            shuffle=True, callbacks=None, verbose=0, initial_epoch=0) -> History:
        """Train for ``epochs`` passes; returns a History. Divergence ends training early
        and is recorded in ``history.stop_reason`` (the weights stay finite)."""
        self._require_compiled("fit")
        x, y = self._prepare(x, y)
        check_finite(x, y)
        batch_size = positive_int(batch_size if batch_size is not None else 32, "batch_size")
        epochs = positive_int(epochs, "epochs", allow_zero=True)
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (x_val, y_val).")
            x_val, y_val = self._prepare(*validation_data, what="validation ")
            check_finite(x_val, y_val, "validation ")
        else:
            x, y, x_val, y_val = training_loop.split_validation(x, y, validation_split)
        if len(x) == 0:
            raise ValueError("x is empty: fit needs at least one sample.")
        history = training_loop.run(self, x, y, x_val, y_val, epochs, initial_epoch,
                                    batch_size, shuffle, callbacks)
        if verbose:
            last = {k: round(v[-1], 6) for k, v in history.history.items() if v}
            print(f"{len(history.epoch)} epochs: {last}" +
                  (f"\n{self.stop_reason}" if self.stop_reason else ""))
        return history

    def evaluate(self, x, y, batch_size=None, verbose=0) -> dict:
        """{"loss": ..., metric: ...} over all of (x, y), inference mode."""
        self._require_compiled("evaluate")
        x, y = self._prepare(x, y)
        check_finite(x, y)
        return self._evaluate_prepared(x, y, batch_size)

    def _evaluate_prepared(self, x, y, batch_size=None) -> dict:
        output = self._predict_prepared(x, batch_size)
        loss = self.loss(y, output) + self._regularization_loss()
        return {"loss": loss, **metric_values(self.metrics, y, output)}

    def test_on_batch(self, x, y) -> dict:
        return self.evaluate(x, y)

    def predict(self, x, batch_size=None, verbose=0) -> np.ndarray:
        """x: (n, *input_shape) -> (n, *output_shape), inference mode, model dtype."""
        return self._predict_prepared(self._prepare_x(x), batch_size)

    def _predict_prepared(self, x, batch_size=None) -> np.ndarray:
        chunk = positive_int(batch_size, "batch_size") if batch_size else _PREDICT_CHUNK
        if len(x) <= chunk:
            output = self._forward(x, False)
            return output.copy() if output is x or not output.flags.owndata else output
        return np.concatenate([self._forward(x[i: i + chunk], False)
                               for i in range(0, len(x), chunk)])

    def layer_outputs(self, x) -> list[np.ndarray]:
        """Each layer's output for x (inference mode), in layer order."""
        outputs, current = [], self._prepare_x(x)
        for layer in self.layers:
            current = layer.forward(current, False)
            outputs.append(np.array(current))
        return outputs

    # ----- weights -----------------------------------------------------------------------
    def get_weights(self) -> list[np.ndarray]:
        """Copies of every layer's params, Keras order (Dense: kernel, bias)."""
        return parameters_module.get_weights(self.layers)

    def set_weights(self, weights) -> None:
        """Set weights from a list like get_weights(); refuses wrong count or shapes."""
        parameters_module.set_weights(self.layers, weights)

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    def summary(self, print_fn=print) -> str:
        """A table of layers, output shapes and parameter counts (also printed)."""
        trainable = self.store.size if self.built else 0
        text = parameters_module.summary_table(self.name, self.layers, trainable)
        if print_fn is not None:
            print_fn(text)
        return text

    def save(self, file) -> None:
        """One .npz: weights, optimizer state and a JSON description (see nn.io)."""
        save_model(self, file)

    def __repr__(self) -> str:
        names = [layer.name for layer in self.layers]
        return f"Sequential({names}, input_shape={self.input_shape})"

