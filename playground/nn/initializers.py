"""Weight initializers by Keras name: (shape, fan_in, fan_out, rng, dtype) -> array.

Biases start at zero; kernels default to glorot_uniform. Every draw comes from the model's
one ``np.random.Generator`` so the same seed gives the same weights.
"""
from __future__ import annotations

import math

import numpy as np


def glorot_uniform(shape, fan_in, fan_out, rng, dtype=np.float32):
    limit = math.sqrt(6.0 / max(fan_in + fan_out, 1))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def glorot_normal(shape, fan_in, fan_out, rng, dtype=np.float32):
    return _truncated_normal(shape, math.sqrt(2.0 / max(fan_in + fan_out, 1)), rng, dtype)


def he_normal(shape, fan_in, fan_out, rng, dtype=np.float32):
    return _truncated_normal(shape, math.sqrt(2.0 / max(fan_in, 1)), rng, dtype)


def he_uniform(shape, fan_in, fan_out, rng, dtype=np.float32):
    limit = math.sqrt(6.0 / max(fan_in, 1))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def lecun_normal(shape, fan_in, fan_out, rng, dtype=np.float32):
    return _truncated_normal(shape, math.sqrt(1.0 / max(fan_in, 1)), rng, dtype)


def lecun_uniform(shape, fan_in, fan_out, rng, dtype=np.float32):
    limit = math.sqrt(3.0 / max(fan_in, 1))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def zeros(shape, fan_in=0, fan_out=0, rng=None, dtype=np.float32):
    return np.zeros(shape, dtype=dtype)


def ones(shape, fan_in=0, fan_out=0, rng=None, dtype=np.float32):
    return np.ones(shape, dtype=dtype)


def orthogonal(shape, fan_in, fan_out, rng, dtype=np.float32):
    """A (rows, cols) matrix with orthonormal rows or columns (for recurrent kernels)."""
    rows = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    cols = int(shape[-1])
    normal = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(normal)
    q *= np.sign(np.diag(r))              # a uniform distribution over orthogonal matrices
    if rows < cols:
        q = q.T
    return np.ascontiguousarray(q[:rows, :cols].reshape(shape), dtype=dtype)


def _truncated_normal(shape, stddev, rng, dtype):
    """Normal(0, stddev) redrawn beyond 2 stddev, rescaled as Keras does (0.8796...)."""
    std = stddev / 0.87962566103423978
    values = rng.standard_normal(size=shape)
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(size=int(outside.sum()))
        outside = np.abs(values) > 2.0
    return (values * std).astype(dtype)


INITIALIZERS = {
    f.__name__: f for f in (glorot_uniform, glorot_normal, he_normal, he_uniform, lecun_normal,
                            lecun_uniform, zeros, ones, orthogonal)
}


def get(identifier):
    """An initializer function from its name ("he_normal") or a callable."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier.strip().lower() in INITIALIZERS:
        return INITIALIZERS[identifier.strip().lower()]
    raise ValueError(
        f"Unknown initializer {identifier!r}. Use one of: {', '.join(sorted(INITIALIZERS))}.")


def initialize(identifier, shape, fan_in, fan_out, rng, dtype=np.float32) -> np.ndarray:
    """Draw an array of ``shape`` with the named initializer."""
    return get(identifier)(tuple(shape), int(fan_in), int(fan_out), rng, dtype)


def serialize(initializer) -> str:
    """A JSON-able name for an initializer given as a string or a function."""
    return initializer if isinstance(initializer, str) else getattr(
        initializer, "__name__", str(initializer))
