"""Time load_csv against a bare pandas.read_csv on a 200,000-row, 3-column numeric CSV.

Run: python benchmarks/bench_csv.py   (prints seconds for each and their ratio; target <= 2x)
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from anywhere
from playground.data import load_csv

ROWS = 200_000
REPEATS = 7


def best_times(first, second) -> tuple[float, float]:
    """Fastest of REPEATS runs of each, in seconds, alternating the two so that load from
    other processes on the machine hits both alike."""
    times = ([], [])
    for _ in range(REPEATS):
        for function, record in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            function()
            record.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def main() -> None:
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"x1": rng.normal(size=ROWS), "x2": rng.uniform(-5, 5, ROWS),
                          "y": rng.normal(size=ROWS) * 3 + 1})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "numbers.csv"
        table.to_csv(path, index=False)
        size_mb = path.stat().st_size / 1e6
        dataset = load_csv(path)
        assert dataset.X.shape == (ROWS, 2), dataset.X.shape
        pandas_seconds, load_seconds = best_times(lambda: pd.read_csv(path),
                                                  lambda: load_csv(path))
    print(f"file: {ROWS:,} rows x 3 numeric columns, {size_mb:.1f} MB")
    print(f"pandas.read_csv: {pandas_seconds * 1000:8.1f} ms (best of {REPEATS})")
    print(f"load_csv:        {load_seconds * 1000:8.1f} ms (best of {REPEATS})")
    print(f"ratio load_csv / read_csv: {load_seconds / pandas_seconds:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
