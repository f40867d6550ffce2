"""benchmarks/bench_engine.py cannot rot: every model builder runs one step (no timing)."""
from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_engine.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_engine", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_engine"] = module          # dataclasses look the module up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_engine", None)


@pytest.mark.parametrize("case", "abcd")
def test_our_model_takes_a_finite_step(bench, case):
    logs = bench.build_ours(case)()
    assert math.isfinite(logs["loss"])


@pytest.mark.parametrize("case", "ab")
def test_bare_loop_starts_at_the_same_loss_as_ours(bench, case):
    # same initial weights? no (different draws), but the loss at init must be comparable:
    # ln 2 ~ 0.69 for a balanced binary task, ln 10 ~ 2.3 for ten classes
    loss = bench.build_bare(case)()
    assert math.isfinite(loss) and (0.3 < loss < 1.2 if case == "a" else 1.8 < loss < 3.0)


@pytest.mark.parametrize("case", "abcd")
def test_torch_model_takes_a_step(bench, case):
    pytest.importorskip("torch")
    assert math.isfinite(bench.build_torch(case)())


@pytest.mark.parametrize("case", "ab")
def test_bare_loop_does_the_same_maths_as_ours(bench, case):
    """From the same weights, the hand-written loop and train_on_batch follow the same loss
    curve: the ours/bare ratio compares equal work (and checks both sides' Adam)."""
    ours = bench.build_ours(case)
    bare = bench.build_bare(case, weights=ours.model.get_weights())
    ours_losses = [ours()["loss"] for _ in range(20)]
    bare_losses = [bare() for _ in range(20)]
    np.testing.assert_allclose(bare_losses, ours_losses, rtol=1e-5)  # seen: 3e-7
    assert ours_losses[-1] < ours_losses[0]


def test_timing_helper_counts_steps(bench):
    calls = []
    rate = bench.steps_per_second(lambda: calls.append(1), seconds=0.01, repeats=2)
    assert rate > 0 and len(calls) > 2
