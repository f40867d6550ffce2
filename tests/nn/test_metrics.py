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


@pytest.mark.parametrize("seed", range(6))
def test_roc_curve_and_auc_match_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    n = [7, 40, 200, 33, 90, 12][seed]
    y_true = rng.integers(0, 2, n)
    y_true[:2] = [0, 1]                                   # both classes present
    # ties (rounded scores) and scores that follow the labels a little
    score = np.round(0.3 * y_true + rng.random(n), 1 if seed % 2 else 3)
    fpr, tpr, thresholds = metrics.roc_curve(y_true, score)
    sk_fpr, sk_tpr, sk_thresholds = sk.roc_curve(y_true, score)
    np.testing.assert_allclose(fpr, sk_fpr, rtol=0, atol=1e-12)
    np.testing.assert_allclose(tpr, sk_tpr, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(thresholds, sk_thresholds)
    assert metrics.roc_auc(y_true, score) == pytest.approx(sk.roc_auc_score(y_true, score),
                                                           abs=1e-12)
    labels = np.where(y_true == 1, "yes", "no")           # any labels, named positive class
    assert metrics.roc_auc(labels, score, pos_label="yes") == pytest.approx(
        sk.roc_auc_score(y_true, score), abs=1e-12)


def test_roc_auc_by_hand_and_bad_input():
    # pairs (positive, negative) ranked right: (0.8 > 0.1), (0.8 > 0.4), (0.35 > 0.1),
    # wrong: 0.35 < 0.4 -> 3 of 4
    assert metrics.roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert metrics.roc_auc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)   # a tie counts half
    with pytest.raises(ValueError, match="both classes"):
        metrics.roc_curve([1, 1, 1], [0.2, 0.5, 0.9])
    with pytest.raises(ValueError, match="finite"):
        metrics.roc_auc([0, 1], [0.2, np.nan])
    with pytest.raises(ValueError, match="3 labels but score has 2"):
        metrics.roc_auc([0, 1, 1], [0.2, 0.3])


@pytest.mark.parametrize("seed", range(4))
def test_per_class_scores_match_precision_recall_fscore_support(seed):
    rng = np.random.default_rng(seed)
    classes = 2 + seed
    y_true = rng.integers(0, classes, 60)
    y_pred = np.where(rng.random(60) < 0.5, y_true, rng.integers(0, classes, 60))
    y_pred[y_pred == classes - 1] = 0           # one class never predicted: precision 0
    matrix = metrics.confusion_matrix(y_true, y_pred, classes)
    ours = metrics.per_class_scores(matrix)
    theirs = sk.precision_recall_fscore_support(y_true, y_pred, labels=range(classes),
                                                average=None, zero_division=0)
    for key, expected in zip(("precision", "recall", "f1", "support"), theirs):
        np.testing.assert_allclose(ours[key], expected, rtol=0, atol=1e-12, err_msg=key)
    assert ours["precision"][classes - 1] == 0.0
    with pytest.raises(ValueError, match="square"):
        metrics.per_class_scores(np.zeros((2, 3)))
