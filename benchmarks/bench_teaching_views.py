"""Server cost of the teaching views (Neuron, Landscape, Activation, Health; the CNN, RNN
and autoencoder views are in bench_views.py): each view's figure build and its JSON (what
a frame ships) per refresh, and what the snapshot pays to carry the view's data.

Run: python benchmarks/bench_teaching_views.py [--repeats 30]
Experiments: the default page (circle, 2-4-2-1 tanh), the deep ReLU preset (8 x 8), the
linear regression preset (two weights: exact landscape) and the CNN digits preset. Prints
min and median milliseconds. "snapshot +" is what a fresh snapshot costs more while that
view is shown (its ``needs`` filled in) than with no teaching part, in turns, interleaved;
"slice" is one background loss-landscape slice (grid and seconds as computed).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from anywhere

from playground.config import ExperimentConfig
from playground.presets import PRESETS
from playground.traces.landscape import loss_slice
from playground.training import TrainingSession
from playground.viz import views

TEACHING_VIEWS = ("neuron", "landscape", "activation", "health")
EXPERIMENTS = {"default (circle 2-4-2-1)": ExperimentConfig(),
               "relu_deep (8 x 8)": PRESETS["relu_deep"].config,
               "line_regression (2 weights)": PRESETS["line_regression"].config,
               "cnn_digits": PRESETS["cnn_digits"].config}


def _times(build, repeats: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        build()
        samples.append((time.perf_counter() - start) * 1000)
    return min(samples), statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    options = views.ViewOptions(live=True)
    print("| experiment | view | build ms (min / median) | to_json ms (median) |")
    print("|---|---|---:|---:|")
    for name, cfg in EXPERIMENTS.items():
        session = TrainingSession(cfg)
        session.step_epochs(3)
        snap = session.snapshot()
        for view in TEACHING_VIEWS:
            if not views.VIEWS[view].fits(snap):
                continue
            low, mid = _times(lambda: views.draw(view, snap, options), args.repeats)
            figure = views.draw(view, snap, options)
            _, json_mid = _times(figure.to_json, args.repeats)
            print(f"| {name} | {view} | {low:.2f} / {mid:.2f} | {json_mid:.2f} |")
        for view in TEACHING_VIEWS:
            with_ms, without_ms = [], []
            for _ in range(args.repeats):                     # interleaved turns
                for show, into in ((views.needs([view]), with_ms), (frozenset(), without_ms)):
                    session.show = show
                    session._views.invalidate()
                    into.append(_times(session.snapshot, 1)[0])
            extra = statistics.median(with_ms) - statistics.median(without_ms)
            print(f"| {name} | snapshot + for {view} | {extra:.2f} (median) | - |")
        session.show = None
        if "2 weights" not in name:
            train = session.prepared.splits["train"]
            land = loss_slice(session.model, train.X, session._train_y,
                              session.path.array(), session.epoch)
            print(f"| {name} | slice (background, once) | {land.seconds * 1000:.0f} "
                  f"({len(land.alpha)} x {len(land.beta)} grid, {land.rows} rows) | - |")


if __name__ == "__main__":
    main()
