"""Everything one browser tab owns, kept in ``st.session_state`` (never module globals).

``PageState`` holds the training session (model, optimizer state, history), whether Play is
on, and the short notes and errors the panels show. Two tabs get two PageStates, so they
train independently.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from playground.config import ExperimentConfig, default_config, from_query_params
from playground.presets import PRESETS
from playground.training import TrainingSession
from playground.ui.crossval_runner import CrossValidationRunner
from playground.ui.trainer import BackgroundTrainer

STATE_KEY = "np_page_state"
# Hand-offs from widget callbacks (or tests) to the next script run, processed before the
# widgets are drawn: an uploaded CSV file, an uploaded experiment JSON, a preset key.
PENDING_CSV_KEY = "np_pending_csv"
PENDING_JSON_KEY = "np_pending_json"
PENDING_PRESET_KEY = "np_pending_preset"
# The Data panel's choices for an uploaded file that could not be used yet:
# (target column, task, missing values), to load it again with.
PENDING_CSV_RETRY_KEY = "np_pending_csv_retry"


@dataclass
class PageState:
    """One tab's experiment and what the page should say about it."""

    session: TrainingSession
    playing: bool = False
    notes: list[str] = field(default_factory=list)       # info: why weights were reset, ...
    warnings: list[str] = field(default_factory=list)    # URL values clamped, ...
    errors: dict[str, str] = field(default_factory=dict)  # panel name -> plain error text
    resync_widgets: bool = True        # widgets show an older config (a load): do not read them
    csv_name: str | None = None        # name of the uploaded CSV file, if any
    csv_bytes: bytes | None = None
    csv_columns: list[str] = field(default_factory=list)   # its column names, in order
    # an uploaded table that could not be used with the choices tried: (its bytes, name,
    # column names) and why not; the Data panel shows the target, task and missing-value
    # choices beside the message, to load it again with others
    csv_retry: tuple[bytes, str, list[str]] | None = None
    csv_problem: str | None = None
    sidebar_shown: bool = False        # the settings were drawn (not on the tab's first run)
    board_sent: bool = False           # the live board was sent to the browser once
    controls_playing: bool = False     # whether the buttons were last drawn for playing
    preset_key: str | None = None      # the preset last loaded (its notice is shown)
    url_params: dict[str, str] = field(default_factory=dict)  # last mirrored to the URL
    trainer: BackgroundTrainer = field(default_factory=BackgroundTrainer)  # thread + lock
    # k-fold cross-validation in its own thread (not under the trainer's lock)
    crossval: CrossValidationRunner = field(default_factory=CrossValidationRunner)
    # figure JSON per chart key, rebuilt only when the picture can change:
    # key -> (built at monotonic time, (tag, config), snapshot, (height px, JSON) or None)
    chart_cache: dict[str, tuple] = field(default_factory=dict)

    @property
    def config(self) -> ExperimentConfig:
        return self.session.config


def preset_in_url(params: dict) -> tuple[str | None, list[str]]:
    """The ``preset=KEY`` of a URL's parameters (the last one), if it names a preset.

    Returns (preset key or None, a message if the key names no preset).
    """
    key = params.get("preset")
    if isinstance(key, list):
        key = key[-1] if key else None
    if key is None or key in PRESETS:
        return key, []
    return None, [f"There is no preset {key!r}; started from the defaults. "
                  f"Presets: {', '.join(PRESETS)}."]


def new_page_state(params: dict) -> PageState:
    """The tab's first state: the URL's experiment if it runs, else the default one."""
    params = {str(k): v for k, v in params.items()}
    preset_key, messages = preset_in_url(params)
    params.pop("preset", None)
    base = PRESETS[preset_key].config if preset_key else None
    cfg, parse_messages = from_query_params(params, base=base)
    messages += parse_messages
    errors: dict[str, str] = {}
    try:
        session = TrainingSession(cfg)
    except ValueError as error:   # ExperimentError / DataError: a config that cannot run
        errors["data_panel"] = (f"The experiment in the link could not start: {error} "
                                "Showing the default experiment instead.")
        session = TrainingSession(default_config())
    return PageState(session=session, warnings=messages, errors=errors, preset_key=preset_key)


def page_state() -> PageState:
    """This tab's PageState, created from the URL on the tab's first run."""
    if STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = new_page_state(st.query_params.to_dict())
    return st.session_state[STATE_KEY]
