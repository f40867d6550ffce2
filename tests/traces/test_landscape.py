"""The loss landscape against the engine: the exact surface equals the model's own loss at
grid points, its gradient equals finite differences, the slice's points are the loss of
the weights they stand for, and the path is what the optimizer did."""
from __future__ import annotations


import numpy as np
import pytest

from playground.presets import PRESETS
from playground.traces import landscape as ls
from playground.training import TrainingSession


def _line_session(epochs=5, **changes):
    session = TrainingSession(PRESETS["line_regression"].config.replace(**changes))
    session.step_epochs(epochs)
    return session


def _train_rows(session):
    return session.prepared.splits["train"].X, session._train_y


def _engine_loss_at(session, w, b):
    """The model's own loss (weight penalty included) on the training rows at (w, b)."""
    model = session.model
    saved = model.get_weights()
    model.set_weights([np.array([[w]], dtype=np.float32), np.array([b], dtype=np.float32)])
    try:
        return model.evaluate(*_train_rows(session))["loss"]
    finally:
        model.set_weights(saved)


@pytest.mark.parametrize("changes", [{}, {"regularization": "l2", "regularization_rate": 0.05},
                                     {"scaling": "none"}])
def test_the_exact_surface_is_the_models_loss_at_its_grid_points(changes):
    session = _line_session(**changes)
    land = session.snapshot().landscape
    assert land.kind == "exact" and land.loss.shape == (len(land.beta), len(land.alpha))
    for i, j in ((0, 0), (30, 17), (60, 60), (5, 44)):
        expected = _engine_loss_at(session, land.alpha[j], land.beta[i])
        assert land.loss[i, j] == pytest.approx(expected, rel=1e-5)
    # the best fit is the lowest point of the surface (up to the grid's spacing)
    i, j = np.unravel_index(np.argmin(land.loss), land.loss.shape)
    spacing = np.array([land.alpha[1] - land.alpha[0], land.beta[1] - land.beta[0]])
    if not changes.get("regularization"):
        assert np.all(np.abs(land.optimum - [land.alpha[j], land.beta[i]]) <= spacing * 1.01)


def test_the_gradient_and_the_step_are_the_ones_the_formula_prints():
    session = _line_session(regularization="l2", regularization_rate=0.05)
    land = session.snapshot().landscape
    w, b = land.current
    h = 1e-3
    numeric = [(_engine_loss_at(session, w + h, b) - _engine_loss_at(session, w - h, b)) / (2 * h),
               (_engine_loss_at(session, w, b + h) - _engine_loss_at(session, w, b - h)) / (2 * h)]
    np.testing.assert_allclose(land.gradient, numeric, rtol=2e-3, atol=1e-4)
    # full-batch gradient by the engine itself
    _, grads = session.model.compute_gradients(*_train_rows(session))
    np.testing.assert_allclose(land.gradient, [grads[0]["kernel"][0, 0], grads[0]["bias"][0]],
                               rtol=1e-4, atol=1e-6)
    assert land.learning_rate == session.config.learning_rate
    np.testing.assert_allclose(land.next_point, land.current - land.learning_rate * land.gradient)


def test_the_path_holds_the_weights_after_every_batch():
    session = TrainingSession(PRESETS["line_regression"].config)
    start = session.model.store.params.astype(np.float64).copy()
    seen = [start]
    for _ in range(7):
        session.step_batches(1)
        seen.append(session.model.store.params.astype(np.float64).copy())
    land = session.snapshot().landscape
    np.testing.assert_array_equal(land.path, np.array(seen))
    np.testing.assert_allclose(land.current, seen[-1])


def test_a_long_path_is_thinned_and_keeps_both_ends():
    path = ls.WeightPath(np.zeros(2), every_batch=True)
    for step in range(1, 5000):
        path.record(np.array([step, -step]), step)
    assert len(path.points) <= ls.MAX_PATH_POINTS
    assert path.steps[0] == 0 and path.steps[-1] == 4999
    assert path.steps == sorted(path.steps)
    # the start, where the big moves are, is kept point by point
    assert path.steps[:ls.MAX_PATH_POINTS // 2] == list(range(ls.MAX_PATH_POINTS // 2))
    np.testing.assert_array_equal(path.points[-1], [4999, -4999])


def test_a_network_gets_a_slice_whose_points_are_the_loss_of_their_weights():
    session = TrainingSession(PRESETS["xor_hidden"].config)
    session.step_epochs(5)
    model = session.model
    before = model.store.params.copy()
    x, y = _train_rows(session)
    path = session.path.array()
    land = ls.loss_slice(model, x, y, path, session.epoch, seed=3)
    np.testing.assert_array_equal(model.store.params, before)       # the copy moved, not it
    # the same directions, drawn again from the same seed
    rng = np.random.default_rng(3)
    d1 = ls.filter_normalised_direction(model, rng)
    d2 = ls.filter_normalised_direction(model, rng)
    centre = before.astype(np.float64)
    for i, j in ((0, 0), (len(land.beta) // 2, len(land.alpha) // 2), (3, 11)):
        model.store.params[...] = centre + land.alpha[j] * d1 + land.beta[i] * d2
        expected = model.evaluate(x, y)["loss"]
        model.store.params[...] = before
        assert land.loss[i, j] == pytest.approx(expected, rel=1e-5)
    # the path's last point is the centre: (0, 0)
    np.testing.assert_allclose(land.path[-1], [0, 0], atol=1e-6)
    assert len(land.path) == session.epoch + 1


def test_directions_are_normalised_filter_by_filter_and_skip_biases():
    session = TrainingSession(PRESETS["xor_hidden"].config)
    model = session.model
    direction = ls.filter_normalised_direction(model, np.random.default_rng(0))
    offset = 0
    for layer, key, view, _ in model.store.bindings:
        part = direction[offset: offset + view.size].reshape(view.shape)
        if key == "bias":
            assert not part.any()
        else:
            np.testing.assert_allclose(np.linalg.norm(part, axis=0),
                                       np.linalg.norm(view.astype(np.float64), axis=0),
                                       rtol=1e-9)
        offset += view.size


def test_projection_recovers_the_coefficients():
    rng = np.random.default_rng(1)
    d1, d2, centre = rng.standard_normal((3, 50))
    path = np.array([centre + 0.3 * d1 - 0.2 * d2, centre - 1.5 * d2])
    np.testing.assert_allclose(ls.project(path, centre, d1, d2), [[0.3, -0.2], [0, -1.5]],
                               atol=1e-12)


class _CostClock:
    """A clock that moves only when the model evaluates: ``ms_per_100_rows`` per call for
    every 100 rows it is given (plus ``stall_s`` once, at evaluation ``stall_at``)."""

    def __init__(self, monkeypatch, model, ms_per_100_rows=10.0, stall_at=None, stall_s=0.0):
        self.now, self.calls = 0.0, 0
        original = type(model).evaluate

        def evaluate(model_self, x, y, *args, **kwargs):
            self.calls += 1
            self.now += ms_per_100_rows / 1000 * len(x) / 100
            if self.calls == stall_at:
                self.now += stall_s
            return original(model_self, x, y, *args, **kwargs)
        monkeypatch.setattr(type(model), "evaluate", evaluate)

    def __call__(self) -> float:
        return self.now


def _slice(session, monkeypatch, budget_s, **clock_settings):
    x, y = _train_rows(session)
    x, y = x[:100], y[:100]                     # 100 rows: 10 ms an evaluation
    clock = _CostClock(monkeypatch, session.model, **clock_settings)
    return ls.loss_slice(session.model, x, y, session.path.array(), 0, budget_s=budget_s,
                         clock=clock), clock


@pytest.mark.parametrize("budget_s, grid", [(3.0, 13), (10.0, 25)])
def test_the_slice_grid_grows_while_its_time_budget_lasts(monkeypatch, budget_s, grid):
    session = TrainingSession(PRESETS["xor_hidden"].config)
    land, clock = _slice(session, monkeypatch, budget_s)
    # 3 timings + 7 x 7 = 0.52 s; 13 x 13 adds 120 x 10 ms; 25 x 25 adds 456 x 10 ms more
    assert land.loss.shape == (grid, grid) and np.isfinite(land.loss).all()
    assert land.seconds <= budget_s and land.rows == 100
    coarse = land.loss[::(grid - 1) // 6, ::(grid - 1) // 6]       # the 7 x 7 points kept
    session2 = TrainingSession(PRESETS["xor_hidden"].config)
    again, _ = _slice(session2, monkeypatch, 1.0)
    np.testing.assert_allclose(coarse, again.loss, rtol=1e-12)     # the same points


def test_a_stall_gives_up_the_finer_grid_and_keeps_the_whole_coarse_one(monkeypatch):
    session = TrainingSession(PRESETS["xor_hidden"].config)
    # 13 x 13 fits a 3 s budget, but the machine stalls 2.5 s while it is computed
    land, _ = _slice(session, monkeypatch, 3.0, stall_at=60, stall_s=2.5)
    assert land.loss.shape == (7, 7) and np.isfinite(land.loss).all()


def test_the_session_computes_a_slice_in_the_background_and_says_so():
    session = TrainingSession(PRESETS["xor_hidden"].config)
    session.step_epochs(2)
    assert session.snapshot().landscape is None
    assert session.compute_landscape() is None
    session.slice_job.done.wait(30)
    snap = session.snapshot()
    assert snap.landscape.kind == "slice" and snap.landscape.epoch == 2
    assert snap.landscape_note == ""
    # a rebuilt network does not show the old network's slice
    session.apply(session.config.replace(hidden_layers=(3,)))
    assert session.snapshot().landscape is None
    line = _line_session(epochs=1)
    assert "exact" in line.compute_landscape()


def test_a_slow_network_is_measured_on_fewer_rows_to_keep_within_budget(monkeypatch):
    session = TrainingSession(PRESETS["xor_hidden"].config)
    land, _ = _slice(session, monkeypatch, 0.2)
    # 7 x 7 x 10 ms = 0.49 s > 0.8 x 0.17 s left: the rows shrink in proportion (to 27,
    # then a little more as the timings took their share) until the least grid fits
    assert land.loss.shape == (7, 7)
    assert 20 <= land.rows <= 27 and land.total_rows == 100
    assert land.seconds <= 0.2
