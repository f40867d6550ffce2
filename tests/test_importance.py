"""Permutation feature importance: shuffling a column the target ignores costs nothing,
shuffling the one it is made of costs the most; shuffles are reproducible by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from playground.config import ExperimentConfig
from playground.importance import column_groups, network_importance, permutation_importance
from playground.training import TrainingSession


def test_a_noise_column_costs_nothing_and_the_target_column_the_most():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = X[:, 0] > 0                                        # made of column 0 only

    def accuracy(rows):                                    # a "model" that reads column 0
        return float(np.mean((rows[:, 0] > 0) == y))
    baseline, names, drops = permutation_importance(
        accuracy, X, [("signal", [0]), ("noise", [1]), ("noise2", [2])], repeats=4, seed=1)
    assert baseline == 1.0 and names == ["signal", "noise", "noise2"]
    assert drops.shape == (3, 4)
    np.testing.assert_array_equal(drops[1:], 0.0)
    assert 0.4 < drops[0].mean() < 0.6                     # a shuffled sign is right half the time
    # by hand: the same generator, the same order of shuffles
    again = np.random.default_rng(1)
    for r in range(4):
        shuffled = X.copy()
        shuffled[:, 0] = X[again.permutation(400), 0]
        assert drops[0, r] == pytest.approx(1.0 - accuracy(shuffled))


def test_a_one_hot_block_moves_together():
    X = np.array([[1, 0, 0, 5.0], [0, 1, 0, 6.0], [0, 0, 1, 7.0], [1, 0, 0, 8.0]])
    seen = []

    def score(rows):
        seen.append(rows.copy())
        return 0.0
    groups = column_groups(["c=a", "c=b", "c=c", "x"], [
        {"name": "c", "type": "category", "categories": ["a", "b", "c"]},
        {"name": "x", "type": "number"}])
    assert groups == [("c", [0, 1, 2]), ("x", [3])]
    permutation_importance(score, X, groups, repeats=3, seed=0)
    for rows in seen[1:4]:                                 # block c shuffled, x untouched
        assert (rows[:, :3].sum(axis=1) == 1).all()
        np.testing.assert_array_equal(rows[:, 3], X[:, 3])
        assert sorted(map(tuple, rows[:, :3])) == sorted(map(tuple, X[:, :3]))
    with pytest.raises(ValueError, match="repeats"):
        permutation_importance(score, X, groups, repeats=0)


def test_a_trained_network_ranks_the_column_its_target_is_made_of_first(tmp_path):
    rng = np.random.default_rng(3)
    n = 600
    frame = pd.DataFrame({"noise": rng.normal(size=n), "signal": rng.normal(size=n),
                          "colour": rng.choice(["red", "green", "blue"], n)})
    frame["label"] = np.where(frame["signal"] > 0, "yes", "no")
    path = tmp_path / "made_of_signal.csv"
    frame.to_csv(path, index=False)
    cfg = ExperimentConfig(dataset="csv", hidden_layers=(8,), learning_rate=0.03,
                           optimizer="adam")
    session = TrainingSession(cfg, csv_bytes=path.read_bytes())
    session.step_epochs(30)
    result = network_importance(session.prepared, session.model, repeats=5, seed=0)
    assert result.names == ["noise", "signal", "colour"] and result.split == "validation"
    assert result.metric == "accuracy" and result.baseline > 0.9
    mean = dict(zip(result.names, result.mean))
    assert mean["signal"] > 0.3
    assert abs(mean["noise"]) < 0.05 and abs(mean["colour"]) < 0.05
    assert (result.std >= 0).all() and result.std[1] > 0    # the spread over shuffles
    assert result.rows == len(session.prepared.splits["validation"])


def test_regression_scores_r2_and_images_have_none():
    tips = TrainingSession(ExperimentConfig(dataset="tips", hidden_layers=(8,)))
    tips.step_epochs(5)
    result = network_importance(tips.prepared, tips.model, repeats=2)
    assert result.metric == "R²" and "total_bill" in result.names and "day" in result.names
    assert result.drops.shape == (6, 2)
    digits = TrainingSession(ExperimentConfig(dataset="digits", hidden_layers=(4,)))
    assert network_importance(digits.prepared, digits.model) is None
