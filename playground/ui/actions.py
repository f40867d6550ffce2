"""What the buttons and uploads do to a tab's experiment; no widgets are drawn here.

Every function catches bad input at this boundary and turns it into a plain message on the
PageState (shown by the panel with ``st.error``), keeping the previous working experiment.
"""
from __future__ import annotations

from playground.config import ExperimentConfig, fit_to_dataset, from_json
from playground.data import MAX_BYTES, MAX_MB, MB, DataError
from playground.data.csv_text import column_names
from playground.presets import PRESETS
from playground.training import TrainingSession
from playground.ui.state import PageState

def apply_config(state: PageState, new_cfg: ExperimentConfig, panel: str = "data_panel") -> bool:
    """Switch the session to ``new_cfg``; a reset note or an error goes on ``state``.

    Returns False if the config cannot run (the page then sets the widgets back).
    """
    if new_cfg == state.config:
        return True
    try:
        note = state.session.apply(new_cfg)
    except Exception as error:   # the panel boundary: the message, never a traceback
        state.errors[panel] = f"That change could not be used: {error}"
        return False
    if note:
        state.notes = [note]
        state.trainer.stop(state)
    return True


def choose_view(state: PageState, name: str) -> None:
    """Show detail view ``name`` (the config's ``view``: the link keeps it)."""
    with state.trainer.lock:
        apply_config(state, state.config.replace(view=name), panel="view_panel")


def load_config(state: PageState, cfg: ExperimentConfig, panel: str) -> bool:
    """Replace the whole experiment (preset, uploaded JSON) and set the widgets to match.
    The lecturer's ``hide`` list stays: a loaded file cannot show hidden controls."""
    ok = apply_config(state, cfg.replace(hide=state.config.hide), panel)
    state.resync_widgets = True
    return ok


def load_preset(state: PageState, key: str) -> bool:
    """Load preset ``key``; its "what to notice" text is shown while it stays loaded."""
    if key not in PRESETS:
        state.errors["presets"] = f"There is no preset called {key!r}."
        return False
    state.trainer.stop(state)
    ok = load_config(state, PRESETS[key].config, "presets")
    if ok:
        state.preset_key = key
        state.notes = []               # the preset's own notice says what happens
        with state.trainer.lock:
            state.session.reset_weights()
    return ok


def load_experiment_json(state: PageState, data: bytes, filename: str) -> bool:
    """Load an experiment JSON file saved by the playground (messages for fixed values)."""
    try:     # from_json checks the size and nesting before it parses
        cfg, messages = from_json(data)
    except ValueError as error:
        state.errors["upload"] = f"{filename}: {error}"
        return False
    if cfg.dataset == "csv" and state.csv_bytes is None:
        state.errors["upload"] = (f"{filename} uses an uploaded CSV file; upload the CSV "
                                  "file first, then the experiment.")
        return False
    state.warnings = [f"{filename}: {m}" for m in messages]
    ok = load_config(state, cfg, "upload")
    if ok:
        state.preset_key = None
    return ok


def handle_csv_upload(state: PageState, data: bytes, filename: str, target: str = "",
                      task: str = "auto", missing: str | None = None) -> bool:
    """Train on an uploaded CSV file; a file that cannot be used gives a plain error.

    The file is parsed once here (the session keeps the parsed dataset); the target column
    goes back to "last column" because the old name may not exist in the new file (unless
    ``target`` names one: a retry with the Data panel's choices). A readable table that
    fails with these choices (a target that cannot be predicted, say) is kept with its
    columns, and ``csv_problem`` says why: the panel shows the choices beside it.
    """
    if not data:
        state.errors["data_panel"] = f"{filename} is empty: choose a CSV file with a header " \
                                     "row and at least a few rows of data."
        return False
    if len(data) > MAX_BYTES:   # the upload limit (playground.data)
        state.errors["data_panel"] = (f"{filename} is {len(data) / MB:.1f} MB; the limit is "
                                      f"{MAX_MB} MB. Use a sample of the rows.")
        return False
    cfg = state.config
    # from other data: the default network for a table (config.fit_to_dataset)
    new_cfg = fit_to_dataset(cfg, cfg.replace(dataset="csv", csv_target=target, csv_task=task,
                                              missing=missing or cfg.missing, model_kind="mlp"))
    try:
        session = TrainingSession(new_cfg, csv_bytes=data, csv_name=filename)
    except Exception as error:   # DataError and anything unexpected: a message, no traceback
        message = f"{filename} could not be used: {error}"
        try:
            columns = column_names(data)
        except Exception:        # not a table at all: nothing to choose from
            columns = []
        if len(columns) < 2:
            state.errors["data_panel"] = message
            return False
        # a table, but not with these choices: keep it, and offer its columns
        state.csv_retry, state.csv_problem = (data, filename, columns), message
        return False
    state.trainer.stop(state)
    state.session = session
    state.csv_bytes, state.csv_name = data, filename
    state.csv_retry = state.csv_problem = None
    try:
        state.csv_columns = column_names(data)   # for the target picker
    except DataError:
        state.csv_columns = []                   # it loaded, so this is not expected
    state.notes = [f"Loaded {filename}: the network was rebuilt for its columns."]
    if new_cfg.regularization != cfg.regularization:
        state.notes.append(f"A table starts with an {new_cfg.regularization.upper()} weight "
                           f"penalty of {new_cfg.regularization_rate:g} (Training panel): "
                           f"without it the small network overfits a few hundred rows.")
    state.preset_key = None
    state.resync_widgets = True
    return True


def retry_csv(state: PageState, target: str, task: str, missing: str) -> bool:
    """Load the kept file (``csv_retry``) again with the Data panel's choices."""
    if state.csv_retry is None:
        return False
    data, filename, _ = state.csv_retry
    return handle_csv_upload(state, data, filename, target=target, task=task,
                             missing=missing)


def step_epoch(state: PageState) -> None:
    """One more epoch, trained by the background trainer (a long one does not block the
    page; Pause cancels it)."""
    state.trainer.run_steps(state, epochs=1)


def step_batch(state: PageState) -> None:
    state.trainer.run_steps(state, batches=1)


def reset_weights(state: PageState) -> None:
    state.trainer.stop(state)
    state.notes = []
    with state.trainer.lock:
        state.session.reset_weights()


def play(state: PageState) -> None:
    """Start training in the background (the live view shows it)."""
    if state.session.status == "diverged":
        return
    state.playing = True
    state.notes = []
    state.trainer.start(state)


def pause(state: PageState) -> None:
    state.trainer.stop(state)
