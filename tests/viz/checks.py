"""Assertions every figure test shares."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from playground.viz import boundary


def non_finite_paths(obj, path: str = "") -> list[str]:
    """Paths inside a figure dict that hold NaN or infinity (None gaps are fine)."""
    found = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            found += non_finite_paths(value, f"{path}.{key}")
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            found += non_finite_paths(value, f"{path}[{i}]")
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind == "f" and not np.isfinite(obj).all():
            found.append(path)
        elif obj.dtype.kind == "O":
            found += non_finite_paths(obj.tolist(), path)
    elif isinstance(obj, (float, np.floating)) and not math.isfinite(obj):
        found.append(path)
    return found


def assert_sound(fig: go.Figure) -> None:
    """Valid plotly (re-validated), serialisable, finite, themed, with uirevision."""
    assert isinstance(fig, go.Figure)
    spec = fig.to_dict()
    go.Figure(spec)                      # raises on any invalid property
    fig.to_json()                        # serialises
    assert non_finite_paths(spec) == []
    layout = spec["layout"]
    assert layout.get("uirevision"), "uirevision keeps zoom across refreshes"
    assert layout["font"]["size"] >= 14
    assert layout["title"]["font"]["size"] == 18
    rasters = [image for image in layout.get("images", [])
               if image.get("name") == boundary.RASTER_IMAGE]
    if rasters:     # the live board paints this picture on a canvas under the plot
        assert len(rasters) == 1 and layout["paper_bgcolor"] == layout["plot_bgcolor"] == \
            boundary.TRANSPARENT
    else:
        assert layout["paper_bgcolor"] == "white"


def traces_of(fig: go.Figure, kind: str) -> list:
    return [t for t in fig.data if t.type == kind]
