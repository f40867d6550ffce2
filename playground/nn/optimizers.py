"""Optimizers that update parameter arrays in place (Keras formulas and defaults).

    opt.apply(params, grads)   params, grads: lists of same-shape arrays; params change in place

The model hands over one flat parameter vector and one flat gradient vector (every layer's
weights are views into them), so an Adam step is a dozen NumPy calls whatever the depth.
State (moments, accumulators) is created on the first ``apply`` and kept across steps;
``learning_rate`` may be changed between steps without touching the state.
"""
from __future__ import annotations

import math

import numpy as np


class Optimizer:
    name = ""

    def __init__(self, learning_rate: float = 0.01):
        self.learning_rate = learning_rate
        self.iterations = 0           # updates applied so far (Adam's bias correction uses it)
        self._slots: list[list[np.ndarray]] | None = None   # per param: state arrays
        self._scratch: list[np.ndarray] | None = None       # per param: a work buffer
        self._state_for: list | None = None   # the params list the state was made for

    @property
    def learning_rate(self) -> float:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        value = float(value)
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"learning_rate must be a positive number, got {value}.")
        self._learning_rate = value

    # ----- state ------------------------------------------------------------------------
    slot_count = 0          # state arrays per parameter

    def _ensure_state(self, params) -> None:
        if params is self._state_for:
            return                      # the same list object as last step: state fits
        if self._slots is not None and len(self._slots) == len(params) and all(
                s[0].shape == p.shape for s, p in zip(self._slots, params) if s):
            self._state_for = params     # a new list of the same arrays: state still fits
            return
        self._slots = [[self._initial_slot(p) for _ in range(self.slot_count)] for p in params]
        self._scratch = [np.empty_like(p) for p in params]
        self._state_for = params

    def _initial_slot(self, param: np.ndarray) -> np.ndarray:
        return np.zeros_like(param)

    def reset(self) -> None:
        """Forget all state (moments, step count), e.g. when the parameters change."""
        self._slots = self._scratch = self._state_for = None
        self.iterations = 0

    def get_state(self) -> list[np.ndarray]:
        """All state arrays, flattened in order (for saving); empty before the first step."""
        return [s for slots in (self._slots or []) for s in slots]

    def set_state(self, arrays: list[np.ndarray], params, iterations: int) -> None:
        """Restore state saved by get_state() for this list of params."""
        self.reset()
        self._ensure_state(params)
        expected = [s for slots in self._slots for s in slots]
        if len(arrays) != len(expected) or any(
                a.shape != e.shape for a, e in zip(arrays, expected)):
            raise ValueError("Saved optimizer state does not fit this model's parameters.")
        for target, source in zip(expected, arrays):
            target[...] = source
        self.iterations = int(iterations)

    # ----- update -----------------------------------------------------------------------
    def apply(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """One update of every param from its gradient, in place."""
        self._ensure_state(params)
        self.iterations += 1
        for param, grad, slots, scratch in zip(params, grads, self._slots, self._scratch):
            self._update(param, grad, slots, scratch)

    def _update(self, param, grad, slots, scratch) -> None:
        raise NotImplementedError

    # ----- one weight's view (the neuron inspector) ---------------------------------------
    @property
    def slot_names(self) -> tuple[str, ...]:
        """What each state array holds, in slot order (e.g. Adam: ("m", "v"))."""
        return ()

    def state_at(self, position: int, param_index: int = 0) -> list[float]:
        """Each state array's value for one element of ``params[param_index]`` (flat
        ``position``), in ``slot_names`` order; the starting values before the first step."""
        if self._slots is None:
            return [float(self._initial_slot(np.zeros(1))[0]) for _ in range(self.slot_count)]
        return [float(slot.ravel()[position]) for slot in self._slots[param_index]]

    def trial_step(self, values, grads, state) -> tuple[np.ndarray, list[np.ndarray]]:
        """What one more ``apply`` would do to some weights, in float64, by this optimizer's
        own update code: values, grads (k,) and state (one (k,) array per slot) ->
        (change of each value, the state after). Nothing of the optimizer changes (its step
        count goes up by one during the call and back; callers hold the training lock)."""
        param = np.array(values, dtype=np.float64)
        start = param.copy()
        slots = [np.array(s, dtype=np.float64).reshape(param.shape) for s in state]
        self.iterations += 1
        try:
            self._update(param, np.array(grads, dtype=np.float64), slots, np.empty_like(param))
        finally:
            self.iterations -= 1
        return param - start, slots

    def get_config(self) -> dict:
        return {"type": self.name, "learning_rate": self.learning_rate}

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v}" for k, v in self.get_config().items() if k != "type")
        return f"{type(self).__name__}({settings})"


class SGD(Optimizer):
    """v = momentum v - lr g; w += v (nesterov: w += momentum v - lr g). Plain: w -= lr g."""

    name = "sgd"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        super().__init__(learning_rate)
        self.momentum = float(momentum)
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"SGD momentum must be in [0, 1), got {momentum}.")
        self.nesterov = bool(nesterov)
        self.slot_count = 1 if self.momentum > 0 else 0

    @property
    def slot_names(self):
        return ("velocity",) if self.momentum > 0 else ()

    def _update(self, param, grad, slots, scratch):
        lr = self._learning_rate
        if not slots:
            np.multiply(grad, lr, out=scratch)
            param -= scratch
            return
        velocity = slots[0]
        velocity *= self.momentum
        np.multiply(grad, lr, out=scratch)
        velocity -= scratch
        if self.nesterov:
            param += velocity * self.momentum    # w += momentum v - lr g (lr g is in scratch)
            param -= scratch
        else:
            param += velocity

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


def _scaled_step(grad, squares, scratch, lr, epsilon) -> None:
    """scratch = lr g / sqrt(squares + eps), the step to subtract (``squares`` may be
    scratch). Keras adds epsilon inside the root for RMSprop and Adagrad, outside for Adam."""
    np.add(squares, epsilon, out=scratch)
    np.sqrt(scratch, out=scratch)
    np.divide(grad, scratch, out=scratch)
    scratch *= lr


class RMSprop(Optimizer):
    """s = rho s + (1 - rho) g^2; step = lr g / sqrt(s + eps); w -= step (Keras 3).

    centered: also a = rho a + (1 - rho) g and step = lr g / sqrt(s - a^2 + eps).
    momentum > 0: m = momentum m + step; w -= m.
    Slots per parameter, in this order: s, then m (if momentum), then a (if centered).
    """

    name = "rmsprop"

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False):
        super().__init__(learning_rate)
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)
        if not 0.0 <= self.rho < 1.0:
            raise ValueError(f"RMSprop rho must be in [0, 1), got {rho}.")
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"RMSprop momentum must be in [0, 1), got {momentum}.")
        self.slot_count = 1 + (self.momentum > 0) + self.centered

    @property
    def slot_names(self):
        return ("s",) + (("m",) if self.momentum > 0 else ()) + (("a",) if self.centered else ())

    def _update(self, param, grad, slots, scratch):
        mean_square = slots[0]
        np.multiply(grad, grad, out=scratch)
        scratch -= mean_square
        scratch *= 1.0 - self.rho
        mean_square += scratch                   # rho s + (1 - rho) g^2
        if self.centered:
            mean_grad = slots[-1]
            np.subtract(grad, mean_grad, out=scratch)
            scratch *= 1.0 - self.rho
            mean_grad += scratch                 # rho a + (1 - rho) g
            np.multiply(mean_grad, mean_grad, out=scratch)
            np.subtract(mean_square, scratch, out=scratch)   # s - a^2
            squares = scratch
        else:
            squares = mean_square
        _scaled_step(grad, squares, scratch, self._learning_rate, self.epsilon)
        if self.momentum > 0:
            velocity = slots[1]
            velocity *= self.momentum
            velocity += scratch                  # m = momentum m + step
            param -= velocity
        else:
            param -= scratch

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


class Adagrad(Optimizer):
    """s += g^2; w -= lr g / sqrt(s + eps); s starts at 0.1 (Keras 3)."""

    name = "adagrad"
    slot_count = 1

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        super().__init__(learning_rate)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    slot_names = ("s",)

    def _initial_slot(self, param):
        return np.full_like(param, self.initial_accumulator_value)

    def _update(self, param, grad, slots, scratch):
        accumulator = slots[0]
        np.multiply(grad, grad, out=scratch)
        accumulator += scratch
        _scaled_step(grad, accumulator, scratch, self._learning_rate, self.epsilon)
        param -= scratch

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adam(Optimizer):
    """m, v moving averages of g and g^2; w -= lr_t m / (sqrt(v) + eps) with
    lr_t = lr sqrt(1 - beta_2^t) / (1 - beta_1^t) (the Keras form of bias correction)."""

    name = "adam"
    slot_count = 2
    slot_names = ("m", "v")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), float(epsilon)
        for what, beta in (("beta_1", self.beta_1), ("beta_2", self.beta_2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Adam {what} must be in [0, 1), got {beta}.")

    def step_size_at(self, t: int) -> float:
        """lr_t of step number t (1 for the first step)."""
        return self._learning_rate * math.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)

    def _step_size(self) -> float:
        """lr_t of the step being applied (``iterations`` already counts it)."""
        return self.step_size_at(self.iterations)

    def _update(self, param, grad, slots, scratch):
        first, second = slots
        np.subtract(grad, first, out=scratch)
        scratch *= 1.0 - self.beta_1
        first += scratch                         # m = b1 m + (1 - b1) g
        np.multiply(grad, grad, out=scratch)
        scratch -= second
        scratch *= 1.0 - self.beta_2
        second += scratch                        # v = b2 v + (1 - b2) g^2
        np.sqrt(second, out=scratch)
        scratch += self.epsilon
        np.divide(first, scratch, out=scratch)
        scratch *= self._step_size()
        param -= scratch

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class AdamW(Adam):
    """Adam with decoupled weight decay: w -= lr * weight_decay * w before the Adam step."""

    name = "adamw"

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7):
        super().__init__(learning_rate, beta_1, beta_2, epsilon)
        self.weight_decay = float(weight_decay)
        if self.weight_decay < 0:
            raise ValueError(f"AdamW weight_decay must be >= 0, got {weight_decay}.")

    def _update(self, param, grad, slots, scratch):
        if self.weight_decay:
            param *= 1.0 - self._learning_rate * self.weight_decay
        super()._update(param, grad, slots, scratch)

    def get_config(self):
        return {**super().get_config(), "weight_decay": self.weight_decay}


OPTIMIZERS = {cls.name: cls for cls in (SGD, RMSprop, Adagrad, Adam, AdamW)}


def get(identifier) -> Optimizer:
    """An Optimizer from a name ("adam"; Keras default settings), a config dict, or itself."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.strip().lower() in OPTIMIZERS:
        return OPTIMIZERS[identifier.strip().lower()]()
    if isinstance(identifier, dict) and identifier.get("type") in OPTIMIZERS:
        config = dict(identifier)
        return OPTIMIZERS[config.pop("type")](**config)
    raise ValueError(
        f"Unknown optimizer {identifier!r}. Use one of: {', '.join(sorted(OPTIMIZERS))} "
        f"or an object such as nn.optimizers.Adam(learning_rate=0.01).")
