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
    is_constant,
)
from .dataset import TASKS, Dataset
from .errors import DataError

MISSING_STRATEGIES = ("drop", "mean", "median", "most_frequent")
MAX_CLASSES = 50            # more distinct target values than this cannot be classified
MAX_INTEGER_CLASSES = 10    # whole-number targets with at most this many values are classes
MAX_FEATURES = 2000         # input columns after one-hot encoding
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
                      f"(pass task=... to choose otherwise).")
    else:
        report.append(f"Target '{name}': {task}, as requested.")
    if task == "regression":
        if not numeric:
            raise DataError(f"The target '{name}' holds text (e.g. '{present.iloc[0]}'), which "
                            f"cannot be predicted as a number. Use task='classification' or "
                            f"choose a numeric target column.")
        y = values.to_numpy(dtype=np.float32)
        report.append(f"Target values range from {y.min():.4g} to {y.max():.4g} "
                      f"(mean {y.mean():.4g}).")
        return y, task, None
    if len(distinct) < 2:
        raise DataError(f"The target '{name}' has only one class ({format_label(distinct[0])!r}) "
                        f"in the usable rows; a classifier needs at least two. Choose another "
                        f"target column or add rows of other classes.")
    if len(distinct) > MAX_CLASSES:
        hint = ("Use task='regression' to predict it as a number, or choose another target."
                if numeric else "Choose another target column or group the values first.")
        raise DataError(f"The target '{name}' has {len(distinct)} different values, too many "
                        f"to classify (at most {MAX_CLASSES}). {hint}")
    labels = sorted(distinct) if numeric else sorted(distinct, key=str)
    codes = pd.Categorical(values, categories=labels).codes.astype(np.int64)
    class_names = [format_label(label) for label in labels]
    counts = np.bincount(codes, minlength=len(labels))
    shown = ", ".join(f"{c} ({n})" for c, n in list(zip(class_names, counts))[:12])
    report.append(f"Classes: {shown}{' ...' if len(labels) > 12 else ''}.")
    return codes, task, class_names


def _fill(column: Column, strategy: str, report: list[str]) -> pd.Series:
    values = column.values
    missing = int(values.isna().sum())
    if missing == 0:
        return values
    if column.categorical or strategy == "most_frequent":
        fill = values.mode(dropna=True).iloc[0]
        how = "the most frequent value"
        if column.categorical and strategy in ("mean", "median"):
            how += " (it holds text, so no " + strategy + ")"
        shown = f"'{fill}'" if column.categorical else f"{fill:.4g}"
    else:
        fill = values.mean() if strategy == "mean" else values.median()
        how, shown = f"the {strategy}", f"{fill:.4g}"
    report.append(f"Filled {_plural(missing, 'missing value')} in '{column.name}' with "
                  f"{how} {shown}.")
    return values.fillna(fill)


def frame_to_dataset(frame: pd.DataFrame, *, target: str | None = None,
                     task: str | None = None, missing: str = "mean",
                     max_categories: int = 20, name: str = "", report: list[str] | None = None,
                     blank_header: bool = False) -> Dataset:
    """Turn ``frame`` (one row per sample, target among the columns) into a Dataset.

    Returns X: (rows, features) float32 with numbers kept and text one-hot encoded;
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
                        f"there is nothing to learn. {why or 'Choose another target column.'}")
    if no_target.any():
        report.append(f"Dropped {_plural(int(no_target.sum()), 'row')} whose target "
                      f"'{target_name}' is missing: a row without a target cannot teach.")
        frame = frame.loc[~no_target]
        target_values = target_values.loc[~no_target]

    if len(target_values) < MIN_ROWS:
        raise DataError(f"Only {_plural(len(target_values), 'usable row')} with a target; at "
                        f"least {MIN_ROWS} are needed to learn anything. {why or 'Add rows.'}")

    # Decide every feature column: keep as numbers, keep as categories, or drop.
    kept: list[Column] = []
    for position, column_name in enumerate(frame.columns):
        if column_name == target_name:
            continue
        values, numeric = _read_column(frame[column_name], column_name, report)
        reason = drop_reason(column_name, values, numeric, position, blank_header,
                             max_categories)
        if reason:
            report.append(reason)
        else:
            kept.append(Column(column_name, values, not numeric))
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
                          f"values (missing='drop').")
            keep_rows = ~gaps
            target_values = target_values.loc[keep_rows].reset_index(drop=True)
            for column in kept:
                column.values = column.values.loc[keep_rows].reset_index(drop=True)
    else:
        for column in kept:
            column.values = _fill(column, missing, report)

    n_rows = len(target_values)
    if n_rows < MIN_ROWS:
        raise DataError(f"Only {_plural(n_rows, 'usable row')} left; at least {MIN_ROWS} are "
                        f"needed. Use missing='mean' instead of 'drop', or add rows.")

    blocks, feature_names = [], []
    for column in kept:
        present = column.values
        if is_constant(present):   # became constant after dropping rows
            report.append(f"Dropped column '{column.name}': after removing rows it holds one "
                          f"value only.")
            continue
        if column.categorical:
            categories = sorted(present.unique(), key=str)
            codes = pd.Categorical(present, categories=categories).codes
            blocks.append(np.eye(len(categories), dtype=np.float32)[codes])
            feature_names += [f"{column.name}={c}" for c in categories]
            report.append(f"One-hot encoded '{column.name}' into {len(categories)} columns "
                          f"({', '.join(map(str, categories[:8]))}"
                          f"{', ...' if len(categories) > 8 else ''}).")
        else:
            blocks.append(present.to_numpy(dtype=np.float32)[:, None])
            feature_names.append(column.name)
    if not blocks:
        raise DataError("No usable input columns are left after removing rows with missing "
                        "values. Use missing='mean' to fill gaps instead of dropping rows.")
    if len(feature_names) > MAX_FEATURES:
        raise DataError(f"The table would have {len(feature_names)} input columns after "
                        f"one-hot encoding, more than {MAX_FEATURES}. Lower max_categories "
                        f"or remove columns.")
    X = np.concatenate(blocks, axis=1)
    y, task, class_names = _target(target_values, target_numeric, target_name, task, report)
    report.append(f"Result: {_plural(n_rows, 'row')}, {_plural(X.shape[1], 'input feature')}, "
                  f"{task}" + (f" with {len(class_names)} classes." if class_names else "."))
    return Dataset(X, y, task, feature_names, class_names, report, name, "table")
