"""Read-only 0-d constants per float dtype, for the ufunc calls of every training step.

On the engine's small arrays a ufunc call costs about a microsecond, and a Python float
operand adds ~0.4 us of conversion each time; a 0-d array of the array's own dtype does
not. The result is the same: a Python float is cast to the array's dtype anyway (NEP 50).

    ONE.get(z.dtype, 1.0)      # the float32/float64 constant, or the plain float otherwise
"""
from __future__ import annotations

from types import MappingProxyType

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def per_dtype(value: float) -> MappingProxyType:
    """{dtype: read-only 0-d array holding ``value``} for float32 and float64."""
    table = {}
    for dtype in FLOAT_DTYPES:
        constant = np.array(value, dtype=dtype)
        constant.setflags(write=False)
        table[dtype] = constant
    return MappingProxyType(table)


MINUS_ONE = per_dtype(-1.0)
ZERO = per_dtype(0.0)
ONE = per_dtype(1.0)
EPSILON = MappingProxyType({dtype: per_dtype(float(np.finfo(dtype).eps))[dtype]
                            for dtype in FLOAT_DTYPES})   # clip probabilities to [eps, 1]
