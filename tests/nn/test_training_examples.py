"""Real training runs to known answers: linear regression, XOR, a three-arm spiral and an
autoencoder. Each is small enough to finish in a second or two."""
from __future__ import annotations

import numpy as np
import pytest

from playground import nn

pytestmark = pytest.mark.slow   # real training runs (a few seconds together)


def test_linear_regression_with_plain_sgd_finds_the_line():
    rng = np.random.default_rng(0)
    x = np.linspace(1, 10, 100).reshape(-1, 1)
    y = 2 * x + 3 + rng.normal(size=x.shape)
    model = nn.Sequential([nn.Dense(1)], input_shape=(1,), seed=0)
    model.compile(loss="mse", optimizer=nn.optimizers.SGD(learning_rate=0.01))
    model.fit(x, y, epochs=6000, batch_size=100, shuffle=False)
    (w,), b = model.get_weights()[0][0], model.get_weights()[1][0]
    # The least-squares line for this very sample, computed independently.
    w_ls, b_ls = np.linalg.lstsq(np.hstack([x, np.ones_like(x)]), y, rcond=None)[0].ravel()
    assert abs(w - 2) < 0.1 and abs(b - 3) < 0.3
    assert w == pytest.approx(w_ls, abs=1e-3) and b == pytest.approx(b_ls, abs=1e-2)


def test_xor_with_a_2_4_1_tanh_network():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([0, 1, 1, 0], dtype=np.float32)
    model = nn.Sequential([nn.Dense(4, activation="tanh"), nn.Dense(1, activation="sigmoid")],
                          input_shape=(2,), seed=1)
    model.compile(loss="binary_crossentropy", optimizer=nn.optimizers.Adam(0.05),
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=500, batch_size=4)
    assert history.history["accuracy"][-1] == 1.0
    assert model.evaluate(x, y)["accuracy"] == 1.0
    assert np.array_equal(model.predict(x).ravel() > 0.5, y > 0.5)


def _spiral(points_per_arm=100, arms=3, seed=0):
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for arm in range(arms):
        r = np.linspace(0.05, 1.0, points_per_arm)
        angle = np.linspace(arm * 4.0, arm * 4.0 + 4.0, points_per_arm)
        angle = angle + rng.normal(scale=0.2, size=points_per_arm)
        xs.append(np.c_[r * np.sin(angle), r * np.cos(angle)])
        ys.append(np.full(points_per_arm, arm))
    return np.vstack(xs).astype(np.float32), np.concatenate(ys)


def test_three_arm_spiral_with_softmax_output():
    x, y = _spiral()
    model = nn.Sequential([nn.Dense(64, activation="relu"), nn.Dense(64, activation="relu"),
                           nn.Dense(3, activation="softmax")], input_shape=(2,), seed=0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=nn.optimizers.Adam(0.01),
                  metrics=["accuracy"])
    model.fit(x, y, epochs=300, batch_size=32)
    assert model.evaluate(x, y)["accuracy"] >= 0.95
    proba = model.predict(x)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_dense_autoencoder_reconstruction_loss_falls_tenfold():
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(256, 2))
    x = np.tanh(codes @ rng.normal(size=(2, 8))).astype(np.float32)   # 8-D data on a 2-D sheet
    model = nn.Sequential([nn.Dense(16, activation="tanh"), nn.Dense(2),
                           nn.Dense(16, activation="tanh"), nn.Dense(8)], input_shape=(8,),
                          seed=0)
    model.compile(loss="mse", optimizer=nn.optimizers.Adam(0.01))
    start = model.evaluate(x, x)["loss"]
    history = model.fit(x, x, epochs=150, batch_size=32)
    assert history.history["loss"][-1] < start / 10
    assert model.evaluate(x, x)["loss"] < start / 10
