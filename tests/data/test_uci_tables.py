"""The default network on three real tables that scikit-learn ships, cross-validated.

Each table is written to a CSV and read back with our ``load_csv`` (as an upload would
be); the page's default network (2 tanh hidden layers of 4 and 2 units, SGD, learning rate
0.03, batches of 10, 200 epochs) is 5-fold cross-validated over the training and
validation rows by ``playground.crossval``. scikit-learn's MLPClassifier / MLPRegressor
with the same settings (no weight penalty, no early stopping, inputs standardised on each
fold's training rows; the regressor's target standardised as ours is) is trained on the
very same folds. Ours must reach the reference's mean accuracy (R² for diabetes) minus
0.02. The numbers are the README's table.
"""
import numpy as np
import pandas as pd
import pytest
from sklearn import datasets
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from playground.config import ExperimentConfig
from playground.crossval import cross_validate, fold_indices
from playground.data import load_csv
from playground.data.splits import split_indices

TABLES = {"breast_cancer": datasets.load_breast_cancer, "wine": datasets.load_wine,
          "diabetes": datasets.load_diabetes}
MARGIN = 0.02


def _reference(cfg, task):
    settings = dict(hidden_layer_sizes=cfg.hidden_layers, activation=cfg.activation,
                    solver="sgd", learning_rate_init=cfg.learning_rate, momentum=0.0,
                    nesterovs_momentum=False, batch_size=cfg.batch_size,
                    max_iter=cfg.epochs, alpha=0.0, tol=0.0, n_iter_no_change=cfg.epochs + 1,
                    random_state=0)
    if task == "classification":
        return make_pipeline(StandardScaler(), MLPClassifier(**settings))
    return TransformedTargetRegressor(make_pipeline(StandardScaler(), MLPRegressor(**settings)),
                                      transformer=StandardScaler())


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", [
    "breast_cancer", "wine",
    # measured: ours R² 0.361 ± 0.167 against scikit-learn's 0.470 ± 0.104 (0.457 with its
    # learning rate doubled, as its squared loss is half the MSE): the default network
    # misses the target here. strict: once it passes, this mark must go.
    pytest.param("diabetes", marks=pytest.mark.xfail(
        strict=True, reason="default network's 5-fold R2 below scikit-learn's minus 0.02"))])
def test_default_network_cross_validates_as_well_as_scikit_learn(name, tmp_path):
    bunch = TABLES[name](as_frame=True)
    frame = bunch.frame.rename(columns={"target": "target_value"})
    if name != "diabetes":     # class names as text, so the task is plainly classification
        frame["target_value"] = [f"class {v}" for v in frame["target_value"]]
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    dataset = load_csv(path)
    assert dataset.task == ("regression" if name == "diabetes" else "classification")
    cfg = ExperimentConfig(dataset="csv")               # the default network for a table
    ours = cross_validate(cfg, dataset, k=5)
    key = "r2" if name == "diabetes" else "accuracy"
    our_mean, our_std = ours.summary["network"][key]

    # scikit-learn on the same 5 folds of the same training + validation rows
    index = split_indices(dataset, cfg.validation_fraction, cfg.test_fraction, cfg.data_seed)
    rows = np.sort(np.concatenate([index["train"], index["validation"]]))
    X, y = dataset.X[rows].astype(np.float64), dataset.y[rows]
    scores = []
    for fold in fold_indices(y, 5, dataset.task == "classification", cfg.data_seed):
        train = np.setdiff1d(np.arange(len(rows)), fold)
        model = _reference(cfg, dataset.task).fit(X[train], y[train])
        score = accuracy_score if key == "accuracy" else r2_score
        scores.append(score(y[fold], model.predict(X[fold])))
    print(f"\n{name}: ours {our_mean:.3f} ± {our_std:.3f}, scikit-learn "
          f"{np.mean(scores):.3f} ± {np.std(scores):.3f}")
    assert our_mean >= np.mean(scores) - MARGIN
