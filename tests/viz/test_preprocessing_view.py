"""The preprocessing view: each number feature's training values before and after scaling
(from the fitted imputer and scaler), and what the missing-value step filled."""
import numpy as np

from playground.config import ExperimentConfig
from playground.training import TrainingSession
from playground.viz import views
from tests.test_honest_preprocessing import _csv, _rows


def _snapshot(scaling="standard"):
    raw = _csv(_rows(np.random.default_rng(0)))
    session = TrainingSession(ExperimentConfig(dataset="csv", scaling=scaling), csv_bytes=raw)
    return session, session.snapshot()


def test_histograms_are_the_training_rows_before_and_after_the_fitted_scaler():
    session, snap = _snapshot()
    view = snap.preprocessing
    prepared = session.prepared
    assert view.names == ["size", "share"]                  # the number inputs; not colour
    train = prepared.splits["train"]
    for i, name in enumerate(view.names):
        column = prepared.feature_names.index(name)
        before = train.X_original[:, prepared.dataset.feature_names.index(name)]
        counts, edges = np.histogram(before.astype(np.float64), bins=len(view.before[i]))
        np.testing.assert_array_equal(view.before[i], counts)
        np.testing.assert_allclose(view.before_edges[i], edges)
        # standard scaling is (x - mean) / spread with the fitted values: same shape
        offset, scale = prepared.scaler.offset[column], prepared.scaler.scale[column]
        np.testing.assert_allclose(view.after_edges[i], (edges - offset) / scale, atol=1e-5)
        np.testing.assert_array_equal(view.after[i], counts)
        assert view.before[i].sum() == len(train)
    fills = {c["name"]: c["fill"] for c in prepared.imputer.to_dict()["columns"]}
    assert view.fill_values == {"size": fills["size"], "share": fills["share"]}


def test_the_figure_marks_the_fill_values_and_lists_what_was_filled():
    _, snap = _snapshot("minmax")
    figure = views.draw("preprocessing", snap)
    assert [trace["type"] for trace in figure.data] == ["bar"] * 4
    assert [shape["x0"] for shape in figure.layout.shapes] == \
        [snap.preprocessing.fill_values["size"], snap.preprocessing.fill_values["share"]]
    notes = figure.layout.annotations[-1].text.replace("<br>", " ")   # under the title
    assert "scaling: minmax" in figure.layout.title.text
    assert "Filled 7 missing values in 'colour'" in notes
    assert views.VIEWS["preprocessing"].fits(snap)


def test_the_view_is_offered_only_for_tables():
    session = TrainingSession(ExperimentConfig(dataset="circle"))
    assert session.snapshot().preprocessing is None
    assert not views.VIEWS["preprocessing"].fits(session.snapshot())
