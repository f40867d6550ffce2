"""Datasets for the playground: toy generators, built-in tables, CSV loading, preprocessing.

Everything returns a ``Dataset`` (see dataset.py); anything wrong with the data raises
``DataError`` with a message that says what was wrong and what to do.
"""
from .catalog import DatasetInfo, dataset_info, list_datasets, make_dataset
from .crosses import FEATURE_CROSSES, add_feature_crosses
from .csv_text import MAX_BYTES, MAX_MB, MB
from .dataset import MODEL_KINDS_FOR_KIND, NATURAL_MODEL_FOR_KIND, Dataset
from .errors import DataError
from .imputing import TableColumn, TableImputer
from .scaling import Scaler
from .splits import Splits, split_dataset

__all__ = ["Dataset", "DataError", "DatasetInfo", "dataset_info", "make_dataset",
           "list_datasets", "load_csv", "MODEL_KINDS_FOR_KIND", "NATURAL_MODEL_FOR_KIND",
           "split_dataset", "Splits", "Scaler", "TableColumn", "TableImputer", "add_feature_crosses", "FEATURE_CROSSES",
           "MAX_BYTES", "MAX_MB", "MB", "MAX_ROWS", "MAX_COLUMNS"]

# CSV loading needs pandas, which takes a second or two to import: it is loaded on first
# use, so the app's first page (built-in data) shows its charts without waiting for it.
_FROM_CSV_LOADER = ("load_csv", "MAX_ROWS", "MAX_COLUMNS")


def __getattr__(name: str):
    if name in _FROM_CSV_LOADER:
        from . import csv_loader
        return getattr(csv_loader, name)
    raise AttributeError(f"module 'playground.data' has no attribute {name!r}")
