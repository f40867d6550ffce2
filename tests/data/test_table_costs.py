"""A table too wide or too big after one-hot encoding is refused from its category counts,
before any one-hot matrix is built (issue 12); what is encoded is exactly one-hot."""
from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd

from playground.data import tabular
from playground.data.columns import text_values
from playground.data.errors import DataError
from playground.data import TableImputer
from playground.data.tabular import MAX_FEATURES, MAX_INPUT_VALUES, frame_to_dataset


def text_table(rows: int, columns: int, categories: int, seed: int = 0) -> pd.DataFrame:
    """``columns`` text columns of ``categories`` values each, and a 0/1 target."""
    rng = np.random.default_rng(seed)
    names = np.array([f"c{k:02d}" for k in range(categories)], dtype=object)
    data = {f"t{j}": names[rng.integers(0, categories, rows)] for j in range(columns)}
    data["y"] = rng.integers(0, 2, rows)
    return pd.DataFrame(data)


def refusal_and_peak_mb(call) -> tuple[str, float]:
    """(the DataError's message, or "" if none, peak MB allocated while ``call`` ran)."""
    tracemalloc.start()
    try:
        call()
        message = ""
    except DataError as error:
        message = str(error)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return message, peak / 1e6


def test_too_many_features_is_refused_before_encoding_and_early(monkeypatch):
    frame = text_table(5_000, 30, 100)           # 3,000 inputs once encoded (> 2,000)
    read = []
    original = tabular._read_column
    monkeypatch.setattr(tabular, "_read_column",
                        lambda *args: read.append(args[1]) or original(*args))
    text, peak = refusal_and_peak_mb(lambda: frame_to_dataset(frame, max_categories=100))
    assert f"more than {MAX_FEATURES:,}" in text and "group rare text values" in text, text
    assert "at least" in text and "(100)" in text       # counted, and the widest named
    # it stopped reading columns once the count passed the cap (21 of 30 is enough)
    assert len(read) <= MAX_FEATURES // 100 + 3, len(read)
    # encoding 5,000 x 3,000 float32 takes 60 MB (twice, to join the blocks); refusing
    # from the counts takes a fraction of that
    assert peak < 30, peak


def test_too_many_values_is_refused_before_encoding():
    rows = MAX_INPUT_VALUES // 2_000 + 1_000      # x 2,000 inputs: just over the limit
    frame = text_table(rows, 10, 200)
    text, peak = refusal_and_peak_mb(lambda: frame_to_dataset(frame, max_categories=200))
    assert f"{rows:,} rows" in text and "fewer rows" in text and "MB" in text, text
    assert peak < 60, peak       # the encoded matrix alone would take 208 MB


def test_missing_drop_counts_categories_after_the_rows_are_dropped():
    """With missing='drop', rows dropped later can remove categories: the table is judged
    on what is left (here a column's rare categories go with the rows that hold gaps)."""
    frame = text_table(2_000, 3, 4)
    frame.loc[:9, "t0"] = [f"rare{k}" for k in range(10)]
    frame.loc[:9, "t1"] = np.nan
    data = frame_to_dataset(frame, missing="drop")
    assert data.X.shape == (1_990, 12)
    assert not any(name.startswith("t0=rare") for name in data.feature_names)


def test_encoding_is_exactly_one_hot_next_to_numbers():
    frame = pd.DataFrame({"n": [1.5, 2.0, np.nan, 4.0, 5.0, 6.0],
                          "colour": [" red", "blue", "red", None, "green", "blue"],
                          "y": [0, 1, 0, 1, 0, 1]})
    data = frame_to_dataset(frame, missing="mean")
    assert data.feature_names == ["n", "colour=blue", "colour=green", "colour=red"]
    assert np.isnan(data.X[2, 0]) and np.isnan(data.X[3, 1:]).all()   # gaps: NaN
    data.X = TableImputer(data.columns, "mean").fit(data.X).transform(data.X)
    n = [1.5, 2.0, 3.7, 4.0, 5.0, 6.0]       # the mean fills the gap
    colour = ["red", "blue", "red", "blue", "green", "blue"]    # the most frequent fills
    expected = np.array([[v] + [float(c == k) for k in ("blue", "green", "red")]
                         for v, c in zip(n, colour)], dtype=np.float32)
    np.testing.assert_allclose(data.X, expected, rtol=1e-6)
    assert data.X.dtype == np.float32


def test_text_values_keep_mixed_types_apart_and_strip_each_text():
    values = pd.Series([1, 1.0, " a ", "a", "", None, True], dtype=object)
    out = text_values(values)
    assert out.iloc[:4].tolist() == ["1", "1.0", "a", "a"]
    assert out.iloc[4:6].isna().all() and out.iloc[6] == "True"
