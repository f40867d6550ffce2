"""The default network for a table on three real tables that scikit-learn ships, cross-validated.

Each table is written to a CSV and read back with our ``load_csv`` (as an upload would
be); the default network for a table, as the page and the CLI make it (2 tanh hidden
layers of 4 and 2 units, SGD, learning rate 0.03, batches of 10, 200 epochs, an L2 weight
penalty of 0.01: ``config.TABLE_DEFAULTS``), is 5-fold cross-validated over the training
and validation rows by ``playground.crossval``. scikit-learn's MLPClassifier /
MLPRegressor with the same settings (no momentum, no early stopping, inputs standardised
on each fold's training rows; the regressor's target standardised as ours is) is trained
on the very same folds. Ours must reach the reference's mean accuracy (R² for diabetes)
minus 0.02. The numbers are the README's table.

"The same settings" is checked, not assumed: from the same weights and batch order both
make the same updates (``test_the_reference_makes_the_same_updates_as_our_engine``).
scikit-learn's squared loss is half the mean squared error and its L2 term is
alpha / (2 batch) x |W|², so its learning rate is twice ours for regression and its alpha
is our rate x batch (x 2 for classification).
"""
import numpy as np
import pytest
from sklearn import datasets
from sklearn.compose import TransformedTargetRegressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from playground.config import ExperimentConfig, fit_to_dataset
from playground.crossval import cross_validate, fold_indices
from playground.data import load_csv
from playground.data.splits import split_indices
from playground.training import TrainingSession

TABLES = {"breast_cancer": datasets.load_breast_cancer, "wine": datasets.load_wine,
          "diabetes": datasets.load_diabetes}
MARGIN = 0.02


def table_config() -> ExperimentConfig:
    """The default network for a table: what the page and the CLI make on a CSV upload."""
    default = ExperimentConfig()
    return fit_to_dataset(default, default.replace(dataset="csv"))


def _table(name: str, folder):
    """The table as our load_csv reads it after writing it to a CSV file."""
    frame = TABLES[name](as_frame=True).frame.rename(columns={"target": "target_value"})
    if name != "diabetes":     # class names as text, so the task is plainly classification
        frame["target_value"] = [f"class {v}" for v in frame["target_value"]]
    path = folder / f"{name}.csv"
    frame.to_csv(path, index=False)
    return load_csv(path)


def reference_settings(cfg: ExperimentConfig, task: str, **changes) -> dict:
    """scikit-learn MLP settings that make the same SGD updates as ``cfg`` (see above)."""
    assert cfg.optimizer == "sgd" and cfg.regularization in ("none", "l2")
    rate = cfg.regularization_rate if cfg.regularization == "l2" else 0.0
    regression = task == "regression"
    settings = dict(hidden_layer_sizes=cfg.hidden_layers, activation=cfg.activation,
                    solver="sgd", learning_rate_init=cfg.learning_rate * (2 if regression else 1),
                    momentum=0.0, nesterovs_momentum=False, batch_size=cfg.batch_size,
                    alpha=rate * cfg.batch_size * (1 if regression else 2),
                    max_iter=cfg.epochs, tol=0.0, n_iter_no_change=cfg.epochs + 1,
                    random_state=0)
    settings.update(changes)
    return settings


def _reference(cfg, task):
    settings = reference_settings(cfg, task)
    if task == "classification":
        return make_pipeline(StandardScaler(), MLPClassifier(**settings))
    return TransformedTargetRegressor(make_pipeline(StandardScaler(), MLPRegressor(**settings)),
                                      transformer=StandardScaler())


@pytest.mark.parametrize("name", ["diabetes", "breast_cancer"])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_reference_makes_the_same_updates_as_our_engine(name, tmp_path):
    """From our initial weights, batches in the same order (no shuffling), 280 training
    rows (every batch full): the weights after 20 epochs agree to float32 precision."""
    dataset = _table(name, tmp_path)
    cfg = table_config()
    rows = np.arange(300)
    session = TrainingSession(cfg, dataset=dataset, split_index={
        "train": rows[:280], "validation": rows[280:], "test": rows[:0]})
    train = session.prepared.splits["train"]
    X, y = train.X, train.y
    start = session.model.get_weights()
    epochs = 20
    task = dataset.task
    cls = MLPRegressor if task == "regression" else MLPClassifier
    reference = cls(**reference_settings(cfg, task, max_iter=1, shuffle=False, warm_start=True))
    target = y[:, 0].astype(np.float64) if task == "regression" else y
    reference.fit(X.astype(np.float64), target)            # sets up its layers and labels
    reference.coefs_ = [w.astype(np.float64) for w in start[0::2]]
    reference.intercepts_ = [b.astype(np.float64) for b in start[1::2]]
    reference.set_params(max_iter=epochs).fit(X.astype(np.float64), target)
    for _ in range(epochs):
        for at in range(0, len(X), cfg.batch_size):
            session.model.train_on_batch(X[at:at + cfg.batch_size], y[at:at + cfg.batch_size])
    ours = session.model.get_weights()
    moved = max(np.abs(a - b).max() for a, b in zip(ours, start))
    assert moved > 0.1                                       # it did train
    for mine, theirs in zip(ours, [w for pair in zip(reference.coefs_, reference.intercepts_)
                                   for w in pair]):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=2e-5)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", ["breast_cancer", "wine", "diabetes"])
def test_default_network_cross_validates_as_well_as_scikit_learn(name, tmp_path):
    dataset = _table(name, tmp_path)
    assert dataset.task == ("regression" if name == "diabetes" else "classification")
    cfg = table_config()
    key = "r2" if name == "diabetes" else "accuracy"
    # matrices of a few units: one BLAS thread is faster than two fighting over 2 cores
    with threadpool_limits(1):
        ours = cross_validate(cfg, dataset, k=5)
        # scikit-learn on the same 5 folds of the same training + validation rows
        index = split_indices(dataset, cfg.validation_fraction, cfg.test_fraction,
                              cfg.data_seed)
        rows = np.sort(np.concatenate([index["train"], index["validation"]]))
        X, y = dataset.X[rows].astype(np.float64), dataset.y[rows]
        scores = []
        for fold in fold_indices(y, 5, dataset.task == "classification", cfg.data_seed):
            train = np.setdiff1d(np.arange(len(rows)), fold)
            model = _reference(cfg, dataset.task).fit(X[train], y[train])
            score = accuracy_score if key == "accuracy" else r2_score
            scores.append(score(y[fold], model.predict(X[fold])))
    our_mean, our_std = ours.summary["network"][key]
    print(f"\n{name}: ours {our_mean:.3f} ± {our_std:.3f}, scikit-learn "
          f"{np.mean(scores):.3f} ± {np.std(scores):.3f}")
    assert our_mean >= np.mean(scores) - MARGIN
