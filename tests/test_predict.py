"""Predict on new rows: a second CSV through the same fitted preprocessing and network."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import plotly.data
import pytest

from playground.config import ExperimentConfig
from playground.data import DataError
from playground.predict import predict_new_rows
from playground.training import TrainingSession


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def tips():
    """A trained regression on the tips table (numbers and four text columns)."""
    session = TrainingSession(ExperimentConfig(dataset="tips", hidden_layers=(8,)))
    session.step_epochs(3)
    return session


@pytest.fixture(scope="module")
def iris():
    session = TrainingSession(ExperimentConfig(dataset="iris", hidden_layers=(8,)))
    session.step_epochs(3)
    return session


def own_predictions(session, rows) -> np.ndarray:
    """The session's network on its own dataset rows (original units)."""
    p = session.prepared
    out = session.model.predict(p.model_input(p.dataset.X[rows]))
    return out if p.task == "classification" else p.target_to_original(out.astype(np.float64))


def predict(session, frame, **kw):
    return predict_new_rows(session.prepared, session.model, csv_bytes(frame),
                            missing=session.config.missing, **kw)


def test_tips_rows_in_another_order_get_the_sessions_own_predictions(tips):
    frame = plotly.data.tips()
    new = frame.drop(columns=["tip"])[["day", "size", "total_bill", "time", "smoker", "sex"]]
    new["comment"] = "extra"                               # not a training column
    result = predict(tips, new)
    np.testing.assert_allclose(result.table["predicted tip"], own_predictions(tips, slice(None)),
                               rtol=1e-5)
    assert "Ignored 1 column the network does not use: 'comment'." in result.notes
    back = pd.read_csv(io.StringIO(result.to_csv()))
    assert back["predicted tip"].dtype == np.float64
    assert list(back.columns[:6]) == ["day", "size", "total_bill", "time", "smoker", "sex"]


def test_iris_class_names_and_probabilities_and_the_target_column_ignored(iris):
    frame = plotly.data.iris().drop(columns=["species_id"]).iloc[::10]
    result = predict(iris, frame)
    proba = own_predictions(iris, slice(None, None, 10))
    names = iris.prepared.class_names
    assert list(result.table["predicted species"]) == [names[k] for k in proba.argmax(1)]
    for k, name in enumerate(names):
        np.testing.assert_allclose(result.table[f"P(species={name})"], proba[:, k], rtol=1e-5)
    assert any("'species' (what the network predicts) is not used" in n for n in result.notes)
    back = pd.read_csv(io.StringIO(result.to_csv()))
    assert back[f"P(species={names[0]})"].dtype == np.float64
    assert result.notes[0] == "Predicted 15 of 15 rows of 'uploaded.csv'."


def test_missing_columns_wrong_types_and_unknown_categories_are_named(tips):
    frame = plotly.data.tips().drop(columns=["tip"]).head(12)
    with pytest.raises(DataError, match=r"no columns 'smoker', 'size'.*Add the missing columns"):
        predict(tips, frame.drop(columns=["size", "smoker"]))
    bad = frame.astype({"total_bill": object})
    bad.loc[3, "total_bill"] = "twenty"
    bad.loc[5, "day"] = "Mon"
    with pytest.raises(DataError) as caught:
        predict(tips, bad)
    text = str(caught.value)
    assert "'total_bill' must hold numbers" in text and "'twenty' on data row 4" in text
    assert "'day' holds values the training data never had ('Mon')" in text
    assert "'Thur'" in text                                   # what it knows


def test_gaps_are_filled_from_the_training_split(tips):
    frame = plotly.data.tips().drop(columns=["tip"]).head(6)
    gappy = frame.astype({"size": float, "day": object})
    gappy.loc[0, "size"] = np.nan
    gappy.loc[1, "day"] = np.nan
    result = predict(tips, gappy)
    p = tips.prepared
    columns = list(p.dataset.feature_names)
    train = p.splits["train"].X_original
    filled = p.dataset.X[:6].copy()
    filled[0, columns.index("size")] = train[:, columns.index("size")].mean()
    days = [j for j, name in enumerate(columns) if name.startswith("day=")]
    filled[1, days] = 0
    filled[1, days[int(np.argmax(train[:, days].sum(axis=0)))]] = 1
    expected = p.target_to_original(tips.model.predict(p.model_input(filled)).astype(np.float64))
    np.testing.assert_allclose(result.table["predicted tip"], expected, rtol=1e-5)
    assert any(n.startswith("Filled 1 missing value in 'size' with the mean in training")
               for n in result.notes)


def test_with_missing_drop_rows_with_gaps_get_no_prediction():
    session = TrainingSession(ExperimentConfig(dataset="iris", hidden_layers=(4,),
                                               missing="drop"))
    frame = plotly.data.iris().drop(columns=["species_id", "species"]).head(4)
    frame.loc[2, "petal_width"] = np.nan
    result = predict(session, frame)
    assert result.predicted.tolist() == [True, True, False, True]
    back = pd.read_csv(io.StringIO(result.to_csv()))
    assert back["predicted species"].isna().tolist() == [False, False, True, False]
    assert any("1 rows with missing input values get no prediction" in n
               for n in result.notes)


def test_points_and_images(tmp_path):
    points = TrainingSession(ExperimentConfig(dataset="circle", n_samples=60,
                                              features=("x1", "x2", "x1²")))
    X = points.prepared.dataset.X[:5]
    result = predict(points, pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1]}))
    np.testing.assert_allclose(result.table.iloc[:, -1], own_predictions(points, slice(5))[:, 0],
                               rtol=1e-5)
    digits = TrainingSession(ExperimentConfig(dataset="digits", hidden_layers=(4,)))
    with pytest.raises(DataError, match="tables and 2-D points"):
        predict(digits, pd.DataFrame({"a": [1]}))
    with pytest.raises(DataError, match="no data rows"):
        predict_new_rows(points.prepared, points.model, b"x1,x2\n")


def test_a_column_dropped_on_the_training_rows_is_not_needed():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=80), "shop": [f"s{i % 30}" for i in range(80)],
                          "y": rng.normal(size=80)})
    session = TrainingSession(ExperimentConfig(dataset="csv", hidden_layers=(3,)),
                              csv_bytes=csv_bytes(frame))
    assert session.prepared.unused_columns == {"shop"}     # 30 shops in training: too many
    result = predict(session, frame[["x"]])
    np.testing.assert_allclose(result.table["predicted y"], own_predictions(session, slice(None)),
                               rtol=1e-5)
    assert "Ignored 1 column the network does not use: 'shop'." in \
        predict(session, frame).notes
