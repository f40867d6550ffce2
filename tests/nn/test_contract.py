"""The exact calls code outside this package makes (the engine's public contract)."""
from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from playground import nn

NN_DIR = Path(nn.__file__).parent


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


def _imports(path: Path) -> set[str]:
    """Every playground module ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("playground")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(NN_DIR.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_engine_has_no_import_cycle_and_imports_nothing_upstream():
    modules = {_module_name(p): p for p in NN_DIR.rglob("*.py")}
    graph = {name: {m for m in _imports(path) if m in modules and m != name}
             for name, path in modules.items()}
    for name, path in modules.items():
        outside = {m for m in _imports(path) if not m.startswith("playground.nn")}
        assert not outside, f"{name} imports {outside} (ui, viz, config, data stay out)"

    def reaches(start, target, seen):
        for nxt in graph[start] - seen:
            if nxt == target or reaches(nxt, target, seen | {nxt}):
                return True
        return False
    # the package __init__ files gather their modules; a cycle among the modules is the smell
    cyclic = [n for n in graph if not modules[n].name == "__init__.py" and
              reaches(n, n, {m for m in graph if modules[m].name == "__init__.py"})]
    assert cyclic == []
    assert "playground.nn.model" not in graph["playground.nn.io"]


def test_layers_declare_what_the_model_and_builder_use():
    from playground.nn.layers import LAYERS, Layer
    names = {cls.default_name for cls in set(LAYERS.values())}
    assert len(names) == len(set(LAYERS.values())) and "layer" not in names
    model = nn.Sequential([nn.Conv2D(2, 3), nn.MaxPool2D(), nn.Flatten(), nn.Dense(3),
                           nn.Dense(2), nn.BatchNormalization()], input_shape=(6, 6, 1))
    assert [layer.name for layer in model.layers] == [
        "conv2d_1", "max_pool2d_1", "flatten_1", "dense_1", "dense_2", "batch_normalization_1"]
    assert [layer.needs_input_gradient for layer in model.layers] == [False] + [True] * 5
    for cls in set(LAYERS.values()):
        for attribute in ("default_name", "regularizable", "non_trainable_params",
                          "activation", "needs_input_gradient"):
            assert hasattr(cls, attribute) and attribute in vars(Layer), (cls, attribute)


def test_set_regularizer_changes_the_penalty_and_the_saved_config():
    model = nn.Sequential([nn.Dense(3), nn.Dropout(0.1), nn.LSTM(2)], input_shape=(4, 2),
                          seed=0)
    dense, dropout, lstm = model.layers
    dense.set_regularizer(nn.regularizers.L2(0.5))
    kernel = dense.params["kernel"]
    assert dense.regularization_loss() == pytest.approx(0.5 * float(np.sum(kernel * kernel)))
    assert dense.get_config()["kernel_regularizer"] == {"type": "l2", "l2": 0.5}
    dense.set_regularizer("l1", "bias")
    assert set(dense.regularizers) == {"kernel", "bias"}
    lstm.set_regularizer({"type": "l1", "l1": 0.1})
    assert lstm.get_config()["kernel_regularizer"] == {"type": "l1", "l1": 0.1}
    dense.set_regularizer(None)
    assert set(dense.regularizers) == {"bias"} and dense.get_config()["kernel_regularizer"] is None
    with pytest.raises(ValueError, match="Dropout has no 'kernel' to regularise"):
        dropout.set_regularizer("l2")
    with pytest.raises(ValueError, match="LSTM has no 'bias' to regularise"):
        lstm.set_regularizer("l2", "bias")
