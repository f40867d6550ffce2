"""Per-class precision/recall/F1 table and the ROC curve: the numbers drawn are
scikit-learn's for the same labels and probabilities; user labels are drawn as written."""
from __future__ import annotations

import numpy as np
import pytest

from playground import viz
from playground.config import ExperimentConfig
from playground.nn import metrics as nn_metrics
from playground.snapshot import SplitView
from playground.training import TrainingSession
from playground.viz import views
from tests.viz.checks import assert_sound, traces_of
from tests.viz.test_plain_labels import BOLD, LINK, assert_drawn_as_written

sk = pytest.importorskip("sklearn.metrics")


def _binary_split(name: str, n: int, rng) -> SplitView:
    y_true = rng.integers(0, 2, n)
    y_true[:2] = [0, 1]
    p1 = np.clip(0.35 * y_true + 0.65 * rng.random(n), 0, 1)
    proba = np.stack([1 - p1, p1], axis=1)
    return SplitView(name, rng.normal(size=(n, 2)), y_true, (p1 > 0.5).astype(int), proba)


def test_class_scores_table_shows_scikit_learns_numbers():
    rng = np.random.default_rng(4)
    y_true = rng.integers(0, 3, 80)
    y_pred = np.where(rng.random(80) < 0.6, y_true, rng.integers(0, 3, 80))
    matrix = nn_metrics.confusion_matrix(y_true, y_pred, 3)
    rows = viz.class_scores_rows(matrix, ["cat", "dog", "bird"])
    assert rows[0] == ["class", "precision", "recall", "F1", "support"]
    p, r, f, support = sk.precision_recall_fscore_support(y_true, y_pred, labels=range(3),
                                                          zero_division=0)
    for k, name in enumerate(["cat", "dog", "bird"]):
        assert rows[1 + k] == [name, f"{p[k]:.1%}", f"{r[k]:.1%}", f"{f[k]:.1%}",
                               f"{support[k]:,}"]
    macro = sk.precision_recall_fscore_support(y_true, y_pred, average="macro")
    assert rows[4] == ["macro average"] + [f"{v:.1%}" for v in macro[:3]] + ["80"]
    figure = viz.class_scores_table(matrix, ["cat", "dog", "bird"], "test")
    assert_sound(figure)
    cells = traces_of(figure, "table")[0].cells.values
    assert list(cells[0]) == ["cat", "dog", "bird", "macro average"]
    assert "test" in figure.layout.title.text
    with pytest.raises(ValueError, match="3 classes but 2 class names"):
        viz.class_scores_rows(matrix, ["cat", "dog"])


def test_roc_figure_draws_scikit_learns_curve_and_auc_per_split():
    rng = np.random.default_rng(8)
    splits = {"train": _binary_split("train", 120, rng), "test": _binary_split("test", 40, rng)}
    figure = viz.roc_figure(splits, ["no", "yes"])
    assert_sound(figure)
    curves = [t for t in traces_of(figure, "scatter") if t.name != "guessing"]
    assert [t.name.split(" ")[0] for t in curves] == ["train", "test"]
    for trace, split in zip(curves, splits.values()):
        fpr, tpr, _ = sk.roc_curve(split.y_true, split.proba[:, 1])
        np.testing.assert_allclose(trace.x, fpr, atol=1e-12)
        np.testing.assert_allclose(trace.y, tpr, atol=1e-12)
        auc = sk.roc_auc_score(split.y_true, split.proba[:, 1])
        assert f"AUC {auc:.3f}" in trace.name
    assert "yes" in figure.layout.title.text


def test_roc_figure_with_one_class_only_says_why():
    rng = np.random.default_rng(1)
    split = _binary_split("test", 10, rng)
    one_class = SplitView("test", split.X, np.ones(10, int), split.y_pred, split.proba)
    figure = viz.roc_figure({"test": one_class}, ["a", "b"])
    assert_sound(figure)
    assert "both classes" in figure.layout.annotations[0].text.replace("<br>", " ")


def test_roc_and_class_labels_are_drawn_as_written():
    rng = np.random.default_rng(2)
    assert_drawn_as_written(viz.roc_figure({"test": _binary_split("test", 30, rng)},
                                           [LINK, BOLD]), [BOLD])
    assert_drawn_as_written(viz.class_scores_table(np.eye(2, dtype=int) * 3, [BOLD, LINK]),
                            [BOLD, LINK])


def test_the_views_are_offered_where_they_make_sense():
    binary = TrainingSession(ExperimentConfig(dataset="circle", n_samples=120)).step_epochs(1)
    assert views.VIEWS["roc"].fits(binary) and views.VIEWS["class_scores"].fits(binary)
    roc = views.draw("roc", binary)
    test = binary.splits["test"]
    auc = sk.roc_auc_score(test.y_true, test.proba[:, 1])
    assert any(f"test (AUC {auc:.3f})" == t.name for t in roc.data)
    iris = TrainingSession(ExperimentConfig(dataset="iris", hidden_layers=(4,))).snapshot()
    assert not views.VIEWS["roc"].fits(iris) and views.VIEWS["class_scores"].fits(iris)
    assert "two classes" in views.draw("roc", iris).layout.annotations[0].text.replace("<br>", " ")
    table = views.draw("class_scores", iris)
    assert list(table.data[0].cells.values[0])[:3] == iris.class_names
    line = TrainingSession(ExperimentConfig(dataset="line", n_samples=50)).snapshot()
    assert not views.VIEWS["class_scores"].fits(line)
