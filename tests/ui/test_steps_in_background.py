"""Step epoch and Step batch run in the background trainer (issue 12): a long step does not
hold the page, the session's lock is free between slices, and Pause cancels it."""
from __future__ import annotations

import threading
import time

from playground.config import ExperimentConfig
from playground.ui import actions
from playground.ui.state import new_page_state

SLOW_EPOCH = {"dataset": "digits", "batch_size": "1", "model_kind": "cnn"}   # ~20 s an epoch


def wait(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_a_short_step_is_done_when_the_click_returns():
    state = new_page_state({})
    actions.step_epoch(state)
    assert state.session.epoch == 1 and not state.trainer.stepping
    actions.step_batch(state)
    assert state.session.batches == state.session.batches_per_epoch + 1
    assert state.session.batch_loss is not None and not state.playing


def test_a_long_step_leaves_the_page_free_and_pause_cancels_it():
    state = new_page_state(SLOW_EPOCH)
    assert not state.errors and state.config.dataset == "digits"
    batches = state.session.batches_per_epoch          # about a thousand updates
    assert batches > 500
    started = time.monotonic()
    actions.step_epoch(state)
    assert time.monotonic() - started < 2.0          # the click did not wait for the epoch
    assert state.trainer.stepping
    waits = []
    for _ in range(5):                                # the page's lock: free between slices
        asked = time.monotonic()
        with state.trainer.lock:
            waits.append(time.monotonic() - asked)
            state.session.snapshot()
        time.sleep(0.05)
    assert max(waits) < 0.5, waits
    assert wait(lambda: state.session.batches > 20)   # it is training meanwhile
    asked = time.monotonic()
    actions.pause(state)
    assert time.monotonic() - asked < 1.0
    stopped = state.session.batches
    time.sleep(0.3)
    assert state.session.batches == stopped and state.session.epoch == 0
    assert not state.trainer.stepping
    assert wait(lambda: not state.trainer.running, 2.0)


def test_two_step_clicks_make_two_epochs_and_other_tabs_keep_training():
    slow, other = new_page_state(SLOW_EPOCH), new_page_state({})
    actions.play(other)
    actions.step_epoch(slow)
    actions.step_batch(slow)          # a different kind of step replaces the epoch asked for
    assert wait(lambda: not slow.trainer.stepping, 10.0)
    before = other.session.epoch
    assert wait(lambda: other.session.epoch > before + 5, 10.0)
    actions.pause(other)
    quick = new_page_state({})
    actions.step_epoch(quick)
    actions.step_epoch(quick)
    assert wait(lambda: quick.session.epoch == 2 and not quick.trainer.stepping, 10.0)
    assert threading.active_count() < 50
