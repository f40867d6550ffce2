"""Epochs per second of the live session's training loop: this tree against an older commit.

    python benchmarks/bench_epoch.py                 # against BASE_REV, 8 x 0.5 s each
    python benchmarks/bench_epoch.py --base main --slices 20

The older commit's ``playground/`` is copied from git into a temporary package
(``playground_base``: its own imports renamed), so both run in this one process, on the
same data, in 0.5 s slices that take turns (base, new, new without the fast path, base,
...); load from other processes then hits all alike. Each slice is one ``train_for`` of the
default experiment (circle, 4-2 tanh, lr 0.03, batch 10) through ``TrainingSession``, the
path Play takes. "general" is this tree with ``model.fast_path = False`` (the per-layer
path): it tells the Dense stack's share from the rest of the change.
Printed: best and median slice per variant, their ratios, and the load average.
"""
from __future__ import annotations

import argparse
import importlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASE_REV = "1be653b"      # main at the start of this work (stop 14's end)
_IMPORT = re.compile(r"\b(from|import)(\s+)playground\b")


def base_package(rev: str, into: Path) -> str:
    """Copy ``rev``'s playground/ into ``into``/playground_base (and its assets/ beside it,
    which the page's modules read); returns the package name."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "playground", "assets"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    package = into / "playground_base"
    (into / "playground").rename(package)
    for path in package.rglob("*.py"):
        text = path.read_text()
        path.write_text(_IMPORT.sub(r"\1\2playground_base", text))
    sys.path.insert(0, str(into))
    return "playground_base"


def session_of(package: str, fast: bool = True):
    config = importlib.import_module(f"{package}.config")
    training = importlib.import_module(f"{package}.training")
    session = training.TrainingSession(config.ExperimentConfig())
    if not fast:
        session.model.fast_path = False
    session.step_epochs(3)                 # warm: caches, first-call costs
    return session


def epochs_in(session, seconds: float) -> tuple[float, float]:
    """(epochs per second of wall time, per second of this thread's CPU time) in one
    ``train_for`` slice of ``seconds``: what the trainer thread calls while playing,
    without its frames and rests. CPU time leaves out the time other processes held the
    core, so it is the steadier number on a shared machine."""
    batches, start, cpu = session.batches, time.perf_counter(), time.thread_time()
    session.train_for(seconds)
    elapsed, used = time.perf_counter() - start, time.thread_time() - cpu
    epochs = (session.batches - batches) / session.batches_per_epoch
    return epochs / elapsed, epochs / max(used, 1e-9)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASE_REV, help="the older commit (default %(default)s)")
    parser.add_argument("--slices", type=int, default=8, help="slices per variant")
    parser.add_argument("--seconds", type=float, default=0.5, help="length of one slice")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        base = base_package(args.base, Path(folder))
        sessions = {"base": session_of(base), "new": session_of("playground"),
                    "general": session_of("playground", fast=False)}
        wall = {name: [] for name in sessions}
        cpu = {name: [] for name in sessions}
        for _ in range(args.slices):
            for name, session in sessions.items():
                per_wall, per_cpu = epochs_in(session, args.seconds)
                wall[name].append(per_wall)
                cpu[name].append(per_cpu)
    load = os.getloadavg()
    print(f"default experiment, epochs/s, {args.slices} x {args.seconds:g} s interleaved; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    labels = {"base": f"base ({args.base})", "new": "new (this tree)",
              "general": "new, fast path off"}
    for what, rates in (("per wall second", wall), ("per CPU second", cpu)):
        print(f" {what}:")
        for name, values in rates.items():
            print(f"  {labels[name]:28} best {max(values):7.1f}   "
                  f"median {statistics.median(values):7.1f}")
        for name in ("new", "general"):
            print(f"  {name} / base: best {max(rates[name]) / max(rates['base']):.2f}x, "
                  f"median {statistics.median(rates[name]) / statistics.median(rates['base']):.2f}x")


if __name__ == "__main__":
    main()
