"""The RNN and LSTM views print the engine's own numbers: states and gates against a
forward pass written out here in NumPy (float64), dLoss/dh_t against finite differences."""
from __future__ import annotations

import numpy as np
import pytest

from playground.config import ExperimentConfig
from playground.training import TrainingSession
from playground.viz import views
from tests.viz.checks import assert_sound


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _session(kind: str, **changes):
    cfg = ExperimentConfig(dataset="seq_sum_of_sines", model_kind=kind, n_samples=150,
                           rnn_units=5, hidden_layers=(3,), optimizer="adam",
                           learning_rate=0.01, batch_size=16, example=4, **changes)
    session = TrainingSession(cfg)
    return session, session.step_epochs(2)


@pytest.fixture(scope="module", params=["rnn", "lstm"])
def trained(request):
    return request.param, *_session(request.param)


def _params(snap, name):
    layer = next(layer for layer in snap.layers if layer.name == name)
    return {k: v.astype(np.float64) for k, v in layer.weights.items()}


def _cell_step(kind, p, x_t, h, c):
    """One step of the recurrent cell, as the Keras formulas say: -> (h, c, gates)."""
    z = x_t @ p["kernel"] + h @ p["recurrent_kernel"] + p["bias"]
    if kind == "rnn":
        return np.tanh(z), c, {}
    i, f, g, o = np.split(z, 4)
    i, f, o, g = _sigmoid(i), _sigmoid(f), _sigmoid(o), np.tanh(g)
    c = f * c + i * g
    return o * np.tanh(c), c, {"input": i, "forget": f, "output": o}


def _head(snap, h):
    """The dense layers after the recurrent one: h (units,) -> the output (outputs,)."""
    out = h
    for layer in snap.layers[1:]:
        p = {k: v.astype(np.float64) for k, v in layer.weights.items()}
        out = out @ p["kernel"] + p["bias"]
        if layer.activation == "tanh":
            out = np.tanh(out)
    return out


def _run(kind, p, x, start=0, h=None, c=None):
    """Steps start..T-1 from state (h, c) -> every step's (h, c, gates)."""
    units = p["recurrent_kernel"].shape[0]
    h = np.zeros(units) if h is None else h
    c = np.zeros(units) if c is None else c
    steps = []
    for t in range(start, len(x)):
        h, c, gates = _cell_step(kind, p, x[t], h, c)
        steps.append((h, c, gates))
    return steps


def test_states_and_gates_equal_an_independent_forward(trained):
    kind, session, snap = trained
    rv = snap.sample.recurrent
    assert rv.kind == ("SimpleRNN" if kind == "rnn" else "LSTM")
    x = session.prepared.splits["test"].X[3].astype(np.float64)        # example 4
    steps = _run(kind, _params(snap, rv.layer), x)
    np.testing.assert_allclose(rv.hidden, [h for h, _, _ in steps], rtol=1e-4, atol=1e-5)
    if kind == "lstm":
        np.testing.assert_allclose(rv.cell, [c for _, c, _ in steps], rtol=1e-4, atol=1e-5)
        for gate in ("input", "forget", "output"):
            np.testing.assert_allclose(rv.gates[gate], [g[gate] for _, _, g in steps],
                                       rtol=1e-4, atol=1e-5)
    else:
        assert rv.cell is None and rv.gates == {}
    # the prediction after the last step is the model's own prediction for the example
    test = snap.splits["test"]
    assert rv.step_prediction[-1] == pytest.approx(float(test.y_pred[3]), rel=1e-4, abs=1e-5)
    assert rv.step_target[-1] == pytest.approx(float(test.y_true[3]))
    np.testing.assert_allclose(rv.step_target[:-1], test.X[3, 1:, 0])


def test_the_gradient_reaching_each_step_equals_finite_differences(trained):
    kind, session, snap = trained
    rv = snap.sample.recurrent
    p = _params(snap, rv.layer)
    x = session.prepared.splits["test"].X[3].astype(np.float64)
    target = float(session.prepared.splits["test"].y[3, 0])            # scaled, as trained
    steps = _run(kind, p, x)

    def loss_from(t, h, c):        # the loss with the state after step t set to (h, c)
        rest = _run(kind, p, x, t + 1, h, c)
        last = rest[-1][0] if rest else h
        return float((_head(snap, last)[0] - target) ** 2)

    eps = 1e-5
    for t in (0, len(x) // 2, len(x) - 1):
        h, c, _ = steps[t]
        grad = np.array([(loss_from(t, h + eps * e, c) - loss_from(t, h - eps * e, c))
                         / (2 * eps) for e in np.eye(len(h))])
        assert rv.grad_norm[t] == pytest.approx(np.linalg.norm(grad), rel=2e-3, abs=1e-7), t


def test_training_leaves_the_models_gradients_alone():
    session, _ = _session("lstm")
    before = [{k: v.copy() for k, v in layer.grads.items()} for layer in session.model.layers]
    session._views.invalidate()
    session.snapshot()                                      # runs the traced backward
    for layer, grads in zip(session.model.layers, before):
        for name, value in grads.items():
            np.testing.assert_array_equal(layer.grads[name], value)
        assert not getattr(layer, "keep_state_gradients", False)


def test_the_recurrent_views_draw_and_are_offered_only_for_rnns(trained):
    kind, _, snap = trained
    names = {view.name for view in views.offered("detail", snap)}
    expected = {"rnn_states", "step_predictions", "gradient_reach"}
    assert expected <= names
    assert ("lstm_gates" in names) == (kind == "lstm")
    for name in names & (expected | {"lstm_gates"}):
        assert_sound(views.draw(name, snap))
    figure = views.draw("gradient_reach", snap)
    np.testing.assert_allclose(figure.data[0].y, snap.sample.recurrent.grad_norm)
