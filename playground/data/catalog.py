"""The built-in datasets by name: one table of what exists, and make_dataset to build one."""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import curves, images, points2d, sequences, tables
from .dataset import MODEL_KINDS_FOR_KIND, NATURAL_MODEL_FOR_KIND, Dataset
from .errors import DataError

MAX_SAMPLES = 100_000
MAX_NOISE = 5.0


@dataclass(frozen=True)
class DatasetInfo:
    """One built-in set as the app lists it."""

    name: str
    description: str   # one line
    kind: str          # "points2d", "table", "image" or "sequence"
    task: str          # "classification" or "regression"
    default_samples: int | None = None   # n_samples when None is passed; None: fixed real data
    default_noise: float | None = None   # noise when None is passed; None: takes no noise
    options: tuple[str, ...] = ()        # extra keyword options, e.g. ("n_classes",)

    @property
    def fixed_size(self) -> bool:
        """Real data of a fixed size (tables, digits): n_samples and noise do not apply."""
        return self.default_samples is None

    @property
    def takes_noise(self) -> bool:
        return self.default_noise is not None

    @property
    def model_kinds(self) -> tuple[str, ...]:
        """The network types (model_kind values) that fit this set's inputs."""
        return MODEL_KINDS_FOR_KIND[self.kind]

    @property
    def natural_model(self) -> str:
        """The network type that suits this set's inputs best."""
        return NATURAL_MODEL_FOR_KIND[self.kind]


@dataclass(frozen=True)
class _Entry:
    info: DatasetInfo
    build: Callable              # (n_samples, noise, rng, **options) -> (X, y) or Dataset


def _entry(name, description, kind, task, build, samples, noise):
    fixed = ("name", "n_samples", "noise", "rng")
    signature = inspect.signature(sequences.windows if kind == "sequence" else build)
    options = tuple(p for p in signature.parameters if p not in fixed) if samples else ()
    info = DatasetInfo(name, description, kind, task, samples, noise, options)
    return _Entry(info, build)


_CLS, _REG = "classification", "regression"
_REGISTRY = {entry.info.name: entry for entry in [
    _entry("circle", "A blob of one class inside a ring of the other.",
           "points2d", _CLS, points2d.circle, 500, 0.0),
    _entry("xor", "Four quadrants: same-sign corners against the others.",
           "points2d", _CLS, points2d.xor, 500, 0.0),
    _entry("gauss", "Two Gaussian clouds, easy to separate with a line.",
           "points2d", _CLS, points2d.gauss, 500, 0.0),
    _entry("spiral", "Two interleaved spiral arms, the hard one.",
           "points2d", _CLS, points2d.spiral, 500, 0.0),
    _entry("moons", "Two interlocking half moons.",
           "points2d", _CLS, points2d.moons, 500, 0.1),
    _entry("checkerboard", "A 4 x 4 board of alternating squares.",
           "points2d", _CLS, points2d.checkerboard, 800, 0.0),
    _entry("blobs", "3-5 Gaussian clouds, one class each (option n_classes).",
           "points2d", _CLS, points2d.blobs, 600, 0.1),
    _entry("spiral_multi", "3-5 interleaved spiral arms, one class each (option n_classes).",
           "points2d", _CLS, points2d.spiral_multi, 600, 0.0),
    _entry("plane", "Regression: the value rises evenly along x1 + x2.",
           "points2d", _REG, points2d.plane, 500, 0.0),
    _entry("gaussian", "Regression: six positive and negative bumps.",
           "points2d", _REG, points2d.gaussian, 500, 0.0),
    _entry("line", "Regression: y = 2x + 3 plus Gaussian noise (std = noise) on x in [1, 10].",
           "table", _REG, curves.line, 100, 1.0),
    _entry("sine", "Regression: y = sin(x) plus Gaussian noise (std = noise) on x in [-6, 6].",
           "table", _REG, curves.sine, 200, 0.1),
    _entry("iris", "Fisher's iris flowers: 4 measurements, 3 species.",
           "table", _CLS, tables.iris, None, None),
    _entry("tips", "Restaurant bills: predict the tip (text columns one-hot encoded).",
           "table", _REG, tables.tips, None, None),
    _entry("digits", "Handwritten digits 0-9, 1797 real 8 x 8 images (UCI, CC BY 4.0).",
           "image", _CLS, images.digits, None, None),
    _entry("shapes", "Generated images of squares, circles, crosses, triangles (option size).",
           "image", _CLS, images.shapes, 600, 0.1),
    _entry("seq_sine", "Sequences: predict the next value of a sine wave (option window).",
           "sequence", _REG, None, 500, 0.0),
    _entry("seq_noisy_sine", "Sequences: a sine wave with Gaussian noise (std = noise).",
           "sequence", _REG, None, 500, 0.1),
    _entry("seq_sawtooth", "Sequences: a sawtooth wave that rises then drops.",
           "sequence", _REG, None, 500, 0.0),
    _entry("seq_sum_of_sines", "Sequences: a mix of three sine waves per sample.",
           "sequence", _REG, None, 500, 0.0),
    _entry("seq_recall", "Sequences: a memory test; after 20 random values, say the first.",
           "sequence", _REG, None, 500, 0.0),
]}

_BINARY_NAMES = ["class 0", "class 1"]


def list_datasets() -> list[DatasetInfo]:
    """Every built-in set, in the order the app lists them."""
    return [entry.info for entry in _REGISTRY.values()]


def dataset_info(name: str) -> DatasetInfo | None:
    """The catalog entry of built-in set ``name``, or None (e.g. "csv")."""
    entry = _REGISTRY.get(name)
    return None if entry is None else entry.info


def _check_size(name: str, n_samples, noise) -> None:
    if not isinstance(n_samples, (int, np.integer)) or isinstance(n_samples, bool) \
            or not 2 <= n_samples <= MAX_SAMPLES:
        raise DataError(f"n_samples for '{name}' must be a whole number from 2 to "
                        f"{MAX_SAMPLES:,}; got {n_samples!r}.")
    if not isinstance(noise, (int, float, np.floating)) or not 0.0 <= float(noise) <= MAX_NOISE:
        raise DataError(f"noise for '{name}' must be a number from 0 to {MAX_NOISE}; "
                        f"got {noise!r}.")


def _check_options(name: str, build: Callable, options: dict, fixed: tuple[str, ...]) -> None:
    allowed = [p for p in inspect.signature(build).parameters if p not in fixed]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        offer = f"it takes {', '.join(allowed)}" if allowed else "it takes no options"
        raise DataError(f"Unknown option(s) {unknown} for dataset '{name}'; {offer}.")


def pixel_names(shape: tuple) -> list[str]:
    """One name per pixel of (n, height, width, 1) images, row-major: "pixel 1,1", ..."""
    height, width = shape[1], shape[2]
    return [f"pixel {r + 1},{c + 1}" for r in range(height) for c in range(width)]


def make_dataset(name: str, n_samples: int | None = None, noise: float | None = None,
                 seed: int = 0, **options) -> Dataset:
    """Build the built-in set ``name``; None for n_samples/noise means the set's default.

    Generated sets are deterministic for a given seed; the real tables and digits are
    fixed data (n_samples and noise must stay None for them).
    """
    entry = _REGISTRY.get(name)
    if entry is None:
        raise DataError(f"There is no built-in dataset called {name!r}. Choose one of: "
                        f"{', '.join(_REGISTRY)}.")
    info = entry.info
    if info.fixed_size:
        if n_samples is not None or noise is not None or options:
            raise DataError(f"'{name}' is fixed real data: leave n_samples, noise and other "
                            f"options unset (split it with split_dataset instead).")
        if info.name == "digits":
            X, y = images.digits()
            return Dataset(X, y, _CLS, pixel_names(X.shape), [str(d) for d in range(10)],
                           ["Loaded 1797 handwritten digits (8 x 8 pixels, scaled to 0..1) "
                            "from the UCI optdigits test set (CC BY 4.0)."], "digits", "image")
        return entry.build()
    n_samples = info.default_samples if n_samples is None else n_samples
    noise = info.default_noise if noise is None else noise
    _check_size(name, n_samples, noise)
    rng = np.random.default_rng(seed)
    if info.kind == "sequence":
        _check_options(name, sequences.windows, options, ("name", "n_samples", "noise", "rng"))
        X, y = sequences.windows(name, int(n_samples), float(noise), rng, **options)
        return Dataset(X.astype(np.float32), y.astype(np.float32), _REG, ["value"], None,
                       [f"Generated {n_samples} windows of {X.shape[1]} steps "
                        f"('{name}', noise {noise}, seed {seed})."], name, "sequence")
    _check_options(name, entry.build, options, ("n_samples", "noise", "rng"))
    X, y = entry.build(int(n_samples), float(noise), rng, **options)
    report = [f"Generated {n_samples} samples of '{name}' (noise {noise}, seed {seed})."]
    if info.kind == "image":
        names = list(images.SHAPE_NAMES[:options.get("n_classes", 4)])
        return Dataset(X, y, _CLS, pixel_names(X.shape), names, report, name, "image")
    features = ["x1", "x2"] if info.kind == "points2d" else ["x"]
    if info.task == _REG:
        return Dataset(X.astype(np.float32), y.astype(np.float32), _REG, features, None,
                       report, name, info.kind)
    n_classes = options.get("n_classes", 3) if name in ("blobs", "spiral_multi") else 2
    class_names = [f"class {k}" for k in range(n_classes)]
    return Dataset(X.astype(np.float32), y.astype(np.int64), _CLS, features, class_names,
                   report, name, info.kind)
