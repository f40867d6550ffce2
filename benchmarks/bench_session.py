"""TrainingSession speed on the default experiment: epochs per second, and snapshot cost.

    python benchmarks/bench_session.py            # reference ratio, then every config
    python benchmarks/bench_session.py --quick    # shorter slices (smoke run)

First the default experiment (circle, 240 training rows, 2-4-2-1 tanh + sigmoid, binary
cross-entropy, SGD, batch 10) against a bare NumPy loop doing the same maths by hand in
the same process: per epoch a shuffle, 24 minibatches of forward + loss value + fused
backward + SGD, then one forward pass over every split with a loss per split. The two take
turns in short slices, so load from other processes hits both alike; the session/bare ratio
is the number to compare between runs on a busy machine (absolute rates move with load).
Seen on the 2-core box: 0.95 before the session stepped through train_on_prepared_batch,
1.35-1.47 after (median per-round ratio).

Then, per config: epochs/s with train_for (the live loop), the time of snapshot() right
after training (fresh: predictions, metrics, a 40x40 boundary grid) and again while paused
(cached).
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.config import ExperimentConfig
from playground.training import TrainingSession

CONFIGS = {
    "default (circle, 4-2 tanh, sgd)": ExperimentConfig(),
    "spiral 16-16-16 adam": ExperimentConfig(dataset="spiral", n_samples=500,
                                             hidden_layers=(16, 16, 16), optimizer="adam"),
    "digits cnn": ExperimentConfig(dataset="digits", model_kind="cnn", hidden_layers=(32,),
                                   activation="relu", optimizer="adam", learning_rate=0.003,
                                   batch_size=32, n_samples=0),
    "lstm sine": ExperimentConfig(dataset="seq_sine", model_kind="lstm", rnn_units=16,
                                  hidden_layers=(), optimizer="adam", learning_rate=0.01,
                                  batch_size=32),
}


def bare_epoch_loop(session: TrainingSession, rng: np.random.Generator | None = None):
    """A function training one epoch of the default experiment by hand, float32 NumPy.

    Starts from the session's current weights and uses its splits; the maths is the
    session's: tanh hidden layers, sigmoid output, binary cross-entropy value (clipped to
    eps) per batch, fused output gradient (p - y) / n, plain SGD, then every split's loss.
    ``rng`` shuffles the rows (default: seeded 0). The function's ``weights`` attribute
    holds the current [kernel, bias, ...].
    """
    weights = [np.array(w) for w in session.model.get_weights()]   # kernel, bias, ...
    lr = np.float32(session.config.learning_rate)
    batch = session.config.batch_size
    train_X, train_y = session._train_X, session._train_y           # (240, 2), (240, 1)
    splits = session._views
    X_all, targets = splits.X_all, splits.targets                  # (400, 2), per split
    rng = np.random.default_rng(0) if rng is None else rng
    eps = np.float32(np.finfo(np.float32).eps)
    layers = len(weights) // 2

    def forward(x: np.ndarray) -> list[np.ndarray]:
        """x: (rows, 2) -> [x, hidden 1, hidden 2, p], each (rows, units)."""
        outputs = [x]
        for index in range(layers):
            z = outputs[-1] @ weights[2 * index] + weights[2 * index + 1]
            if index < layers - 1:
                outputs.append(np.tanh(z, out=z))
            else:
                outputs.append(1 / (1 + np.exp(-z)))
        return outputs

    def loss(y: np.ndarray, p: np.ndarray) -> float:
        log_p = np.log(np.maximum(p, eps))
        log_q = np.log(np.maximum(1 - p, eps))
        return -float(np.mean(y * log_p + (1 - y) * log_q))

    def epoch() -> None:
        order = rng.permutation(len(train_X))
        X, Y = train_X[order], train_y[order]
        for start in range(0, len(X), batch):
            x, y = X[start: start + batch], Y[start: start + batch]
            outputs = forward(x)
            if not np.isfinite(loss(y, outputs[-1])):
                raise ArithmeticError("bare loop diverged")
            grad = (outputs[-1] - y) / np.float32(len(x))
            for index in range(layers - 1, -1, -1):
                kernel_grad = outputs[index].T @ grad
                bias_grad = grad.sum(axis=0)
                if index:
                    grad = grad @ weights[2 * index].T
                    a = outputs[index]
                    grad *= 1 - a * a
                weights[2 * index] -= lr * kernel_grad
                weights[2 * index + 1] -= lr * bias_grad
        p_all = forward(X_all)[-1]
        for name, part in splits.slices.items():
            loss(targets[name], p_all[part])
    epoch.weights = weights
    return epoch


def default_vs_bare(slice_seconds: float, rounds: int) -> None:
    """Epochs/s of the default session and of the bare loop, in alternating slices.

    Prints each side's best slice (its rate on a quiet machine, as bench_engine does) and
    the median of the per-round ratios (each round's two slices ran back to back)."""
    session = TrainingSession(ExperimentConfig())
    session.step_epochs(3)                      # warm up
    bare = bare_epoch_loop(session)
    for _ in range(3):
        bare()
    session_rates, bare_rates, ratios = [], [], []
    for _ in range(rounds):
        start = time.perf_counter()
        epochs = session.train_for(slice_seconds)
        session_rate = epochs / (time.perf_counter() - start)
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < slice_seconds:
            bare()
            count += 1
        bare_rate = count / (time.perf_counter() - start)
        session_rates.append(session_rate)
        bare_rates.append(bare_rate)
        ratios.append(session_rate / bare_rate)
    print(f"default experiment: {rounds} rounds of {slice_seconds:g} s per side, taking turns")
    print(f"  session     best {max(session_rates):7.1f} epochs/s   median "
          f"{statistics.median(session_rates):7.1f}")
    print(f"  bare NumPy  best {max(bare_rates):7.1f} epochs/s   median "
          f"{statistics.median(bare_rates):7.1f}")
    print(f"  session / bare: of the best slices {max(session_rates) / max(bare_rates):.2f}, "
          f"median per round {statistics.median(ratios):.2f}")


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def config_table(seconds: float) -> None:
    for label, cfg in CONFIGS.items():
        session = TrainingSession(cfg)
        session.step_epochs(1)                      # warm up
        batches_per_epoch = math.ceil(len(session._train_y) / session._batch_size())
        batches, start = session.batches, time.perf_counter()
        session.train_for(seconds)                  # counted in batches: slow configs
        rate = (session.batches - batches) / batches_per_epoch / (time.perf_counter() - start)

        def fresh(session=session):
            session.train_for(1e-6)                 # one batch, no snapshot
            start_snap = time.perf_counter()
            session.snapshot()
            return time.perf_counter() - start_snap

        fresh_ms = sorted(fresh() * 1000 for _ in range(21))[10]
        cached_ms = _median_ms(session.snapshot, 21)
        print(f"{label:<34} {rate:8.1f} epochs/s   snapshot fresh {fresh_ms:6.2f} ms   "
              f"cached {cached_ms:6.3f} ms")


def limit_blas_threads(threads: int) -> str:
    """Give NumPy's BLAS ``threads`` threads (0: leave it); returns what it now uses.

    On this 2-core box shared with a browser, two OpenBLAS threads spin-wait for a core
    someone else holds: the cnn config then runs 1-8 epochs/s at random (one thread: ~7)."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return "unknown (threadpoolctl not installed)"
    if threads > 0:
        threadpool_limits(threads, user_api="blas")     # stays in force for the process
    counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    return str(max(counts)) if counts else "none found"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="short slices (smoke run)")
    parser.add_argument("--rounds", type=int, default=20, help="slices per side (default 20)")
    parser.add_argument("--no-table", action="store_true", help="only the default vs bare")
    parser.add_argument("--blas-threads", type=int, default=0,
                        help="threads for NumPy's BLAS (default 0: as the app runs it)")
    args = parser.parse_args(argv)
    print(f"numpy {np.__version__}, BLAS threads: {limit_blas_threads(args.blas_threads)}")
    default_vs_bare(0.1 if args.quick else 0.2, 2 if args.quick else args.rounds)
    if not args.no_table:
        config_table(0.3 if args.quick else 2.0)


if __name__ == "__main__":
    main()
