"""The one exception the data package raises for anything wrong with the data itself."""
from __future__ import annotations


class DataError(ValueError):
    """Data the app cannot use. The message says what was wrong and what to do about it."""


# The page's names of the settings a data message can point to (the Data panel's labels,
# which ``playground.config`` takes from here). The CLI shows its flag instead of
# "'Task'" and so on (``in_cli_words``).
SETTING_LABELS = {"csv_target": "Target column", "csv_task": "Task",
                  "missing": "Missing values"}


def setting(name: str) -> str:
    """How a message names a setting: "'Task'" (quoted page label)."""
    return f"'{SETTING_LABELS[name]}'"


def in_cli_words(message: str) -> str:
    """A data message for the terminal: each quoted page label becomes its flag."""
    for name, label in SETTING_LABELS.items():
        message = message.replace(f"'{label}'", "--" + name.replace("_", "-"))
    return message
