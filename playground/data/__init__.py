"""Datasets for the playground: toy generators, built-in tables, CSV loading, preprocessing.

Everything returns a ``Dataset`` (see dataset.py); anything wrong with the data raises
``DataError`` with a message that says what was wrong and what to do.
"""
from .catalog import DatasetInfo, list_datasets, make_dataset
from .crosses import FEATURE_CROSSES, add_feature_crosses
from .csv_loader import MAX_COLUMNS, MAX_ROWS, load_csv
from .csv_text import MAX_BYTES
from .dataset import Dataset
from .errors import DataError
from .scaling import Scaler
from .splits import Splits, split_dataset

__all__ = ["Dataset", "DataError", "DatasetInfo", "make_dataset", "list_datasets", "load_csv",
           "split_dataset", "Splits", "Scaler", "add_feature_crosses", "FEATURE_CROSSES",
           "MAX_BYTES", "MAX_ROWS", "MAX_COLUMNS"]
