"""Sequential: a stack of layers with Keras's compile / fit / evaluate / predict.

Every trainable weight lives in one flat vector (``layer.params`` entries are views into it)
and every gradient in another, so the optimizer updates the whole network with a handful
of NumPy calls. One ``np.random.Generator`` made from ``seed`` draws the initial weights,
the shuffling order and the dropout masks: the same seed gives the same history, bit for bit.
"""
from __future__ import annotations

import math
import re

import numpy as np

from playground.nn import losses as losses_module
from playground.nn import optimizers as optimizers_module
from playground.nn.callbacks import Callback, History
from playground.nn.layers.base import Layer
from playground.nn.layers.core import Dense

MODEL_METRICS = ("accuracy", "mae", "mse")
_METRIC_ALIASES = {"acc": "accuracy", "mean_absolute_error": "mae", "mean_squared_error": "mse"}
_PREDICT_CHUNK = 4096     # rows per forward pass in predict/evaluate (bounds memory)


class TrainingDiverged(ArithmeticError):
    """The loss or a gradient stopped being a finite number; the weights were not changed."""

    def __init__(self, message: str, loss: float = math.nan, learning_rate: float = math.nan):
        super().__init__(message)
        self.loss = loss            # the non-finite loss (or the finite one with bad grads)
        self.learning_rate = learning_rate    # the learning rate at the time


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
        self._flat_params: np.ndarray | None = None  # every trainable weight, concatenated
        self._flat_grads: np.ndarray | None = None   # their gradients, same layout
        self._output_kernel_grad: np.ndarray | None = None  # last layer's kernel grad view
        self._param_list: list[np.ndarray] = []      # [flat params], reused every step
        self._grad_list: list[np.ndarray] = []       # [flat grads], reused every step
        self._bindings: list[tuple] = []      # (layer, key, param view, grad view)
        self._regularized: list[Layer] = []   # layers that have weight penalties
        self._fused = False                   # output activation fused with the loss gradient
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
            kind = re.sub(r"(?<!^)(?=[A-Z])", "_", type(layer).__name__).lower()
            kind = kind.replace("l_s_t_m", "lstm").replace("r_n_n", "rnn").replace("2_d", "2d")
            taken = {other.name for other in self.layers}
            count = 1
            while f"{kind}_{count}" in taken:
                count += 1
            layer.name = f"{kind}_{count}"
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
            if hasattr(layer, "needs_input_gradient"):
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
        entries = [(layer, key) for layer in self.layers if layer.trainable
                   for key in layer.params
                   if key not in getattr(layer, "non_trainable_params", ())]
        total = sum(layer.params[key].size for layer, key in entries)
        flat_params = np.zeros(total, dtype=self.dtype)
        flat_grads = np.zeros(total, dtype=self.dtype)
        self._bindings = []
        offset = 0
        for layer, key in entries:
            value = layer.params[key]
            param_view = flat_params[offset: offset + value.size].reshape(value.shape)
            grad_view = flat_grads[offset: offset + value.size].reshape(value.shape)
            param_view[...] = value
            layer.params[key] = param_view
            layer.grads[key] = grad_view
            self._bindings.append((layer, key, param_view, grad_view))
            offset += value.size
        self._flat_params, self._flat_grads = flat_params, flat_grads
        self._params_before_step = np.empty_like(flat_params)   # undo buffer for one update
        self._param_list, self._grad_list = [flat_params], [flat_grads]   # what apply() takes
        self._output_kernel_grad = next((grad for layer, key, _, grad in self._bindings
                                         if layer is self.layers[-1] and key == "kernel"), None)
        self._regularized = [layer for layer in self.layers if layer.regularizers]
        if self.optimizer is not None:
            self.optimizer.reset()     # the parameter layout changed: fresh state

    def _resync_views(self) -> None:
        """Copy back any param/grad array a layer replaced instead of writing in place."""
        for layer, key, param_view, grad_view in self._bindings:
            grad = layer.grads[key]
            if grad is not grad_view:
                grad_view[...] = grad
                layer.grads[key] = grad_view
            param = layer.params[key]
            if param is not param_view:
                param_view[...] = param
                layer.params[key] = param_view

    # ----- compile ----------------------------------------------------------------------
    def compile(self, loss="mse", optimizer="rmsprop", metrics=None) -> None:
        """Choose loss, optimizer and metrics. Calling it again keeps the weights and
        replaces the optimizer (its state starts fresh)."""
        self.loss = losses_module.get(loss)
        self.optimizer = optimizers_module.get(optimizer)
        if self.built:
            self._gather_parameters()      # picks up layers whose ``trainable`` changed
        self.optimizer.reset()
        names = []
        for metric in metrics or ():
            key = _METRIC_ALIASES.get(str(metric).lower(), str(metric).lower())
            if key not in MODEL_METRICS:
                raise ValueError(f"Unknown metric {metric!r}; model metrics are "
                                 f"{', '.join(MODEL_METRICS)} (more in nn.metrics).")
            names.append(key)
        self.metrics = names
        self._update_fusion()

    def _update_fusion(self) -> None:
        for layer in self.layers:
            layer.fused_output_gradient = False
        self._fused = False
        if self.loss is None or not self.layers or self.loss.fused_activation is None:
            return
        last = self.layers[-1]
        if getattr(last, "activation", None) == self.loss.fused_activation:
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

    @staticmethod
    def _check_finite(x, y, what: str = "") -> None:
        if not np.isfinite(x).all():
            row = int(np.argwhere(~np.isfinite(x))[0][0])
            raise ValueError(f"{what}x contains NaN or infinite values (first in row {row}); "
                             f"drop or fill those rows first.")
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            row = int(np.argwhere(~np.isfinite(y))[0][0])
            raise ValueError(f"{what}y contains NaN or infinite values (first in row {row}); "
                             f"drop or fill those rows first.")

    # ----- the training step --------------------------------------------------------------
    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def _loss_and_gradients(self, x, y, loss_wanted: bool = True) -> tuple[float, np.ndarray]:
        """Forward (training mode), loss, backward; fills every layer's grads.
        Raises ValueError for bad data or TrainingDiverged before any weight changes.

        ``loss_wanted=False``: the caller does not need the loss value, so it is only
        computed when finite gradients would not prove it finite (see _loss_follows_grads);
        the returned loss is then NaN. Divergence is reported exactly as with the value.
        """
        output = self._forward(x, True)
        # Looked up every step (a few attribute reads) so penalties changed later still count.
        self._regularized = regularized = [layer for layer in self.layers if layer.regularizers]
        if loss_wanted or regularized or not self._loss_follows_grads():
            loss = self._checked_loss(x, y, output, regularized)
        else:
            loss = None
        loss_fn = self.loss
        grad = loss_fn.fused_gradient(y, output) if self._fused else loss_fn.gradient(y, output)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        for layer in regularized:
            layer.add_regularization_gradients()
        self._resync_views()
        # One BLAS dot product: NaN and infinity propagate, so this checks every gradient.
        squared_norm = float(np.dot(self._flat_grads, self._flat_grads))
        if not math.isfinite(squared_norm):
            if loss is None:         # the loss may be what broke: report it first, as above
                loss = self._checked_loss(x, y, output, regularized)
            self._diverged(loss, x, y, gradients=True)
        self.gradient_norm = math.sqrt(squared_norm)
        return (math.nan if loss is None else loss), output

    def _checked_loss(self, x, y, output, regularized) -> float:
        """The batch loss with weight penalties; TrainingDiverged if it is not finite."""
        loss = self.loss(y, output)
        for layer in regularized:
            loss += layer.regularization_loss()
        if not math.isfinite(loss):
            self._diverged(loss, x, y)
        return loss

    def _loss_follows_grads(self) -> bool:
        """True when finite gradients prove the loss finite, so it need not be computed:
        a sigmoid/softmax output fused with cross-entropy (probabilities are clipped to
        [eps, 1] before the log, so only a NaN output makes the loss non-finite) from a
        Dense layer whose kernel gradient is in the checked flat vector: it takes in every
        output gradient (p - y), so it turns NaN as soon as one output does. Penalties are
        checked by the caller."""
        last = self.layers[-1]
        return self._fused and type(last) is Dense and self._output_kernel_grad is not None \
            and last.grads.get("kernel") is self._output_kernel_grad

    def _diverged(self, loss: float, x, y, gradients: bool = False):
        self._check_finite(x, y)
        if not np.isfinite(self._flat_params).all():
            raise ValueError("The weights contain NaN or infinity (were they set by hand?); "
                             "set finite weights or rebuild the model.")
        what = "a gradient" if gradients else "the loss"
        state = "infinite" if gradients or math.isinf(loss) else "NaN (not a number)"
        where = self._context or f"training step {self.optimizer.iterations + 1}"
        lr = self.optimizer.learning_rate
        raise TrainingDiverged(
            f"Training diverged: {what} became {state} at {where}. The weights were left as "
            f"they were before this step. Try a smaller learning rate (now {lr:g}), scaling "
            f"the inputs, or gradient-friendlier activations.", loss=loss, learning_rate=lr)

    def _step(self, x: np.ndarray, y: np.ndarray, loss_wanted: bool = True) -> dict | None:
        loss, output = self._loss_and_gradients(x, y, loss_wanted)
        params = self._flat_params
        np.copyto(self._params_before_step, params)
        self.optimizer.apply(self._param_list, self._grad_list)
        if not math.isfinite(float(np.dot(params, params))):   # an update too big for floats
            np.copyto(params, self._params_before_step)
            if math.isnan(loss):    # not computed (loss_wanted=False, no penalties)
                loss = self.loss(y, output)
            where = self._context or f"training step {self.optimizer.iterations}"
            lr = self.optimizer.learning_rate
            raise TrainingDiverged(
                f"Training diverged: the update at {where} would have made the weights "
                f"infinite, so it was undone. Try a smaller learning rate (now {lr:g}).",
                loss=loss, learning_rate=lr)
        if not loss_wanted:
            return None
        logs = {"loss": loss}
        if self.metrics:
            logs.update(self._metric_values(y, output))
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
        return float(sum(layer.regularization_loss() for layer in self.layers
                         if layer.regularizers))

    def _metric_values(self, y, output) -> dict:
        values = {}
        for name in self.metrics:
            if name == "accuracy":
                values[name] = self._accuracy(y, output)
            elif name == "mae":
                values[name] = float(np.abs(output - y).mean())
            else:
                values[name] = float(np.square(output - y).mean())
        return values

    def _accuracy(self, y, output) -> float:
        if y.ndim == 1 and output.ndim == 2 and output.shape[1] > 1:   # sparse labels
            return float(np.mean(output.argmax(axis=1) == y))
        if output.shape[-1] == 1:
            return float(np.mean((output > 0.5) == (y > 0.5)))
        return float(np.mean(output.argmax(axis=-1) == y.argmax(axis=-1)))

    # ----- fit / evaluate / predict -------------------------------------------------------
    def fit(self, x, y, epochs=1, batch_size=32, validation_data=None, validation_split=0.0,
            shuffle=True, callbacks=None, verbose=0, initial_epoch=0) -> History:
        """Train for ``epochs`` passes; returns a History. Divergence ends training early
        and is recorded in ``history.stop_reason`` (the weights stay finite)."""
        self._require_compiled("fit")
        x, y = self._prepare(x, y)
        self._check_finite(x, y)
        batch_size = _positive_int(batch_size if batch_size is not None else 32, "batch_size")
        epochs = _positive_int(epochs, "epochs", allow_zero=True)
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (x_val, y_val).")
            x_val, y_val = self._prepare(*validation_data, what="validation ")
            self._check_finite(x_val, y_val, "validation ")
        elif validation_split:
            if not 0.0 < float(validation_split) < 1.0:
                raise ValueError(f"validation_split must be between 0 and 1, got "
                                 f"{validation_split}.")
            cut = len(x) - round(len(x) * float(validation_split))
            if cut < 1 or cut == len(x):
                raise ValueError(f"validation_split={validation_split} leaves no training or "
                                 f"no validation samples out of {len(x)}.")
            x, x_val, y, y_val = x[:cut], x[cut:], y[:cut], y[cut:]
        else:
            x_val = y_val = None
        if len(x) == 0:
            raise ValueError("x is empty: fit needs at least one sample.")

        history = History()
        callback_list = [history, *(callbacks or [])]
        for callback in callback_list:
            if not isinstance(callback, Callback):
                raise ValueError(f"callbacks must be nn.callbacks.Callback objects, got "
                                 f"{callback!r}.")
            callback.set_model(self)
        self.stop_training, self.stop_reason = False, None
        self.history = history
        for callback in callback_list:
            callback.on_train_begin({})
        # Overflow on the way to divergence is expected: it is detected and reported in
        # history.stop_reason, so NumPy's warnings would only repeat it.
        with np.errstate(over="ignore", invalid="ignore"):
            self._fit_epochs(x, y, x_val, y_val, epochs, initial_epoch, batch_size, shuffle,
                             callback_list)
        history.stop_reason = self.stop_reason
        for callback in callback_list:
            callback.on_train_end({})
        if verbose:
            last = {k: round(v[-1], 6) for k, v in history.history.items() if v}
            print(f"{len(history.epoch)} epochs: {last}" +
                  (f"\n{self.stop_reason}" if self.stop_reason else ""))
        return history

    def _fit_epochs(self, x, y, x_val, y_val, epochs, initial_epoch, batch_size, shuffle,
                    callback_list) -> None:
        count = len(x)
        for epoch in range(initial_epoch, epochs):
            for callback in callback_list:
                callback.on_epoch_begin(epoch, {})
            if shuffle:
                order = self.rng.permutation(count)
                x_epoch, y_epoch = x[order], y[order]
            else:
                x_epoch, y_epoch = x, y
            totals: dict[str, float] = {}
            for batch, start in enumerate(range(0, count, batch_size)):
                x_batch = x_epoch[start: start + batch_size]
                y_batch = y_epoch[start: start + batch_size]
                for callback in callback_list:
                    callback.on_batch_begin(batch, {"size": len(x_batch)})
                self._context = f"epoch {epoch + 1}, batch {batch + 1}"
                try:
                    logs = self._step(x_batch, y_batch)
                except TrainingDiverged as error:
                    self.stop_training, self.stop_reason = True, str(error)
                    break
                finally:
                    self._context = ""
                for key, value in logs.items():
                    totals[key] = totals.get(key, 0.0) + value * len(x_batch)
                for callback in callback_list:
                    callback.on_batch_end(batch, logs)
            else:
                epoch_logs = {key: total / count for key, total in totals.items()}
                if x_val is not None:
                    validation = self._evaluate_prepared(x_val, y_val)
                    epoch_logs.update({f"val_{k}": v for k, v in validation.items()})
                self.epochs_trained += 1
                for callback in callback_list:
                    callback.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break

    def evaluate(self, x, y, batch_size=None, verbose=0) -> dict:
        """{"loss": ..., metric: ...} over all of (x, y), inference mode."""
        self._require_compiled("evaluate")
        x, y = self._prepare(x, y)
        self._check_finite(x, y)
        return self._evaluate_prepared(x, y, batch_size)

    def _evaluate_prepared(self, x, y, batch_size=None) -> dict:
        output = self._predict_prepared(x, batch_size)
        loss = self.loss(y, output) + self._regularization_loss()
        return {"loss": loss, **self._metric_values(y, output)}

    def test_on_batch(self, x, y) -> dict:
        return self.evaluate(x, y)

    def predict(self, x, batch_size=None, verbose=0) -> np.ndarray:
        """x: (n, *input_shape) -> (n, *output_shape), inference mode, model dtype."""
        return self._predict_prepared(self._prepare_x(x), batch_size)

    def _predict_prepared(self, x, batch_size=None) -> np.ndarray:
        chunk = _positive_int(batch_size, "batch_size") if batch_size else _PREDICT_CHUNK
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
        return [np.array(value) for layer in self.layers for value in layer.params.values()]

    def set_weights(self, weights) -> None:
        """Set weights from a list like get_weights(); refuses wrong count or shapes."""
        weights = list(weights)
        expected = [(layer, key, value) for layer in self.layers
                    for key, value in layer.params.items()]
        if len(weights) != len(expected):
            raise ValueError(f"set_weights got {len(weights)} arrays but the model has "
                             f"{len(expected)} "
                             f"({', '.join(f'{lay.name}.{k}' for lay, k, _ in expected)}).")
        for (layer, key, value), new in zip(expected, weights):
            new = np.asarray(new)
            if new.shape != value.shape:
                raise ValueError(f"Layer {layer.name}: {key} needs shape {value.shape}, got "
                                 f"{new.shape}.")
            if new.dtype.kind not in "biuf" or not np.isfinite(new).all():
                raise ValueError(f"Layer {layer.name}: {key} must hold finite numbers.")
        for (_, _, value), new in zip(expected, weights):
            value[...] = new

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    def summary(self, print_fn=print) -> str:
        """A table of layers, output shapes and parameter counts (also printed)."""
        rows = [("Layer (type)", "Output shape", "Params")]
        for layer in self.layers:
            shape = "(None, " + ", ".join(map(str, layer.output_shape or ("?",))) + ")"
            rows.append((f"{layer.name} ({type(layer).__name__})", shape,
                         str(layer.count_params())))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        line = "-" * (sum(widths) + 4)
        body = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows]
        trainable = int(self._flat_params.size) if self.built else 0
        text = "\n".join([f'Model: "{self.name}"', line, body[0], line, *body[1:], line,
                          f"Total params: {self.count_params()}",
                          f"Trainable params: {trainable}",
                          f"Non-trainable params: {self.count_params() - trainable}"])
        if print_fn is not None:
            print_fn(text)
        return text

    def save(self, file) -> None:
        """One .npz: weights, optimizer state and a JSON description (see nn.io)."""
        from playground.nn.io import save_model
        save_model(self, file)

    def __repr__(self) -> str:
        names = [layer.name for layer in self.layers]
        return f"Sequential({names}, input_shape={self.input_shape})"


def _positive_int(value, what: str, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < (
            0 if allow_zero else 1):
        raise ValueError(f"{what} must be a whole number >= {0 if allow_zero else 1}, "
                         f"got {value!r}.")
    return int(value)
