"""AppTest: the practitioner's views of issue 10 on the page (ROC, per-class scores, ...)."""
from __future__ import annotations

import numpy as np
import pytest

from tests.ui.test_app import assert_clean, chart_figure, click, new_app, plotly_array, state

sk = pytest.importorskip("sklearn.metrics")


def test_roc_and_per_class_views_show_the_sessions_numbers():
    at = new_app()
    click(at, "btn_step_epoch")
    at.segmented_control(key="w_detail_view").set_value("roc").run()
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
    at.segmented_control(key="w_detail_view").set_value("class_scores").run()
    assert_clean(at)
    cells = chart_figure(at, "detail_chart")["data"][0]["cells"]["values"]
    recall = sk.recall_score(test.y_true, test.y_pred, average=None, zero_division=0)
    assert cells[2][:2] == [f"{r:.1%}" for r in recall]
