"""The per-epoch history stays bounded however long a session plays, and stays honest."""
import io
import sys

import numpy as np
import pandas as pd

from playground import viz
from playground.config import ExperimentConfig
from playground.history import CAPACITY, EpochHistory
from playground.training import TrainingSession


def _loss(epoch: int) -> float:
    return 1.0 / epoch


def _size_in_bytes(history: EpochHistory) -> int:
    """Lists and the floats they hold (ints and floats are separate objects)."""
    columns = [history.epochs, *history.logs.values(), *history.grad_norms.values()]
    return sum(sys.getsizeof(c) + sum(sys.getsizeof(v) for v in c) for c in columns)


def test_a_hundred_thousand_epochs_stay_under_a_fixed_size():
    history = EpochHistory(["dense"])
    sizes = {}
    for epoch in range(1, 100_001):
        history.record(epoch, {"loss": _loss(epoch), "accuracy": 0.5}, {"dense": 2.0})
        assert len(history) <= CAPACITY + 1
        if epoch in (CAPACITY, 10_000, 100_000):
            sizes[epoch] = _size_in_bytes(history)
    # the full history up to the bound, never more afterwards
    assert sizes[10_000] <= sizes[CAPACITY] * 1.01 and sizes[100_000] <= sizes[CAPACITY] * 1.01
    epochs = history.epochs
    assert epochs[0] == 1 and epochs[-1] == 100_000          # the start and the latest
    assert history.stride == 64 and history.thinned
    assert all(e % history.stride == 0 for e in epochs[1:-1])  # every k-th epoch
    assert epochs == sorted(set(epochs))
    # the values are the ones recorded for those epochs, not shifted
    np.testing.assert_array_equal(history.logs["loss"], [_loss(e) for e in epochs])
    assert len(history.grad_norms["dense"]) == len(epochs)
    assert "every 64th epoch" in history.note()


def test_every_epoch_is_kept_up_to_the_bound():
    history = EpochHistory([], capacity=10)
    for epoch in range(1, 11):
        history.record(epoch, {"loss": _loss(epoch)}, {})
    assert history.epochs == list(range(1, 11)) and not history.thinned
    assert history.note() == ""
    history.record(11, {"loss": _loss(11)}, {})
    assert history.epochs == [1, 2, 4, 6, 8, 10, 11] and history.stride == 2
    history.record(12, {"loss": _loss(12)}, {})         # 11 was kept only as the latest
    assert history.epochs == [1, 2, 4, 6, 8, 10, 12]
    assert history.logs["loss"] == [_loss(e) for e in history.epochs]


def test_a_long_session_keeps_a_thinned_history_and_says_so():
    cfg = ExperimentConfig(dataset="circle", n_samples=40, hidden_layers=(2,),
                           batch_size=64, validation_fraction=0.25, test_fraction=0.0,
                           features=("x1", "x2"))
    session = TrainingSession(cfg)
    snap = session.step_epochs(2 * CAPACITY + 10)
    assert snap.epoch == 2 * CAPACITY + 10
    assert len(snap.history_epochs) <= CAPACITY + 1
    assert snap.history_epochs[0] == 1 and snap.history_epochs[-1] == snap.epoch
    assert all(len(v) == len(snap.history_epochs) for v in snap.history.values())
    assert all(len(v) == len(snap.history_epochs) for v in snap.grad_norms.values())
    assert "thinned" in session.log.note()
    table = pd.read_csv(io.StringIO(session.history_csv()))
    assert table["epoch"].tolist() == snap.history_epochs
    np.testing.assert_array_equal(table["val_loss"], snap.history["val_loss"])
    # the curves are drawn at the real epoch numbers
    figure = viz.loss_figure(snap.history, epochs=snap.history_epochs)
    train = next(t for t in figure.data if t.hovertemplate.startswith("train loss"))
    assert train.x[0] == 1 and train.x[-1] == snap.epoch
    assert set(train.x) <= set(snap.history_epochs)
    norms = viz.gradient_norms_figure(snap.grad_norms, snap.history_epochs)
    assert norms.data[0].x[-1] == snap.epoch


def test_the_history_csv_is_plain_numbers_for_pandas():
    session = TrainingSession(ExperimentConfig(dataset="xor", n_samples=60))
    session.step_epochs(3)
    table = pd.read_csv(io.StringIO(session.history_csv()))
    assert {"accuracy", "val_accuracy", "test_accuracy", "loss"} <= set(table.columns)
    assert table["epoch"].dtype == np.int64 and table["epoch"].tolist() == [1, 2, 3]
    others = table.drop(columns="epoch")
    assert all(dtype == np.float64 for dtype in others.dtypes), dict(others.dtypes)
    np.testing.assert_array_equal(table["accuracy"], session.history["accuracy"])
    assert all(type(v) is float for values in session.history.values() for v in values)
