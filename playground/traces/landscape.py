"""The loss as a surface over weight space, and the optimizer's path across it.

Two kinds of picture:
- ``exact_surface``: a model with exactly two weights (one linear neuron on one input with
  the squared error: the linear regression preset, y = w x + b) has the whole surface
  J(w, b) = mean((w x + b - y)^2) (+ its weight penalty), written in closed form from four
  means of the training data, on a grid around the path and the optimum.
- ``loss_slice``: any other network gets a 2-D slice through weight space around the
  current weights theta*: J(theta* + alpha d1 + beta d2) over a grid of (alpha, beta), d1
  and d2 random directions normalised filter by filter to the weights' own norms (Li et
  al. 2018, "Visualizing the Loss Landscape of Neural Nets"; biases get no direction), on
  a copy of the model, at a bounded cost (``SLICE_BUDGET_S``), with the path projected.

``WeightPath`` keeps the weights the optimizer passed through (every batch for a two-weight
model, every epoch otherwise), thinned so it stays small. No Streamlit, no Plotly.
"""
from __future__ import annotations

import io
import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from playground.nn import load_model

MAX_PATH_POINTS = 2000      # points kept in a WeightPath before every other one is dropped
PATH_PARAM_LIMIT = 200_000  # bigger models keep no path (memory: points x weights)
EXACT_GRID = 61             # exact surface: grid points per axis
# slice: points per axis, coarsest first; each grid holds the one before it ((g - 1) is a
# multiple of the previous g - 1), so a finer grid only adds points
SLICE_GRIDS = (7, 13, 25)
SLICE_BUDGET_S = 2.0        # slice: at most about this many seconds of loss evaluations
SLICE_ROWS = 512            # slice: training rows each loss is measured on, at most
SLICE_MIN_ROWS = 16         # slice: ... and at least (fewer only if the data has fewer)
SLICE_TIMINGS = 3           # slice: evaluations timed to size the grid (their median)
SLICE_MARGIN = 0.8          # slice: share of the budget left that the grid is sized to
                            # (the rest absorbs a busy machine's slower evaluations)


class WeightPath:
    """The flat weight vectors the optimizer passed through, oldest first (at most
    MAX_PATH_POINTS: once full, the later half is thinned to every other point).

    points: list of (weights,) float64 copies; steps: the batch count of each point.
    every_batch: a point after every batch (two-weight models) or after every epoch.
    """

    def __init__(self, weights: np.ndarray, every_batch: bool):
        self.every_batch = every_batch
        self.keep = weights.size <= PATH_PARAM_LIMIT
        self.points: list[np.ndarray] = []
        self.steps: list[int] = []
        self.record(weights, 0)

    def record(self, weights: np.ndarray, step: int) -> None:
        if not self.keep:
            return
        self.points.append(np.array(weights, dtype=np.float64))
        self.steps.append(int(step))
        if len(self.points) > MAX_PATH_POINTS:
            # the first half stays whole (where the big moves are); every other point of
            # the rest goes, the newest always stays
            half = MAX_PATH_POINTS // 2
            self.points = self.points[:half] + self.points[half:-1:2] + self.points[-1:]
            self.steps = self.steps[:half] + self.steps[half:-1:2] + self.steps[-1:]

    def array(self) -> np.ndarray:
        """(points, weights) float64."""
        return np.array(self.points) if self.points else np.zeros((0, 0))


@dataclass(frozen=True)
class Landscape:
    """A loss surface over two axes, with the path drawn on it.

    alpha: (g,) first axis; beta: (g,) second axis; loss: (g, g) with row i at beta[i],
    column j at alpha[j]; path: (k, 2) the path's (alpha, beta); current: (2,).
    For the exact kind the axes are w and b themselves and ``gradient`` (2,) is the full
    training set's dJ/d(w, b) at ``current``; ``next_point`` = current - lr * gradient.
    """

    kind: str                        # "exact" or "slice"
    axis_names: tuple[str, str]      # ("w", "b") or ("direction 1", "direction 2")
    alpha: np.ndarray
    beta: np.ndarray
    loss: np.ndarray
    path: np.ndarray
    current: np.ndarray
    epoch: int                       # the epoch the surface was computed at
    rows: int                        # training rows the loss is measured on
    seconds: float                   # time it took to compute
    loss_name: str = "mse"
    learning_rate: float | None = None
    gradient: np.ndarray | None = None
    next_point: np.ndarray | None = None
    optimum: np.ndarray | None = None        # exact kind: the least-squares (w, b)
    optimizer: str = ""
    race: dict[str, np.ndarray] | None = None   # exact kind: optimizer -> (k, 2) path
    total_rows: int = 0              # slice: the training rows given (``rows`` of them used)


def is_two_weight_line(model) -> bool:
    """One Dense neuron, one input, linear, squared error: J(w, b) is known exactly."""
    layers = [layer for layer in model.layers if layer.params]
    if len(layers) != 1 or model.loss is None or model.loss.name != "mse":
        return False
    layer = layers[0]
    return type(layer).__name__ == "Dense" and layer.activation == "linear" and \
        layer.units == 1 and layer.input_shape == (1,) and layer.use_bias and \
        model.store is not None and model.store.size == 2


def exact_surface(model, x: np.ndarray, y: np.ndarray, path: np.ndarray, epoch: int,
                  grid: int = EXACT_GRID, race: dict | None = None) -> Landscape:
    """J(w, b) of a two-weight line model (``is_two_weight_line``) on the training rows
    x: (n, 1), y: (n, 1) in model units; path: (k, 2) (w, b) points, oldest first;
    race: optimizer name -> (k, 2) path, drawn too (the grid covers them)."""
    started = time.perf_counter()
    layer = next(layer for layer in model.layers if layer.params)
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    means = {"xx": np.mean(x * x), "x": np.mean(x), "yy": np.mean(y * y),
             "xy": np.mean(x * y), "y": np.mean(y)}
    current = np.array([float(layer.params["kernel"][0, 0]), float(layer.params["bias"][0])])
    variance = means["xx"] - means["x"] ** 2
    w_best = (means["xy"] - means["x"] * means["y"]) / variance if variance > 0 else 0.0
    optimum = np.array([w_best, means["y"] - w_best * means["x"]])
    points = np.vstack([path.reshape(-1, 2), current, optimum] +
                       [p.reshape(-1, 2) for p in (race or {}).values()])
    low, high = points.min(axis=0), points.max(axis=0)
    pad = np.maximum((high - low) * 0.25, 0.5)
    w = np.linspace(low[0] - pad[0], high[0] + pad[0], grid)
    b = np.linspace(low[1] - pad[1], high[1] + pad[1], grid)
    loss = line_loss(w[None, :], b[:, None], means) + _penalty_grid(layer, w)[None, :]
    # the full training set's gradient at the current weights (dJ/dw, dJ/db)
    wc, bc = current
    gradient = np.array([2 * (wc * means["xx"] + bc * means["x"] - means["xy"]),
                         2 * (wc * means["x"] + bc - means["y"])])
    reg = layer.regularizers.get("kernel")
    if reg is not None:
        gradient[0] += float(reg.gradient(np.array([wc]))[0])
    lr = model.optimizer.learning_rate if model.optimizer is not None else None
    return Landscape("exact", ("w", "b"), w, b, loss, path.reshape(-1, 2).copy(), current,
                     epoch, len(x), time.perf_counter() - started, "mse", lr, gradient,
                     None if lr is None else current - lr * gradient, optimum,
                     model.optimizer.name if model.optimizer is not None else "",
                     None if race is None else {k: v.reshape(-1, 2).copy()
                                                for k, v in race.items()})


def line_loss(w, b, means: dict) -> np.ndarray:
    """mean((w x + b - y)^2) from the data's means (broadcasts over w and b):
    w^2 E[x^2] + b^2 + E[y^2] + 2 w b E[x] - 2 w E[xy] - 2 b E[y]."""
    return (w * w * means["xx"] + b * b + means["yy"] + 2 * w * b * means["x"]
            - 2 * w * means["xy"] - 2 * b * means["y"])


def _penalty_grid(layer, w: np.ndarray) -> np.ndarray:
    """The kernel penalty at each w (0 without one)."""
    reg = layer.regularizers.get("kernel")
    if reg is None:
        return np.zeros_like(w)
    return np.array([reg(np.array([value])) for value in w])


# ----- slices through bigger networks ---------------------------------------------------
def filter_normalised_direction(model, rng: np.random.Generator) -> np.ndarray:
    """A random direction in the flat weight layout: Gaussian, each filter (a neuron's
    incoming weights: the last axis of a kernel) scaled to that filter's norm; biases and
    other 1-D weights get 0 (Li et al. 2018). (weights,) float64."""
    direction = np.zeros(model.store.size)
    offset = 0
    for _, _, view, _ in model.store.bindings:
        size = view.size
        if view.ndim >= 2:
            weights = np.asarray(view, dtype=np.float64).reshape(-1, view.shape[-1])
            random = rng.standard_normal(weights.shape)
            scale = np.linalg.norm(weights, axis=0) / \
                np.maximum(np.linalg.norm(random, axis=0), 1e-12)
            direction[offset: offset + size] = (random * scale).ravel()
        offset += size
    return direction


def copy_model(model):
    """An independent copy of a compiled model (through its own .npz save format)."""
    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    return load_model(buffer)


def project(path: np.ndarray, centre: np.ndarray, d1: np.ndarray, d2: np.ndarray):
    """Least-squares (alpha, beta) of each path point: path (k, weights) -> (k, 2)."""
    if path.size == 0:
        return np.zeros((0, 2))
    basis = np.stack([d1, d2], axis=1)                        # (weights, 2)
    gram = basis.T @ basis
    return np.linalg.solve(gram, basis.T @ (path - centre).T).T


def loss_slice(model, x: np.ndarray, y: np.ndarray, path: np.ndarray, epoch: int,
               seed: int = 0, budget_s: float = SLICE_BUDGET_S,
               clock=time.perf_counter) -> Landscape:
    """J(theta* + alpha d1 + beta d2) on a grid, on a copy of ``model``; x, y: training
    rows in model form (at most SLICE_ROWS are used); path: (k, weights) float64."""
    started = clock()
    copy = copy_model(model)
    rng = np.random.default_rng(seed)
    total_rows = len(x)
    if len(x) > SLICE_ROWS:
        rows = np.sort(rng.choice(len(x), SLICE_ROWS, replace=False))
        x, y = x[rows], y[rows]
    centre = copy.store.params.astype(np.float64)
    d1 = filter_normalised_direction(copy, rng)
    d2 = filter_normalised_direction(copy, rng)
    projected = project(path, centre, d1, d2)
    reach = max(1.0, 1.15 * float(np.abs(projected).max())) if projected.size else 1.0

    def loss_at(a: float, b: float) -> float:
        copy.store.params[...] = centre + a * d1 + b * d2
        with np.errstate(all="ignore"):
            value = copy.evaluate(x, y)["loss"]
        return value if math.isfinite(value) else np.nan

    def seconds_per_loss() -> float:
        """The median of a few timed evaluations (one alone was often a fraction of the
        rest, on a machine busy training: a CNN's 7 x 7 grid then took 3.5 s of a 2 s
        budget)."""
        times = []
        for _ in range(SLICE_TIMINGS):
            first = clock()
            loss_at(0.0, 0.0)
            times.append(clock() - first)
        return max(float(np.median(times)), 1e-6)

    one = seconds_per_loss()
    left = budget_s - (clock() - started)          # copies, directions and timings so far
    smallest = SLICE_GRIDS[0] ** 2
    while smallest * one > SLICE_MARGIN * left and len(x) > SLICE_MIN_ROWS:
        # too slow even for the least grid: measure on fewer rows (said on the chart); a
        # tenth fewer at least each time, as an evaluation also costs a part that rows do
        # not scale
        keep = max(SLICE_MIN_ROWS, min(int(len(x) * 0.9), int(len(x) * SLICE_MARGIN * left /
                                                               (smallest * one))))
        x, y = x[:keep], y[:keep]
        one = seconds_per_loss()
        left = budget_s - (clock() - started)
    # the least grid whole, then finer ones while the budget lasts: each finer grid holds
    # the coarser one's points, is sized by the time the points so far really took, and is
    # given up (the coarser one kept) if the budget runs out while it is computed
    grid = SLICE_GRIDS[0]
    axis = np.linspace(-reach, reach, grid)
    first = clock()
    loss = np.array([[loss_at(a, b) for a in axis] for b in axis])
    per_point = max((clock() - first) / loss.size, 1e-9)
    for finer in SLICE_GRIDS[1:]:
        left = budget_s - (clock() - started)
        if (finer * finer - loss.size) * per_point > SLICE_MARGIN * left:
            break
        refined = _refined(loss, finer, reach, loss_at, lambda: clock() - started > budget_s)
        if refined is None:
            break
        loss, grid = refined, finer
    alpha = beta = np.linspace(-reach, reach, grid)
    return Landscape("slice", ("direction 1", "direction 2"), alpha, beta, loss, projected,
                     np.zeros(2), epoch, len(x), clock() - started, model.loss.name,
                     model.optimizer.learning_rate, optimizer=model.optimizer.name,
                     total_rows=total_rows)


def _refined(loss: np.ndarray, grid: int, reach: float, loss_at, over) -> np.ndarray | None:
    """``loss`` (g, g) on the coarser grid spread onto a (grid, grid) one over the same
    [-reach, reach] square, the new points evaluated with ``loss_at(alpha, beta)``; None
    as soon as ``over()`` says the time is up."""
    step = (grid - 1) // (len(loss) - 1)
    axis = np.linspace(-reach, reach, grid)
    finer = np.full((grid, grid), np.nan)
    finer[::step, ::step] = loss
    for i, b in enumerate(axis):
        for j, a in enumerate(axis):
            if i % step or j % step:
                finer[i, j] = loss_at(a, b)
                if over():
                    return None
    return finer


@dataclass
class SliceJob:
    """One slice computed in a background thread; ``result`` or ``error`` once done."""

    model_id: int                       # which model (build) it belongs to
    epoch: int
    thread: threading.Thread | None = None
    result: Landscape | None = None
    error: str = ""
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        return not self.done.is_set()


def start_slice(model, x, y, path: np.ndarray, epoch: int, model_id: int) -> SliceJob:
    """Copy the model now (the caller holds the training lock) and compute its slice in a
    daemon thread; the training goes on meanwhile on the original."""
    copy = copy_model(model)
    job = SliceJob(model_id, epoch)

    def run() -> None:
        try:
            job.result = loss_slice(copy, x, y, path, epoch)
        except Exception as error:   # reported on the page as a plain message
            job.error = f"The loss landscape could not be computed: {error}"
        finally:
            job.done.set()

    job.thread = threading.Thread(target=run, name="loss-slice", daemon=True)
    job.thread.start()
    return job
