"""Compare two runs: same data and seed, the changed settings only; each lane is what a
fresh session trained by hand gives."""
from __future__ import annotations

import numpy as np
import pytest

from playground.compare import differences, lane_configs, parse_changes, run_lanes
from playground.config import ExperimentConfig
from playground.training import TrainingSession
from playground.viz.compare import compare_loss_figure, comparison_rows, comparison_table
from tests.viz.checks import assert_sound

BASE = ExperimentConfig(dataset="xor", n_samples=120, hidden_layers=(4,))


def test_changes_are_written_like_a_link():
    assert parse_changes("learning_rate=0.3&optimizer=adam") == {"learning_rate": "0.3",
                                                                 "optimizer": "adam"}
    assert parse_changes(" hidden_layers = 8,8 ;\n activation=relu ") == {
        "hidden_layers": "8,8", "activation": "relu"}
    with pytest.raises(ValueError, match="'adam' is not a change: write setting=value"):
        parse_changes("adam")
    with pytest.raises(ValueError, match="changed twice"):
        parse_changes("seed=1&seed=2")


def test_lane_b_is_a_with_the_changes_and_bad_values_get_notes():
    configs, notes = lane_configs(BASE, "learning_rate=0.3&optimizer=adam&colour=red")
    assert configs["A"] is BASE
    assert configs["B"] == BASE.replace(learning_rate=0.3, optimizer="adam")
    assert notes == ["Ignored the unknown URL parameter 'colour'."]
    assert differences(configs) == [("Optimizer", ["sgd", "adam"]),
                                    ("Learning rate", ["0.03", "0.3"])]
    with pytest.raises(ValueError, match="the same as run A"):
        lane_configs(BASE, "learning_rate=0.03")


def test_each_lane_is_a_fresh_session_trained_by_hand():
    configs, _ = lane_configs(BASE, "learning_rate=0.3")
    comparison = run_lanes(configs, epochs=4)
    for name, cfg in configs.items():
        by_hand = TrainingSession(cfg).step_epochs(4)
        assert comparison.lanes[name].snapshot.history == by_hand.history
    a, b = (comparison.lanes[n].snapshot for n in "AB")
    np.testing.assert_array_equal(a.splits["train"].X, b.splits["train"].X)   # same data
    assert a.history["loss"] != b.history["loss"]
    # a change that does not touch training: the very same run (same data, same seed)
    same = run_lanes(lane_configs(BASE, "show_test=true")[0], epochs=3)
    assert same.lanes["A"].snapshot.history == same.lanes["B"].snapshot.history


def test_a_lane_that_cannot_run_says_why_and_the_other_still_runs():
    comparison = run_lanes({"A": BASE, "B": BASE.replace(model_kind="cnn")}, epochs=2)
    assert comparison.lanes["A"].snapshot.epoch == 2
    assert comparison.lanes["B"].snapshot is None
    assert comparison.lanes["B"].error.startswith("Run B could not start: ")
    with pytest.raises(ValueError, match="epochs"):
        run_lanes({"A": BASE}, epochs=0)


def test_the_figures_show_each_lanes_numbers():
    configs, _ = lane_configs(BASE, "learning_rate=0.3")
    comparison = run_lanes(configs, epochs=3)
    lanes = {name: lane.snapshot for name, lane in comparison.lanes.items()}
    figure = compare_loss_figure(lanes)
    assert_sound(figure)
    traces = {t.name: t for t in figure.data}
    assert set(traces) == {"A: train", "A: validation", "B: train", "B: validation"}
    np.testing.assert_allclose(traces["B: train"].y, lanes["B"].history["loss"])
    np.testing.assert_allclose(traces["A: validation"].y, lanes["A"].history["val_loss"])
    rows = comparison_rows(lanes, comparison.differences)
    assert rows[0] == ["", "A", "B"] and rows[1] == ["Learning rate", "0.03", "0.3"]
    assert ["epochs trained", "3", "3"] in rows
    accuracy = rows[-1]
    assert accuracy[0] == "test accuracy" and accuracy[2] == \
        f"{lanes['B'].metrics['test']['accuracy']:.1%}"
    assert_sound(comparison_table(lanes, comparison.differences))
