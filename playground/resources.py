"""Where the shipped files (assets: the digits table, the plotly.js bundle) are found.

Installed with ``pip install .`` they sit inside the package (``playground/assets``, see
setup.py); in a checkout they are the repository's top-level ``assets/`` folder.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _assets_dir() -> Path:
    installed = _PACKAGE / "assets"
    return installed if installed.is_dir() else _PACKAGE.parent / "assets"


ASSETS_DIR = _assets_dir()      # the folder holding digits.csv.gz and plotly/
# our small plotly.js build (assets/plotly/README.md), served by the live routes
PLOTLY_JS = ASSETS_DIR / "plotly" / "plotly-playground.min.js"
