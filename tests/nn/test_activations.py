"""Activations: central-difference gradients, reference values, stability, in-place use."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from playground.nn import activations

from .gradcheck import check_function_gradient

NAMES = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "gelu", "gelu_tanh",
         "softmax"]


def _reference(name, z):
    """Straightforward float64 formulas (fine for moderate z)."""
    if name == "linear":
        return z
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "leaky_relu":
        return np.where(z > 0, z, 0.2 * z)
    if name == "elu":
        return np.where(z > 0, z, np.exp(z) - 1.0)
    if name == "swish":
        return z / (1.0 + np.exp(-z))
    if name == "gelu":
        return z * np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in z.ravel()]).reshape(
            z.shape)
    if name == "gelu_tanh":
        return 0.5 * z * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (z + 0.044715 * z ** 3)))
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("name", NAMES)
def test_forward_matches_reference_formula(name):
    z = np.random.default_rng(0).normal(scale=3.0, size=(6, 5))
    np.testing.assert_allclose(activations.get(name).forward(z.copy()), _reference(name, z),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_backward_matches_central_differences(name):
    rng = np.random.default_rng(1)
    act = activations.get(name)
    z = rng.normal(scale=2.0, size=(4, 5))
    z[np.abs(z) < 1e-3] = 0.5                       # stay away from the kinks of relu & co
    upstream = rng.normal(size=z.shape)

    def objective(values):
        return float(np.sum(act.forward(values.copy()) * upstream))

    def gradient(values):
        pre = values.copy()
        out = act.forward(pre.copy())
        return act.backward(upstream.copy(), out, pre)

    check_function_gradient(objective, gradient, z)


def test_against_torch_gelu_and_silu():
    torch = pytest.importorskip("torch")
    z = np.linspace(-8, 8, 101)
    gelu = torch.nn.functional.gelu(torch.tensor(z)).numpy()       # exact (erf)
    gelu_tanh = torch.nn.functional.gelu(torch.tensor(z), approximate="tanh").numpy()
    silu = torch.nn.functional.silu(torch.tensor(z)).numpy()
    np.testing.assert_allclose(activations.get("gelu").forward(z.copy()), gelu, rtol=1e-12,
                               atol=1e-14)
    np.testing.assert_allclose(activations.get("gelu_tanh").forward(z.copy()), gelu_tanh,
                               rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(activations.get("swish").forward(z.copy()), silu, rtol=1e-12,
                               atol=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_huge_inputs_give_no_warnings_and_finite_results(name, dtype):
    z = np.array([[-1e30, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e30]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            a = activations.get(name).forward(z.copy())
    assert a.dtype == dtype
    if name not in ("linear", "relu", "leaky_relu", "elu", "swish", "gelu"):
        assert np.isfinite(a).all()


def test_sigmoid_is_exact_in_both_tails():
    z = np.array([-40.0, -20.0, 0.0, 20.0, 40.0])
    s = activations.get("sigmoid").forward(z.copy())
    np.testing.assert_allclose(s[:2], np.exp(z[:2]) / (1 + np.exp(z[:2])), rtol=1e-14)
    assert s[2] == 0.5 and s[4] == 1.0


def test_softmax_rows_sum_to_one_for_huge_logits():
    z = np.array([[1e4, 1e4 - 1, -1e4], [3.0, 3.0, 3.0]], dtype=np.float32)
    p = activations.get("softmax").forward(z.copy())
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(p[0, :2], [1 / (1 + np.exp(-1)), 1 / (1 + np.exp(1))], rtol=1e-6)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "softmax"])
def test_in_place_forward_writes_into_z(name):
    z = np.random.default_rng(2).normal(size=(3, 4)).astype(np.float32)
    expected = activations.get(name).forward(z.copy())
    out = activations.get(name).forward(z, out=z)
    assert out is z
    np.testing.assert_allclose(z, expected, rtol=1e-6)


def test_unknown_name_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="relu6.*Use one of"):
        activations.get("relu6")
    assert activations.get(None).name == "linear"


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

# Up to 1e38: the spread of two logits must itself be a float32 (< 3.4e38).
_ANY_FLOAT32 = st.floats(min_value=float(np.float32(-1e38)), max_value=float(np.float32(1e38)),
                         width=32)


@settings(max_examples=60, deadline=None)
@given(z=arrays(np.float32, st.tuples(st.integers(1, 4), st.integers(1, 5)),
                elements=_ANY_FLOAT32))
def test_sigmoid_and_softmax_are_probabilities_for_any_finite_input(z):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = activations.get("sigmoid").forward(z.copy())
        p = activations.get("softmax").forward(z.copy())
    assert s.dtype == p.dtype == np.float32
    assert ((s >= 0) & (s <= 1)).all()
    assert ((p >= 0) & (p <= 1)).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    # the largest logit always gets the largest probability
    np.testing.assert_array_equal(p[np.arange(len(z)), z.argmax(axis=1)], p.max(axis=1))


@pytest.mark.parametrize("dtype,bits", [(np.float32, np.uint32), (np.float64, np.uint64)])
def test_stable_sigmoid_matches_the_piecewise_formula_bit_for_bit(dtype, bits):
    """exp(min(z, 0)) / (1 + exp(-|z|)) is the piecewise 1 / (1 + e) | e / (1 + e) with
    e = exp(-|z|), to the last bit: any float pattern, both zeros, infinities, NaN."""
    rng = np.random.default_rng(0)
    z = np.concatenate([
        rng.integers(0, np.iinfo(bits).max, size=50_000, dtype=bits, endpoint=True).view(dtype),
        rng.normal(scale=8, size=1000).astype(dtype),
        np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 88.7, -88.7, -104],
                 dtype=dtype)])
    with np.errstate(all="ignore"):
        e = np.exp(-np.abs(z))
        expected = np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(dtype)
        for size in (1, 7, 10, 33, len(z)):              # SIMD bodies and tails alike
            got = activations.stable_sigmoid(z[:size].copy())
            assert got.dtype == dtype
            same = (got.view(bits) == expected[:size].view(bits)) | \
                (np.isnan(got) & np.isnan(expected[:size]))
            assert same.all(), z[:size][~same][:5]


def test_erf_and_erfc_match_the_standard_library_to_float64_precision():
    """nn.special (Cody's rational approximations) against math.erf / math.erfc, all three
    ranges and both tails; relative error measured at most 8e-16. Beyond 26.543 erfc is
    flushed to 0 (Cody's XBIG), where the exact value is below 2.3e-308 (subnormal)."""
    from playground.nn import special
    z = np.concatenate([np.linspace(-27.0, 27.0, 20001), [0.0, 1e-300, -1e-10, 0.46875, 4.0]])
    erfc_ref = np.array([math.erfc(v) for v in z])
    erf_ref = np.array([math.erf(v) for v in z])
    np.testing.assert_allclose(special.erfc(z), erfc_ref, rtol=2e-15, atol=2.3e-308)
    np.testing.assert_allclose(special.erf(z), erf_ref, rtol=2e-15, atol=1e-300)
    assert special.erfc(np.array([30.0, -30.0, np.inf, np.nan]))[:3].tolist() == [0.0, 2.0, 0.0]
    assert np.isnan(special.erfc(np.array([np.nan]))[0])
    assert special.erfc(np.float32([1.0])).dtype == np.float32
