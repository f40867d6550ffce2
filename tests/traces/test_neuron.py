"""The neuron inspector's numbers against independent computations: a hand-written float64
forward, central finite differences of a hand-written loss, the optimizers' formulas and
the real weight change of a training step on that one point."""
from __future__ import annotations

import numpy as np
import pytest

from playground.config import ExperimentConfig
from playground.traces.neuron import trace_neuron
from playground.training import TrainingSession

ACTIVATIONS = {
    "tanh": np.tanh, "linear": lambda z: z, "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "softmax": lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
}
# experiment -> settings; each trains a couple of epochs before being inspected
CASES = {
    "tanh, binary cross-entropy, L2": dict(dataset="circle", hidden_layers=(4, 3),
                                           activation="tanh", regularization="l2",
                                           regularization_rate=0.01, optimizer="sgd"),
    "relu, softmax cross-entropy": dict(dataset="blobs", hidden_layers=(5,),
                                        activation="relu", optimizer="adam"),
    "sigmoid, regression mse": dict(dataset="plane", hidden_layers=(3,),
                                    activation="sigmoid", optimizer="momentum"),
}


def _session(settings, epochs=2) -> TrainingSession:
    session = TrainingSession(ExperimentConfig(n_samples=120, **settings))
    session.step_epochs(epochs)
    return session


def _weights(session):
    """[(kernel, bias, activation)] float64 copies of the Dense layers."""
    return [(layer.params["kernel"].astype(np.float64), layer.params["bias"].astype(np.float64),
             layer.activation) for layer in session.model.layers]


def _hand_forward(weights, x, offset=None):
    """Activations of every layer for one input row; ``offset``: (layer, unit, amount)
    added to that neuron's output (for dL/da by differences)."""
    outputs, current = [], np.asarray(x, dtype=np.float64)
    for index, (kernel, bias, activation) in enumerate(weights):
        current = ACTIVATIONS[activation](current @ kernel + bias)
        if offset is not None and offset[0] == index:
            current = current.copy()
            current[offset[1]] += offset[2]
        outputs.append(current)
    return outputs


def _hand_loss(session, weights, x, y, offset=None):
    """The loss of one point written out, plus the L2 penalty of every kernel."""
    p = _hand_forward(weights, x, offset)[-1]
    name = session.model.loss.name
    if name == "binary_crossentropy":
        loss = -(y[0] * np.log(p[0]) + (1 - y[0]) * np.log(1 - p[0]))
    elif name == "sparse_categorical_crossentropy":
        loss = -np.log(p[int(y)] / p.sum())     # as Keras: p renormalised first
    else:
        loss = np.mean((p - y) ** 2)
    rate = session.config.regularization_rate if session.config.regularization == "l2" else 0
    return loss + rate * sum(float(np.sum(k * k)) for k, _, _ in weights)


def _point(session, row):
    return session.prepared.splits["train"].X[row], session._train_y[row]


def _difference(f, step=1e-6):
    return (f(step) - f(-step)) / (2 * step)


@pytest.mark.parametrize("case", list(CASES))
def test_forward_numbers_equal_a_hand_written_forward(case):
    session = _session(CASES[case])
    x, y = _point(session, 7)
    weights = _weights(session)
    hand = _hand_forward(weights, x)
    engine = session.model.layer_outputs(np.asarray(x)[None])
    for layer_index, (kernel, bias, activation) in enumerate(weights):
        inputs = np.asarray(x, dtype=np.float64) if layer_index == 0 else hand[layer_index - 1]
        for unit in range(kernel.shape[1]):
            trace = trace_neuron(session.model, x, y, layer_index, unit, 7)
            np.testing.assert_allclose(trace.inputs, inputs, rtol=1e-12)
            np.testing.assert_allclose(trace.terms, kernel[:, unit] * inputs, rtol=1e-12)
            assert trace.z == pytest.approx(float(kernel[:, unit] @ inputs + bias[unit]),
                                            rel=1e-12, abs=1e-12)
            assert trace.a == pytest.approx(hand[layer_index][unit], rel=1e-12, abs=1e-12)
            # and what the engine's float32 forward gives
            assert trace.a == pytest.approx(float(engine[layer_index][0, unit]), abs=1e-5)


@pytest.mark.parametrize("case", list(CASES))
def test_gradients_equal_finite_differences(case):
    session = _session(CASES[case])
    row = 11
    x, y = _point(session, row)
    weights = _weights(session)
    for layer_index, (kernel, bias, _) in enumerate(weights):
        for unit in range(kernel.shape[1]):
            trace = trace_neuron(session.model, x, y, layer_index, unit, row)
            numeric = []
            for i in range(kernel.shape[0]):
                def moved(h, i=i):
                    changed = [(k.copy(), b, a) for k, b, a in weights]
                    changed[layer_index][0][i, unit] += h
                    return _hand_loss(session, changed, x, y)
                numeric.append(_difference(moved))
            np.testing.assert_allclose(trace.grad_weights, numeric, rtol=1e-5, atol=1e-8)

            def bias_moved(h):
                changed = [(k, b.copy(), a) for k, b, a in weights]
                changed[layer_index][1][unit] += h
                return _hand_loss(session, changed, x, y)
            # no bias penalty here, so dL/db is delta itself
            assert trace.grad_bias == pytest.approx(_difference(bias_moved), rel=1e-5,
                                                    abs=1e-8)
            assert trace.delta == pytest.approx(trace.grad_bias, rel=1e-12)
            dloss_da = _difference(lambda h: _hand_loss(session, weights, x, y,
                                                        (layer_index, unit, h)))
            assert trace.dloss_da == pytest.approx(dloss_da, rel=1e-5, abs=1e-8)
            if trace.slope is not None and not trace.fused:
                assert trace.delta == pytest.approx(trace.dloss_da * trace.slope, rel=1e-9,
                                                    abs=1e-12)


def test_the_loss_of_the_point_is_the_hand_written_one():
    for settings in CASES.values():
        session = _session(settings)
        x, y = _point(session, 3)
        trace = trace_neuron(session.model, x, y, 0, 0, 3)
        weights = _weights(session)
        with_penalty = _hand_loss(session, weights, x, y)
        rate = session.config.regularization_rate if session.config.regularization == "l2" \
            else 0
        penalty = rate * sum(float(np.sum(k * k)) for k, _, _ in weights)
        # the loss of the point itself; the penalty only enters the gradients
        assert trace.loss == pytest.approx(with_penalty - penalty, rel=1e-9)


def _kernel_column_and_bias(layer, unit):
    return np.append(layer.params["kernel"][:, unit], layer.params["bias"][unit]).astype(
        np.float64)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "rmsprop", "adagrad"])
def test_the_update_is_the_step_training_on_that_point_makes(optimizer):
    settings = dict(CASES["tanh, binary cross-entropy, L2"], optimizer=optimizer)
    session = _session(settings, epochs=3)
    row = 5
    x, y = _point(session, row)
    for layer_index, unit in ((0, 2), (1, 1), (2, 0)):
        trace = trace_neuron(session.model, x, y, layer_index, unit, row)
        layer = session.model.layers[layer_index]
        before = _kernel_column_and_bias(layer, unit)
        weights = session.model.get_weights()
        state = [s.copy() for s in session.model.optimizer.get_state()]
        iterations = session.model.optimizer.iterations
        session.model.train_on_batch(np.asarray(x)[None], np.asarray(y)[None])
        change = _kernel_column_and_bias(layer, unit) - before
        np.testing.assert_allclose(trace.step.change, change, rtol=2e-3, atol=2e-7)
        # put everything back for the next neuron
        session.model.set_weights(weights)
        session.model.optimizer.set_state(state, session.model.store.param_list, iterations)


def test_the_update_follows_each_optimizers_formula():
    row = 9
    for optimizer in ("sgd", "momentum", "adam"):
        session = _session(dict(CASES["tanh, binary cross-entropy, L2"], optimizer=optimizer))
        x, y = _point(session, row)
        model = session.model
        trace = trace_neuron(model, x, y, 1, 2, row)
        layer = model.layers[1]
        start = model.store.offset_of(layer, "kernel")
        positions = [start + i * layer.units + 2 for i in range(layer.input_shape[0])]
        positions.append(model.store.offset_of(layer, "bias") + 2)
        g = np.append(trace.grad_weights, trace.grad_bias)
        lr = model.optimizer.learning_rate
        slots = [s.astype(np.float64)[positions] for s in model.optimizer.get_state()]
        if optimizer == "sgd":
            expected = -lr * g
        elif optimizer == "momentum":
            velocity = 0.9 * slots[0] - lr * g
            expected = velocity
            np.testing.assert_allclose(trace.step.after[0], velocity, rtol=1e-9)
        else:
            t = model.optimizer.iterations + 1
            m = 0.9 * slots[0] + 0.1 * g
            v = 0.999 * slots[1] + 0.001 * g * g
            lr_t = lr * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
            expected = -lr_t * m / (np.sqrt(v) + 1e-7)
            assert trace.step.step_size == pytest.approx(lr_t, rel=1e-12)
            assert trace.step.step_number == t
        np.testing.assert_allclose(trace.step.change, expected, rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(trace.step.grads, g, rtol=1e-12)


def test_the_session_follows_the_chosen_neuron_and_refuses_what_does_not_exist():
    session = _session(CASES["tanh, binary cross-entropy, L2"], epochs=1)
    first = session.snapshot().neuron
    assert (first.layer_index, first.unit, first.row) == (0, 0, 0)
    assert first.input_names == ["x1", "x2"]
    session.inspect(1, 2, 17)
    trace = session.snapshot().neuron
    assert (trace.layer_number, trace.unit, trace.row) == (2, 2, 17)
    assert trace.input_names == ["dense_1 #1", "dense_1 #2", "dense_1 #3", "dense_1 #4"]
    for bad, words in (((7, 0, 0), "dense layers"), ((1, 3, 0), "neurons 1 to 3"),
                       ((1, 0, 10_000), "training point from 1 to"),
                       ((1, True, 0), "neurons 1 to 3")):
        with pytest.raises(ValueError, match=words):
            session.inspect(*bad)
    assert session.snapshot().neuron.row == 17          # the last good choice stays
    # a smaller network keeps the inspector on something that exists
    session.apply(session.config.replace(hidden_layers=(2,)))
    trace = session.snapshot().neuron
    assert trace is not None and trace.layer_index == 0
