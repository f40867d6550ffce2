""".streamlit/config.toml as Streamlit reads it: what a visitor may see of the server."""
from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit import config

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".streamlit" / "config.toml"


def test_visitors_never_see_error_details(monkeypatch):
    """Tracebacks name server paths: Streamlit must show only its generic error box."""
    settings = tomllib.loads(CONFIG.read_text())
    assert settings["client"]["showErrorDetails"] == "none"
    monkeypatch.chdir(ROOT)               # Streamlit reads ./.streamlit/config.toml
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("client.showErrorDetails") == \
            config.ShowErrorDetailsConfigOptions.NONE.value
    finally:
        config.get_config_options(force_reparse=True)


def test_an_uncaught_error_shows_no_path_or_traceback(monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.chdir(ROOT)
    try:
        config.get_config_options(force_reparse=True)
        at = AppTest.from_string("raise ValueError('/srv/secret/path/app.py')").run()
        shown = at.exception[0]
        assert "/srv/secret" not in shown.message and not shown.stack_trace
        assert shown.proto.type == ""          # not even the exception's type
    finally:
        config.get_config_options(force_reparse=True)
