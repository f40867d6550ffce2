"""The one exception the data package raises for anything wrong with the data itself."""
from __future__ import annotations


class DataError(ValueError):
    """Data the app cannot use. The message says what was wrong and what to do about it."""
