"""k-fold cross-validation: folds disjoint, covering, stratified; test rows untouched;
the background run reports progress and stops on Cancel."""
import time

import numpy as np
import pytest

from playground.config import ExperimentConfig
from playground.crossval import CrossValidationCancelled, cross_validate, fold_indices
from playground.data import make_dataset
from playground.data.splits import split_indices
from playground.ui.crossval_runner import CrossValidationRunner


@pytest.mark.parametrize("k", [3, 5, 10])
def test_folds_are_disjoint_cover_every_row_and_are_stratified(k):
    rng = np.random.default_rng(0)
    y = rng.choice(3, size=203, p=[0.6, 0.3, 0.1])
    folds = fold_indices(y, k, stratify=True, seed=4)
    together = np.concatenate(folds)
    assert len(together) == len(y) and set(together) == set(range(len(y)))   # disjoint, cover
    sizes = [len(f) for f in folds]
    assert max(sizes) - min(sizes) <= 1
    for label in range(3):
        share = [np.sum(y[f] == label) for f in folds]
        assert max(share) - min(share) <= 1, (label, share)         # each class in proportion
    assert fold_indices(y, k, True, 4)[0].tolist() == folds[0].tolist()   # seeded


def test_unstratified_folds_for_regression_and_bad_k():
    folds = fold_indices(np.linspace(0, 1, 50), 5, stratify=False, seed=1)
    assert sorted(np.concatenate(folds).tolist()) == list(range(50))
    with pytest.raises(ValueError, match="k = 3, 5, 10"):
        fold_indices(np.zeros(10), 4, False)


def test_cross_validation_never_uses_the_test_rows():
    dataset = make_dataset("iris")
    cfg = ExperimentConfig(dataset="iris", hidden_layers=(4,), epochs=3)
    seen = []
    result = cross_validate(cfg, dataset, k=3,
                            progress=lambda fold, folds, epoch, epochs: seen.append(fold))
    test_rows = split_indices(dataset, cfg.validation_fraction, cfg.test_fraction,
                              cfg.data_seed)["test"]
    assert result.rows == len(dataset.y) - len(test_rows) == 120
    assert len(result.folds) == 3 and sorted(set(seen)) == [0, 1, 2]
    summary = result.summary
    assert set(summary) == {"network", "majority", "logistic"}
    mean, std = summary["logistic"]["accuracy"]
    assert 0.8 < mean <= 1.0 and std >= 0.0
    values = [fold["network"]["accuracy"] for fold in result.folds]
    assert summary["network"]["accuracy"] == pytest.approx((np.mean(values), np.std(values)))


def test_cancel_stops_the_background_run():
    dataset = make_dataset("iris")
    runner = CrossValidationRunner()
    runner.start(ExperimentConfig(dataset="iris", epochs=5000), dataset, 5)
    deadline = time.monotonic() + 30
    while runner.progress == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert runner.running and runner.text.startswith("fold 1 of 5")
    runner.cancel(wait=True)
    assert not runner.running
    assert runner.result is None and "cancelled" in runner.error
    with pytest.raises(CrossValidationCancelled):
        cross_validate(ExperimentConfig(dataset="iris"), dataset, 3, cancelled=lambda: True)
