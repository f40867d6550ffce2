"""Central-difference gradient checks, reusable for any layer or model (float64 only).

    check_layer_gradients(layer, input_shape, rng, training=False) -> dict of errors
    check_model_gradients(model, x, y) -> dict of errors
    numerical_gradient(f, array) -> array

Each compares the analytic gradient with (f(w + h) - f(w - h)) / 2h for every element and
asserts the relative error ||analytic - numeric|| / max(||analytic||, ||numeric||, floor)
is at most ``tol`` (1e-6). The floor (1e-3) keeps round-off noise from failing gradients
that are (correctly) almost zero.

Layer check: the scalar objective is sum(forward(x) * upstream) for a fixed random
``upstream``, so backward(upstream) must return d objective / dx and fill ``layer.grads``.
With ``training=True`` (Dropout, BatchNormalization) the layer's ``rng`` attribute, if it
has one, is reset to the same seed before every forward so random masks stay fixed.
"""
from __future__ import annotations

import numpy as np

STEP = 1e-6
TOLERANCE = 1e-6
FLOOR = 1e-3
_MASK_SEED = 12345


def numerical_gradient(objective, array: np.ndarray, step: float = STEP) -> np.ndarray:
    """d objective() / d array by central differences, perturbing ``array`` in place."""
    grad = np.zeros(array.shape, dtype=np.float64)
    flat, grad_flat = array.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, array):
        raise ValueError("numerical_gradient needs a contiguous array it can perturb in place")
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + step
        plus = objective()
        flat[i] = original - step
        minus = objective()
        flat[i] = original
        grad_flat[i] = (plus - minus) / (2.0 * step)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = FLOOR) -> float:
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise AssertionError(f"gradient shape {analytic.shape} != expected {numeric.shape}")
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric), floor)
    return float(np.linalg.norm(analytic - numeric) / scale)


def _assert_close(errors: dict, tol: float, what: str) -> dict:
    bad = {k: v for k, v in errors.items() if not v <= tol}
    assert not bad, f"{what}: relative gradient error above {tol}: {bad}"
    return errors


def check_layer_gradients(layer, input_shape, rng: np.random.Generator, *, training=False,
                          batch: int = 3, x: np.ndarray | None = None, tol: float = TOLERANCE,
                          step: float = STEP) -> dict:
    """Check d/dx and every d/dparam of ``layer`` (built here in float64 if not built)."""
    input_shape = tuple(input_shape)
    if not layer.built:
        layer.build(input_shape, rng, np.float64)
    for name, value in layer.params.items():
        if value.dtype != np.float64:
            raise ValueError(f"gradient checks need float64 params; {name} is {value.dtype}")
    if x is None:
        x = rng.standard_normal((batch,) + input_shape)
    x = np.array(x, dtype=np.float64)
    probe = layer.forward(x.copy(), training=training)
    upstream = rng.standard_normal(probe.shape)

    def run_forward(inputs):
        if training and hasattr(layer, "rng"):
            layer.rng = np.random.default_rng(_MASK_SEED)
        return layer.forward(inputs, training=training)

    def objective():
        return float(np.sum(run_forward(x.copy()) * upstream))

    run_forward(x.copy())
    grad_x = layer.backward(upstream.copy())
    analytic = {f"param:{k}": np.array(v, dtype=np.float64) for k, v in layer.grads.items()}
    errors = {}
    if grad_x is not None:
        errors["input"] = relative_error(grad_x, numerical_gradient(objective, x, step))
    for name, value in layer.params.items():
        if f"param:{name}" not in analytic:
            raise AssertionError(f"layer.grads has no entry for param {name!r}")
        errors[f"param:{name}"] = relative_error(
            analytic[f"param:{name}"], numerical_gradient(objective, value, step))
    return _assert_close(errors, tol, f"{type(layer).__name__} {layer.name}")


def check_model_gradients(model, x, y, *, tol: float = TOLERANCE, step: float = STEP) -> dict:
    """Check model.compute_gradients(x, y) against central differences of the loss,
    for every parameter of every layer (model built with dtype="float64")."""
    loss, grads = model.compute_gradients(x, y)
    loss_again = model.compute_loss(x, y)
    assert abs(loss - loss_again) <= 1e-9 * max(1.0, abs(loss)), (loss, loss_again)
    errors = {}
    for index, (layer, layer_grads) in enumerate(zip(model.layers, grads)):
        for name, value in layer.params.items():
            if value.dtype != np.float64:
                raise ValueError("check_model_gradients needs Sequential(..., dtype='float64')")
            numeric = numerical_gradient(lambda: model.compute_loss(x, y), value, step)
            errors[f"{index}:{layer.name}:{name}"] = relative_error(layer_grads[name], numeric)
    return _assert_close(errors, tol, "model")


def check_function_gradient(function, gradient, z: np.ndarray, *, tol: float = TOLERANCE,
                            step: float = STEP) -> float:
    """For a scalar ``function(z)`` and its claimed ``gradient(z)`` (same shape as z)."""
    z = np.array(z, dtype=np.float64)
    analytic = np.array(gradient(z.copy()), dtype=np.float64)
    numeric = numerical_gradient(lambda: function(z.copy()), z, step)
    error = relative_error(analytic, numeric)
    assert error <= tol, f"relative gradient error {error} > {tol}"
    return error
