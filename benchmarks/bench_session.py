"""TrainingSession speed on the default experiment: epochs per second, and snapshot cost.

    python benchmarks/bench_session.py

Prints: epochs/s with train_for (the live loop), the time of snapshot() right after
training (fresh: predictions, metrics, a 40x40 boundary grid) and again while paused
(cached), and the same for a few other configs.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

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
}


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def main() -> None:
    for label, cfg in CONFIGS.items():
        session = TrainingSession(cfg)
        session.step_epochs(1)                      # warm up
        seconds = 2.0
        start = time.perf_counter()
        epochs = session.train_for(seconds)
        rate = epochs / (time.perf_counter() - start)

        def fresh(session=session):
            session.train_for(1e-6)                 # one batch, no snapshot
            start_snap = time.perf_counter()
            session.snapshot()
            return time.perf_counter() - start_snap

        fresh_ms = sorted(fresh() * 1000 for _ in range(21))[10]
        cached_ms = _median_ms(session.snapshot, 21)
        print(f"{label:<34} {rate:8.1f} epochs/s   snapshot fresh {fresh_ms:6.2f} ms   "
              f"cached {cached_ms:6.3f} ms")


if __name__ == "__main__":
    main()
