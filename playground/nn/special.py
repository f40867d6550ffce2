"""The complementary error function for arrays (NumPy has none), for the exact GELU.

``erfc`` is W. J. Cody's rational Chebyshev approximation (Math. Comp. 23, 1969; the
coefficients of his CALERF routine in netlib's specfun), in three ranges of |x|:
    |x| <= 0.46875     erf(x) = x P3(x^2) / Q3(x^2),                 erfc = 1 - erf
    0.46875 < |x| <= 4 erfc(|x|) = exp(-x^2) P8(|x|) / Q8(|x|)
    |x| > 4            erfc(|x|) = exp(-x^2) / |x| (1/sqrt(pi) + R(1/x^2) / x^2)
and erfc(-x) = 2 - erfc(x). The approximations are designed to be more accurate than
float64, so the result is within a few units in the last place (tested against
``math.erfc`` to 2e-15 relative, 8e-16 measured); exp(-x^2) is taken as exp(-s^2) exp(-(x-s)(x+s)) with s
x rounded down to a multiple of 1/16, which keeps the tail accurate. Beyond x = 26.543 erfc
is 0 (the exact value is subnormal there, below 2.3e-308). Shapes are kept;
float32 in gives float32 out (computed in float64).
"""
from __future__ import annotations

import numpy as np

_SMALL = 0.46875       # below: the erf series range
_MIDDLE = 4.0          # below: the exp(-x^2) P8/Q8 range; above: the asymptotic range
_BIG = 26.543          # erfc(x) underflows to 0 in float64 beyond this
_INV_SQRT_PI = 5.6418958354775628695e-1

_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
      3.20937758913846947e03, 1.85777706184603153e-1)
_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
      2.84423683343917062e03)
_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
      2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
      2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
      1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
      3.43936767414372164e03, 1.23033935480374942e03)
_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
      1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1,
      6.05183413124413191e-2, 2.33520497626869185e-3)


def _rational(t: np.ndarray, lead: float, numerator_coefficients, denominator_coefficients):
    """N(t) / D(t) by Horner's rule, both of the same degree k = len(coefficients):
    N(t) = lead t^k + n_0 t^(k-1) + ... + n_(k-1) and D(t) = t^k + d_0 t^(k-1) + ... + d_(k-1)
    (Cody's tables give D monic). t: any shape, float64 -> the same shape."""
    numerator = lead * t
    denominator = t.copy()
    for n, d in zip(numerator_coefficients[:-1], denominator_coefficients[:-1]):
        numerator += n
        numerator *= t
        denominator += d
        denominator *= t
    return (numerator + numerator_coefficients[-1]) / \
        (denominator + denominator_coefficients[-1])


def _erf_small(x: np.ndarray) -> np.ndarray:
    """erf(x) for |x| <= 0.46875: x P3(x^2) / Q3(x^2)."""
    return x * _rational(x * x, _A[4], _A[:4], _B)


def _scaled_exp(y: np.ndarray) -> np.ndarray:
    """exp(-y^2) without the rounding error of squaring y first."""
    rounded = np.trunc(y * 16.0) / 16.0
    return np.exp(-rounded * rounded) * np.exp(-(y - rounded) * (y + rounded))


def _erfc_middle(y: np.ndarray) -> np.ndarray:
    """erfc(y) for 0.46875 < y <= 4: exp(-y^2) P8(y) / Q8(y)."""
    return _rational(y, _C[8], _C[:8], _D) * _scaled_exp(y)


def _erfc_large(y: np.ndarray) -> np.ndarray:
    """erfc(y) for 4 < y (0 beyond 26.543, where it underflows):
    exp(-y^2) / y (1/sqrt(pi) - R(1/y^2) / y^2), R = P4 / Q4."""
    beyond = y >= _BIG
    y = np.minimum(y, _BIG)              # no overflow in y * y for huge y
    inverse_square = 1.0 / (y * y)
    tail = inverse_square * _rational(inverse_square, _P[5], _P[:5], _Q)
    result = (_INV_SQRT_PI - tail) / y * _scaled_exp(y)
    result[beyond] = 0.0
    return result


def erfc(x) -> np.ndarray:
    """1 - erf(x) elementwise, accurate in both tails: x (...) -> (...), same float dtype."""
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    z = x.astype(np.float64)
    y = np.abs(z)
    result = np.empty_like(z)
    small = y <= _SMALL
    middle = (y > _SMALL) & (y <= _MIDDLE)
    large = y > _MIDDLE
    if small.any():
        result[small] = 1.0 - _erf_small(z[small])
    if middle.any():
        result[middle] = _erfc_middle(y[middle])
    if large.any():
        result[large] = _erfc_large(y[large])
    negative = (z < 0) & ~small              # erfc(-y) = 2 - erfc(y)
    result[negative] = 2.0 - result[negative]
    result[np.isnan(z)] = np.nan
    return result.astype(dtype, copy=False)


def erf(x) -> np.ndarray:
    """erf(x) elementwise; x (...) -> (...), same float dtype. Full relative accuracy near
    0 (the series), 1 - erfc(|x|) with the sign of x elsewhere."""
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    z = x.astype(np.float64)
    small = np.abs(z) <= _SMALL
    result = np.copysign(1.0 - erfc(np.abs(z)), z)
    if small.any():
        result[small] = _erf_small(z[small])
    return result.astype(dtype, copy=False)
