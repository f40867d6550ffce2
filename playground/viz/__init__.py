"""Figures: pure functions of the plain arrays in ``playground.snapshot`` -> go.Figure.

No Streamlit, no training: each function only draws what it is given, builds in a few
milliseconds (the page refreshes them while training) and keeps its layout, axis ranges
and colour ranges fixed from one refresh to the next (``uirevision`` is set).
"""
from playground.viz.curves import gradient_norms_figure, loss_figure

__all__ = ["loss_figure", "gradient_norms_figure"]
