"""AppTest: the practitioner's views of issue 10 on the page (ROC, per-class scores, ...)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.shown_text import shown
from tests.ui.test_app import (
    assert_clean,
    chart_figure,
    click,
    new_app,
    pick_view,
    plotly_array,
    state,
)

sk = pytest.importorskip("sklearn.metrics")


def test_roc_and_per_class_views_show_the_sessions_numbers():
    at = new_app()
    click(at, "btn_step_epoch")
    pick_view(at, "roc")
    assert_clean(at)
    assert not [w.value for w in at.warning if "could not be drawn" in w.value]
    test = state(at).session.snapshot().splits["test"]
    figure = chart_figure(at, "detail_chart")
    assert figure["layout"]["title"]["text"].startswith("ROC curve")
    [trace] = [t for t in figure["data"] if t["name"].startswith("test")]
    auc = sk.roc_auc_score(test.y_true, test.proba[:, 1])
    assert trace["name"] == f"test (AUC {auc:.3f})"
    np.testing.assert_allclose(plotly_array(trace["y"]),
                               sk.roc_curve(test.y_true, test.proba[:, 1])[1], atol=1e-12)
    pick_view(at, "class_scores")
    assert_clean(at)
    cells = chart_figure(at, "detail_chart")["data"][0]["cells"]["values"]
    recall = sk.recall_score(test.y_true, test.y_pred, average=None, zero_division=0)
    assert cells[2][:2] == [f"{r:.1%}" for r in recall]


IRIS_ROWS = (b"sepal_length,sepal_width,petal_length,petal_width,note\n"
             b"5.1,3.5,1.4,0.2,a\n6.7,3.0,5.2,2.3,b\n5.9,3.0,4.2,1.5,c\n")


def test_predict_new_rows_shows_a_preview_and_downloads_the_predictions(monkeypatch):
    import io

    import pandas as pd

    from tests.ui.test_app import deferred_downloads
    served = deferred_downloads(monkeypatch)
    at = new_app(dataset="iris", hidden_layers="8")
    click(at, "btn_step_epoch")
    at.file_uploader(key="w_predict_upload").upload("flowers.csv", IRIS_ROWS, "text/csv").run()
    assert_clean(at)
    assert not at.error
    session = state(at).session
    p = session.prepared
    X = np.array([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]],
                 dtype=np.float32)
    expected = [p.class_names[k] for k in session.model.predict(p.model_input(X)).argmax(1)]
    table = at.table[-1].value
    assert list(table.iloc[:, 5]) == expected                   # the preview
    assert any("does not use: 'note'" in shown(m.value) for m in at.markdown)   # a note
    back = pd.read_csv(io.StringIO(served["flowers_predictions.csv"]()))
    assert list(back["predicted species"]) == expected
    assert back["note"].tolist() == ["a", "b", "c"]


def test_predict_new_rows_with_a_missing_column_says_which():
    at = new_app(dataset="iris", hidden_layers="8")
    rows = b"sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n"
    at.file_uploader(key="w_predict_upload").upload("few.csv", rows, "text/csv").run()
    assert_clean(at)
    [error] = at.error
    assert "The file has no column 'petal_width'" in shown(error.value)
    assert not at.get("download_button") or all(
        b.proto.label != "Predictions (.csv)" for b in at.get("download_button"))


def test_slice_and_importance_views_of_a_table():
    at = new_app(dataset="tips", hidden_layers="8")
    click(at, "btn_step_epoch")
    pick_view(at, "slice")
    assert_clean(at)
    assert not [w.value for w in at.warning if "could not be drawn" in w.value]
    figure = chart_figure(at, "detail_chart")
    assert figure["layout"]["title"]["text"] == "Slice: total_bill × size"
    assert "training median" in figure["layout"]["annotations"][-1]["text"]
    picker = at.selectbox(key="w_slice_x")
    assert picker.options[1:] == ["total_bill", "size"]
    picker.set_value("size").run()
    assert_clean(at)
    assert state(at).config.slice_x == "size"
    assert chart_figure(at, "detail_chart")["layout"]["title"]["text"] == \
        "Slice: size × total_bill"
    pick_view(at, "importance")
    assert_clean(at)
    importance = state(at).session.snapshot().importance
    bars = chart_figure(at, "detail_chart")["data"][0]
    assert sorted(bars["y"]) == sorted(importance.names)
    assert bars["y"][-1] == importance.names[int(np.argmax(importance.mean))]


def test_compare_two_runs_shows_both_runs_beside_the_live_one():
    import json

    from playground.training import TrainingSession
    at = new_app(dataset="xor", n_samples="120", hidden_layers="4")
    at.text_input(key="w_compare_changes").set_value("learning_rate=0.3").run()
    at.number_input(key="w_compare_epochs").set_value(3).run()
    click(at, "btn_compare")
    assert_clean(at)
    assert not at.error
    assert state(at).session.epoch == 0                     # the live run is left alone
    charts = {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    specs = list(charts.values())
    assert len(specs) == 4                                  # table, loss, two pictures
    table, loss = specs[0], specs[1]
    assert table["data"][0]["cells"]["values"][0][0] == "Learning rate"
    base = state(at).config
    by_hand = TrainingSession(base.replace(learning_rate=0.3)).step_epochs(3)
    [b_train] = [t for t in loss["data"] if t["name"] == "B: train"]
    np.testing.assert_allclose(plotly_array(b_train["y"]), by_hand.history["loss"])
    assert [s["layout"]["title"]["text"] for s in specs[2:]] == ["Decision boundary"] * 2
    at.text_input(key="w_compare_changes").set_value("adam").run()
    click(at, "btn_compare")
    assert_clean(at)
    assert any("'adam' is not a change" in shown(e.value) for e in at.error)
