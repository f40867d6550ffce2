"""Print the server cost of the CNN, RNN/LSTM and autoencoder views per refresh.

Run: python benchmarks/bench_views.py [--repeats 30]
For each view, on the experiment of the preset that shows it (trained a few epochs first):
the median milliseconds to build its figure from a snapshot and serialise it (fig.to_json(),
what the page or the stream ships), and what the snapshot pays for the parts these views
need: the example traced through the network (SessionViews.sample) and the latent plane
(SessionViews.latent), next to a whole fresh snapshot (caches dropped) for scale.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from anywhere

from playground.config import ExperimentConfig
from playground.training import TrainingSession
from playground.viz import views

EXPERIMENTS = {
    "cnn digits": (dict(dataset="digits", model_kind="cnn", conv_filters=(8, 16),
                        hidden_layers=(32,), activation="relu", optimizer="adam",
                        learning_rate=0.01, batch_size=32), 2),
    "lstm sine": (dict(dataset="seq_sine", model_kind="lstm", rnn_units=16,
                       hidden_layers=(), optimizer="adam", learning_rate=0.01,
                       batch_size=32), 2),
    "2-D latent digits": (dict(dataset="digits", model_kind="autoencoder",
                               hidden_layers=(32, 2), activation="relu", optimizer="adam",
                               learning_rate=0.01, batch_size=32), 2),
    "points autoencoder": (dict(dataset="circle", model_kind="autoencoder",
                                hidden_layers=(8, 1), optimizer="adam"), 5),
}


def _median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _fresh_snapshot(session) -> None:
    session._views.invalidate()
    session.snapshot()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print(f"{'experiment':20} {'view':18} {'build+json ms':>13}")
    for name, (settings, epochs) in EXPERIMENTS.items():
        session = TrainingSession(ExperimentConfig(**settings))
        snap = session.step_epochs(epochs)
        for view in views.VIEWS.values():
            if not view.fits(snap) or views.group_of(view.name) not in (
                    "cnn", "recurrent", "autoencoder"):
                continue
            views.draw(view, snap).to_json()                       # warm up
            ms = _median_ms(lambda: views.draw(view, snap).to_json(), args.repeats)
            print(f"{name:20} {view.name:18} {ms:13.1f}")
        traced = _median_ms(lambda: (session._views.sample(1), session._views.latent()),
                            args.repeats)
        whole = _median_ms(lambda: _fresh_snapshot(session), max(3, args.repeats // 5))
        print(f"{name:20} {'traced parts':18} {traced:13.1f}  (a whole fresh snapshot: "
              f"{whole:.1f})")


if __name__ == "__main__":
    main()
