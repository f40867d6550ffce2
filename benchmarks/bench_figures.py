"""Print how long each figure takes to build (and to serialise, as Streamlit does).

Run: python benchmarks/bench_figures.py [--resolution 50] [--repeats 30]
Default sizes: the 2-8-8-1 tanh network on a 50 x 50 grid, 2-4-2-1 too, 200 train and
80 test points, 100 epochs of history. Prints min, median and 90th-percentile build
milliseconds (min is the least disturbed by other processes on a shared machine), the
median time of fig.to_json() (what the page pays to ship the figure) and, for comparison,
of plotly's own go.Figure.to_json (the figures are LiveFigures with a faster to_json).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from anywhere

from playground.snapshot import SplitView
from playground.viz import (
    confusion_matrix_figure,
    decision_boundary_figure,
    gradient_norms_figure,
    image_samples_figure,
    loss_figure,
    metrics_table,
    network_figure,
    regression_figure,
    sequence_figure,
    weights_histogram_figure,
)
from tests.viz import samples


def _cases(resolution: int) -> dict:
    rng = np.random.default_rng(0)
    big = samples.dense_layers([2, 8, 8, 1], rng)
    big_grid = samples.grid_for(big, resolution)
    small = samples.dense_layers([2, 4, 2, 1], rng)
    small_grid = samples.grid_for(small, resolution)
    five = samples.dense_layers([2, 8, 5], rng, output_activation="softmax")
    five_grid = samples.grid_for(five, resolution)
    splits = {"train": samples.class_split("train", 200, 2, rng),
              "test": samples.class_split("test", 80, 2, rng)}
    splits5 = {"train": samples.class_split("train", 200, 5, rng),
               "test": samples.class_split("test", 80, 5, rng)}
    reg = {"train": samples.regression_split("train", 200, rng),
           "test": samples.regression_split("test", 80, rng)}
    history = samples.history(100)
    norms = samples.grad_norms(100, ["dense_1", "dense_2", "dense_3"])
    images = samples.digit_images(24, rng, size=28)
    labels = rng.integers(0, 10, 24)
    t = np.arange(300)
    seq = SplitView("test", None, np.sin(t / 9), np.sin(t / 9) + 0.05)
    return {
        "loss_figure (100 epochs, acc)": lambda: loss_figure(history),
        "gradient_norms_figure": lambda: gradient_norms_figure(norms),
        "decision_boundary binary": lambda: decision_boundary_figure(
            big_grid, splits, ["a", "b"], show_test=True),
        "decision_boundary 5 classes": lambda: decision_boundary_figure(
            five_grid, splits5, list("abcde"), show_test=True),
        "network_figure 2-8-8-1": lambda: network_figure(big, big_grid, ["x1", "x2"]),
        "network_figure 2-4-2-1": lambda: network_figure(small, small_grid, ["x1", "x2"]),
        "weights_histogram 2-8-8-1": lambda: weights_histogram_figure(big),
        "regression_figure curve": lambda: regression_figure(samples.curve(), reg),
        "confusion_matrix 5x5": lambda: confusion_matrix_figure(
            rng.integers(0, 50, (5, 5)), list("abcde"), "Confusion"),
        "metrics_table": lambda: metrics_table({"train": {"accuracy": 0.9, "f1": 0.8},
                                                "test": {"accuracy": 0.85, "f1": 0.7}}),
        "image_samples 24 x 28x28": lambda: image_samples_figure(
            images, labels, labels, [str(k) for k in range(10)]),
        "sequence_figure 300": lambda: sequence_figure(seq),
    }


def _time(fn, repeats: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ms to build, to serialise with fig.to_json() and with plotly's own to_json."""
    fn()                                                       # warm-up
    build, dump, plotly_dump = [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        fig = fn()
        middle = time.perf_counter()
        fig.to_json()
        end = time.perf_counter()
        go.Figure.to_json(fig)
        build.append(middle - start)
        dump.append(end - middle)
        plotly_dump.append(time.perf_counter() - end)
    return np.array(build) * 1e3, np.array(dump) * 1e3, np.array(plotly_dump) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print(f"grid resolution {args.resolution}, {args.repeats} repeats; milliseconds")
    print(f"{'figure':34s} {'min':>6s} {'median':>6s} {'p90':>6s} {'to_json':>8s} "
          f"{'plotly':>7s}")
    for name, fn in _cases(args.resolution).items():
        build, dump, plotly_dump = _time(fn, args.repeats)
        print(f"{name:34s} {build.min():6.2f} {np.median(build):6.2f} "
              f"{np.percentile(build, 90):6.2f} {np.median(dump):8.2f} "
              f"{np.median(plotly_dump):7.2f}")


if __name__ == "__main__":
    main()
