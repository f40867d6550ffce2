"""Per-epoch curves: loss/accuracy per split, and per-layer gradient norms."""
from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np
import plotly.graph_objects as go

from playground.plain_text import plain_plotly
from playground.viz import theme

# history key -> split, for the two panels of the loss figure
LOSS_KEYS = MappingProxyType({"loss": "train", "val_loss": "validation", "test_loss": "test"})
# accuracy traces share a legend entry with the loss of the same split
LOSS_KEYS_BY_SPLIT = MappingProxyType({split: key for key, split in LOSS_KEYS.items()})
ACCURACY_KEYS = MappingProxyType({"accuracy": "train", "val_accuracy": "validation",
                                  "test_accuracy": "test"})
MIN_EPOCH_SPAN = 10       # the epoch axis starts out 1..10 and grows with training
MARKERS_UP_TO = 40        # draw point markers while curves are this short
# Longer curves are drawn through this many evenly spaced epochs (first and last kept):
# a 20,000-epoch history would otherwise ship megabytes to the browser on every refresh.
MAX_POINTS = 1000


def _check_series(mapping, what: str) -> dict[str, np.ndarray]:
    """Every value of ``mapping`` as a 1-D float64 array; a clear error otherwise."""
    if not isinstance(mapping, dict):
        raise TypeError(f"{what} must be a dict of name -> list of numbers, "
                        f"got {type(mapping).__name__}.")
    series = {}
    for key, values in mapping.items():
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim != 1:
            raise ValueError(f"{what}[{key!r}] must be a flat list of numbers, one per "
                             f"epoch; got an array of shape {arr.shape}.")
        series[key] = arr
    return series


def _thinned(n_points: int) -> np.ndarray:
    """Indices of at most MAX_POINTS evenly spaced points out of n_points, ends included."""
    if n_points <= MAX_POINTS:
        return np.arange(n_points)
    return np.unique(np.linspace(0, n_points - 1, MAX_POINTS).round().astype(np.int64))


def _epoch_numbers(epochs, n_points: int) -> np.ndarray:
    """The 1-based epoch of each of n_points history entries (1..n_points when not given)."""
    if epochs is None or len(epochs) == 0:
        return np.arange(1, n_points + 1)
    numbers = np.asarray(epochs, dtype=np.int64)
    if numbers.shape != (n_points,):
        raise ValueError(f"epochs must give one epoch number per history entry: "
                         f"{n_points} entries, {numbers.size} epoch numbers.")
    return numbers


# The epoch axis ends at the first of these x 10^k that holds every epoch: the curves fill
# at least three quarters of the width, and the axis is redrawn only when it grows a step
# (a live board draws the points many times a second; the axes cost far more to redraw).
EPOCH_AXIS_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def epoch_axis_end(n_epochs: int) -> int:
    """The last epoch the axis shows: MIN_EPOCH_SPAN, or the first step >= n_epochs."""
    n = max(int(n_epochs), MIN_EPOCH_SPAN)
    power = 10 ** (len(str(n)) - 1)
    return next(int(round(step * power)) for step in EPOCH_AXIS_STEPS
                if round(step * power) >= n)


def _epoch_range(n_epochs: int) -> list[float]:
    return [0.5, epoch_axis_end(n_epochs) + 0.5]


def _line(x, y, label: str, split: str, xaxis: str, yaxis: str, fmt: str,
          show_legend: bool, n_points: int) -> dict:
    """One split's curve; the legend says the split, the hover says ``label``."""
    keep = _thinned(len(y))
    return {
        "type": "scatter", "x": x[keep], "y": theme.finite_or_none(y[keep]),
        "name": theme.SPLIT_LABELS.get(split, split),
        "legendgroup": split, "showlegend": show_legend,
        "mode": "lines+markers" if n_points <= MARKERS_UP_TO else "lines",
        "line": {"color": theme.split_colour(split), "width": 3,
                 "dash": theme.SPLIT_DASHES.get(split, "solid")},
        "marker": {"size": 6, "color": theme.split_colour(split)},
        "xaxis": xaxis, "yaxis": yaxis,
        "hovertemplate": f"{label}: %{{y:{fmt}}}<extra></extra>",
    }


def _linear_loss_range(arrays: list[np.ndarray]) -> list[float]:
    finite = [a[np.isfinite(a)] for a in arrays]
    finite = [a for a in finite if a.size]
    if not finite:
        return [0.0, 1.0]
    high = max(float(a.max()) for a in finite)
    low = min(float(a.min()) for a in finite)
    low = min(low, 0.0)
    return [low, theme.nice_ceiling(high) if high > 0 else 1.0]


def log_tick_values(log_range: list[float]) -> list[float]:
    """Tick values inside a log10 axis range: 1, 2, 5 x 10^k over short spans (at most
    2.5 decades), 10^k only over longer ones, every second decade over very long ones."""
    low, high = log_range
    span = high - low
    steps = (1.0, 2.0, 5.0) if span <= 2.5 else (1.0,)
    every = 1 if span <= 8 else 2
    ticks = [step * 10.0 ** k for k in range(math.floor(low), math.ceil(high) + 1, every)
             for step in steps]
    return [t for t in ticks if low <= math.log10(t) <= high]


def tick_text(value: float) -> str:
    """A tick label as a plain number: 0.5, 2, 0.001; 1e-05 and 1e+06 far from 1."""
    return f"{value:g}" if 1e-4 <= value < 1e6 else f"{value:.0e}".replace("e-0", "e-")


def _log_ticks(log_range: list[float]) -> dict:
    """Log ticks labelled with their real values (0.5, not plotly's "5" for 5 x 10^-1)."""
    values = log_tick_values(log_range)
    return {"tickmode": "array", "tickvals": values, "ticktext": [tick_text(v) for v in values],
            "minor": {"showgrid": False}}


def _log_range(arrays: list[np.ndarray]) -> list[float]:
    """log10 axis range over the positive finite values, padded by a quarter decade."""
    positive = [a[np.isfinite(a) & (a > 0)] for a in arrays]
    positive = [a for a in positive if a.size]
    if not positive:
        return [-3.0, 1.0]
    low = math.floor(math.log10(min(float(a.min()) for a in positive)) * 2) / 2
    high = math.ceil(math.log10(max(float(a.max()) for a in positive)) * 2) / 2
    if high - low < 1:
        high = low + 1
    return [low - 0.1, high + 0.1]


def loss_figure(history: dict[str, list[float]], log_y: bool = False,
                epochs=None) -> go.Figure:
    """Loss per epoch for train/validation/test; a second panel of accuracy if present.

    history: key -> per-epoch values, e.g. "loss", "val_loss", "test_loss",
             "accuracy", "val_accuracy", "test_accuracy" (all the same length).
    epochs: the 1-based epoch of each entry (a thinned long history); default 1, 2, ...
    log_y: draw the loss on a log axis (useful for regression losses that fall by
           decades). Accuracy is always linear, 0-100 %.
    """
    series = _check_series(history, "history")
    lengths = {len(a) for a in series.values()}
    if len(lengths) > 1:
        raise ValueError("Every history list must have one value per epoch, but the "
                         f"lengths differ: { {k: len(a) for k, a in series.items()} }.")
    n_points = lengths.pop() if lengths else 0
    epochs = _epoch_numbers(epochs, n_points)
    n_epochs = int(epochs[-1]) if n_points else 0
    has_accuracy = any(k in series for k in ACCURACY_KEYS)

    data: list[dict] = []
    loss_arrays = [series[k] for k in LOSS_KEYS if k in series]
    for key, split in LOSS_KEYS.items():
        if key in series:
            data.append(_line(epochs, series[key], f"{split} loss", split, "x", "y",
                              ".4g", True, n_points))
    for key, split in ACCURACY_KEYS.items():
        if key in series:
            data.append(_line(epochs, series[key], f"{split} accuracy", split, "x2", "y2",
                              ".1%", LOSS_KEYS_BY_SPLIT[split] not in series, n_points))

    loss_domain = [0.0, 0.42] if has_accuracy else [0.0, 1.0]
    loss_axis = theme.axis("loss (log scale)" if log_y else "loss", anchor="x")
    if log_y:
        log_range = _log_range(loss_arrays)
        loss_axis.update(type="log", range=log_range, **_log_ticks(log_range))
    else:
        loss_axis.update(type="linear", range=_linear_loss_range(loss_arrays))
    layout = theme.base_layout(
        "Loss and accuracy" if has_accuracy else "Loss", revision="loss",
        xaxis=theme.axis("epoch", domain=loss_domain, range=_epoch_range(n_epochs),
                         anchor="y"),
        yaxis=loss_axis, hovermode="x unified",
    )
    # room under the "epoch" titles: on a 1280 x 720 projector the chart ends the page
    layout["margin"] = dict(theme.MARGIN, t=theme.LEGEND_ROW_TOP, b=58)
    annotations = []
    if has_accuracy:
        layout["xaxis2"] = theme.axis("epoch", domain=[0.6, 1.0],
                                      range=_epoch_range(n_epochs), anchor="y2")
        layout["yaxis2"] = theme.axis("accuracy", anchor="x2", range=[0.0, 1.02],
                                      tickformat=".0%")
    if n_epochs == 0:
        annotations.append(theme.message_annotation("No epochs yet: press Play"))
    else:
        bad = [k for k in LOSS_KEYS if k in series and not np.isfinite(series[k]).all()]
        if bad:
            first = int(epochs[np.flatnonzero(~np.isfinite(series[bad[0]]))[0]])
            annotations.append(theme.message_annotation(
                f"loss became infinite or NaN at epoch {first}: "
                "try a smaller learning rate", y=0.9))
    layout["annotations"] = annotations
    return theme.new_figure(data, layout)


def gradient_norms_figure(grad_norms: dict[str, list[float]], epochs=None) -> go.Figure:
    """Per-layer L2 gradient norm per epoch on a log axis, one line per layer.

    grad_norms: layer name -> per-epoch norms (the same length for every layer).
    epochs: the 1-based epoch of each entry (a thinned long history); default 1, 2, ...
    Vanishing gradients show as lines falling by decades, exploding ones as lines rising.
    Zero or non-finite norms are drawn as gaps (a log axis cannot show them).
    """
    series = _check_series(grad_norms, "grad_norms")
    n_points = max((len(a) for a in series.values()), default=0)
    epoch_numbers = _epoch_numbers(epochs, n_points)
    n_epochs = int(epoch_numbers[-1]) if n_points else 0
    data = []
    for index, (name, values) in enumerate(series.items()):
        keep = _thinned(len(values))
        shown = np.where(values > 0, values, np.nan)[keep]
        colour = theme.class_colour(index + 1) if index < 9 else theme.INK
        name = plain_plotly(name)
        data.append({
            "type": "scatter", "x": epoch_numbers[keep], "name": name,
            "y": theme.finite_or_none(shown),
            "mode": "lines+markers" if len(values) <= MARKERS_UP_TO else "lines",
            "line": {"color": colour, "width": 3,
                     "dash": ("solid", "dash", "dot", "dashdot")[index % 4]},
            "marker": {"size": 6, "color": colour},
            "hovertemplate": f"{name}: %{{y:.3g}}<extra></extra>",
        })
    log_range = _log_range(list(series.values()))
    layout = theme.base_layout(
        "Gradient norm per layer", revision="grad_norms",
        xaxis=theme.axis("epoch", range=_epoch_range(n_epochs)),
        yaxis=theme.axis("gradient L2 norm (log scale)", type="log", range=log_range,
                         **_log_ticks(log_range)),
        hovermode="x unified", legend=theme.legend(len(data)),
    )
    layout["margin"] = dict(theme.MARGIN, t=theme.LEGEND_ROW_TOP if len(data) <= 4 else 50)
    if n_epochs == 0:
        layout["annotations"] = [theme.message_annotation("No epochs yet: press Play")]
    return theme.new_figure(data, layout)


def loss_axes_update(history: dict[str, list[float]], log_y: bool = False) -> dict:
    """The axis ranges ``loss_figure(history, log_y)`` would set, as a Plotly.relayout
    update: what changes, besides the points, while the curves grow."""
    series = _check_series(history, "history")
    n_epochs = max((len(a) for a in series.values()), default=0)
    loss_arrays = [series[k] for k in LOSS_KEYS if k in series]
    update: dict = {"xaxis.range": _epoch_range(n_epochs)}
    if any(k in series for k in ACCURACY_KEYS):
        update["xaxis2.range"] = _epoch_range(n_epochs)
    if log_y:
        log_range = _log_range(loss_arrays)
        update["yaxis.range"] = log_range
        ticks = _log_ticks(log_range)
        update["yaxis.tickvals"] = ticks["tickvals"]
        update["yaxis.ticktext"] = ticks["ticktext"]
    else:
        update["yaxis.range"] = _linear_loss_range(loss_arrays)
    return update
