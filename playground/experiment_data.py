"""From an ExperimentConfig to the arrays a model trains on: load, split, cross, scale.

The one pipeline used for training, evaluation and the decision-boundary grid, so the grid
goes through exactly the same feature crosses and scaler as the training data. The scalers
are fitted on the training split only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from playground import data as pdata
from playground.config import ExperimentConfig
from playground.data import Dataset
from playground.data.splits import split_indices

SPLIT_NAMES = ("train", "validation", "test")


class ExperimentError(ValueError):
    """A config that cannot run on this data; the message says what to change."""


@dataclass
class SplitArrays:
    """One split in every form the session needs.

    X_original: inputs as loaded (points2d: (n, 2); table: (n, features); image:
        (n, h, w, c); sequence: (n, time, features)), before feature crosses; a table's
        gaps filled with the values fitted on the training split.
    X: the model's input, crossed and scaled, float32, same layout (points2d: (n, crosses)).
    y_original: the targets as loaded: int labels (n,) or float (n,) / (n, outputs).
    y: the model's target: classification int (n,); regression float32 (n, outputs), scaled.
    labels: an autoencoder on labelled data: the (n,) int classes it is not trained on
        (for colouring its pictures); else None.
    """

    X_original: np.ndarray
    X: np.ndarray
    y_original: np.ndarray
    y: np.ndarray
    labels: np.ndarray | None = None
    X_raw: np.ndarray | None = None   # a table with gaps: X_original before filling (NaN)

    def __len__(self) -> int:
        return len(self.y)


@dataclass
class PreparedData:
    """A dataset ready to train on, plus the fitted pipeline to send new points through."""

    dataset: Dataset                 # the whole dataset as loaded (original units)
    splits: dict[str, SplitArrays]   # "train", "validation", "test"; empty splits left out
    feature_names: list[str]         # names of the model's input columns (after crosses)
    crosses: tuple[str, ...] | None  # the selected feature crosses (points2d only)
    scaler: object                   # playground.data.Scaler fitted on the training inputs
    target_mean: np.ndarray | None   # regression: per-output train mean used to scale y
    target_std: np.ndarray | None    # regression: per-output train std (1 where constant)
    autoencoder: bool = False        # the target is the (flattened) model input itself
    # tables: gap fill values and seen categories, fitted on the training split (or None)
    imputer: pdata.TableImputer | None = None
    report: list[str] = field(default_factory=list)   # what was fitted, in plain words

    @property
    def task(self) -> str:
        return "regression" if self.autoencoder else self.dataset.task

    @property
    def kind(self) -> str:
        return self.dataset.kind

    @property
    def class_names(self) -> list[str] | None:
        return self.dataset.class_names

    @property
    def n_outputs(self) -> int:
        """Network outputs: classes (1 for binary), or regression targets."""
        if self.autoencoder:
            return int(np.prod(self.input_shape))
        if self.task == "classification":
            return 1 if self.dataset.n_classes == 2 else self.dataset.n_classes
        y = self.dataset.y
        return 1 if y.ndim == 1 else int(y.shape[1])

    @property
    def unused_columns(self) -> set[str]:
        """A table's columns dropped on the training rows (e.g. constant there): in the
        dataset's X, but not among the network's inputs."""
        if self.imputer is None:
            return set()
        return {c.name for c, why in zip(self.imputer.columns, self.imputer.dropped) if why}

    @property
    def one_input_regression(self) -> bool:
        """One input column to one number (line, sine, a one-column CSV): the data a fitted
        curve (and, for a linear model, a fitted line) can be drawn for."""
        X = self.dataset.X
        return self.task == "regression" and not self.autoencoder and X.ndim == 2 and \
            X.shape[1] == 1 and self.n_outputs == 1

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.splits["train"].X.shape[1:])

    def crossed(self, X_original: np.ndarray) -> np.ndarray:
        """Feature crosses (points2d) or the inputs unchanged: (n, 2) -> (n, crosses).
        A table's gaps are filled and its unseen categories dropped (``imputer``):
        (n, dataset features) -> (n, model features)."""
        if self.imputer is not None:
            return self.imputer.model_columns(self.imputer.transform(X_original))
        if self.crosses is None:
            return X_original
        X_new, _ = pdata.add_feature_crosses(X_original, list(self.crosses))
        return X_new

    def model_input(self, X_original: np.ndarray) -> np.ndarray:
        """Original-unit inputs -> the model's input (crossed, scaled, float32)."""
        return np.asarray(self.scaler.transform(self.crossed(X_original)), dtype=np.float32)

    def target_to_original(self, y_scaled: np.ndarray) -> np.ndarray:
        """Regression network outputs (n, outputs) -> original units, shaped like the data's y."""
        if self.autoencoder:
            shaped = y_scaled.reshape((len(y_scaled),) + self.input_shape)
            return np.asarray(self.scaler.inverse_transform(shaped)).reshape(len(y_scaled), -1)
        y = y_scaled * self.target_std + self.target_mean if self.target_mean is not None \
            else y_scaled
        return y[:, 0] if self.dataset.y.ndim == 1 else y


def load_dataset(cfg: ExperimentConfig, csv_bytes: bytes | None = None,
                 csv_name: str = "uploaded.csv") -> Dataset:
    """The dataset the config names (raises DataError / ExperimentError with a plain message).
    csv_name: the uploaded file's name, for the report."""
    if cfg.dataset == "csv":
        if csv_bytes is None:
            raise ExperimentError("The dataset is set to 'csv' but no file was uploaded; "
                                  "upload a CSV file or pick a built-in dataset.")
        return pdata.load_csv(csv_bytes, target=cfg.csv_target or None,
                              task=None if cfg.csv_task == "auto" else cfg.csv_task,
                              missing=cfg.missing, name=csv_name)
    info = pdata.dataset_info(cfg.dataset)
    # real tables and images have a fixed size and no noise: samples/noise do not apply
    n_samples = None if info.fixed_size else (cfg.n_samples or None)
    noise = cfg.noise if info.takes_noise else None
    return pdata.make_dataset(cfg.dataset, n_samples=n_samples, noise=noise,
                              seed=cfg.data_seed)


def prepare(cfg: ExperimentConfig, dataset: Dataset,
            split_index: dict[str, np.ndarray] | None = None) -> PreparedData:
    """Split (seeded by data_seed), cross, and scale with statistics of the train split.
    split_index: "train"/"validation"/"test" -> rows of ``dataset`` to use instead of the
    seeded split (a cross-validation fold)."""
    if len(dataset.y) < 3:
        raise ExperimentError(f"The dataset has only {len(dataset.y)} examples; "
                              "at least 3 are needed to train and check a network.")
    if split_index is None:
        split_index = split_indices(dataset, cfg.validation_fraction, cfg.test_fraction,
                                    cfg.data_seed)
    raw = {name: dataset.subset(split_index[name]) for name in SPLIT_NAMES}
    use_crosses = dataset.kind == "points2d" and dataset.X.ndim == 2 and dataset.X.shape[1] == 2
    crosses = tuple(cfg.features) if use_crosses else None
    imputer, report = None, []
    if crosses is not None:
        _, feature_names = pdata.add_feature_crosses(dataset.X[:1], list(crosses))
        feature_names = list(feature_names)
    elif dataset.columns is not None:
        # gap fill values and categories: from the training rows alone
        # gap fill values, categories, and which columns are used at all
        imputer = pdata.TableImputer(dataset.columns, _fill_strategy(dataset.missing),
                                     dataset.max_categories)
        imputer.fit(raw["train"].X)
        report = imputer.report({name: imputer.missing_counts(raw[name].X)
                                 for name in SPLIT_NAMES if len(raw[name].y)})
        if not imputer.used_columns:
            raise ExperimentError(
                "No input column is left to learn from in the training rows: "
                + " ".join(report[:5]) + " Add columns that could explain the target.")
        feature_names = imputer.feature_names(list(dataset.feature_names))
    else:
        feature_names = list(dataset.feature_names)

    def crossed(X: np.ndarray) -> np.ndarray:      # -> the model's columns, unscaled
        if imputer is not None:
            return imputer.model_columns(imputer.transform(X))
        return _crossed(X, crosses)

    train_crossed = crossed(raw["train"].X)
    scaler = pdata.Scaler(cfg.scaling).fit(train_crossed)
    target_mean = target_std = None
    if dataset.task == "regression" and cfg.scaling != "none":
        y_train = _as_2d(raw["train"].y)
        target_mean = y_train.mean(axis=0)
        std = y_train.std(axis=0)
        target_std = np.where(std > 1e-12, std, 1.0)

    splits = {}
    for name in SPLIT_NAMES:
        part = raw[name]
        if part is None or len(part.y) == 0:
            continue
        X_model = np.asarray(scaler.transform(crossed(part.X)), dtype=np.float32)
        X_loaded, X_raw = part.X, None
        if imputer is not None and np.isnan(part.X).any():
            X_loaded, X_raw = imputer.transform(part.X), part.X
        if dataset.task == "classification":
            y_model = np.asarray(part.y, dtype=np.int64)
        else:
            y_model = _as_2d(part.y)
            if target_mean is not None:
                y_model = (y_model - target_mean) / target_std
            y_model = y_model.astype(np.float32)
        if cfg.model_kind == "autoencoder":   # rebuild the (crossed) inputs themselves
            y_original = crossed(part.X).reshape(len(part.y), -1)
            labels = np.asarray(part.y, dtype=np.int64) \
                if dataset.task == "classification" else None
            splits[name] = SplitArrays(X_loaded, X_model, y_original,
                                       X_model.reshape(len(part.y), -1), labels, X_raw)
        else:
            splits[name] = SplitArrays(X_loaded, X_model, part.y, y_model, X_raw=X_raw)
    if "train" not in splits:
        raise ExperimentError("The training split is empty; lower the validation and test "
                              "shares or use more samples.")
    if cfg.model_kind == "autoencoder":
        target_mean = target_std = None
    return PreparedData(dataset, splits, feature_names, crosses, scaler,
                        None if target_mean is None else target_mean.astype(np.float32),
                        None if target_std is None else target_std.astype(np.float32),
                        autoencoder=cfg.model_kind == "autoencoder", imputer=imputer,
                        report=report)


def _fill_strategy(missing: str) -> str:
    """The imputer's strategy for the config's 'missing' ("drop" leaves no gaps to fill)."""
    return "mean" if missing == "drop" else missing


def _crossed(X: np.ndarray, crosses: tuple[str, ...] | None) -> np.ndarray:
    if crosses is None:
        return X
    X_new, _ = pdata.add_feature_crosses(X, list(crosses))
    return X_new


def _as_2d(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    return y[:, None] if y.ndim == 1 else y
