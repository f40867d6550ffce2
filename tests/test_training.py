"""TrainingSession: stepping, reproducibility, an independent torch replica, snapshots,
divergence, live changes and rebuilds, CSV uploads and downloads."""
import copy
import csv
import importlib.util
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from playground import config, nn
from playground.config import ExperimentConfig
from playground.data import DataError, Scaler
from playground.experiment_data import ExperimentError
from playground.model_builder import build_model
from playground.training import TrainingSession

SMALL = ExperimentConfig(dataset="circle", n_samples=100, hidden_layers=(4, 2))
# 100 samples -> 60 train rows -> 6 batches of 10 per epoch


def test_step_epochs_and_batches_count_exactly():
    session = TrainingSession(SMALL)
    assert session.status == "ready" and session.epoch == 0
    snap = session.step_batches(4)
    assert (snap.epoch, snap.batches) == (0, 4) and snap.history == {}
    snap = session.step_batches(2)          # closes the first epoch
    assert (snap.epoch, snap.batches) == (1, 6)
    snap = session.step_epochs(3)
    assert (snap.epoch, snap.batches) == (4, 24)
    assert set(snap.history) == {"loss", "val_loss", "test_loss", "accuracy",
                                 "val_accuracy", "test_accuracy"}
    assert all(len(v) == 4 for v in snap.history.values())
    # one gradient-norm history per weighted layer, in layer order (3 Dense layers)
    assert list(snap.grad_norms) == [layer.name for layer in session.model.layers
                                     if layer.params]
    assert len(snap.grad_norms) == 3
    assert all(len(v) == 4 and all(x > 0 for x in v) for v in snap.grad_norms.values())
    assert snap.status == "training"


def test_same_config_and_seed_give_the_same_history():
    a = TrainingSession(SMALL).step_epochs(5)
    b = TrainingSession(SMALL).step_epochs(5)
    assert a.history == b.history and a.grad_norms == b.grad_norms
    c = TrainingSession(SMALL.replace(seed=1)).step_epochs(5)
    assert c.history["loss"] != a.history["loss"]


def test_two_epochs_match_an_independent_torch_replica():
    torch = pytest.importorskip("torch")
    session = TrainingSession(SMALL.replace(optimizer="sgd", learning_rate=0.1))
    weights = [w.astype(np.float64) for w in session.model.get_weights()]
    train = session.prepared.splits["train"]
    X = torch.tensor(train.X, dtype=torch.float64)
    y = torch.tensor(train.y, dtype=torch.float64)[:, None]
    params = [torch.tensor(w, requires_grad=True) for w in weights]
    # the session draws minibatch order from the model's generator (no dropout here)
    order_rng = copy.deepcopy(session.model.rng)

    def forward(x):
        h = torch.tanh(x @ params[0] + params[1])
        h = torch.tanh(h @ params[2] + params[3])
        return torch.sigmoid(h @ params[4] + params[5])

    for _ in range(2):
        order = order_rng.permutation(len(train.y))
        for start in range(0, len(order), 10):
            rows = torch.tensor(order[start:start + 10])
            loss = torch.nn.functional.binary_cross_entropy(forward(X[rows]), y[rows])
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():
                for p, g in zip(params, grads):
                    p -= 0.1 * g
    snap = session.step_epochs(2)
    for ours, theirs in zip(session.model.get_weights(), params):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-4, atol=1e-5)
    with torch.no_grad():
        expected_loss = torch.nn.functional.binary_cross_entropy(forward(X), y).item()
    assert snap.history["loss"][-1] == pytest.approx(expected_loss, rel=1e-4)


@pytest.mark.parametrize("cfg", [
    ExperimentConfig(),                                    # the default: loss value skipped
    SMALL.replace(loss="mse", optimizer="adam"),           # loss value computed every step
    SMALL.replace(regularization="l2", regularization_rate=0.01, dropout=0.1),
], ids=["default", "mse-adam", "l2-dropout"])
def test_session_is_bit_identical_to_train_on_batch_and_evaluate_by_hand(cfg):
    """The live loop's shortcuts (targets checked once, no per-step loss value where it is
    provably finite, one accuracy comparison for all splits) change no number."""
    session = TrainingSession(cfg)
    model = build_model(cfg, session.prepared)              # same seed: same weights
    splits = session.prepared.splits
    train = splits["train"]
    history: dict[str, list[float]] = {}
    for _ in range(3):
        order = model.rng.permutation(len(train.y))         # the session's one generator
        for start in range(0, len(order), cfg.batch_size):
            rows = order[start: start + cfg.batch_size]
            model.train_on_batch(train.X[rows], train.y[rows])   # checks y every time
        for name, prefix in (("train", ""), ("validation", "val_"), ("test", "test_")):
            part = splits[name]
            history.setdefault(prefix + "loss", []).append(
                model.evaluate(part.X, part.y)["loss"])
            labels = nn.metrics.labels_from_output(model.predict(part.X))
            history.setdefault(prefix + "accuracy", []).append(
                nn.metrics.accuracy(part.y, labels))
    snap = session.step_epochs(3)
    assert list(snap.history) == list(history)              # same keys, same order
    assert snap.history == history                          # exactly equal floats
    for ours, theirs in zip(session.model.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(ours, theirs)


def test_bench_session_bare_loop_does_the_session_maths():
    """benchmarks/bench_session.py cannot rot, and its session/bare ratio compares equal
    work: from the same weights and row order, one bare epoch lands on the session's."""
    spec = importlib.util.spec_from_file_location(
        "bench_session", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_session.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    session = TrainingSession(ExperimentConfig())
    bare = bench.bare_epoch_loop(session, rng=copy.deepcopy(session.model.rng))
    bare()
    session.step_epochs(1)
    for ours, theirs in zip(session.model.get_weights(), bare.weights):
        np.testing.assert_allclose(theirs, ours, rtol=1e-4, atol=1e-6)


def test_snapshot_fields_for_2d_classification():
    session = TrainingSession(SMALL)
    snap = session.step_epochs(2)
    assert snap.task == "classification" and len(snap.class_names) == 2
    assert [lv.kind for lv in snap.layers] == ["Dense", "Dense", "Dense"]
    assert [lv.units for lv in snap.layers] == [4, 2, 1]
    assert snap.layers[0].weights["kernel"].shape == (2, 4)
    assert snap.layers[0].activation == "tanh" and snap.layers[-1].activation == "sigmoid"
    snap.layers[0].weights["kernel"][:] = 99          # a copy: the model is untouched
    assert not np.any(session.model.layers[0].params["kernel"] == 99)
    assert set(snap.splits) == set(snap.metrics) == set(snap.confusion) == \
        {"train", "validation", "test"}
    for name, view in snap.splits.items():
        assert view.X.shape == (len(view.y_true), 2)
        assert view.proba.shape == (len(view.y_true), 2)
        np.testing.assert_allclose(view.proba.sum(axis=1), 1, atol=1e-6)
        # metrics agree with scikit-learn on the split's own labels
        from sklearn.metrics import accuracy_score, f1_score
        assert snap.metrics[name]["accuracy"] == pytest.approx(
            accuracy_score(view.y_true, view.y_pred))
        assert snap.metrics[name]["f1"] == pytest.approx(
            f1_score(view.y_true, view.y_pred, zero_division=0))
        assert snap.confusion[name].sum() == len(view.y_true)
    assert snap.metrics["train"]["accuracy"] == pytest.approx(snap.history["accuracy"][-1])
    assert snap.curve is None


def test_grid_goes_through_the_training_pipeline():
    cfg = SMALL.replace(features=("x1", "x2", "x1²"), scaling="standard")
    session = TrainingSession(cfg)
    session.step_epochs(1)
    grid = session.snapshot(grid_resolution=7).grid
    assert grid.x1.shape == (7,) and grid.output.shape == (7, 7)
    assert grid.neuron_labels[0] == "input" and len(grid.neurons) == 4
    assert grid.neurons[0].shape == (7, 7, 3) and grid.neurons[1].shape == (7, 7, 4)
    assert grid.feature_names == ["x1", "x2", "x1²"]
    # scale by hand with the TRAIN split's statistics only, then compare one grid point
    train_X = session.prepared.splits["train"].X_original.astype(np.float64)
    crossed = np.column_stack([train_X, train_X[:, 0] ** 2])
    mean, std = crossed.mean(axis=0), crossed.std(axis=0)
    i, j = 2, 5                                   # row i is x2[i], column j is x1[j]
    point = np.array([grid.x1[j], grid.x2[i], grid.x1[j] ** 2])
    np.testing.assert_allclose(grid.neurons[0][i, j], point, rtol=1e-5)
    expected = session.model.predict(((point - mean) / std)[None].astype(np.float32))
    assert grid.output[i, j] == pytest.approx(float(expected[0, 0]), rel=1e-4)
    # the grid covers the data with a margin
    all_X = session.prepared.dataset.X
    assert grid.x1[0] < all_X[:, 0].min() and grid.x1[-1] > all_X[:, 0].max()


def test_divergence_stops_keeps_finite_weights_and_says_what_to_try():
    cfg = ExperimentConfig(dataset="line", n_samples=100, noise=0.5, hidden_layers=(),
                           activation="linear", optimizer="sgd", learning_rate=5.0)
    session = TrainingSession(cfg)
    snap = session.step_epochs(50)
    assert snap.status == "diverged" and session.status == "diverged"
    assert "smaller learning rate" in snap.message and "0.5" in snap.message
    assert "Reset weights" in snap.message
    assert all(math.isfinite(x) for v in snap.history.values() for x in v)
    assert all(np.isfinite(w).all() for w in session.model.get_weights())
    epoch = session.epoch
    assert session.step_epochs(1).epoch == epoch        # stays stopped
    assert session.apply(cfg.replace(learning_rate=0.01)) is None
    assert session.status != "diverged"
    session.reset_weights()
    assert session.step_epochs(1).epoch == 1 and session.status == "training"


def test_learning_rate_change_keeps_weights_and_optimizer_state():
    cfg = SMALL.replace(optimizer="adam", learning_rate=0.01)
    session = TrainingSession(cfg)
    session.step_epochs(2)
    optimizer, weights = session.model.optimizer, session.model.get_weights()
    assert session.apply(cfg.replace(learning_rate=0.05, batch_size=5, show_test=True)) is None
    assert session.model.optimizer is optimizer
    assert session.model.optimizer.learning_rate == pytest.approx(0.05)
    assert all(np.array_equal(a, b) for a, b in zip(weights, session.model.get_weights()))
    assert session.epoch == 2
    session.step_epochs(1)
    assert session.batches == 2 * 6 + 12           # batch size 5 now: 12 batches per epoch
    # a new optimizer keeps the weights but not the state; regularization swaps in place
    assert session.apply(session.config.replace(optimizer="sgd", regularization="l2",
                                                regularization_rate=0.1)) is None
    assert session.model.optimizer is not optimizer and session.epoch == 3
    assert session.model.layers[0].regularizers["kernel"].l2 == pytest.approx(0.1)


def test_structural_changes_rebuild_and_say_why():
    session = TrainingSession(SMALL)
    session.step_epochs(2)
    reason = session.apply(SMALL.replace(hidden_layers=(3,)))
    assert "network changed" in reason and "reset" in reason
    assert session.epoch == 0 and session.snapshot().history == {}
    assert session.model.layers[0].units == 3
    reason = session.apply(session.config.replace(dataset="xor"))
    assert "data changed" in reason
    assert session.prepared.dataset.name == "xor"


def test_bad_change_raises_and_keeps_the_session():
    session = TrainingSession(SMALL)
    session.step_epochs(1)
    with pytest.raises(ExperimentError, match="cnn network does not fit points2d"):
        session.apply(SMALL.replace(model_kind="cnn"))
    assert session.config == SMALL and session.epoch == 1
    session.step_epochs(1)
    assert session.epoch == 2


def test_reset_weights_starts_over_reproducibly():
    session = TrainingSession(SMALL)
    first = session.step_epochs(2).history
    session.reset_weights()
    assert session.epoch == 0 and session.status == "ready"
    assert session.step_epochs(2).history == first


def test_regression_curve_and_linear_fit_in_original_units():
    cfg = ExperimentConfig(dataset="line", n_samples=100, noise=0.5, hidden_layers=(),
                           activation="linear", optimizer="adam", learning_rate=0.05)
    session = TrainingSession(cfg)
    snap = session.step_epochs(30)
    assert snap.task == "regression" and snap.grid is None
    assert set(snap.metrics["train"]) == {"mse", "mae", "r2"}
    w, b = session.linear_fit()
    # the curve is the fitted line, in original units
    np.testing.assert_allclose(snap.curve.y, w * snap.curve.x + b, rtol=1e-4, atol=1e-3)
    train = snap.splits["train"]
    np.testing.assert_allclose(train.y_pred, w * train.X[:, 0] + b, rtol=1e-4, atol=1e-3)
    # an independent least-squares fit on the training rows agrees roughly
    A = np.column_stack([train.X[:, 0], np.ones(len(train.X))])
    w_ls, b_ls = np.linalg.lstsq(A, train.y_true, rcond=None)[0]
    assert w == pytest.approx(w_ls, abs=0.1) and b == pytest.approx(b_ls, abs=0.5)
    assert TrainingSession(SMALL).linear_fit() is None


def test_history_csv_and_model_download():
    session = TrainingSession(SMALL)
    session.step_epochs(3)
    rows = list(csv.DictReader(io.StringIO(session.history_csv())))
    assert len(rows) == 3 and rows[2]["epoch"] == "3"
    assert float(rows[2]["val_loss"]) == pytest.approx(session.history["val_loss"][2])
    assert any(key.startswith("grad_norm_") for key in rows[0])
    data = session.model_npz_bytes()
    model = nn.load_model(io.BytesIO(data))
    X = session.prepared.splits["test"].X
    np.testing.assert_allclose(model.predict(X), session.model.predict(X), rtol=1e-6)
    # the file also says which experiment and input pipeline it belongs to
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        cfg, messages = config.from_json(str(archive["experiment_json"]))
        pipeline = json.loads(str(archive["pipeline_json"]))
    assert cfg == session.config and messages == []
    assert pipeline["feature_names"] == ["x1", "x2"]
    scaler = Scaler.from_dict(pipeline["scaler"])
    raw = session.prepared.splits["test"].X_original
    np.testing.assert_allclose(scaler.transform(raw), X, rtol=1e-5, atol=1e-6)


CSV = b"a,b,label\n" + b"".join(
    f"{i % 7},{(i * 3) % 5},{'yes' if (i % 7) > 3 else 'no'}\n".encode() for i in range(60))


def test_csv_upload_is_parsed_once_and_bad_files_keep_the_state():
    session = TrainingSession(SMALL)
    assert session.set_csv(CSV, "t.csv") is None        # dataset is not csv yet: just stored
    reason = session.apply(SMALL.replace(dataset="csv"))
    assert "data changed" in reason
    assert session.prepared.kind == "table" and session.prepared.class_names == ["no", "yes"]
    dataset = session.prepared.dataset
    assert session.set_csv(CSV, "t.csv") is None        # same bytes: nothing re-parsed
    assert session.prepared.dataset is dataset
    session.step_epochs(1)
    with pytest.raises(DataError):
        session.set_csv(b"", "empty.csv")
    assert session.prepared.dataset is dataset and session.epoch == 1
    with pytest.raises(ExperimentError, match="no file was uploaded"):
        TrainingSession(SMALL.replace(dataset="csv"))


def test_train_for_respects_max_epochs_and_time():
    session = TrainingSession(SMALL)
    assert session.train_for(5.0, max_epochs=3) == 3 and session.epoch == 3
    done = session.train_for(0.05)
    assert done >= 1 and session.epoch == 3 + done
    with pytest.raises(ValueError, match="seconds"):
        session.train_for(0)


def test_train_for_asks_stop_after_every_batch():
    session = TrainingSession(SMALL)
    asked = []
    session.train_for(60.0, stop=lambda: asked.append(session.batches) or len(asked) == 3)
    assert asked == [1, 2, 3] and session.batches == 3


def test_snapshot_histories_never_hold_nan():
    session = TrainingSession(SMALL.replace(learning_rate=10.0, optimizer="sgd",
                                            activation="relu"))
    snap = session.step_epochs(20)
    assert all(math.isfinite(x) for v in snap.history.values() for x in v)
    assert all(math.isfinite(x) for v in snap.grad_norms.values() for x in v)


@pytest.mark.parametrize("settings, task, grid_shape", [
    (dict(dataset="blobs", hidden_layers=(6,)), "classification", (9, 9, 3)),
    (dict(dataset="blobs", loss="mse", hidden_layers=(6,)), "classification", (9, 9, 3)),
    (dict(dataset="circle", loss="mse"), "classification", (9, 9)),
    (dict(dataset="gaussian", hidden_layers=(6,)), "regression", (9, 9)),
    (dict(dataset="iris", hidden_layers=(6,)), "classification", None),
    (dict(dataset="tips", hidden_layers=(6,)), "regression", None),
    (dict(dataset="shapes", n_samples=60, model_kind="cnn", conv_filters=(2,),
          hidden_layers=()), "classification", None),
    (dict(dataset="digits", hidden_layers=(8,), validation_fraction=0.1,
          test_fraction=0.1), "classification", None),
    (dict(dataset="seq_sine", n_samples=60, model_kind="lstm", rnn_units=4,
          hidden_layers=()), "regression", None),
    (dict(dataset="seq_sawtooth", n_samples=60, model_kind="rnn", rnn_units=4,
          hidden_layers=()), "regression", None),
    (dict(dataset="iris", model_kind="autoencoder", hidden_layers=(3, 2)), "regression", None),
    (dict(dataset="circle", dropout=0.3, regularization="l1", regularization_rate=0.01,
          layer_activations=("relu", "elu")), "classification", (9, 9)),
])
def test_every_kind_of_data_and_network_trains(settings, task, grid_shape):
    cfg = ExperimentConfig(optimizer="adam", learning_rate=0.01, batch_size=16, **settings)
    session = TrainingSession(cfg)
    session.step_epochs(2)
    snap = session.snapshot(grid_resolution=9)
    assert snap.epoch == 2 and snap.status == "training" and snap.task == task
    assert all(math.isfinite(x) for v in snap.history.values() for x in v)
    assert (snap.grid.output.shape if snap.grid else None) == grid_shape
    train = snap.splits["train"]
    assert train.y_pred.shape == train.y_true.shape
    if task == "classification":
        assert snap.confusion["test"].shape == (len(snap.class_names),) * 2
    if cfg.model_kind == "autoencoder":      # it rebuilds its own inputs, in original units
        assert train.y_true.shape == train.X.shape
        np.testing.assert_allclose(train.y_true, train.X, rtol=1e-6)


@pytest.mark.parametrize("dataset, kind, words", [
    ("circle", "cnn", "pick mlp or autoencoder"),
    ("digits", "lstm", "pick mlp or cnn"),
    ("seq_sine", "autoencoder", "lstm is a good start"),
])
def test_network_that_does_not_fit_the_data_says_what_to_pick(dataset, kind, words):
    with pytest.raises(ExperimentError, match=words):
        TrainingSession(ExperimentConfig(dataset=dataset, model_kind=kind))


def test_loss_that_does_not_fit_the_task():
    with pytest.raises(ExperimentError, match="does not fit a regression task"):
        TrainingSession(ExperimentConfig(dataset="line", loss="cross_entropy"))


def test_empty_validation_and_test_splits_have_no_history_keys():
    session = TrainingSession(SMALL.replace(validation_fraction=0.0, test_fraction=0.0))
    snap = session.step_epochs(2)
    assert set(snap.history) == {"loss", "accuracy"} and set(snap.splits) == {"train"}


def test_data_error_on_apply_keeps_the_session():
    session = TrainingSession(SMALL)
    session.step_epochs(1)
    with pytest.raises(DataError, match="n_samples"):
        session.apply(SMALL.replace(n_samples=1))
    assert session.config == SMALL and session.epoch == 1
    assert len(session.prepared.dataset.y) == 100


def test_scores_match_nn_metrics_and_scikit_learn():
    from sklearn.metrics import f1_score, precision_score, recall_score

    from playground.nn import metrics as nn_metrics
    scores_from_confusion = nn_metrics.scores_from_confusion
    rng = np.random.default_rng(3)
    for classes, present in [(2, [0, 1]), (2, [0]), (4, [0, 1, 2, 3]), (5, [0, 2, 3])]:
        y_true = rng.choice(present, 50)
        y_pred = rng.choice(present, 50)
        scores = scores_from_confusion(nn_metrics.confusion_matrix(y_true, y_pred, classes))
        average = "binary" if classes == 2 else "macro"
        for name, ours, sk in [
                ("precision", nn_metrics.precision, precision_score),
                ("recall", nn_metrics.recall, recall_score), ("f1", nn_metrics.f1, f1_score)]:
            assert scores[name] == pytest.approx(ours(y_true, y_pred, average=average))
            if len(set(y_true) | set(y_pred)) > 1 or average == "macro":
                assert scores[name] == pytest.approx(
                    sk(y_true, y_pred, average=average, zero_division=0))
        assert scores["accuracy"] == pytest.approx(np.mean(y_true == y_pred))


def test_divergence_revert_on_big_data_snapshots_the_reverted_weights(monkeypatch):
    """Issue 12: after the revert (SessionViews.invalidate) a snapshot of data with more than
    FRESH_PREDICTION_LIMIT inputs unpacked a None metrics cache (TypeError)."""
    from playground.session_views import FRESH_PREDICTION_LIMIT
    cfg = ExperimentConfig(dataset="digits", hidden_layers=(4,), batch_size=256)
    session = TrainingSession(cfg)
    assert session.prepared.splits["train"].X.size > FRESH_PREDICTION_LIMIT
    start = session.model.get_weights()
    layer = session.model.layers[-1]
    # the epoch's last evaluation overflows: the session goes back to the epoch's start
    monkeypatch.setattr(layer, "regularization_loss", lambda: math.inf)
    snap = session.step_epochs(1)
    assert snap.status == "diverged" and session.epoch == 0
    for now, before in zip(session.model.get_weights(), start):
        np.testing.assert_array_equal(now, before)
    # the metrics are those of the reverted weights, not of the cached end-of-epoch outputs
    train = session.prepared.splits["train"]
    predicted = session.model.predict(train.X).argmax(axis=1)
    assert snap.metrics["train"]["accuracy"] == pytest.approx(np.mean(predicted == train.y))
    np.testing.assert_array_equal(snap.splits["train"].y_pred, predicted)
