"""Training steps per second of the NumPy engine vs PyTorch (CPU) and a bare NumPy loop.

    python benchmarks/bench_engine.py            # 3 x 2 s per implementation and case
    python benchmarks/bench_engine.py --quick    # 0.3 s each (smoke run)

Timing: each implementation is warmed up, then gets 3 x 2 s of wall time cut into 0.5 s
slices that take turns with the other implementations of the same case (so load from other
processes hits all alike); the best slice's steps/s is reported.

One step = one ``train_on_batch`` with Adam on a fixed batch (forward, loss, backward, update);
the PyTorch step also reads the loss back as a Python float (``loss.item()``), as
``train_on_batch`` returns it. Cases:
  a  Dense 2-8-8-1 tanh, sigmoid output, binary cross-entropy, batch 10
  b  Dense 64-256-256-10 relu, softmax output, sparse categorical cross-entropy, batch 128
  c  Conv2D 3x3x16 relu + MaxPool2D 2 + Flatten + Dense 10 softmax on 8x8x1 images, batch 64
  d  LSTM 32 units over 20 steps of 1 feature + Dense 1, mean squared error, batch 32
"bare" is a hand-written NumPy loop doing the same maths (forward, backward, Adam on every
parameter, float32) for a and b: the floor of what the engine's Python overhead costs.

Threads: by default NumPy's BLAS (through threadpoolctl) and PyTorch both run ONE thread.
The box is shared (2 cores, several busy processes): with two threads each, OpenBLAS and
PyTorch spin-wait on a core someone else holds and their numbers collapse by 10-50x at
random, which says nothing about either library. ``--threads N`` gives both N threads;
``--threads 0`` leaves NumPy's BLAS at its default and sets PyTorch to the same count.
Absolute numbers move with the machine's load; the ratios from the same run are what to read.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

if __package__ in (None, ""):     # run as a script: make `playground` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from playground import nn

try:
    import torch
except ImportError:           # PyTorch is a dev dependency: the table then shows "n/a"
    torch = None

Step = Callable[[], object]   # one training step


# ----- data --------------------------------------------------------------------------------
def make_batch(case: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A fixed float32 batch (x, y) for a case; y is float for a/d, int labels for b/c."""
    rng = np.random.default_rng(seed)
    if case == "a":
        x = rng.normal(size=(10, 2)).astype(np.float32)
        return x, (x[:, :1] * x[:, 1:] > 0).astype(np.float32)
    if case == "b":
        return (rng.normal(size=(128, 64)).astype(np.float32),
                rng.integers(0, 10, size=128))
    if case == "c":
        return (rng.random((64, 8, 8, 1), dtype=np.float32), rng.integers(0, 10, size=64))
    if case == "d":
        phase = rng.uniform(0, 2 * np.pi, size=(32, 1))
        wave = np.sin(phase + 0.3 * np.arange(21)).astype(np.float32)
        return wave[:, :20, None], wave[:, 20:]
    raise ValueError(f"Unknown case {case!r}; use one of a, b, c, d.")


# ----- our engine --------------------------------------------------------------------------
def build_ours(case: str) -> Step:
    """A compiled nn.Sequential for the case and a closure doing one train_on_batch."""
    x, y = make_batch(case)
    if case == "a":
        layers = [nn.Dense(8, activation="tanh"), nn.Dense(8, activation="tanh"),
                  nn.Dense(1, activation="sigmoid")]
        loss = "binary_crossentropy"
    elif case == "b":
        layers = [nn.Dense(256, activation="relu"), nn.Dense(256, activation="relu"),
                  nn.Dense(10, activation="softmax")]
        loss = "sparse_categorical_crossentropy"
    elif case == "c":
        layers = [nn.Conv2D(16, 3, activation="relu"), nn.MaxPool2D(2), nn.Flatten(),
                  nn.Dense(10, activation="softmax")]
        loss = "sparse_categorical_crossentropy"
    else:
        layers = [nn.LSTM(32), nn.Dense(1)]
        loss = "mse"
    model = nn.Sequential(layers, input_shape=x.shape[1:], seed=0)
    model.compile(loss=loss, optimizer=nn.optimizers.Adam(learning_rate=1e-3))

    def step():
        return model.train_on_batch(x, y)
    step.model = model            # for tests that compare against the other implementations
    return step


# ----- PyTorch -----------------------------------------------------------------------------
def build_torch(case: str) -> Step:
    """The same model in PyTorch (float32, CPU, Adam); logits + fused loss as usual there."""
    x, y = make_batch(case)
    torch.manual_seed(0)
    t = torch.nn
    if case == "a":
        model = t.Sequential(t.Linear(2, 8), t.Tanh(), t.Linear(8, 8), t.Tanh(), t.Linear(8, 1))
        loss_fn, target = t.BCEWithLogitsLoss(), torch.from_numpy(y)
    elif case == "b":
        model = t.Sequential(t.Linear(64, 256), t.ReLU(), t.Linear(256, 256), t.ReLU(),
                             t.Linear(256, 10))
        loss_fn, target = t.CrossEntropyLoss(), torch.from_numpy(y)
    elif case == "c":
        model = t.Sequential(t.Conv2d(1, 16, 3), t.ReLU(), t.MaxPool2d(2), t.Flatten(),
                             t.Linear(16 * 3 * 3, 10))
        loss_fn, target = t.CrossEntropyLoss(), torch.from_numpy(y)
        x = x.transpose(0, 3, 1, 2).copy()                      # NHWC -> NCHW
    else:
        model = _TorchLSTMRegressor()
        loss_fn, target = t.MSELoss(), torch.from_numpy(y)
    inputs = torch.from_numpy(x)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(inputs), target)
        loss.backward()
        optimizer.step()
        return loss.item()
    return step


if torch is not None:
    class _TorchLSTMRegressor(torch.nn.Module):
        """LSTM(1 -> 32) over the sequence, Dense(32 -> 1) on the last hidden state."""

        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(1, 32, batch_first=True)
            self.head = torch.nn.Linear(32, 1)

        def forward(self, x):
            return self.head(self.lstm(x)[0][:, -1])


# ----- bare NumPy ----------------------------------------------------------------------------
def build_bare(case: str, weights: list[np.ndarray] | None = None) -> Step:
    """A hand-written float32 NumPy loop for a (tanh MLP) or b (relu MLP, softmax CE).

    weights: optional starting [kernel, bias, ...] in Keras order (e.g. our model's), else a
    seeded glorot-uniform draw. Adam on every array separately, Keras bias correction."""
    if case not in ("a", "b"):
        raise ValueError("The bare NumPy loop exists for cases a and b only.")
    x, y = make_batch(case)
    sizes = [2, 8, 8, 1] if case == "a" else [64, 256, 256, 10]
    rng = np.random.default_rng(0)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        params += [rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32),
                   np.zeros(fan_out, np.float32)]
    if weights is not None:
        params = [np.array(w, dtype=np.float32) for w in weights]
    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    scratch = [np.zeros_like(p) for p in params]
    lr, beta_1, beta_2, eps = 1e-3, 0.9, 0.999, 1e-7
    n = len(x)
    onehot = None if case == "a" else np.eye(10, dtype=np.float32)[y]
    state = {"t": 0}

    def step():
        activations = [x]
        for layer in range(len(sizes) - 1):
            z = activations[-1] @ params[2 * layer] + params[2 * layer + 1]
            if layer < len(sizes) - 2:
                activations.append(np.tanh(z, out=z) if case == "a" else np.maximum(z, 0, out=z))
            else:
                activations.append(z)
        logits = activations[-1]
        if case == "a":   # BCE from logits: log(1 + e^-|z|) + max(z, 0) - y z, fused gradient
            loss = np.mean(np.log1p(np.exp(-np.abs(logits))) + np.maximum(logits, 0)
                           - y * logits)
            grad = 0.5 * (1 + np.tanh(0.5 * logits))   # sigmoid, overflow-free
            grad -= y
            grad /= n
        else:
            shifted = logits - logits.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            loss = -np.mean(log_p[np.arange(n), y])
            grad = np.exp(log_p)
            grad -= onehot
            grad /= n
        grads = [None] * len(params)
        for layer in range(len(sizes) - 2, -1, -1):
            grads[2 * layer] = activations[layer].T @ grad
            grads[2 * layer + 1] = grad.sum(axis=0)
            if layer:
                grad = grad @ params[2 * layer].T
                a = activations[layer]
                grad *= (1 - a * a) if case == "a" else (a > 0)
        state["t"] += 1
        t = state["t"]
        step_size = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        for p, g, m, v, work in zip(params, grads, moments, squares, scratch):
            m *= beta_1
            m += (1 - beta_1) * g
            v *= beta_2
            np.multiply(g, g, out=work)
            work *= 1 - beta_2
            v += work
            np.sqrt(v, out=work)
            work += eps
            np.divide(m, work, out=work)
            work *= step_size
            p -= work
        return float(loss)
    return step


# ----- timing ------------------------------------------------------------------------------
def steps_per_second(step: Step, seconds: float, repeats: int) -> float:
    """Steps per second of one step function (see interleaved_rates)."""
    return interleaved_rates({"step": step}, seconds, repeats)["step"]


def interleaved_rates(steps: dict[str, Step], seconds: float, repeats: int,
                      slice_seconds: float = 0.5) -> dict[str, float]:
    """Steps per second for each named step: best slice over ``repeats`` x ``seconds`` each.

    Every implementation is warmed up, then the measurement is cut into slices of about
    ``slice_seconds`` that take turns (ours, torch, bare, ours, ...), so a burst of load from
    other processes hits all of them alike; the best slice is each one's quiet-machine rate.
    """
    for step in steps.values():
        warm_until = time.perf_counter() + min(0.3, seconds / 2)
        while time.perf_counter() < warm_until:
            step()
    slices = max(1, round(seconds * repeats / slice_seconds))
    length = seconds * repeats / slices
    best = dict.fromkeys(steps, 0.0)
    for _ in range(slices):
        for name, step in steps.items():
            count, start = 0, time.perf_counter()
            while True:
                step()
                count += 1
                elapsed = time.perf_counter() - start
                if elapsed >= length:
                    break
            best[name] = max(best[name], count / elapsed)
    return best


def blas_threads() -> int:
    """Threads NumPy's BLAS uses (threadpoolctl if installed, else one per core)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.cpu_count() or 1
    counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    return max(counts) if counts else (os.cpu_count() or 1)


def limit_threads(threads: int) -> int:
    """Give NumPy's BLAS and PyTorch ``threads`` threads (0: BLAS default); returns the count."""
    if threads > 0:
        try:
            from threadpoolctl import threadpool_limits
            threadpool_limits(threads, user_api="blas")     # stays in force for the process
        except ImportError:
            print("threadpoolctl missing: set OPENBLAS_NUM_THREADS to limit NumPy's threads")
    count = blas_threads()
    if torch is not None:
        torch.set_num_threads(max(threads, 1) if threads > 0 else count)
    return count


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    torch_target: float        # ours / PyTorch at least this
    bare_target: float | None  # ours / bare NumPy at least this, if there is a target
    has_bare: bool             # a bare NumPy loop exists for this case


CASES = (
    Case("a", "Dense 2-8-8-1 tanh, batch 10", 4.0, 0.6, True),
    Case("b", "Dense 64-256-256-10 relu, batch 128", 1.2, None, True),
    Case("c", "Conv2D 3x3x16+MaxPool+Dense10, 8x8x1, batch 64", 0.5, None, False),
    Case("d", "LSTM 32 x 20 steps + Dense 1, batch 32", 0.5, None, False),
)


def _ratio(ours: float, other: float | None, target: float | None) -> str:
    if not other:
        return "n/a"
    ratio = ours / other
    mark = "" if target is None else (" ok" if ratio >= target else f" MISS(<{target:g})")
    return f"{ratio:.2f}x{mark}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="0.3 s per case, one run")
    parser.add_argument("--cases", default="abcd", help="which cases to run, e.g. 'cd'")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for NumPy's BLAS and PyTorch (0: BLAS default for both)")
    args = parser.parse_args(argv)
    seconds, repeats = (0.3, 1) if args.quick else (2.0, 3)    # per implementation and case
    blas = limit_threads(args.threads)
    torch_threads = torch.get_num_threads() if torch is not None else 0
    print(f"numpy {np.__version__} (BLAS threads {blas}); torch "
          f"{torch.__version__ + f' ({torch_threads} threads)' if torch else 'not installed'}; "
          f"{seconds * repeats:g} s each in interleaved 0.5 s slices, best slice")
    header = (f"{'case':<50} {'ours/s':>9} {'torch/s':>9} {'ours/torch':>16} "
              f"{'bare/s':>9} {'ours/bare':>16}")
    print(header)
    print("-" * len(header))
    for case in CASES:
        if case.key not in args.cases:
            continue
        steps = {"ours": build_ours(case.key)}
        if torch is not None:
            steps["torch"] = build_torch(case.key)
        if case.has_bare:
            steps["bare"] = build_bare(case.key)
        rates = interleaved_rates(steps, seconds, repeats)
        ours, theirs, bare = rates["ours"], rates.get("torch"), rates.get("bare")
        print(f"{case.key}  {case.label:<47} {ours:>9.0f} "
              f"{(f'{theirs:.0f}' if theirs else 'n/a'):>9} "
              f"{_ratio(ours, theirs, case.torch_target):>16} "
              f"{(f'{bare:.0f}' if bare else '-'):>9} "
              f"{(_ratio(ours, bare, case.bare_target) if bare else '-'):>16}", flush=True)


if __name__ == "__main__":
    main()
