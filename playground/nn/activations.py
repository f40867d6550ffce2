"""Element-wise activations (and softmax over the last axis), stable and mostly in place.

Each activation is a small stateless object:
    forward(z, out=None) -> a          a = f(z); ``out=z`` computes in place
    backward(grad_a, a, z) -> grad_z   chain rule through f; uses the cached output ``a``
                                       where the derivative is a function of it (sigmoid,
                                       tanh, relu, elu, ...); ``z`` (the pre-activation) is
                                       only read when ``needs_input`` is True (swish,
                                       gelu, gelu_tanh).
All shapes are (batch, ...) and are preserved; dtypes are preserved.
``backward`` may overwrite ``grad_a`` (callers hand it a fresh array).
"""
from __future__ import annotations

import math

import numpy as np

from playground.nn import special
from playground.nn.constants import MINUS_ONE, ONE, ZERO

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_CUBIC = 0.044715


def stable_sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """1 / (1 + exp(-z)) without overflow: exp is only taken of values <= 0.

    exp(min(z, 0)) / (1 + exp(-|z|)): for z >= 0 that is 1 / (1 + e), for z < 0 e / (1 + e),
    with e = exp(-|z|) in (0, 1]. ``out`` may be z. Six ufunc calls on small arrays.
    """
    dtype = z.dtype
    denominator = np.copysign(z, MINUS_ONE.get(dtype, -1.0))     # -|z|
    np.exp(denominator, out=denominator)
    denominator += ONE.get(dtype, 1.0)
    numerator = np.minimum(z, ZERO.get(dtype, 0.0))              # 0 where z >= 0
    np.exp(numerator, out=numerator)                             # exp(0) is exactly 1
    return np.divide(numerator, denominator, out=numerator if out is None else out)


class Activation:
    """Base: identity. Subclasses override forward/backward."""

    name = "linear"
    needs_input = False   # True: backward reads z, so forward must not overwrite it

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        if out is None or out is z:
            return z
        np.copyto(out, z)
        return out

    def backward(self, grad_a: np.ndarray, a: np.ndarray, z: np.ndarray | None = None):
        return grad_a

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


Linear = Activation


class Sigmoid(Activation):
    name = "sigmoid"

    def forward(self, z, out=None):
        return stable_sigmoid(z, out)

    def backward(self, grad_a, a, z=None):
        slope = a - a * a                       # a (1 - a)
        np.multiply(grad_a, slope, out=slope)
        return slope


class Tanh(Activation):
    name = "tanh"

    def forward(self, z, out=None):
        return np.tanh(z, out=out)

    def backward(self, grad_a, a, z=None):
        slope = a * a
        np.subtract(ONE.get(slope.dtype, 1.0), slope, out=slope)      # 1 - a^2
        np.multiply(slope, grad_a, out=slope)
        return slope


class ReLU(Activation):
    name = "relu"

    def forward(self, z, out=None):
        return np.maximum(z, 0, out=out)

    def backward(self, grad_a, a, z=None):
        grad_a *= a > 0
        return grad_a


class LeakyReLU(Activation):
    """max(z, alpha z) with alpha = 0.2 (the Keras default for the string "leaky_relu")."""

    name = "leaky_relu"
    alpha = 0.2

    def forward(self, z, out=None):
        return np.maximum(z, self.alpha * z, out=out)

    def backward(self, grad_a, a, z=None):
        grad_a *= np.where(a > 0, 1.0, self.alpha).astype(a.dtype, copy=False)
        return grad_a


class ELU(Activation):
    """z for z > 0, exp(z) - 1 otherwise; slope a + 1 on the negative side."""

    name = "elu"

    def forward(self, z, out=None):
        negative = np.minimum(z, 0)
        np.expm1(negative, out=negative)       # never overflows: exp of values <= 0
        result = np.where(z > 0, z, negative)
        if out is None:
            return result
        np.copyto(out, result)
        return out

    def backward(self, grad_a, a, z=None):
        grad_a *= np.where(a > 0, 1.0, a + 1.0).astype(a.dtype, copy=False)
        return grad_a


class Swish(Activation):
    """z * sigmoid(z) (also called SiLU)."""

    name = "swish"
    needs_input = True

    def forward(self, z, out=None):
        s = stable_sigmoid(z)
        return np.multiply(z, s, out=out)

    def backward(self, grad_a, a, z=None):
        s = stable_sigmoid(z)
        # d/dz z s(z) = s + z s (1 - s) = s + a (1 - s)
        slope = s + a * (1.0 - s)
        grad_a *= slope
        return grad_a


class GELU(Activation):
    """Exact GELU, as Keras's "gelu": z Phi(z) with Phi(z) = erfc(-z / sqrt 2) / 2 the
    normal CDF; slope Phi(z) + z phi(z), phi the normal density. erfc is Cody's rational
    approximation (``nn.special``, float64 error a few 1e-16 relative), so both tails keep
    full relative accuracy: no 1 + erf(z) cancellation for negative z."""

    name = "gelu"
    needs_input = True

    @staticmethod
    def _cdf(z):
        return 0.5 * special.erfc(z * -_INV_SQRT_2)      # float64 for float32 z too

    def forward(self, z, out=None):
        return np.multiply(z, self._cdf(z), out=out)     # _cdf keeps the dtype of z

    def backward(self, grad_a, a, z=None):
        z64 = z.astype(np.float64, copy=False)
        clipped = np.clip(z64, -40.0, 40.0)            # the density is exactly 0 beyond
        density = np.exp(-0.5 * clipped * clipped)
        density *= _INV_SQRT_2PI
        slope = self._cdf(z64) + z64 * density
        grad_a *= slope.astype(z.dtype, copy=False)
        return grad_a


class GELUTanh(Activation):
    """The tanh approximation 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))), Keras's
    gelu(approximate=True); within 5e-4 of the exact GELU."""

    name = "gelu_tanh"
    needs_input = True

    @staticmethod
    def _inner_tanh(z):
        z = np.clip(z, -20.0, 20.0)     # tanh saturates long before; keeps z^3 from overflowing
        return np.tanh(_SQRT_2_OVER_PI * (z + _GELU_CUBIC * z * z * z))

    def forward(self, z, out=None):
        t = self._inner_tanh(z)
        t += 1.0
        t *= 0.5
        return np.multiply(z, t, out=out)

    def backward(self, grad_a, a, z=None):
        t = self._inner_tanh(z)
        zc = np.clip(z, -20.0, 20.0)    # 1 - t^2 is exactly 0 beyond, as is this term
        inner_slope = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * zc * zc)
        slope = 0.5 * (1.0 + t) + 0.5 * zc * (1.0 - t * t) * inner_slope
        grad_a *= slope.astype(z.dtype, copy=False)
        return grad_a


class Softmax(Activation):
    """exp(z - max z) / sum over the last axis; never overflows."""

    name = "softmax"

    def forward(self, z, out=None):
        out = np.subtract(z, z.max(axis=-1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=-1, keepdims=True)
        return out

    def backward(self, grad_a, a, z=None):
        # Jacobian-vector product: a * (g - sum(g * a))
        dot = np.einsum("...k,...k->...", grad_a, a)[..., None]
        grad_a -= dot
        grad_a *= a
        return grad_a


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Activation, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Swish, GELU,
                              GELUTanh, Softmax)
}


def get(identifier) -> Activation:
    """An Activation from a name ("relu"), None ("linear") or an Activation instance."""
    if identifier is None:
        return Activation()
    if isinstance(identifier, Activation):
        return identifier
    if isinstance(identifier, str):
        key = identifier.strip().lower()
        if key in ACTIVATIONS:
            return ACTIVATIONS[key]()
    raise ValueError(
        f"Unknown activation {identifier!r}. Use one of: {', '.join(sorted(ACTIVATIONS))}.")
