"""The CLI's progress bar: on a terminal only, never with --json, and training unchanged."""
import io
import json

import pytest

from playground import cli, cli_progress
from playground.cli import main
from playground.presets import PRESETS
from playground.training import TrainingSession


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def no_delay(monkeypatch):
    """Every update draws: no wait for 'long' training, no redraw limit."""
    monkeypatch.setattr(cli_progress, "DELAY_SECONDS", 0.0)
    monkeypatch.setattr(cli_progress, "REDRAW_SECONDS", 0.0)


ARGS = ["train", "--preset", "xor_hidden", "--epochs", "6"]


def test_a_terminal_gets_a_bar_that_is_cleared_before_the_results(no_delay):
    out = Terminal()
    assert main(ARGS, out=out) == 0
    text = out.getvalue()
    assert "\r[" in text and "6/6 epochs" in text
    bar_end = text.rindex("\r")
    assert text[bar_end + 1:].startswith("xor: ")     # the bar's line was cleared


def test_no_bar_with_json_or_when_not_a_terminal(no_delay):
    out = Terminal()
    assert main([*ARGS, "--json"], out=out) == 0
    assert "\r" not in out.getvalue()
    json.loads(out.getvalue())
    piped = io.StringIO()
    assert main(ARGS, out=piped) == 0
    assert "\r" not in piped.getvalue() and "epochs" in piped.getvalue()


def test_training_one_batch_per_slice_is_the_same_as_in_one_go(monkeypatch):
    monkeypatch.setattr(cli, "TRAIN_SLICE_SECONDS", 1e-9)    # every slice: one batch
    slices = []
    original = TrainingSession.train_for
    monkeypatch.setattr(TrainingSession, "train_for",
                        lambda self, *a, **k: slices.append(1) or original(self, *a, **k))
    out = io.StringIO()
    assert main([*ARGS, "--json"], out=out) == 0
    session = TrainingSession(PRESETS["xor_hidden"].config.replace(epochs=6))
    assert len(slices) > 6            # epochs were cut into many slices
    monkeypatch.undo()
    snapshot = session.step_epochs(6)
    assert json.loads(out.getvalue())["metrics"] == snapshot.metrics


def test_short_training_shows_no_bar():
    bar = cli_progress.ProgressBar(Terminal(), total=10, delay=60.0)
    bar.update(5)
    bar.close()
    assert bar.out.getvalue() == ""
