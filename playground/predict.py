"""Predictions for new rows: a second CSV with the training table's columns, sent through
the same fitted preprocessing (column encoding, missing values, scaler) and the model.

    result = predict_new_rows(session.prepared, session.model, csv_bytes, missing="mean")
    result.to_csv()      # the file's rows as read, then the prediction columns

The new file is read as ``load_csv`` reads a file (delimiter, encoding, decimal comma).
Its columns are matched by name to the columns the network was trained on; the target
column, if present, and any other column are left out of the inputs (a note says which).
A missing column, text where numbers were trained, or a category the training data never
had is refused with a message naming them. Missing values are filled with the statistic
of the training split (or, with missing="drop", those rows get no prediction).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from playground.data import DataError
from playground.data.columns import as_number_or_text, clean_numbers, format_label, text_values
from playground.data.csv_loader import read_table
from playground.export.description import table_columns
from playground.nn import metrics as nn_metrics

SHOWN_PROBLEMS = 5       # values / rows named per problem in a message


@dataclass(frozen=True)
class Predictions:
    """The new rows with the network's predictions.

    table: the file's rows (as read) then "predicted <target>" (class names or numbers
           in the target's units) and, for classification, "P(<target>=<class>)" per class.
    notes: what was ignored or filled, in plain words.
    predicted: (n,) bool, the rows that got a prediction (all but rows with gaps under
           missing="drop").
    """

    table: pd.DataFrame
    notes: list[str]
    predicted: np.ndarray

    def to_csv(self) -> str:
        """The table as CSV: plain numbers and class names, empty cells where missing."""
        return self.table.to_csv(index=False)


def predict_new_rows(prepared, model, source, missing: str = "mean") -> Predictions:
    """Predict every row of the CSV ``source`` (path, bytes or file object) with ``model``,
    trained on ``prepared`` (a playground.experiment_data.PreparedData of a table or 2-D
    points). Raises DataError with a plain message for anything wrong with the file."""
    if prepared.kind not in ("table", "points2d") or prepared.autoencoder:
        raise DataError("Predicting new rows from a CSV works for tables and 2-D points; "
                        "this experiment learns from images or sequences (or rebuilds its "
                        "inputs), which a CSV row does not hold.")
    frame, name, _ = read_table(source)
    X, usable, notes = encode_rows(frame, prepared, missing)
    outputs = model.predict(prepared.model_input(X[usable])) if usable.any() else None
    table = frame.copy()
    for column, values in _prediction_columns(prepared, outputs, usable):
        table[_free_name(table, column)] = values
    count = int(usable.sum())
    notes.insert(0, f"Predicted {count:,} of {len(frame):,} rows of '{name}'.")
    return Predictions(table, notes, usable)


def encode_rows(frame: pd.DataFrame, prepared, missing: str = "mean"
                ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The new rows as the network's raw inputs: X (n, features) float32 in the order of
    ``prepared.dataset.feature_names`` (numbers, categories one-hot), usable (n,) bool
    (False: a gap left unfilled under missing="drop") and the notes."""
    dataset = prepared.dataset
    columns = table_columns(list(dataset.feature_names))
    unused = getattr(prepared, "unused_columns", set())   # dropped on the training rows
    found = _match_columns(frame, [c for c in columns if c["name"] not in unused])
    missing_columns = [c["name"] for c in columns
                       if c["name"] not in found and c["name"] not in unused]
    if missing_columns:
        plural = "s" if len(missing_columns) > 1 else ""
        inputs = [c["name"] for c in columns if c["name"] not in unused]
        raise DataError(f"The file has no column{plural} {_names(missing_columns)}; the network "
                        f"was trained on {_names(inputs)}. Add the missing column{plural} "
                        f"(same names as in the training file).")
    notes = _ignored_columns(frame, found, dataset.target_name)
    train = np.asarray(prepared.splits["train"].X_original, dtype=np.float64)
    X = np.zeros((len(frame), len(dataset.feature_names)), dtype=np.float32)
    gaps = np.zeros(len(frame), dtype=bool)
    problems, at = [], 0
    for column in columns:
        width = 1 if column["type"] == "number" else len(column["categories"])
        if column["name"] in unused:      # not an input: zeros the network never sees
            at += width
            continue
        series = frame[found[column["name"]]]
        block = train[:, at:at + width]
        if column["type"] == "number":
            values, problem = _numbers(series, column["name"], notes)
        else:
            values, problem = _categories(series, column)
        if problem:
            problems.append(problem)
        else:
            hole = np.isnan(values)
            if hole.any():
                gaps |= hole
                if missing != "drop":
                    values, how = _filled(prepared, column, block, values, hole, missing)
                    notes.append(f"Filled {int(hole.sum()):,} missing value"
                                 f"{'s' if hole.sum() > 1 else ''} in '{column['name']}' with "
                                 f"{how}.")
            if column["type"] == "number":
                X[:, at] = values
            else:
                known = ~np.isnan(values)
                X[np.flatnonzero(known), at + values[known].astype(np.intp)] = 1.0
                X[np.flatnonzero(~known), at:at + width] = np.nan   # the imputer's gap
        at += width
    if problems:
        raise DataError(" ".join(problems))
    usable = ~gaps if missing == "drop" else np.ones(len(frame), dtype=bool)
    if missing == "drop" and gaps.any():
        notes.append(f"{int(gaps.sum()):,} rows with missing input values get no prediction "
                     f"(missing values: drop rows, as in training).")
    return X, usable, notes


def _match_columns(frame: pd.DataFrame, columns: list[dict]) -> dict[str, str]:
    """Trained column name -> the file's column holding it (exact name, else the same
    name ignoring case and surrounding spaces)."""
    names = [str(c) for c in frame.columns]
    relaxed = {}
    for name in names:
        relaxed.setdefault(name.strip().lower(), name)
    found = {}
    for column in columns:
        name = column["name"]
        if name in names:
            found[name] = name
        elif name.strip().lower() in relaxed:
            found[name] = relaxed[name.strip().lower()]
    return found


def _ignored_columns(frame: pd.DataFrame, found: dict[str, str], target: str) -> list[str]:
    used = set(found.values())
    ignored = [str(c) for c in frame.columns if str(c) not in used]
    notes = []
    if target and target in ignored:
        notes.append(f"The column '{target}' (what the network predicts) is not used as an "
                     f"input; it stays in the download beside the predictions.")
        ignored.remove(target)
    if ignored:
        notes.append(f"Ignored {len(ignored)} column{'s' if len(ignored) > 1 else ''} the "
                     f"network does not use: {_names(ignored)}.")
    return notes


def _numbers(series: pd.Series, name: str, notes: list[str]) -> tuple[np.ndarray, str]:
    """(float64 values with NaN gaps, "") or (empty, the problem in words)."""
    values, numeric, note = as_number_or_text(series)
    if not numeric and series.isna().all():           # an empty column: all gaps
        return np.full(len(series), np.nan), ""
    if not numeric:
        text = text_values(series)
        bad = text.notna() & pd.to_numeric(text, errors="coerce").isna()
        return np.empty(0), (f"The column '{name}' must hold numbers, as in the training "
                             f"data, but it holds text: {_where(text, bad)}.")
    if note:
        notes.append(note)
    values, cleaned = clean_numbers(values, name)
    notes.extend(cleaned)
    return values.to_numpy(dtype=np.float64), ""


def _categories(series: pd.Series, column: dict) -> tuple[np.ndarray, str]:
    """(category index per row as float64, NaN gaps, "") or (empty, the problem)."""
    if pd.api.types.is_numeric_dtype(series):       # "1.0" read as a number: label "1"
        series = series.astype(object).map(lambda v: v if pd.isna(v) else format_label(v))
    text = text_values(series)
    categories = list(column["categories"])
    codes = text.map({c: float(i) for i, c in enumerate(categories)}).to_numpy(
        dtype=np.float64, na_value=np.nan)
    unknown = text.notna().to_numpy() & np.isnan(codes)
    if unknown.any():
        shown = ", ".join(repr(v) for v in pd.unique(text[unknown])[:SHOWN_PROBLEMS])
        return np.empty(0), (f"The column '{column['name']}' holds values the training data "
                             f"never had ({shown}); the network knows only "
                             f"{_names(categories)}. Change those values or leave them "
                             f"empty to fill them.")
    return codes, ""


def _filled(prepared, column: dict, block: np.ndarray, values: np.ndarray,
            hole: np.ndarray, missing: str) -> tuple[np.ndarray, str]:
    """(values, how the gaps are filled): a table's gaps stay NaN for its fitted
    ``imputer`` (``prepared.model_input`` fills them as it filled validation and test);
    other data gets the training split's statistic here."""
    imputer = getattr(prepared, "imputer", None)
    if imputer is not None:
        index = [c.name for c in imputer.columns].index(column["name"])
        return values, imputer.how[index]
    fill, how = _fill_value(block, column, missing)
    return np.where(hole, fill, values), f"{how} of the training split"


def _fill_value(block: np.ndarray, column: dict, missing: str) -> tuple[float, str]:
    """What fills a gap, from the training split's values of this column
    (block: (n_train, 1) numbers or (n_train, categories) one-hot) -> (value, words)."""
    if column["type"] == "category":
        k = int(np.argmax(block.sum(axis=0)))
        return float(k), f"'{column['categories'][k]}', the most frequent value"
    values = block[:, 0]
    if missing == "median":
        return float(np.median(values)), f"{np.median(values):.4g}, the median"
    if missing == "most_frequent":
        distinct, counts = np.unique(values, return_counts=True)
        value = float(distinct[np.argmax(counts)])
        return value, f"{value:.4g}, the most frequent value"
    return float(values.mean()), f"{values.mean():.4g}, the mean"


def _prediction_columns(prepared, outputs, usable: np.ndarray):
    """(column name, values (n,)) of the predictions; rows not predicted stay empty."""
    target = prepared.dataset.target_name or "target"
    n = len(usable)
    if prepared.task == "classification":
        names = list(prepared.class_names)
        proba = np.full((n, len(names)), np.nan)
        if outputs is not None:
            proba[usable] = np.concatenate([1 - outputs, outputs], axis=1) \
                if outputs.shape[1] == 1 else outputs
        labels = np.full(n, None, dtype=object)
        if outputs is not None:
            labels[usable] = np.asarray(names, dtype=object)[
                nn_metrics.labels_from_output(outputs)]
        yield f"predicted {target}", labels
        for k, name in enumerate(names):
            yield f"P({target}={name})", proba[:, k]
        return
    values = np.full((n, prepared.n_outputs), np.nan)
    if outputs is not None:
        original = prepared.target_to_original(outputs.astype(np.float64))
        values[usable] = np.asarray(original).reshape(int(usable.sum()), -1)
    if values.shape[1] == 1:
        yield f"predicted {target}", values[:, 0]
    else:
        for j in range(values.shape[1]):
            yield f"predicted {target} {j + 1}", values[:, j]


def _free_name(table: pd.DataFrame, name: str) -> str:
    """``name``, or "name (2)", ... if the file already has a column of that name."""
    taken, candidate, k = {str(c) for c in table.columns}, name, 2
    while candidate in taken:
        candidate, k = f"{name} ({k})", k + 1
    return candidate


def _names(names: list[str]) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:10])
    return shown + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def _where(values: pd.Series, bad: pd.Series) -> str:
    """"'abc' on data row 3, 'x' on data row 7 and 4 more rows"."""
    rows = np.flatnonzero(bad.to_numpy())
    shown = ", ".join(f"{values.iloc[r]!r} on data row {r + 1:,}" for r in rows[:SHOWN_PROBLEMS])
    more = len(rows) - SHOWN_PROBLEMS
    return shown + (f" and {more:,} more row{'s' if more > 1 else ''}" if more > 0 else "")
