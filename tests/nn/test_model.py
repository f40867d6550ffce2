"""Sequential: whole-model gradients (central differences and torch), save/load, weights,
determinism, divergence, callbacks and the messages for bad input."""
from __future__ import annotations

import io

import numpy as np
import pytest

from playground import nn

from .gradcheck import check_model_gradients


def _data(n=12, features=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, features))


def _model(loss, outputs, activation, dtype="float64", seed=0, regularize=False):
    reg = nn.regularizers.L2(0.01) if regularize else None
    model = nn.Sequential([
        nn.Dense(5, activation="tanh", kernel_regularizer=reg),
        nn.Dense(4, activation="elu", kernel_regularizer=nn.regularizers.L1(0.01) if regularize
                 else None),
        nn.Dense(outputs, activation=activation),
    ], input_shape=(3,), seed=seed, dtype=dtype)
    model.compile(loss=loss, optimizer="sgd")
    return model


def _targets(loss, n, rng):
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, size=(n, 1)).astype(float)
    if loss == "sparse_categorical_crossentropy":
        return rng.integers(0, 3, size=n)
    if loss == "categorical_crossentropy":
        return np.eye(3)[rng.integers(0, 3, size=n)]
    return rng.normal(size=(n, 2))


MODEL_CASES = [("mse", 2, "linear"), ("mae", 2, "linear"), ("huber", 2, "tanh"),
               ("binary_crossentropy", 1, "sigmoid"), ("categorical_crossentropy", 3, "softmax"),
               ("sparse_categorical_crossentropy", 3, "softmax"),
               ("categorical_crossentropy", 3, "sigmoid")]   # not fused: the chain-rule path


@pytest.mark.parametrize("loss,outputs,activation", MODEL_CASES)
def test_whole_model_gradients_match_central_differences(loss, outputs, activation):
    rng = np.random.default_rng(1)
    model = _model(loss, outputs, activation, regularize=True)
    x = _data()
    check_model_gradients(model, x, _targets(loss, len(x), rng))


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy",
                                  "sparse_categorical_crossentropy"])
def test_loss_and_gradients_equal_torch_in_double_precision(loss):
    torch = pytest.importorskip("torch")
    outputs, activation = {"mse": (2, "linear"), "binary_crossentropy": (1, "sigmoid"),
                           "sparse_categorical_crossentropy": (3, "softmax")}[loss]
    model = _model(loss, outputs, activation, regularize=False)
    x, y = _data(), _targets(loss, 12, np.random.default_rng(2))
    ours_loss, ours_grads = model.compute_gradients(x, y)

    weights = [torch.tensor(w, requires_grad=True) for w in model.get_weights()]
    h = torch.tensor(x)
    h = torch.tanh(h @ weights[0] + weights[1])
    h = torch.nn.functional.elu(h @ weights[2] + weights[3])
    logits = h @ weights[4] + weights[5]
    if loss == "mse":
        reference = torch.nn.functional.mse_loss(logits, torch.tensor(y))
    elif loss == "binary_crossentropy":
        reference = torch.nn.functional.binary_cross_entropy_with_logits(logits,
                                                                         torch.tensor(y))
    else:
        reference = torch.nn.functional.cross_entropy(logits, torch.tensor(y))
    reference.backward()
    assert ours_loss == pytest.approx(reference.item(), rel=1e-6, abs=1e-12)
    flat = [g for layer in ours_grads for g in layer.values()]
    for ours, tensor in zip(flat, weights):
        np.testing.assert_allclose(ours, tensor.grad.numpy(), rtol=1e-6, atol=1e-10)


def _trained(seed, epochs=3):
    rng = np.random.default_rng(99)
    x = rng.normal(size=(40, 2)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    model = nn.Sequential([nn.Dense(6, activation="relu"), nn.Dropout(0.3),
                           nn.Dense(1, activation="sigmoid")], input_shape=(2,), seed=seed)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(x, y, epochs=epochs, batch_size=8, validation_split=0.25)
    return model, history, x, y


def test_same_seed_gives_bit_identical_history_and_weights():
    first, history_1, _, _ = _trained(seed=5)
    second, history_2, _, _ = _trained(seed=5)
    _, history_3, _, _ = _trained(seed=6)
    assert history_1.history == history_2.history
    assert set(history_1.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights()))
    assert history_1.history != history_3.history


def test_save_load_round_trip_to_path_and_file_object(tmp_path):
    model, _, x, y = _trained(seed=1)
    path = tmp_path / "m.npz"
    model.save(str(path))
    loaded = nn.load_model(str(path))
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert [type(layer).__name__ for layer in loaded.layers] == ["Dense", "Dropout", "Dense"]
    assert loaded.predict(x).dtype == np.float32
    # Training continues identically: optimizer state and random generator were saved.
    model.fit(x, y, epochs=1, batch_size=8)
    loaded.fit(x, y, epochs=1, batch_size=8)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(nn.load_model(buffer).predict(x), model.predict(x))


def test_load_refuses_weights_that_do_not_fit(tmp_path):
    model, _, _, _ = _trained(seed=1, epochs=1)
    path = tmp_path / "m.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    arrays["weight_000"] = np.zeros((3, 6), dtype=np.float32)
    bad = tmp_path / "bad.npz"
    np.savez(bad, **arrays)
    with pytest.raises(ValueError, match=r"dense_1 kernel should be \(2, 6\).*\(3, 6\)"):
        nn.load_model(bad)
    del arrays["weight_003"]
    np.savez(bad, **arrays)
    with pytest.raises(ValueError, match="holds 3 weight arrays but its architecture needs 4"):
        nn.load_model(bad)
    np.savez(bad, x=np.zeros(3))
    with pytest.raises(ValueError, match="not written by model.save"):
        nn.load_model(bad)


def test_set_weights_refuses_wrong_shapes_naming_the_layer():
    model = _model("mse", 2, "linear", dtype="float32")
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(3, 5), (5,), (5, 4), (4,), (4, 2), (2,)]
    weights[2] = np.zeros((4, 5))
    with pytest.raises(ValueError, match=r"dense_2: kernel needs shape \(5, 4\)"):
        model.set_weights(weights)
    with pytest.raises(ValueError, match="got 2 arrays but the model has 6"):
        model.set_weights(weights[:2])
    fresh = [np.full_like(w, 0.5) for w in model.get_weights()]
    model.set_weights(fresh)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), fresh))


def test_learning_rate_change_keeps_optimizer_state_and_recompile_keeps_weights():
    model, _, x, y = _trained(seed=2)
    state = [s.copy() for s in model.optimizer.get_state()]
    steps = model.optimizer.iterations
    model.optimizer.learning_rate = 0.1
    assert all(np.array_equal(a, b) for a, b in zip(state, model.optimizer.get_state()))
    model.train_on_batch(x[:8], y[:8])
    assert model.optimizer.iterations == steps + 1
    weights = model.get_weights()
    model.compile(loss="binary_crossentropy", optimizer=nn.optimizers.SGD(0.01))
    assert model.optimizer.iterations == 0 and model.optimizer.get_state() == []
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights()))


def test_divergence_raises_before_the_weights_change_and_fit_records_it():
    x = np.linspace(0, 100, 20, dtype=np.float32).reshape(-1, 1)
    y = 1000 * x
    model = nn.Sequential([nn.Dense(1)], input_shape=(1,), seed=0)
    model.compile(loss="mse", optimizer=nn.optimizers.SGD(learning_rate=5.0))
    history = model.fit(x, y, epochs=50, batch_size=20)
    assert history.stop_reason is not None and "learning rate (now 5)" in history.stop_reason
    assert "epoch" in history.stop_reason
    assert len(history.epoch) < 50
    assert all(np.isfinite(w).all() for w in model.get_weights())
    before = model.get_weights()
    for _ in range(3):                    # keep stepping until the loss itself overflows
        try:
            with np.errstate(over="ignore"):
                model.train_on_batch(x, y)
        except nn.TrainingDiverged as error:
            assert isinstance(error, ArithmeticError)
            assert "Try a smaller learning rate (now 5)" in str(error)
            break
    else:
        pytest.fail("no TrainingDiverged")
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


@pytest.mark.parametrize("x,y,loss,message", [
    (np.zeros((4, 3)), np.zeros(4), "mse", r"x has shape \(4, 3\) but the model expects"),
    (np.zeros(4), np.zeros(4), "mse", "batch axis"),
    (np.array([[0.0, np.nan]] * 4), np.zeros(4), "mse", "x contains NaN"),
    (np.zeros((4, 2)), np.array([0, 1, np.nan, 0]), "mse", "y contains NaN"),
    (np.zeros((4, 2)), np.array([0, 1, 3, 2]), "sparse_categorical_crossentropy",
     "labels must be 0 .. 2"),
    (np.zeros((4, 2)), np.array([0, 0.5, 1, 2]), "sparse_categorical_crossentropy",
     "whole-number"),
    (np.zeros((4, 2)), np.zeros(5), "mse", "x has 4 samples but y has 5"),
])
def test_bad_input_is_refused_in_plain_words(x, y, loss, message):
    outputs = 3 if loss.startswith("sparse") else 1
    model = nn.Sequential([nn.Dense(outputs, activation="softmax" if outputs == 3 else None)],
                          input_shape=(2,))
    model.compile(loss=loss, optimizer="adam")
    with pytest.raises(ValueError, match=message):
        model.fit(x, y, epochs=1)
    with pytest.raises(ValueError, match=message):
        model.train_on_batch(x, y)


def test_unknown_names_and_uncompiled_use():
    with pytest.raises(ValueError, match="Unknown activation 'relu6'"):
        nn.Dense(3, activation="relu6")
    model = nn.Sequential([nn.Dense(1)], input_shape=(2,))
    with pytest.raises(ValueError, match="compile"):
        model.fit(np.zeros((2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="Unknown metric"):
        model.compile(loss="mse", optimizer="sgd", metrics=["auc"])
    with pytest.raises(ValueError, match="Unknown optimizer"):
        model.compile(loss="mse", optimizer="adamax")


def test_live_app_hooks_outputs_and_gradients():
    model = _model("sparse_categorical_crossentropy", 3, "softmax", dtype="float32")
    x = _data().astype(np.float32)
    y = np.random.default_rng(3).integers(0, 3, size=len(x))
    outputs = model.layer_outputs(x)
    assert [o.shape for o in outputs] == [(12, 5), (12, 4), (12, 3)]
    np.testing.assert_allclose(outputs[-1], model.predict(x))
    before = model.get_weights()
    loss, grads = model.compute_gradients(x, y)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert loss == pytest.approx(model.evaluate(x, y)["loss"], rel=1e-5)
    model.train_on_batch(x, y)
    for layer, expected in zip(model.layers, grads):
        for name, grad in expected.items():
            np.testing.assert_allclose(layer.grads[name], grad, rtol=1e-6)
    assert all(o.dtype == np.float32 for o in outputs)


def test_callbacks_hooks_order_and_stop_training():
    calls = []

    class Recorder(nn.callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(f"epoch_begin {epoch}")

        def on_batch_end(self, batch, logs=None):
            calls.append(f"batch_end {batch}")
            assert "loss" in logs

        def on_epoch_end(self, epoch, logs=None):
            calls.append(f"epoch_end {epoch}")
            if epoch == 1:
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            calls.append("train_end")

    model = _model("mse", 2, "linear", dtype="float32")
    history = model.fit(_data(8), np.zeros((8, 2)), epochs=5, batch_size=4,
                        callbacks=[Recorder()])
    assert calls == ["train_begin", "epoch_begin 0", "batch_end 0", "batch_end 1", "epoch_end 0",
                     "epoch_begin 1", "batch_end 0", "batch_end 1", "epoch_end 1", "train_end"]
    assert history.epoch == [0, 1] and len(history.history["loss"]) == 2


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(30, 3)).astype(np.float32)
    y = rng.normal(size=(30, 2)).astype(np.float32)          # pure noise: val loss gets worse
    model = _model("mse", 2, "linear", dtype="float32")
    model.compile(loss="mse", optimizer=nn.optimizers.Adam(0.05))
    stopper = nn.callbacks.EarlyStopping(monitor="val_loss", patience=2,
                                         restore_best_weights=True)
    history = model.fit(x[:20], y[:20], epochs=200, batch_size=5, validation_data=(x[20:],
                                                                                   y[20:]),
                        callbacks=[stopper])
    assert len(history.epoch) < 200 and "Early stopping" in history.stop_reason
    val = history.history["val_loss"]
    assert stopper.best == min(val)
    assert len(val) == stopper.best_epoch + 1 + 2
    assert model.evaluate(x[20:], y[20:])["loss"] == pytest.approx(min(val), rel=1e-5)


def test_summary_and_dtypes():
    model = nn.Sequential([nn.Dense(4, activation="relu"), nn.Dense(1)], input_shape=(2,))
    text = model.summary(print_fn=None)
    assert "dense_1 (Dense)" in text and "(None, 4)" in text and "Total params: 17" in text
    out = model.predict(np.zeros((3, 2)))                 # float64 in: computed in float32
    assert out.dtype == np.float32
    model64 = nn.Sequential([nn.Dense(1)], input_shape=(2,), dtype="float64")
    assert model64.predict(np.zeros((3, 2), dtype=np.float32)).dtype == np.float64
    with pytest.raises(ValueError, match="dtype"):
        nn.Sequential([nn.Dense(1)], dtype="int32")


def test_frozen_layers_stay_put_and_later_penalties_count():
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=(16, 3)).astype(np.float32), rng.normal(size=(16, 2))
    model = _model("mse", 2, "linear", dtype="float32")
    model.layers[0].trainable = False
    model.compile(loss="mse", optimizer=nn.optimizers.Adam(0.05))
    frozen = [w.copy() for w in model.layers[0].params.values()]
    model.fit(x, y, epochs=3, batch_size=4)
    assert all(np.array_equal(a, b) for a, b in zip(frozen, model.layers[0].params.values()))
    assert "Non-trainable params: 20" in model.summary(print_fn=None)
    plain = model.evaluate(x, y)["loss"]
    model.layers[2].regularizers["kernel"] = nn.regularizers.L2(1.0)
    kernel = model.layers[2].params["kernel"]
    assert model.evaluate(x, y)["loss"] == pytest.approx(plain + float((kernel ** 2).sum()),
                                                         rel=1e-5)
    assert model.train_on_batch(x, y)["loss"] > plain


def test_an_update_that_would_overflow_the_weights_is_undone():
    x = np.ones((4, 1), dtype=np.float32)
    y = np.full((4, 1), 1e4, dtype=np.float32)
    model = nn.Sequential([nn.Dense(1)], input_shape=(1,), seed=0)
    model.compile(loss="mse", optimizer=nn.optimizers.SGD(learning_rate=1e36))
    before = model.get_weights()
    with np.errstate(over="ignore"), pytest.raises(nn.TrainingDiverged, match="undone"):
        model.train_on_batch(x, y)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    history = model.fit(x, y, epochs=3)
    assert "would have made the weights infinite" in history.stop_reason
    assert history.epoch == [] and all(np.isfinite(w).all() for w in model.get_weights())
