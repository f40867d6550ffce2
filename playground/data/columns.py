"""Column-by-column decisions for a table: numbers, categories, or dropped (and why).

Each function takes one pandas Series and returns what to keep plus the plain-language
note for the report. Nothing here reads files; ``tabular`` strings these together.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

FLOAT32_LIMIT = float(np.finfo(np.float32).max)   # larger magnitudes cannot be stored
ID_NAME = re.compile(r"^(id|_id|idx|index|row|row ?id|row ?number|key|#|no\.?|unnamed: ?0)$"
                     r"|[ _-]id$|^id[ _-]|[a-z]Id$", re.IGNORECASE)
PLAIN_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
COMMA_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
DECIMAL_COMMA = re.compile(r"^[-+]?\d*,\d+$")
PERCENT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)\s*%$")     # "26.9%": kept as 26.9
DATE_LIKE = re.compile(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
                       r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
DATE_SHARE = 0.9   # a text column is a date column when this share of its values look like dates
# A text column with more than max_categories values in the file is still encoded (its
# training rows may hold fewer) unless it holds more than this many times as many.
ENCODE_FACTOR = 5


@dataclass
class Column:
    """One usable column: numbers (float64 with NaN for missing) or text categories."""

    name: str
    values: pd.Series          # float64 for numbers; object strings (NaN missing) for categories
    categorical: bool
    id_like: bool = False      # a number column named like a row id (see ``id_like``)


def text_values(series: pd.Series) -> pd.Series:
    """The column as stripped Python strings, NaN where missing (object dtype).

    Each distinct text is stripped once: a 100,000-row column of 20 categories costs 20
    strips, not 100,000."""
    out = series.astype(object)
    present = out.notna()
    values = out[present]
    if pd.api.types.infer_dtype(values, skipna=False) != "string":
        values = values.astype(str)      # mixed types: 1 and 1.0 must stay "1" and "1.0"
    codes, uniques = pd.factorize(values)
    stripped = np.array([text.strip() or np.nan for text in uniques], dtype=object)
    out[present] = stripped[codes]
    return out.astype(object)


def distinct_texts(present: pd.Series) -> pd.Series:
    """The distinct values of a text column without missing values, as a Series of str:
    the pattern checks below look at each distinct text once (what holds for every
    distinct value holds for every row)."""
    return pd.Series(pd.unique(present.to_numpy()), dtype=object)


def _numbers_from_text(text: pd.Series) -> pd.Series | None:
    """Text that is all numbers (plain, or with ',' thousands such as "1,234.5") as float64."""
    present = text.dropna()
    if present.empty:
        return None
    distinct = distinct_texts(present)
    plain = distinct.str.match(PLAIN_NUMBER)
    if plain.all():
        return pd.to_numeric(text, errors="coerce").astype(np.float64)
    if (plain | distinct.str.match(COMMA_THOUSANDS)).all():
        return pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce"
                             ).astype(np.float64)
    if distinct.str.match(DECIMAL_COMMA).all():
        return pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce"
                             ).astype(np.float64)
    percent = distinct.str.match(PERCENT)
    if percent.any() and (plain | percent).all():
        return pd.to_numeric(text.str.rstrip("%").str.rstrip(), errors="coerce"
                             ).astype(np.float64)
    words = distinct.str.lower()
    if words.isin(["inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"]).any():
        as_numbers = pd.to_numeric(distinct, errors="coerce")
        if as_numbers.notna().all():
            return pd.to_numeric(text, errors="coerce").astype(np.float64)
    return None


def as_number_or_text(series: pd.Series) -> tuple[pd.Series, bool, str | None]:
    """(values, is_numeric, note): float64 numbers, or stripped text for anything else."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(object).map(str), False, None
    if pd.api.types.is_numeric_dtype(series):
        as_float = series if series.dtype == np.float64 else series.astype(np.float64)
        return as_float, True, None
    text = text_values(series)
    numbers = _numbers_from_text(text)
    if numbers is not None:
        note = None
        distinct = distinct_texts(text.dropna())
        if distinct.str.match(DECIMAL_COMMA).all():
            note = f"Read '{series.name}' as numbers with a decimal comma."
        elif distinct.str.match(PERCENT).any():
            note = (f"Read '{series.name}' as numbers in percent ('26.9%' is 26.9): the "
                    f"'%' signs were removed.")
        elif distinct.str.contains(",", regex=False).any():
            note = f"Read '{series.name}' as numbers after removing ',' thousands separators."
        return numbers, True, note
    return text, False, None


def clean_numbers(values: pd.Series, name: str) -> tuple[pd.Series, list[str]]:
    """Infinities and values beyond float32's range become missing, with a note naming the
    column and the rows (data rows counted from 1: the index label + 1)."""
    array = values.to_numpy(dtype=np.float64)
    too_big = np.abs(array) > FLOAT32_LIMIT      # true for +-inf, false for NaN
    if not too_big.any():
        return values, []
    return values.mask(too_big), [_too_large_note(values, too_big, name)]


def _too_large_note(values: pd.Series, too_big: np.ndarray, name: str) -> str:
    """"Treated 2 infinite or too-large values in 'x' as missing: 1e+300 on data row 3, ..."."""
    positions = np.flatnonzero(too_big)
    count = len(positions)
    shown = ", ".join(f"{values.iloc[p]:.4g} on data row {_row_number(values.index[p])}"
                      for p in positions[:5])
    more = f" and {count - 5:,} more" if count > 5 else ""
    return (f"Treated {count:,} infinite or too-large value{'s' if count > 1 else ''} in "
            f"'{name}' as missing: {shown}{more}. The network computes in float32, so "
            f"numbers must be finite and at most {FLOAT32_LIMIT:.3g} in size. Rescale the "
            f"column (e.g. divide it by a power of ten) or fix those rows.")


def _row_number(label) -> str:
    return f"{label + 1:,}" if isinstance(label, (int, np.integer)) else str(label)


def drop_reason(name: str, values: pd.Series, numeric: bool, position: int,
                blank_header: bool, max_categories: int) -> str | None:
    """Why this feature column can be dropped whatever rows end up in training, or None.

    Only what holds for every part of the file is judged here: every value missing, one
    value in every row, a row id (all different whole numbers: so in any rows too), dates,
    a different text in every row, and more text values than encoding can take
    (ENCODE_FACTOR x max_categories). A kept column that is constant, a row id, or has too
    many categories in the training rows is dropped there (``imputing.unused_reason``), so
    no validation or test row decides whether a column is used."""
    present = values.dropna() if values.hasnans else values
    n_rows = len(values)
    if present.empty:
        return f"Dropped column '{name}': every value is missing."
    if is_constant(present):
        return (f"Dropped column '{name}': it holds the same value "
                f"({_short(format_label(present.iloc[0]))}) in every row, so it cannot help "
                f"predict.")
    if numeric:
        if id_like(name, position, blank_header) and n_rows >= 3 and \
                len(present) == n_rows and np.all(np.mod(present.to_numpy(), 1) == 0) \
                and present.is_unique:
            return (f"Dropped column '{name}': a different whole number in every row, "
                    f"like a row id, so it carries no pattern.")
        return None
    counts = present.value_counts(sort=False)          # distinct text -> rows
    distinct = len(counts)
    if counts[counts.index.str.match(DATE_LIKE)].sum() >= DATE_SHARE * len(present):
        return (f"Dropped column '{name}': it holds dates (e.g. '{_short(present.iloc[0])}'); "
                f"dates are not used as inputs. Turn them into numbers (year, month, ...) "
                f"in the file if they matter.")
    if distinct == n_rows and n_rows >= 2:
        return (f"Dropped column '{name}': a different text in every row (like a name or "
                f"id), so it carries no pattern.")
    if distinct > ENCODE_FACTOR * max_categories:
        return too_many_categories(name, distinct, max_categories)
    return None


def too_many_categories(name: str, distinct: int, max_categories: int) -> str:
    return (f"Dropped column '{name}': {distinct} different text values, far more than the "
            f"{max_categories} categories one-hot encoding takes. To use it, group its rare "
            f"values into fewer categories in the file.")


def id_like(name: str, position: int, blank_header: bool) -> bool:
    """True when a number column's name (or its nameless first place) says it may be a row
    id: it is dropped if its training values are all different whole numbers."""
    return bool(ID_NAME.search(name)) or (position == 0 and blank_header)


def is_constant(present: pd.Series) -> bool:
    """True when the non-missing values are all equal (cheap min == max for numbers)."""
    if pd.api.types.is_numeric_dtype(present):
        numbers = present.to_numpy()
        return bool(numbers.min() == numbers.max())
    return present.nunique() < 2


def _short(value, width: int = 30) -> str:
    text = str(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def format_label(value) -> str:
    """A class label as text: 3.0 -> "3", 2.5 -> "2.5", "setosa" -> "setosa"."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)
