"""load_csv: any CSV the user uploads -> a Dataset, or a DataError that says what to fix."""
from __future__ import annotations

import io
import re
import warnings

import pandas as pd

from .csv_text import DELIMITER_NAMES, MISSING_TOKENS, TextFacts, decode, read_source, sniff
from .dataset import Dataset
from .errors import DataError
from .imputing import MAX_CATEGORIES
from .tabular import frame_to_dataset

MAX_ROWS = 200_000       # default row limit; pass max_rows to change it
MAX_COLUMNS = 1_000
SKIPPED_LINE = re.compile(r"line (\d+)")


def _parse(facts: TextFacts, raw: bytes | str,
           max_rows: int) -> tuple[pd.DataFrame, list[int], list[str]]:
    """The whole table as a DataFrame (pandas' C parser), the line numbers it had to skip
    and notes on anything else pandas warned about."""
    if len(facts.names) > MAX_COLUMNS:
        raise DataError(f"The file has {len(facts.names)} columns, more than the "
                        f"{MAX_COLUMNS} limit. Keep only the columns you need.")
    if isinstance(raw, bytes) and facts.encoding in ("utf-8", "utf-8-sig", "cp1252",
                                                     "latin-1"):
        buffer, encoding = io.BytesIO(raw), facts.encoding   # no second copy of big files
    else:
        buffer, encoding = io.StringIO(facts.text), None
    options = dict(sep=facts.delimiter, header=0 if facts.has_header else None,
                   names=facts.names, index_col=False, na_values=list(MISSING_TOKENS),
                   keep_default_na=False, skipinitialspace=True, skip_blank_lines=True,
                   on_bad_lines="warn", nrows=max_rows + 1, encoding=encoding,
                   quotechar='"', engine="c")
    if facts.decimal_comma:
        options.update(decimal=",", thousands=".")
    ragged_note: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            try:
                frame = pd.read_csv(buffer, **options)
            except pd.errors.ParserError as error:
                # pandas sizes the table from the first data row; when that row is short
                # it refuses the header's names. Read exactly the named columns instead.
                if "Too many columns specified" not in str(error):
                    raise
                buffer.seek(0)
                frame = pd.read_csv(buffer, usecols=range(len(facts.names)), **options)
                ragged_note = [f"Rows have differing numbers of values: missing values at "
                               f"the end of a row count as missing, and values beyond the "
                               f"{len(facts.names)} named columns were ignored."]
        except pd.errors.EmptyDataError as error:
            raise DataError("The file has no rows to read. Upload a CSV with a header row "
                            "and data rows.") from error
        except pd.errors.ParserError as error:
            text = str(error)
            if "EOF inside string" in text or "EOF while" in text:
                raise DataError("A quoted value never ends: a closing \" is missing "
                                f"({text.split('. ')[-1].strip()}). Fix the quotes in "
                                f"the file.") from error
            raise DataError(f"The file's rows could not be split into columns ({text}). "
                            f"Check the delimiter and the quotes.") from error
    skipped, notes = [], ragged_note
    for warning in caught:
        message = str(warning.message)
        skipped += [int(n) for n in SKIPPED_LINE.findall(message)]
        if "Length of header or names does not match" in message:
            notes.append("Some rows have more values than the header has names; the extra "
                         "values at the end of those rows were ignored.")
    return frame, skipped, notes


def load_csv(source, target: str | None = None, task: str | None = None,
             missing: str = "mean", max_categories: int = MAX_CATEGORIES,
             max_rows: int = MAX_ROWS, name: str | None = None) -> Dataset:
    """Read a CSV into a Dataset, explaining every step in ``Dataset.report``.

    source: a path, bytes, or a binary/text file object. target: the column to predict
    (default: the last). task: "classification" / "regression" / None to infer.
    missing: "drop" rows, or fill with "mean", "median", "most_frequent" (text columns
    always use the most frequent value). Infinite numbers are treated as missing.
    Text columns with more than max_categories values are dropped with a note.
    A gap stays NaN in X: it is filled after the split, from the training rows
    (``TableImputer``). name: the file's name for the report (default: the path's, or
    "uploaded.csv" for bytes).
    Raises DataError, and only DataError, for anything wrong with the file.
    """
    return _only_data_errors(_load_csv, source, target, task, missing, max_categories,
                             max_rows, name)


def _only_data_errors(read, *args):
    """``read(*args)``, any failure turned into a DataError that says what to do."""
    try:
        return read(*args)
    except DataError:
        raise
    except MemoryError as error:
        raise DataError("The file is too large to load in memory. Use a sample of the "
                        "rows.") from error
    except Exception as error:   # last line of defence: nothing else may escape
        raise DataError(f"Could not read this file as a table ({type(error).__name__}: "
                        f"{error}). Check that it is a plain CSV with a header row.") from error


def read_table(source, max_rows: int = MAX_ROWS) -> tuple[pd.DataFrame, str, list[str]]:
    """(frame, file name, report lines) of a CSV read exactly as ``load_csv`` reads it
    (delimiter, encoding, decimal comma, missing-value tokens), before any column is
    judged: e.g. new rows to predict for a trained network. Raises only DataError."""
    return _only_data_errors(_read_table, source, max_rows)[:3]


def _read_table(source, max_rows, name: str | None = None
                ) -> tuple[pd.DataFrame, str, list[str], TextFacts]:
    if not isinstance(max_rows, int) or max_rows < 1:
        raise DataError(f"max_rows must be a positive whole number; got {max_rows!r}.")
    raw, source_name = read_source(source)
    name = name or source_name
    facts = sniff(decode(raw))
    frame, skipped, parse_notes = _parse(facts, raw, max_rows)
    if len(frame) > max_rows:
        raise DataError(f"The file has more than {max_rows:,} data rows, the limit. Use a "
                        f"sample of the rows (or pass a larger max_rows).")
    if len(frame) == 0:
        raise DataError("The file has a header row but no data rows. Add rows of data "
                        "below the header.")
    details = [f"delimiter {DELIMITER_NAMES[facts.delimiter]}", f"encoding {facts.encoding_label}"]
    if facts.decimal_comma:
        details.append("decimal comma")
    report = [f"Read {len(frame)} rows and {frame.shape[1]} columns from '{name}' "
              f"({', '.join(details)})."]
    report += (facts.renamed or []) + parse_notes
    if skipped:
        shown = ", ".join(map(str, skipped[:10])) + (" ..." if len(skipped) > 10 else "")
        report.append(f"Skipped {len(skipped)} row{'s' if len(skipped) > 1 else ''} with "
                      f"more values than the header has columns (line {shown}).")
    return frame, name, report, facts


def _load_csv(source, target, task, missing, max_categories, max_rows, name) -> Dataset:
    frame, name, report, facts = _read_table(source, max_rows, name)
    return frame_to_dataset(frame, target=target, task=task, missing=missing,
                            max_categories=max_categories, name=name, report=report,
                            blank_header=facts.blank_first_name)
