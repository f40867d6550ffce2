"""Optimizers step for step against torch.optim (float64), state kept across LR changes."""
from __future__ import annotations

import numpy as np
import pytest

from playground.nn import optimizers

CASES = [
    ("sgd", dict(learning_rate=0.1), "SGD", dict(lr=0.1)),
    ("sgd", dict(learning_rate=0.1, momentum=0.9), "SGD", dict(lr=0.1, momentum=0.9)),
    ("sgd", dict(learning_rate=0.1, momentum=0.8, nesterov=True), "SGD",
     dict(lr=0.1, momentum=0.8, nesterov=True)),
    # Keras (and we) divide RMSprop and Adagrad steps by sqrt(v + eps), torch by
    # sqrt(v) + eps: equal when epsilon = 0 (test_keras_reference checks epsilon itself).
    ("rmsprop", dict(learning_rate=0.01, rho=0.8, epsilon=0.0), "RMSprop",
     dict(lr=0.01, alpha=0.8, eps=0.0)),
    ("rmsprop", dict(learning_rate=0.01, rho=0.8, momentum=0.5, centered=True, epsilon=0.0),
     "RMSprop", dict(lr=0.01, alpha=0.8, momentum=0.5, centered=True, eps=0.0)),
    ("adagrad", dict(learning_rate=0.1, initial_accumulator_value=0.1, epsilon=0.0),
     "Adagrad", dict(lr=0.1, initial_accumulator_value=0.1, eps=0.0)),
    # Keras adds epsilon to sqrt(v), torch to sqrt(v_hat): equal when epsilon = 0.
    ("adam", dict(learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=0.0), "Adam",
     dict(lr=0.01, betas=(0.8, 0.99), eps=0.0)),
    ("adamw", dict(learning_rate=0.01, weight_decay=0.1, epsilon=0.0), "AdamW",
     dict(lr=0.01, weight_decay=0.1, eps=0.0)),
]


@pytest.mark.parametrize("ours,our_args,theirs,their_args", CASES)
def test_steps_match_torch(ours, our_args, theirs, their_args):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    grads_per_step = [[rng.normal(size=p.shape) for p in params] for _ in range(6)]
    reference = [torch.tensor(p.copy(), requires_grad=True) for p in params]
    torch_opt = getattr(torch.optim, theirs)(reference, **their_args)
    opt = optimizers.OPTIMIZERS[ours](**our_args)
    for grads in grads_per_step:
        opt.apply(params, grads)
        for tensor, grad in zip(reference, grads):
            tensor.grad = torch.tensor(grad)
        torch_opt.step()
    for ours_value, tensor in zip(params, reference):
        np.testing.assert_allclose(ours_value, tensor.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert opt.iterations == 6


def test_learning_rate_change_keeps_state():
    rng = np.random.default_rng(1)
    grads = [rng.normal(size=4) for _ in range(4)]
    changed, fresh = optimizers.Adam(0.01), optimizers.Adam(0.01)
    w_changed, w_fresh = np.zeros(4), np.zeros(4)
    for g in grads[:2]:
        changed.apply([w_changed], [g])
        fresh.apply([w_fresh], [g])
    moments = [s.copy() for s in changed.get_state()]
    changed.learning_rate = 0.1
    assert all(np.array_equal(a, b) for a, b in zip(moments, changed.get_state()))
    changed.apply([w_changed], [grads[2]])
    # By hand: one Adam step with the new rate from the kept moments.
    m = 0.9 * moments[0] + 0.1 * grads[2]
    v = 0.999 * moments[1] + 0.001 * grads[2] ** 2
    step = 0.1 * np.sqrt(1 - 0.999 ** 3) / (1 - 0.9 ** 3)
    fresh_w = w_fresh - step * m / (np.sqrt(v) + 1e-7)
    np.testing.assert_allclose(w_changed, fresh_w, rtol=1e-12)
    assert changed.iterations == 3


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="learning_rate must be a positive"):
        optimizers.Adam(learning_rate=-1)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match="learning_rate"):
        opt.learning_rate = float("nan")
    with pytest.raises(ValueError, match="Unknown optimizer 'adamax'"):
        optimizers.get("adamax")


def test_strings_and_configs_round_trip():
    for name in ("sgd", "rmsprop", "adam", "adagrad", "adamw"):
        opt = optimizers.get(name)
        again = optimizers.get(opt.get_config())
        assert type(again) is type(opt) and again.get_config() == opt.get_config()
