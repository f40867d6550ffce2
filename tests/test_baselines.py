"""Baselines on the same split and inputs as the network, checked against scikit-learn.

Tolerances: the majority class, the mean and least squares are exact computations (1e-9
in the data's units); the logistic regression is trained by our engine (full-batch Adam,
float64), so its probabilities agree with scikit-learn's LogisticRegression without a
penalty (C=inf, lbfgs) within 2e-3 on data that is not separable (there the optimum is
unique) and its test predictions match exactly.
"""
import numpy as np
import pytest
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, mean_squared_error, r2_score

from playground.baselines import fit_baselines, logistic_regression, verdict
from playground.config import ExperimentConfig
from playground.training import TrainingSession
from playground.ui.live import status_items


def _noisy_csv(n_classes: int, seed: int = 0) -> bytes:
    """Rows of 4 numbers and a text column; the class depends on them, with label noise."""
    rng = np.random.default_rng(seed)
    lines = ["a,b,c,d,shade,label"]
    for _ in range(240):
        x = rng.normal(size=4)
        shade = ("dark", "light")[int(rng.random() < 0.5)]
        score = x[0] - 0.7 * x[1] + 0.5 * (shade == "dark") + rng.normal(0, 0.8)
        label = int(np.digitize(score, [-0.5, 0.5][:n_classes - 1]))
        lines.append(",".join(f"{v:.4f}" for v in x) + f",{shade},k{label}")
    return "\n".join(lines).encode()


def _regression_csv(seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    lines = ["a,b,kind,price"]
    for _ in range(200):
        a, b = rng.normal(size=2)
        kind = ("x", "y", "z")[rng.integers(3)]
        price = 3 * a - b + {"x": 0, "y": 2, "z": -1}[kind] + rng.normal(0, 1) + 20
        lines.append(f"{a:.4f},{b:.4f},{kind},{price:.4f}")
    return "\n".join(lines).encode()


def _session(raw: bytes) -> TrainingSession:
    return TrainingSession(ExperimentConfig(dataset="csv", hidden_layers=(6,)), csv_bytes=raw)


def _split(session, name):
    part = session.prepared.splits[name]
    return np.asarray(part.X, dtype=np.float64), np.asarray(part.y_original)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_classification_baselines_equal_scikit_learns(n_classes):
    session = _session(_noisy_csv(n_classes))
    ours = fit_baselines(session.prepared)
    (X_train, y_train), (X_test, y_test) = _split(session, "train"), _split(session, "test")
    dummy = DummyClassifier(strategy="most_frequent").fit(X_train, y_train)
    assert ours["majority"]["test"]["accuracy"] == pytest.approx(
        accuracy_score(y_test, dummy.predict(X_test)), abs=1e-9)
    reference = LogisticRegression(C=np.inf, max_iter=10_000, tol=1e-10).fit(X_train, y_train)
    model = logistic_regression(X_train, y_train, n_classes)
    proba = model.predict(X_test)
    if proba.shape[1] == 1:
        proba = np.hstack([1 - proba, proba])
    np.testing.assert_allclose(proba, reference.predict_proba(X_test), atol=2e-3)
    expected = reference.predict(X_test)
    assert ours["logistic"]["test"]["accuracy"] == pytest.approx(
        accuracy_score(y_test, expected), abs=1e-9)
    average = "binary" if n_classes == 2 else "macro"
    assert ours["logistic"]["test"]["f1"] == pytest.approx(
        f1_score(y_test, expected, average=average), abs=1e-9)


def test_regression_baselines_equal_scikit_learns():
    session = _session(_regression_csv())
    ours = fit_baselines(session.prepared)
    (X_train, y_train), (X_test, y_test) = _split(session, "train"), _split(session, "test")
    y_train, y_test = y_train.astype(np.float64), y_test.astype(np.float64)
    mean = DummyRegressor().fit(X_train, y_train).predict(X_test)
    linear = LinearRegression().fit(X_train, y_train).predict(X_test)
    assert ours["mean"]["test"]["mse"] == pytest.approx(mean_squared_error(y_test, mean),
                                                        abs=1e-9)
    assert ours["least_squares"]["test"]["mse"] == pytest.approx(
        mean_squared_error(y_test, linear), abs=1e-9)
    assert ours["least_squares"]["test"]["r2"] == pytest.approx(r2_score(y_test, linear),
                                                                abs=1e-9)


def test_the_verdict_says_plainly_when_the_network_does_not_beat_them():
    baselines = {"majority": {"test": {"accuracy": 0.6}},
                 "logistic": {"test": {"accuracy": 0.85}}}
    worse = verdict("classification", {"test": {"accuracy": 0.83}}, baselines)
    assert worse.startswith("The network does not beat logistic regression on the test split")
    assert "83.0%" in worse and "85.0%" in worse
    better = verdict("classification", {"test": {"accuracy": 0.9}}, baselines)
    assert better.startswith("The network beats the baselines")
    assert verdict("regression", {"test": {"r2": 0.2}},
                   {"least_squares": {"test": {"r2": 0.5}}}).startswith("The network does not")


def test_the_page_shows_the_baselines_next_to_the_test_metrics():
    session = _session(_regression_csv())
    session.step_epochs(1)
    snap = session.snapshot()
    from playground.viz import views
    figure = views.draw("metrics", snap)
    header = [h.strip("<b>/") for h in figure.data[0].header.values]
    assert header[-2:] == ["mean (test)", "least squares (test)"]
    notes = figure.layout.annotations[-1].text.replace("<br>", " ")     # under the title
    assert snap.baseline_note and snap.baseline_note in notes
    best = next(item for item in status_items(snap) if item["label"] == "Best baseline R²")
    assert best["value"] == f"{snap.baselines['least_squares']['test']['r2']:.4f}"


def test_status_and_table_agree_before_and_after_training_and_the_loss_units_are_said():
    session = _session(_regression_csv())
    for epochs in (0, 2):
        if epochs:
            session.step_epochs(epochs)
        snap = session.snapshot()
        items = {item["label"]: item for item in status_items(snap)}
        # before the first epoch both show the untrained network's numbers
        assert items["Test loss"]["value"] != "–" and items["Test R²"]["value"] != "–"
        assert items["Test R²"]["value"] == f"{snap.metrics['test']['r2']:.4f}"
        # the loss is the MSE of the scaled target: the table's MSE / spread², as said
        std = float(session.prepared.target_std[0])
        assert snap.current["test_loss"] == pytest.approx(snap.metrics["test"]["mse"] / std ** 2,
                                                          rel=1e-4)
        assert f"MSE ÷ {std * std:.4g}" in items["Test loss"]["help"]
        assert "own units" in items["Test loss"]["help"]
    classifier = _session(_noisy_csv(2))
    snap = classifier.snapshot()
    items = {item["label"]: item["value"] for item in status_items(snap)}
    assert items["Test accuracy"] == f"{snap.metrics['test']['accuracy']:.1%}"
