"""L1/L2 penalties: values by hand, gradients by central differences, bad strengths."""
from __future__ import annotations

import numpy as np
import pytest

from playground.nn import regularizers

from .gradcheck import check_function_gradient


@pytest.mark.parametrize("regularizer", [regularizers.L1(0.03), regularizers.L2(0.05),
                                         regularizers.L1L2(0.01, 0.02)])
def test_gradient_matches_central_differences(regularizer):
    w = np.random.default_rng(3).normal(size=(4, 3))
    w[np.abs(w) < 1e-3] = 0.1                 # |w| has a kink at 0
    check_function_gradient(regularizer, regularizer.gradient, w)


def test_values_follow_keras_conventions():
    w = np.array([[1.0, -2.0], [0.5, 0.0]])
    assert regularizers.L1(0.1)(w) == pytest.approx(0.1 * 3.5)
    assert regularizers.L2(0.1)(w) == pytest.approx(0.1 * 5.25)     # no 1/2 factor
    np.testing.assert_allclose(regularizers.L2(0.1).gradient(w), 0.2 * w)


def test_strings_configs_and_bad_strengths():
    assert isinstance(regularizers.get("l2"), regularizers.L2)
    assert regularizers.get({"type": "l1", "l1": 0.5}).l1 == 0.5
    assert regularizers.get(None) is None
    with pytest.raises(ValueError, match=">= 0"):
        regularizers.L2(-1)
    with pytest.raises(ValueError, match="Unknown regularizer"):
        regularizers.get("l3")
