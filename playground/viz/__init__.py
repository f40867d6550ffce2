"""Figures: pure functions of the plain arrays in ``playground.snapshot`` -> go.Figure.

No Streamlit, no training: each function only draws what it is given, builds in a few
milliseconds (the page refreshes them while training) and keeps its layout, axis ranges
and colour ranges fixed from one refresh to the next (``uirevision`` is set per figure).
"""
from playground.viz.boundary import decision_boundary_figure, regression_figure
from playground.viz.curves import gradient_norms_figure, loss_figure
from playground.viz.importance import importance_figure
from playground.viz.metrics import (
    class_scores_rows,
    class_scores_table,
    confusion_matrix_figure,
    metrics_rows,
    metrics_table,
    roc_figure,
)
from playground.viz.network import network_figure
from playground.viz.slice import slice_figure
from playground.viz.samples import (
    image_samples_figure,
    reconstruction_figure,
    sequence_figure,
)
from playground.viz.weights import weights_histogram_figure

__all__ = [
    "class_scores_rows",
    "class_scores_table",
    "confusion_matrix_figure",
    "decision_boundary_figure",
    "gradient_norms_figure",
    "image_samples_figure",
    "importance_figure",
    "loss_figure",
    "metrics_rows",
    "metrics_table",
    "network_figure",
    "reconstruction_figure",
    "regression_figure",
    "roc_figure",
    "sequence_figure",
    "slice_figure",
    "weights_histogram_figure",
]
