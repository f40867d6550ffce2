"""A go.Figure whose ``to_json()`` is cheap: the live page serialises every chart on every
refresh, in the server process that also trains (one GIL).

plotly's own ``to_json`` deep-copies the figure (``to_dict``), walks it again to turn NumPy
arrays into base64 typed arrays, then encodes it: 2-4 ms per live chart. ``LiveFigure``
encodes the figure's own trace and layout dicts directly, turning arrays into the very
same typed-array specs with plotly's helper on the way: the same JSON in ~0.5 ms. Anything
it cannot encode exactly as plotly would (NaN, an unknown type, any argument to
``to_json``) goes through plotly's ``to_json`` instead.
"""
from __future__ import annotations

import base64
import json

import numpy as np
import plotly.graph_objects as go
from _plotly_utils.utils import is_skipped_key

_SEPARATORS = (",", ":")
# NumPy dtype -> plotly.js typed-array type (as _plotly_utils.utils.plotlyjsShortTypes)
SHORT_TYPES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4",
               "uint32": "u4", "float32": "f4", "float64": "f8"}
# 64-bit integers are narrowed to the first of these that holds them (plotly.js has no
# 64-bit integer arrays); ones that fit none stay lists
NARROWER = {"int64": (np.int8, np.int16, np.int32), "uint64": (np.uint8, np.uint16, np.uint32)}
# plotly escapes these so that its JSON can sit inside an HTML <script>; so do we.
_HTML_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("/", "\\u002f"))


def _typed_array(values: np.ndarray):
    """A numeric array as plotly's {"dtype", "bdata"[, "shape"]} spec, or a list where
    plotly.js has no typed array for it (as _plotly_utils.utils.to_typed_array_spec)."""
    dtype = str(values.dtype)
    if values.size and dtype in NARROWER:
        low, high = values.min(), values.max()
        fits = [t for t in NARROWER[dtype] if np.iinfo(t).min <= low and high <= np.iinfo(t).max]
        if fits:
            values = values.astype(fits[0])
            dtype = str(values.dtype)
    if values.size == 0 or dtype not in SHORT_TYPES:
        return values.tolist()
    spec = {"dtype": SHORT_TYPES[dtype],
            "bdata": base64.b64encode(np.ascontiguousarray(values)).decode("ascii")}
    if values.ndim > 1:
        spec["shape"] = str(values.shape)[1:-1]
    return spec


def _jsonable(value, key: str = ""):
    """value with every NumPy array/scalar replaced as plotly's to_dict + to_json would.

    Dicts and lists are rebuilt (the figure's own are never modified); arrays become
    {"dtype", "bdata"[, "shape"]} specs except under the keys plotly leaves alone
    ("range", ...), where they become lists.
    """
    if isinstance(value, dict):
        return {k: _jsonable(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist() if is_skipped_key(key) else _typed_array(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


class LiveFigure(go.Figure):
    """A go.Figure in every way, with a fast ``to_json()`` (same JSON as plotly's)."""

    def to_json(self, *args, **kwargs) -> str:
        if args or kwargs:
            return super().to_json(*args, **kwargs)
        try:
            data = [{k: v for k, v in trace.items() if k != "uid"} for trace in self._data]
            spec = {"data": _jsonable(data), "layout": _jsonable(self._layout)}
            if self._frame_objs:
                raise TypeError("frames")
            text = json.dumps(spec, separators=_SEPARATORS, allow_nan=False, ensure_ascii=False)
        except (TypeError, ValueError):        # NaN, frames, something plotly handles
            return super().to_json()
        for unsafe, safe in _HTML_SAFE:
            text = text.replace(unsafe, safe)
        return text


class _AttrDict(dict):
    """A layout dict that also reads and sets keys as attributes (``layout.height``), as
    a go.Layout does for the few places that size a figure."""

    def __getattr__(self, name):
        return self.get(name)

    def __setattr__(self, name, value):
        self[name] = value


class FigureSpec:
    """The trace and layout dicts of a figure, with no plotly objects built: what the live
    stream needs 30+ times a second (building a go.Figure, even unvalidated, deep-copies
    every trace: 5-20 ms per chart here). ``to_json()`` gives the same JSON as LiveFigure;
    ``figure()`` the go.Figure itself."""

    def __init__(self, data: list[dict], layout: dict) -> None:
        self.data = data
        self.layout = _AttrDict(layout)

    def figure(self) -> go.Figure:
        return LiveFigure({"data": self.data, "layout": dict(self.layout)}, _validate=False)

    def to_dict(self) -> dict:
        """{"data", "layout"} with arrays as plotly's typed-array specs (JSON-ready)."""
        return {"data": _jsonable(self.data), "layout": _jsonable(dict(self.layout))}

    def to_json(self) -> str:
        try:
            text = json.dumps(self.to_dict(), separators=_SEPARATORS, allow_nan=False,
                              ensure_ascii=False)
        except (TypeError, ValueError):        # NaN or a type only plotly can encode
            return self.figure().to_json()
        for unsafe, safe in _HTML_SAFE:
            text = text.replace(unsafe, safe)
        return text
