"""nn.metrics against scikit-learn on random labels and values."""
from __future__ import annotations

import numpy as np
import pytest

from playground.nn import metrics

sk = pytest.importorskip("sklearn.metrics")


@pytest.mark.parametrize("seed", range(4))
def test_classification_metrics_match_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, 2, 40), rng.integers(0, 2, 40)
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(sk.accuracy_score(y_true, y_pred))
    for ours, theirs in ((metrics.precision, sk.precision_score),
                         (metrics.recall, sk.recall_score), (metrics.f1, sk.f1_score)):
        assert ours(y_true, y_pred) == pytest.approx(theirs(y_true, y_pred))
        assert ours(y_true, y_pred, average="macro") == pytest.approx(
            theirs(y_true, y_pred, average="macro"))
    y_true, y_pred = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    for ours, theirs in ((metrics.precision, sk.precision_score),
                         (metrics.recall, sk.recall_score), (metrics.f1, sk.f1_score)):
        assert ours(y_true, y_pred, average="macro") == pytest.approx(
            theirs(y_true, y_pred, average="macro", zero_division=0))
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred, num_classes=4),
                                  sk.confusion_matrix(y_true, y_pred, labels=range(4)))


def test_zero_division_gives_zero_like_scikit_learn():
    y_true, y_pred = np.array([1, 1, 0]), np.array([0, 0, 0])
    assert metrics.precision(y_true, y_pred) == sk.precision_score(y_true, y_pred,
                                                                   zero_division=0) == 0.0
    assert metrics.f1(y_true, y_pred) == 0.0


@pytest.mark.parametrize("shape", [(30,), (30, 2)])
def test_regression_metrics_match_scikit_learn(shape):
    rng = np.random.default_rng(5)
    y_true, y_pred = rng.normal(size=shape), rng.normal(size=shape)
    assert metrics.mae(y_true, y_pred) == pytest.approx(sk.mean_absolute_error(y_true, y_pred))
    assert metrics.mse(y_true, y_pred) == pytest.approx(sk.mean_squared_error(y_true, y_pred))
    assert metrics.r2(y_true, y_pred) == pytest.approx(sk.r2_score(y_true, y_pred))
    assert metrics.r2(y_true, y_true) == 1.0


def test_labels_from_output_and_bad_input():
    np.testing.assert_array_equal(metrics.labels_from_output(np.array([[0.2], [0.7]])), [0, 1])
    np.testing.assert_array_equal(metrics.labels_from_output(np.eye(3)[[2, 0]]), [2, 0])
    with pytest.raises(ValueError, match="binary.*macro"):
        metrics.precision([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="3 labels but y_pred has 2"):
        metrics.accuracy([0, 1, 1], [0, 1])
