"""The exact calls code outside this package makes (the engine's public contract)."""
from __future__ import annotations

import numpy as np

from playground import nn


def test_the_documented_calls_work_together(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] > 0).astype(np.float32)
    xv, yv = x[:20], y[:20]
    model = nn.Sequential([nn.Dense(8, activation="tanh"), nn.Dense(1, activation="sigmoid")],
                          input_shape=(2,), seed=0)
    model.compile(loss="binary_crossentropy",
                  optimizer=nn.optimizers.Adam(learning_rate=0.01), metrics=["accuracy"])
    history = model.fit(x, y, epochs=50, batch_size=10, validation_data=(xv, yv), verbose=0)
    assert len(history.history["loss"]) == 50 and len(history.history["val_accuracy"]) == 50
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.stop_reason is None and history.epoch == list(range(50))
    result = model.evaluate(x, y)
    assert set(result) == {"loss", "accuracy"} and 0 <= result["accuracy"] <= 1
    assert model.predict(x).shape == (60, 1)
    logs = model.train_on_batch(x, y)
    assert set(logs) == {"loss", "accuracy"}
    assert all(layer.grads["kernel"].any() for layer in model.layers)
    ws = model.get_weights()
    model.set_weights(ws)
    model.save(tmp_path / "m.npz")
    m2 = nn.load_model(tmp_path / "m.npz")
    np.testing.assert_array_equal(m2.predict(x), model.predict(x))


def test_every_name_the_brief_lists_exists():
    for name in ("Dense", "Dropout", "Conv2D", "MaxPool2D", "Flatten", "SimpleRNN", "LSTM",
                 "Sequential", "load_model", "TrainingDiverged"):
        assert hasattr(nn, name), name
    for name in ("SGD", "RMSprop", "Adam", "Adagrad", "AdamW"):
        assert hasattr(nn.optimizers, name), name
    for name in ("accuracy", "precision", "recall", "f1", "confusion_matrix", "mae", "mse",
                 "r2"):
        assert callable(getattr(nn.metrics, name)), name
    for name in ("Callback", "History", "EarlyStopping"):
        assert hasattr(nn.callbacks, name), name
    assert nn.optimizers.SGD(learning_rate=0.1, momentum=0.0, nesterov=False).momentum == 0.0
    adam = nn.optimizers.Adam(learning_rate=0.1, beta_1=0.8, beta_2=0.99, epsilon=1e-6)
    assert adam.get_config() == {"type": adam.name, "learning_rate": 0.1, "beta_1": 0.8,
                                 "beta_2": 0.99, "epsilon": 1e-6}
