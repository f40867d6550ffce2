"""The slice through two inputs of a table: the others held at their training median
(text: most frequent category), the grid is the network on exactly those rows."""
from __future__ import annotations

import numpy as np
import pandas as pd

from playground.config import ExperimentConfig
from playground.slices import slice_axes, slice_view
from playground.training import TrainingSession
from playground.viz import views
from tests.viz.checks import assert_sound


def test_tips_slice_holds_the_others_at_the_training_median_and_mode():
    session = TrainingSession(ExperimentConfig(dataset="tips", hidden_layers=(8,),
                                               slice_x="size", slice_y="total_bill"))
    snap = session.step_epochs(2)
    view = snap.slice
    p = session.prepared
    names = list(p.dataset.feature_names)
    assert view.grid.feature_names == ["size", "total_bill"]
    assert view.columns == (names.index("size"), names.index("total_bill"))
    train = plotly_tips().iloc[_train_rows(p)]
    assert dict(view.held) == {column: train[column].mode().iloc[0]
                               for column in ("sex", "smoker", "day", "time")}
    # cell (row 3, column 5) by hand: size = x1[5], total_bill = x2[3], the rest typical
    row = pd.DataFrame({"total_bill": [view.grid.x2[3]], "sex": [dict(view.held)["sex"]],
                        "smoker": [dict(view.held)["smoker"]], "day": [dict(view.held)["day"]],
                        "time": [dict(view.held)["time"]], "size": [view.grid.x1[5]]})
    X = np.zeros((1, len(names)), dtype=np.float32)
    for column in row.columns:
        value = row[column].iloc[0]
        if column in names:
            X[0, names.index(column)] = value
        else:
            X[0, names.index(f"{column}={value}")] = 1.0
    out = session.model.predict(p.model_input(X)).astype(np.float64)
    np.testing.assert_allclose(view.grid.output[3, 5], p.target_to_original(out)[0],
                               rtol=1e-5)
    figure = views.draw("slice", snap)
    assert_sound(figure)
    assert figure.layout.title.text == "Slice: size × total_bill"
    assert "held at their training median" in figure.layout.annotations[-1].text
    assert "day = " in figure.layout.annotations[-1].text


def plotly_tips() -> pd.DataFrame:
    import plotly.data
    return plotly.data.tips()


def _train_rows(prepared) -> np.ndarray:
    """The tips rows in the training split (total_bill and size together identify them)."""
    tips = plotly_tips()
    X = prepared.splits["train"].X_original
    names = list(prepared.dataset.feature_names)
    keys = {(round(float(a), 2), int(b)) for a, b in
            zip(X[:, names.index("total_bill")], X[:, names.index("size")])}
    return np.flatnonzero([(round(a, 2), b) in keys
                           for a, b in zip(tips["total_bill"], tips["size"])])


def test_the_median_is_the_training_splits(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200),
                          "c": rng.exponential(size=200)})
    frame["y"] = np.where(frame["a"] + frame["b"] > 0, "up", "down")
    session = TrainingSession(ExperimentConfig(dataset="csv", hidden_layers=(4,)),
                              csv_bytes=frame.to_csv(index=False).encode())
    view = session.snapshot().slice
    train = session.prepared.splits["train"].X_original
    assert view.held == [("c", f"{np.median(train[:, 2]):.4g}")]
    assert view.grid.output.shape == (30, 30)                 # P(up) over the plane
    assert (view.grid.x1.min() < train[:, 0].min()) and (view.grid.x1.max() > train[:, 0].max())
    # the axes asked for, where they are number inputs; else the first ones
    p = session.prepared
    assert slice_axes(p, "c", "a") == ("c", "a")
    assert slice_axes(p, "nope", "a") == ("b", "a")
    assert slice_axes(p, "a", "a") == ("a", "b")


def test_no_slice_without_two_number_columns():
    points = TrainingSession(ExperimentConfig(dataset="circle", n_samples=60))
    assert points.snapshot().slice is None
    frame = pd.DataFrame({"a": np.arange(30.0), "colour": ["red", "blue", "green"] * 10,
                          "y": [0, 1] * 15})
    one = TrainingSession(ExperimentConfig(dataset="csv", hidden_layers=(2,)),
                          csv_bytes=frame.to_csv(index=False).encode())
    assert slice_view(one.prepared, one.model) is None
    snap = one.snapshot()
    assert not views.VIEWS["slice"].fits(snap)
    message = views.draw("slice", snap).layout.annotations[0].text.replace("<br>", " ")
    assert "two number columns" in message
