"""Property: load_csv on anything returns a consistent Dataset or raises DataError, nothing else."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.data import DataError, Dataset, load_csv

CELLS = st.one_of(
    st.sampled_from(["", "NA", "?", "null", "inf", "-inf", "1e400", "nan", "None", "True",
                     "0", "1", "2", "1,5", "1.234,5", '"1,234.5"', "2024-01-02", "a", "b",
                     '"x, y"', '"multi\nline"', '"', "'", " ", "ü", "\x00"]),
    st.integers(-1000, 1000).map(str),
    st.floats(allow_nan=True, allow_infinity=True, width=64).map(repr),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
)
DELIMITERS = st.sampled_from([",", ";", "\t", "|"])


@st.composite
def small_tables(draw) -> bytes:
    """A small text table: random cells, random delimiter, random encoding and line ends."""
    n_columns = draw(st.integers(1, 5))
    n_rows = draw(st.integers(0, 8))
    delimiter = draw(DELIMITERS)
    rows = [[draw(CELLS) for _ in range(n_columns + draw(st.integers(-1, 1)))]
            for _ in range(n_rows + 1)]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(delimiter.join(row) for row in rows)
    codec = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(codec, errors="replace")


def check_consistent(ds: Dataset) -> None:
    assert isinstance(ds, Dataset)
    assert ds.X.ndim == 2 and ds.X.dtype == np.float32 and not np.isinf(ds.X).any()
    # gaps are NaN until the training split fills them; "drop" leaves none
    assert ds.missing != "drop" or not np.isnan(ds.X).any()
    assert len(ds.X) == len(ds.y) >= 2
    assert len(ds.feature_names) == ds.X.shape[1] >= 1
    assert ds.report and all(isinstance(line, str) for line in ds.report)
    if ds.task == "classification":
        assert ds.y.dtype == np.int64 and len(ds.class_names) >= 2
        assert ds.y.min() >= 0 and ds.y.max() < len(ds.class_names)
    else:
        assert ds.task == "regression" and np.all(np.isfinite(ds.y))


def load_or_data_error(raw: bytes, **options) -> None:
    try:
        ds = load_csv(raw, **options)
    except DataError as error:
        # A specific message, not the last-line-of-defence wrapper for unexpected errors.
        assert str(error) and "Could not read this file as a table" not in str(error)
        return
    check_consistent(ds)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes(raw):
    load_or_data_error(raw)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables(), st.sampled_from(["drop", "mean", "median", "most_frequent"]),
       st.sampled_from([None, "classification", "regression"]))
def test_arbitrary_small_tables(raw, missing, task):
    load_or_data_error(raw, missing=missing, task=task)
