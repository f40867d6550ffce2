"""The background trainer, URL parsing and widget conversions, without a Streamlit page."""
from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest

from playground.config import ExperimentConfig, field_spec
from playground.presets import PRESETS
from playground.training import TrainingSession
from playground.ui import trainer as trainer_module
from playground.ui.state import new_page_state
from playground.ui.trainer import BackgroundTrainer
from playground.ui.widgets_from_config import step_options, to_widget_value, uses_steps


def page(cfg: ExperimentConfig | None = None):
    """The two attributes of a PageState the trainer uses."""
    return SimpleNamespace(session=TrainingSession(cfg or ExperimentConfig()), playing=True)


def wait(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_trainer_trains_until_paused_and_not_after():
    state, trainer = page(), BackgroundTrainer()
    trainer.start(state)
    assert wait(lambda: state.session.epoch >= 2)
    trainer.stop(state)
    stopped = (state.session.epoch, state.session.batches)
    time.sleep(0.2)
    assert (state.session.epoch, state.session.batches) == stopped
    assert wait(lambda: not trainer.running, 2.0)


def test_pause_ends_the_slice_in_progress_after_its_batch(monkeypatch):
    """Pause is checked between batches: with slices of a minute, stop() still returns at
    once (it takes the session's lock, which the slice holds until it ends)."""
    monkeypatch.setattr(trainer_module, "SLICE_S", 60.0)
    state, trainer = page(), BackgroundTrainer()
    trainer.start(state)
    assert wait(lambda: state.session.batches >= 3)
    stopper = threading.Thread(target=trainer.stop, args=(state,), kwargs={"wait": True})
    stopper.start()
    stopper.join(timeout=20.0)
    assert not stopper.is_alive(), "Pause waited for the whole slice"
    assert not trainer.running


def test_a_slice_ends_when_the_board_is_ready_for_a_frame(monkeypatch):
    """The board's next frame does not wait for the slice: it ends after the batch in
    progress and the frame is built (here: a minute-long slice, frames still come)."""
    monkeypatch.setattr(trainer_module, "SLICE_S", 60.0)

    class Board:
        connected, frames, ready = True, 0, False

        def wants_frame(self):
            return self.ready

        def publish(self, force=False):
            self.frames += 1
            self.ready = False
            return True
    state, trainer, board = page(), BackgroundTrainer(), Board()
    trainer.publisher = board
    trainer.start(state)
    assert wait(lambda: state.session.batches >= 3)
    for n in (1, 2, 3):
        board.ready = True
        assert wait(lambda: board.frames == n), "the frame waited for the slice"
    trainer.stop(state, wait=True)


class _Tabs:
    """A publisher that only says how many tabs play."""
    connected = False

    def __init__(self, playing: int) -> None:
        self.playing = playing

    def tabs_playing(self) -> int:
        return self.playing

    def wants_frame(self) -> bool:
        return False


def test_with_many_tabs_playing_each_trainer_rests_for_its_share():
    trainer, rests = BackgroundTrainer(), []
    trainer._woken = SimpleNamespace(wait=lambda timeout: rests.append(timeout) or False,
                                     clear=lambda: None)
    trainer.publisher = _Tabs(1)
    trainer._rest(0.01)
    trainer.publisher = _Tabs(8)
    trainer._rest(0.01)
    assert rests[0] == trainer_module.BREATHE_S          # alone: a breath only
    # 8 tabs: 10 ms of training, then a rest so that it trains SHARED_GIL / 8 of the time
    assert 0.01 / (0.01 + rests[1]) == pytest.approx(trainer_module.SHARED_GIL / 8)


def test_the_frame_a_trainer_builds_counts_in_its_share():
    """With 8 tabs playing, the rest after a slice covers the frame built after it too:
    training and frames together stay within SHARED_GIL / 8 of the time."""
    class Board(_Tabs):
        connected = True

        def __init__(self):
            super().__init__(8)
            self.ready = True

        def wants_frame(self):
            return self.ready

        def publish(self, force=False):
            started = time.thread_time()   # a dear frame: 50 ms of CPU
            while time.thread_time() - started < 0.05:
                pass
            self.ready = False
            return True
    state, trainer = page(), BackgroundTrainer()
    trainer.publisher = Board()
    busy = []

    def rest(busy_s):                      # record the first rest, then Pause
        busy.append(busy_s)
        state.playing = False
    trainer._rest = rest
    trainer.start(state)
    assert wait(lambda: not trainer.running)
    assert state.session.batches >= 1 and len(busy) == 1
    assert busy[0] >= 0.05                 # the slice (one batch: a frame was due) + frame
    assert busy[0] < 1.0                   # CPU seconds, not the wall time spent waiting


def test_the_streams_halt_never_waits_for_the_session():
    """The stream's event loop halts a tab on Pause while a slice holds the session."""
    state, trainer = page(), BackgroundTrainer()
    with trainer._session_lock:                  # as during a slice
        halting = threading.Thread(target=trainer.halt, args=(state,))
        halting.start()
        halting.join(timeout=10.0)
        assert not halting.is_alive() and not state.playing


def test_pause_cuts_a_long_rest_short():
    state, trainer = page(), BackgroundTrainer()
    trainer.publisher = _Tabs(30)
    resting = threading.Thread(target=trainer._rest, args=(60.0,))   # ~35 minutes
    resting.start()
    time.sleep(0.1)
    trainer.stop(state)
    resting.join(timeout=10.0)
    assert not resting.is_alive()


def test_trainer_stops_by_itself_when_training_diverges():
    state, trainer = page(PRESETS["lr_too_large"].config), BackgroundTrainer()
    trainer.start(state)
    assert wait(lambda: not state.playing)
    assert state.session.status == "diverged"
    assert wait(lambda: not trainer.running, 2.0)


def test_trainer_stops_when_the_tab_is_gone(monkeypatch):
    monkeypatch.setattr(trainer_module, "ORPHAN_S", 0.3)
    state, trainer = page(), BackgroundTrainer()
    trainer.start(state)
    assert wait(lambda: not state.playing, 5.0)     # no heartbeat from a page
    assert wait(lambda: not trainer.running, 2.0)


def test_url_preset_then_parameters_on_top():
    state = new_page_state({"preset": "xor_hidden", "learning_rate": "0.1"})
    cfg, messages, key = state.config, state.warnings, state.preset_key
    assert key == "xor_hidden" and messages == []
    assert cfg.dataset == "xor" and cfg.hidden_layers == (4,) and cfg.learning_rate == 0.1


def test_url_list_settings_from_repeated_keys_and_the_preset_base():
    """The app's URL reading is config.from_query_params: it knows list settings."""
    state = new_page_state({"preset": ["nope", "spiral_depth"], "hidden_layers": ["8", "3"],
                            "hide": ["presets", "learning_rate"]})
    assert state.preset_key == "spiral_depth" and state.warnings == []
    assert state.config.dataset == "spiral" and state.config.optimizer == "adam"
    assert state.config.hidden_layers == (8, 3)
    assert state.config.hide == ("presets", "learning_rate")


def test_url_unknown_preset_and_bad_values_give_messages():
    state = new_page_state({"preset": "nope", "batch_size": "0",
                            "noise": "loud", "colour": "red"})
    cfg, messages, key = state.config, state.warnings, state.preset_key
    assert key is None
    text = " ".join(messages)
    assert "nope" in text and "batch_size" in text and "noise" in text and "colour" in text
    assert cfg.batch_size == field_spec("batch_size").minimum
    assert cfg.noise == field_spec("noise").default


def test_log_scale_steps_keep_the_current_value():
    spec = field_spec("learning_rate")
    assert uses_steps(spec) and not uses_steps(field_spec("noise"))
    steps = step_options(spec, 0.05)
    assert 0.05 in steps and steps == sorted(steps)
    assert all(spec.minimum <= v <= spec.maximum for v in steps)


@pytest.mark.parametrize("name, value, shown", [
    ("hidden_layers", (8, 4), "8,4"), ("features", ("x1", "x2"), ["x1", "x2"]),
    ("noise", 0, 0.0), ("dataset", "xor", "xor")])
def test_widget_values(name, value, shown):
    assert to_widget_value(field_spec(name), value) == shown


def test_the_page_lock_tells_the_trainer_it_is_wanted_until_the_outermost_release():
    trainer = BackgroundTrainer()
    assert not trainer._wanted.is_set()
    with trainer.lock:
        assert trainer._wanted.is_set()
        with trainer.lock:                      # re-entrant, as page code nests it
            assert trainer._wanted.is_set()
        assert trainer._wanted.is_set()
    assert not trainer._wanted.is_set()
