"""A pandas table -> Dataset: target, task, column drops, missing values, one-hot encoding.

Shared by CSV uploads and the built-in tables (iris, tips), so both are preprocessed, and
reported, the same way. Every decision adds one plain-language line to the report.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .columns import (
    Column,
    as_number_or_text,
    clean_numbers,
    drop_reason,
    format_label,
    id_like,
    is_constant,
    too_many_categories,
)
from .dataset import TASKS, Dataset
from .errors import DataError, setting
from .imputing import MAX_CATEGORIES, TableColumn

MISSING_STRATEGIES = ("drop", "mean", "median", "most_frequent")
MAX_CLASSES = 50            # more distinct target values than this cannot be classified
MAX_INTEGER_CLASSES = 10    # whole-number targets with at most this many values are classes
MAX_FEATURES = 2000         # input columns after one-hot encoding
# rows x input columns after one-hot encoding (float32: 200 MB). A 50 MB file of numbers
# holds at most about 25 million values; only one-hot encoding many text columns goes past.
MAX_INPUT_VALUES = 50_000_000
MIN_ROWS = 2


def _read_column(series, name: str, report: list[str]):
    """A raw text column as numbers (cleaned) or text -> (values, is_numeric); notes go
    to ``report``."""
    values, numeric, note = as_number_or_text(series)
    if note:
        report.append(note)
    if numeric:
        values, notes = clean_numbers(values, name)
        report.extend(notes)
    return values, numeric


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _find_target(frame: pd.DataFrame, target: str | None) -> str:
    columns = [str(c) for c in frame.columns]
    if target is None:
        return columns[-1]
    if target in columns:
        return target
    relaxed = {c.strip().lower(): c for c in columns}
    if str(target).strip().lower() in relaxed:
        return relaxed[str(target).strip().lower()]
    raise DataError(f"There is no column named '{target}' to predict. The columns are: "
                    f"{', '.join(repr(c) for c in columns[:30])}"
                    f"{' ...' if len(columns) > 30 else ''}.")


def _all_whole(numbers: np.ndarray) -> bool:
    """True when every number is a whole number (checks the first 1000 first: cheap no)."""
    head = numbers[:1000]
    if not np.array_equal(head, np.round(head)):
        return False
    return bool(np.array_equal(numbers, np.round(numbers)))


def _target(values: pd.Series, numeric: bool, name: str, task: str | None,
            report: list[str]) -> tuple[np.ndarray, str, list[str] | None]:
    """(y, task, class_names) from the target column, rows with a target only."""
    present = values.dropna() if values.hasnans else values
    # Whole numbers with few values are classes; the count is only needed then.
    whole = not numeric or _all_whole(present.to_numpy())
    distinct = present.unique() if whole or task == "classification" else None
    if task is None:
        if not numeric:
            task = "classification"
        else:
            few = whole and len(distinct) <= MAX_INTEGER_CLASSES \
                and len(present) >= 2 * len(distinct)
            task = "classification" if few else "regression"
        reason = ("it holds text or yes/no values" if not numeric else
                  f"it holds only {len(distinct)} different whole numbers"
                  if task == "classification" else "it holds continuous numbers")
        report.append(f"Target '{name}': {task}, because {reason} "
                      f"(choose another {setting('csv_task')} to change it).")
    else:
        report.append(f"Target '{name}': {task}, as requested.")
    if task == "regression":
        if not numeric:
            raise DataError(f"The target '{name}' holds text (e.g. '{present.iloc[0]}'), which "
                            f"cannot be predicted as a number. Set {setting('csv_task')} to "
                            f"classification or choose a numeric "
                            f"{setting('csv_target')}.")
        y = values.to_numpy(dtype=np.float32)
        report.append(f"Target values range from {y.min():.4g} to {y.max():.4g} "
                      f"(mean {y.mean():.4g}).")
        return y, task, None
    if len(distinct) < 2:
        raise DataError(f"The target '{name}' has only one class ({format_label(distinct[0])!r}) "
                        f"in the usable rows; a classifier needs at least two. Choose another "
                        f"{setting('csv_target')} or add rows of other classes.")
    if len(distinct) > MAX_CLASSES:
        hint = (f"Set {setting('csv_task')} to regression to predict it as a number, or "
                f"choose another {setting('csv_target')}." if numeric else
                f"Choose another {setting('csv_target')}, or group the values into fewer "
                f"classes in the file.")
        raise DataError(f"The target '{name}' has {len(distinct)} different values, too many "
                        f"to classify (at most {MAX_CLASSES}). {hint}")
    labels = sorted(distinct) if numeric else sorted(distinct, key=str)
    codes = pd.Categorical(values, categories=labels).codes.astype(np.int64)
    class_names = [format_label(label) for label in labels]
    counts = np.bincount(codes, minlength=len(labels))
    shown = ", ".join(f"{c} ({n})" for c, n in list(zip(class_names, counts))[:12])
    report.append(f"Classes: {shown}{' ...' if len(labels) > 12 else ''}.")
    return codes, task, class_names


def _gaps_note(kept: list[Column], strategy: str) -> str | None:
    """One line naming the columns with gaps: they are filled later, from training rows."""
    gaps = [(column.name, int(column.values.isna().sum())) for column in kept]
    gaps = [(name, n) for name, n in gaps if n]
    if not gaps:
        return None
    shown = ", ".join(f"'{name}' ({n:,})" for name, n in gaps[:8])
    more = f" and {len(gaps) - 8} more columns" if len(gaps) > 8 else ""
    how = strategy.replace("_", " ")
    return (f"Missing input values: {shown}{more}. They are filled with the {how} of the "
            f"training rows only (text columns: their most frequent category), once the "
            f"rows are split, so no validation or test row shapes the fill values.")


def _fits(n_rows: int, widths: dict[str, int]) -> bool:
    """True when columns of these encoded widths stay within the table's size limits."""
    width = sum(widths.values())
    return width <= MAX_FEATURES and n_rows * width <= MAX_INPUT_VALUES


def _check_size(n_rows: int, widths: dict[str, int], partial: bool = False) -> None:
    """Refuse a table whose inputs after one-hot encoding would be too wide or too big,
    from the category counts alone (nothing is encoded yet). ``widths``: input columns
    per kept column (1 for numbers, the category count for text). ``partial``: only the
    columns kept so far are counted, so the table is at least this wide."""
    width = sum(widths.values())
    widest = sorted((n, name) for name, n in widths.items() if n > 1)[::-1][:3]
    named = (f" The text columns with the most categories: "
             f"{', '.join(f'{name!r} ({n})' for n, name in widest)}." if widest else "")
    at_least = "at least " if partial else ""
    if width > MAX_FEATURES:
        raise DataError(f"The table would have {at_least}{width:,} input columns after one-hot "
                        f"encoding its text columns, more than {MAX_FEATURES:,}. Remove "
                        f"columns, or group rare text values in the file.{named}")
    if n_rows * width > MAX_INPUT_VALUES:
        raise DataError(f"The table would be {n_rows:,} rows x {at_least}{width:,} input "
                        f"columns after one-hot encoding ({n_rows * width * 4 / 1e6:,.0f} MB), "
                        f"more than {MAX_INPUT_VALUES:,} values. Use fewer rows, or remove "
                        f"text columns or group their rare values.{named}")


def frame_to_dataset(frame: pd.DataFrame, *, target: str | None = None,
                     task: str | None = None, missing: str = "mean",
                     max_categories: int = MAX_CATEGORIES, name: str = "",
                     report: list[str] | None = None,
                     blank_header: bool = False) -> Dataset:
    """Turn ``frame`` (one row per sample, target among the columns) into a Dataset.

    Returns X: (rows, features) float32 with numbers kept and text one-hot encoded, NaN
    where a value is missing (unless missing="drop"; see ``imputing.TableImputer``);
    y: int64 class codes (class_names sorted original labels) or float32 values.
    blank_header: the first column had no name (so a whole-number column there is an index).
    """
    report = list(report or [])
    if task is not None and task not in TASKS:
        raise DataError(f"task must be one of {TASKS} or None (guess); got {task!r}.")
    if missing not in MISSING_STRATEGIES:
        raise DataError(f"missing must be one of {MISSING_STRATEGIES}; got {missing!r}.")
    if not isinstance(max_categories, (int, np.integer)) or max_categories < 2:
        raise DataError(f"max_categories must be a whole number of at least 2; "
                        f"got {max_categories!r}.")
    if not all(isinstance(c, str) for c in frame.columns):
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    if frame.shape[1] < 2:
        raise DataError("The table has only one column; it needs at least one input column "
                        "and a target column. If the file has several columns, check that "
                        "it uses a comma, semicolon, tab or | between values.")
    target_name = _find_target(frame, target)

    # Rows without a target teach nothing: drop them first. The index keeps each row's
    # place in the file (data row = label + 1) for the notes on the input columns.
    noted = len(report)
    target_values, target_numeric = _read_column(frame[target_name], target_name, report)
    why = " ".join(report[noted:])     # e.g. values too large for float32, and which rows
    no_target = target_values.isna().to_numpy()
    if no_target.all():
        raise DataError(f"Every value of the target column '{target_name}' is missing, so "
                        f"there is nothing to learn. {why or 'Choose another ' + setting('csv_target') + '.'}")
    if no_target.any():
        report.append(f"Dropped {_plural(int(no_target.sum()), 'row')} whose target "
                      f"'{target_name}' is missing: a row without a target cannot teach.")
        frame = frame.loc[~no_target]
        target_values = target_values.loc[~no_target]

    if len(target_values) < MIN_ROWS:
        raise DataError(f"Only {_plural(len(target_values), 'usable row')} with a target; at "
                        f"least {MIN_ROWS} are needed to learn anything. {why or 'Add rows.'}")

    # Decide every feature column: keep as numbers, keep as categories, or drop. The
    # encoded width is counted on the way (a column of k categories becomes k inputs), so
    # a table too wide is refused before any one-hot matrix is built; rows dropped later
    # (missing='drop') can only remove categories, so then the count is checked again below.
    kept: list[Column] = []
    widths: dict[str, int] = {}
    for position, column_name in enumerate(frame.columns):
        if column_name == target_name:
            continue
        values, numeric = _read_column(frame[column_name], column_name, report)
        reason = drop_reason(column_name, values, numeric, position, blank_header,
                             max_categories)
        width = 1 if numeric else int(values.nunique())
        if reason is None and width > max_categories and \
                not _fits(len(target_values), {**widths, column_name: width}):
            # more categories than the network takes in the file: its training rows
            # decide, unless encoding them all would make the table too large
            reason = too_many_categories(column_name, width, max_categories)
        if reason:
            report.append(reason)
            continue
        kept.append(Column(column_name, values, not numeric,
                           numeric and id_like(column_name, position, blank_header)))
        widths[column_name] = width
        if missing != "drop":
            _check_size(len(target_values), widths, partial=True)
    if not kept:
        raise DataError("No usable input columns are left after the checks above (constant, "
                        "empty, id-like, date or too many categories). Add columns that "
                        "could explain the target. Notes: " + " ".join(report[-5:]))

    if missing == "drop":
        gaps = np.zeros(len(frame), dtype=bool)
        for column in kept:
            gaps |= column.values.isna().to_numpy()
        if gaps.any():
            report.append(f"Dropped {_plural(int(gaps.sum()), 'row')} with missing input "
                          f"values ({setting('missing')} is drop).")
            keep_rows = ~gaps
            target_values = target_values.loc[keep_rows].reset_index(drop=True)
            for column in kept:
                column.values = column.values.loc[keep_rows].reset_index(drop=True)
    else:
        note = _gaps_note(kept, missing)
        if note:
            report.append(note)

    n_rows = len(target_values)
    if n_rows < MIN_ROWS:
        raise DataError(f"Only {_plural(n_rows, 'usable row')} left; at least {MIN_ROWS} are "
                        f"needed. Set {setting('missing')} to mean instead of drop, or add "
                        f"rows.")

    # Each column's inputs, counted before anything is encoded: numbers 1, categories k.
    encoded: list[tuple[Column, list | None]] = []
    for column in kept:
        present = column.values.dropna() if column.values.hasnans else column.values
        if is_constant(present):   # became constant after dropping rows
            report.append(f"Dropped column '{column.name}': after removing rows it holds one "
                          f"value only.")
            continue
        categories = sorted(present.unique(), key=str) if column.categorical else None
        encoded.append((column, categories))
    if not encoded:
        raise DataError("No usable input columns are left after removing rows with missing "
                        f"values. Set {setting('missing')} to mean to fill gaps instead of "
                        f"dropping rows.")
    _check_size(n_rows, {column.name: 1 if categories is None else len(categories)
                         for column, categories in encoded})
    width = sum(1 if categories is None else len(categories) for _, categories in encoded)

    X = np.zeros((n_rows, width), dtype=np.float32)    # filled column by column, no copies
    feature_names: list[str] = []
    columns: list[TableColumn] = []
    rows = np.arange(n_rows)
    for column, categories in encoded:
        at = len(feature_names)
        if categories is None:
            X[:, at] = column.values.to_numpy(dtype=np.float32)   # NaN stays NaN
            feature_names.append(column.name)
            columns.append(TableColumn(column.name, at, id_like=column.id_like))
            continue
        columns.append(TableColumn(column.name, at, tuple(str(c) for c in categories)))
        codes = pd.Categorical(column.values, categories=categories).codes.astype(np.intp)
        present = codes >= 0
        X[rows[present], at + codes[present]] = 1.0
        X[~present, at:at + len(categories)] = np.nan   # a gap: filled after the split
        feature_names += [f"{column.name}={c}" for c in categories]
        report.append(f"One-hot encoded '{column.name}' into {len(categories)} columns "
                      f"({', '.join(map(str, categories[:8]))}"
                      f"{', ...' if len(categories) > 8 else ''})" + (
                          f"; more than the {max_categories} categories one-hot encoding "
                          f"takes, so it is used only if the training rows hold at most "
                          f"{max_categories} of them." if len(categories) > max_categories
                          else "."))
    y, task, class_names = _target(target_values, target_numeric, target_name, task, report)
    report.append(f"Result: {_plural(n_rows, 'row')}, {_plural(X.shape[1], 'input feature')}, "
                  f"{task}" + (f" with {len(class_names)} classes." if class_names else "."))
    return Dataset(X, y, task, feature_names, class_names, report, name, "table", columns,
                   missing, target_name, max_categories)
