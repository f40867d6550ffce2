"""AppTest: the Cross-validation panel runs k folds in the background, shows progress,
then each metric's mean ± spread for the network and the baselines; Cancel stops it."""
import time

from tests.shown_text import shown
from tests.ui.test_app import assert_clean, new_app, state


def _wait(at, done, timeout=120):
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        time.sleep(0.2)
    return at.run()


def test_cross_validation_runs_in_the_background_and_shows_mean_and_spread():
    at = new_app(dataset="iris", epochs="3")
    at.selectbox(key="cv_folds").set_value(3).run()
    at.button(key="btn_cv_run").click().run()
    assert_clean(at)
    runner = state(at).crossval
    at = _wait(at, lambda: not runner.running)
    assert_clean(at)
    assert runner.result is not None and runner.result.k == 3
    table = at.table[-1].value
    assert list(table.columns) == ["metric", "network", "majority class", "logistic regression"]
    assert all("±" in cell for cell in table.iloc[0, 1:])
    captions = " ".join(shown(c.value) for c in at.caption)
    assert "3-fold cross-validation over the 120 training and validation rows" in captions
    assert state(at).session.epoch == 0          # the page's own experiment is untouched


def test_cancel_stops_cross_validation():
    at = new_app(dataset="iris", epochs="2000")
    at.button(key="btn_cv_run").click().run()
    runner = state(at).crossval
    assert runner.running
    at.button(key="btn_cv_cancel").click().run()
    at = _wait(at, lambda: not runner.running, timeout=30)
    assert_clean(at)
    assert not runner.running and runner.result is None
    assert any("cancelled" in shown(w.value) for w in at.warning)
