"""The live stream's frames: what changed on the board since the last frame, kept small.

A frame (one JSON object) carries the status numbers and, per chart, one of:
  {"base": B, "drawn": D, "relayout": {"images": [...], "shapes": [...]}}   pictures swapped
    (the image named boundary.RASTER_IMAGE comes as its pixels, "raster" instead of
    "source": the board paints them on a canvas, see ``raster_images``)
  {"base": B, "n": N, "from": M, "extend": {"x": [[...]], "y": [[...]]},
   "indices": [...], "relayout": {...}}                          curves grown by N - M epochs
  {"base": B, "n": N, "figure": {...}}                           the whole figure (rare)
where B names the figure's structure (everything but what the small updates change) and D
what its pictures show (a Streamlit run of the same picture, paused, is then not redrawn
until the pointer wants its hover values: ``live.chart_rows``). The
board applies a small update only to a chart drawn with the same B (and, for curves, M
epochs); otherwise it asks in its acknowledgement for that chart whole (``resync``).

``ChartSpec`` describes one chart for both ways to the browser: the component data of a
Streamlit run (``live.chart_rows``, whole figures) and these frames.
"""
from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from playground.viz import curves, png, theme
from playground.viz.boundary import RASTER_IMAGE

FULL_EVERY_S = 0.3       # a chart that needs whole figures gets one at most this often


@dataclass(frozen=True)
class ChartSpec:
    """One chart of the board.

    kind: "images" (only layout images and shapes change while playing: the decision
          boundary, the network diagram), "curves" (the loss curves: points are appended)
          or "figure" (sent whole when it changes).
    build: () -> go.Figure or None (no picture for this data).
    every_s: while playing, a stream frame updates this chart at most this often.
    height: the figure's height in px (None: its own); min_height: at least this.
    history, log_y: for "curves", the per-epoch history the figure draws and its axis.
    epochs: for "curves", the epoch of each history entry (``Snapshot.history_epochs``).
    """

    key: str
    what: str
    kind: str
    build: Callable
    every_s: float = 0.0
    height: int | None = None
    min_height: int = 0
    history: dict | None = None
    log_y: bool = False
    epochs: tuple | list | None = None


def figure_dict(figure, height: int) -> dict:
    """A go.Figure or FigureSpec as the plain dict plotly.js draws, ``height`` px tall."""
    figure.layout.height = int(height)
    if hasattr(figure, "to_dict") and not hasattr(figure, "to_plotly_json"):
        return figure.to_dict()          # a FigureSpec: NaN is made null when sent
    return json.loads(figure.to_json())


def frame_json(frame: dict) -> str:
    """A frame as JSON text; NaN and infinities (a diverged loss) become null."""
    try:
        return json.dumps(frame, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return json.dumps(_finite(frame), separators=(",", ":"), allow_nan=False)


def _finite(value):
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def build_spec(spec: ChartSpec):
    """``spec.build()`` as a FigureSpec (no go.Figure built: see viz.theme.figure_specs)."""
    with theme.figure_specs():
        return spec.build()


def _digest(value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def picture_base(fig: dict) -> str:
    """The structure of a figure whose images and shapes are swapped while playing."""
    layout = {k: v for k, v in fig.get("layout", {}).items() if k not in ("images", "shapes")}
    return _digest([fig.get("data", []), layout])


def pictures_drawn(fig: dict) -> str:
    """What the swapped parts of a figure show: a digest of its images and shapes."""
    layout = fig.get("layout", {})
    return _digest([layout.get("images"), layout.get("shapes")])


def picture_of(spec: ChartSpec) -> tuple[dict, str, str] | None:
    """(figure dict, base, drawn) of a pictures chart as the stream sends it, or None."""
    figure = build_spec(spec)
    if figure is None:
        return None
    fig = figure_dict(figure, max(spec.height or figure.layout.height or 0, spec.min_height))
    return fig, picture_base(fig), pictures_drawn(fig)


def raster_images(images: list[dict]) -> list[dict]:
    """Layout images for a frame: the one named RASTER_IMAGE with its pixels instead of its
    PNG ("raster": {"rows", "cols", "channels", "data": base64 of the (rows, cols,
    channels) uint8 pixels, row 0 at the top}); the browser paints them at once, where
    decoding a PNG would take it a task or more per picture."""
    out = []
    for image in images:
        if image.get("name") == RASTER_IMAGE and str(image.get("source", "")).startswith(
                "data:image/png;base64,"):
            pixels = png.pixels_of(image["source"])
            rows, cols, channels = pixels.shape
            image = {k: v for k, v in image.items() if k != "source"}
            image["raster"] = {"rows": rows, "cols": cols, "channels": channels,
                               "data": base64.b64encode(pixels.tobytes()).decode("ascii")}
        out.append(image)
    return out


def _curve_keys(history: dict) -> list[str]:
    """History keys in the order ``curves.loss_figure`` draws their traces."""
    keys = [k for k in curves.LOSS_KEYS if k in history]
    return keys + [k for k in curves.ACCURACY_KEYS if k in history]


def curves_base(history: dict, log_y: bool) -> str:
    """The structure of the loss figure: which curves, which axis, markers or not, and the
    message it shows (none yet / a loss that became infinite)."""
    n = len(next(iter(history.values()), []))
    bad = [int(np.flatnonzero(~np.isfinite(np.asarray(history[k], dtype=float)))[0])
           for k in curves.LOSS_KEYS if k in history and
           not np.isfinite(np.asarray(history[k], dtype=float)).all()]
    phase = 0 if n == 0 else (1 if n <= curves.MARKERS_UP_TO else 2)
    return _digest([_curve_keys(history), bool(log_y), phase, bad[:1]])


def curve_points(n: int) -> int:
    """How many points per curve ``curves.loss_figure`` draws for n epochs."""
    return min(n, curves.MAX_POINTS)


class FrameBuilder:
    """What one connection's board shows, and the next frame for it.

    ``describe(state, view)`` -> (snapshot, status items, fitted line text or None,
    [ChartSpec]), read under the tab's session lock; ``view`` is the lower-right chart
    the page last showed.
    """

    def __init__(self, describe: Callable) -> None:
        self._describe = describe
        # chart key -> {"base", "at" (monotonic time of the last update), "drawn" (digest of
        # the pictures sent), "n" (epochs drawn), "points" (points per curve drawn)}
        self._sent: dict[str, dict] = {}

    def resync(self, keys: list[str]) -> None:
        """The board could not apply an update to these charts: send them whole next."""
        for key in keys:
            self._sent.pop(key, None)

    def frame(self, state, view: str | None = None, urgent: bool = False) -> dict:
        """The next frame; ``urgent`` (after Pause or Step): every chart brought up to date
        now, whatever its pace."""
        with state.trainer.lock:
            snap, status, line, specs = self._describe(state, view)
        now = time.monotonic()
        playing = bool(state.playing)
        charts = {}
        for spec in specs:
            sent = self._sent.get(spec.key)
            if sent is not None and (now - sent["at"] < spec.every_s and not urgent or
                                     urgent and spec.kind == "figure"):
                continue                 # not yet; or after Pause/Step: the next run
            try:
                update = self._update(spec, sent, now, urgent)
            except Exception:        # a chart that cannot be drawn now: the page says why
                update = None
            if update is not None:
                charts[spec.key] = update
        return {"type": "frame", "playing": playing, "status": status, "line": line,
                "epoch": int(snap.epoch), "version": int(snap.batches), "diverged": snap.status == "diverged",
                "loss": _finite_last(snap.history.get("loss")), "charts": charts}

    def _update(self, spec: ChartSpec, sent: dict | None, now: float,
                urgent: bool) -> dict | None:
        if spec.kind == "curves":
            return self._curves_update(spec, sent, now, urgent)
        picture = picture_of(spec)
        if picture is None:
            return None
        fig, base, drawn = picture
        layout = fig.get("layout", {})
        if sent is not None and sent["base"] == base:
            if sent["drawn"] == drawn or spec.kind != "images":
                return None                      # nothing changed on screen
            sent.update(at=now, drawn=drawn)
            return {"base": base, "drawn": drawn,
                    "relayout": {"images": raster_images(layout.get("images", [])),
                                 "shapes": layout.get("shapes", [])}}
        if not urgent and sent is not None and now - sent["full_at"] < FULL_EVERY_S:
            return None
        self._sent[spec.key] = {"base": base, "at": now, "full_at": now, "drawn": drawn}
        return {"base": base, "drawn": drawn, "figure": fig}

    def _curves_update(self, spec: ChartSpec, sent: dict | None, now: float,
                       urgent: bool) -> dict | None:
        history = spec.history or {}
        keys = _curve_keys(history)
        n = len(history[keys[0]]) if keys else 0
        # the latest epoch: a thinned history replaces its last entry while n stays put
        last = int(spec.epochs[-1]) if spec.epochs else n
        base = curves_base(history, spec.log_y)
        if sent is not None and sent["base"] == base and sent["n"] == n and \
                sent.get("last", n) == last:
            return None
        grown = n - sent["n"] if sent is not None else 0
        # points are appended only while entry i is epoch i + 1 (the history not thinned)
        if sent is not None and sent["base"] == base and 0 < grown and last == n and \
                sent["points"] + grown <= 2 * curves.MAX_POINTS:
            start = sent["n"]
            x = list(range(start + 1, n + 1))
            ys = [theme.finite_or_none(np.asarray(history[k][start:], dtype=np.float64))
                  for k in keys]
            sent.update(at=now, n=n, last=last, points=sent["points"] + grown)
            return {"base": base, "n": n, "from": start,
                    "extend": {"x": [x] * len(keys), "y": [_plain(y) for y in ys]},
                    "indices": list(range(len(keys))),
                    "relayout": curves.loss_axes_update(history, spec.log_y)}
        if not urgent and sent is not None and now - sent["full_at"] < FULL_EVERY_S:
            return None
        figure = build_spec(spec)
        if figure is None:
            return None
        fig = figure_dict(figure, max(spec.height or 0, spec.min_height))
        self._sent[spec.key] = {"base": base, "at": now, "full_at": now, "n": n,
                                "last": last, "points": curve_points(n)}
        return {"base": base, "n": n, "figure": fig}


def _plain(values) -> list:
    """Finite numbers and None (for NaN/inf) as a JSON list."""
    if isinstance(values, np.ndarray):
        return [None if not np.isfinite(v) else float(v) for v in values.tolist()]
    return [None if v is None else float(v) for v in values]


def _finite_last(values) -> float | None:
    if not values:
        return None
    value = float(values[-1])
    return value if np.isfinite(value) else None
