"""The typed experiment config: ``ExperimentConfig``, its checks and the dataset-change rule.

Every field and default comes from the table in fields.py (checked at import).
``ExperimentConfig(...)`` raises ``ValueError`` on a bad value (code that builds configs
directly should be told at once); reading text and JSON without raising is parsing.py's job.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from playground.config.fields import (
    FIELDS,
    LOSSES_BY_TASK,
    MAX_STR_LENGTH,
    MODEL_KINDS,
    FieldSpec,
    one_of,
)
from playground.data import MODEL_KINDS_FOR_KIND, dataset_info

_BY_NAME = {spec.name: spec for spec in FIELDS}

# ----- checking a single value -----------------------------------------------------------
def number_text(x: float) -> str:
    """A number as messages show it: 0.03, 1e-05, 256."""
    return f"{x:g}"


def _check_number(spec: FieldSpec, value, what: str) -> str | None:
    """A reason ``value`` is out of range, or None."""
    if spec.minimum is not None and value < spec.minimum:
        return f"{what} {number_text(value)} is below the minimum {number_text(spec.minimum)}"
    if spec.maximum is not None and value > spec.maximum:
        return f"{what} {number_text(value)} is above the maximum {number_text(spec.maximum)}"
    return None


def check_value(spec: FieldSpec, value) -> str | None:
    """Why ``value`` is not valid for ``spec`` in plain words, or None if it is valid."""
    name = spec.name
    if spec.kind == "bool":
        return None if isinstance(value, bool) else f"{name} must be true or false"
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{name} must be a whole number, not {value!r}"
        return _check_number(spec, value, name)
    if spec.kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{name} must be a number, not {value!r}"
        if not math.isfinite(value):
            return f"{name} must be a finite number, not {value!r}"
        return _check_number(spec, value, name)
    if spec.kind == "choice":
        if value not in spec.choices:
            return f"{name} {value!r} is not one of {', '.join(map(str, spec.choices))}"
        return None
    if spec.kind == "str":
        if not isinstance(value, str):
            return f"{name} must be text"
        return None if len(value) <= MAX_STR_LENGTH else \
            f"{name} is longer than {MAX_STR_LENGTH} characters"
    # lists
    if not isinstance(value, tuple):
        return f"{name} must be a list"
    if len(value) < spec.min_items:
        return f"{name} needs at least {spec.min_items} item(s)"
    if spec.max_items and len(value) > spec.max_items:
        return f"{name} has {len(value)} items; the most allowed is {spec.max_items}"
    for item in value:
        if spec.kind == "int_list":
            if isinstance(item, bool) or not isinstance(item, int):
                return f"{name} must hold whole numbers, not {item!r}"
            problem = _check_number(spec, item, f"{name} entry")
            if problem:
                return problem
        elif item not in spec.choices:
            return f"{name} entry {item!r} is not {one_of(spec)}"
    if spec.kind == "choice_list" and len(set(value)) != len(value):
        return f"{name} lists an entry twice"
    return None


@dataclass(frozen=True)
class ExperimentConfig:
    """Every setting of one experiment; defaults and checks come from ``FIELDS``.

    Lists are stored as tuples (so configs are hashable and comparable). Building one with a
    bad value raises ValueError saying which value and what is allowed.
    """

    dataset: str = _BY_NAME["dataset"].default
    n_samples: int = _BY_NAME["n_samples"].default
    noise: float = _BY_NAME["noise"].default
    data_seed: int = _BY_NAME["data_seed"].default
    validation_fraction: float = _BY_NAME["validation_fraction"].default
    test_fraction: float = _BY_NAME["test_fraction"].default
    scaling: str = _BY_NAME["scaling"].default
    csv_target: str = _BY_NAME["csv_target"].default
    csv_task: str = _BY_NAME["csv_task"].default
    missing: str = _BY_NAME["missing"].default
    features: tuple[str, ...] = _BY_NAME["features"].default
    model_kind: str = _BY_NAME["model_kind"].default
    hidden_layers: tuple[int, ...] = _BY_NAME["hidden_layers"].default
    activation: str = _BY_NAME["activation"].default
    layer_activations: tuple[str, ...] = _BY_NAME["layer_activations"].default
    dropout: float = _BY_NAME["dropout"].default
    conv_filters: tuple[int, ...] = _BY_NAME["conv_filters"].default
    rnn_units: int = _BY_NAME["rnn_units"].default
    loss: str = _BY_NAME["loss"].default
    optimizer: str = _BY_NAME["optimizer"].default
    learning_rate: float = _BY_NAME["learning_rate"].default
    batch_size: int = _BY_NAME["batch_size"].default
    regularization: str = _BY_NAME["regularization"].default
    regularization_rate: float = _BY_NAME["regularization_rate"].default
    seed: int = _BY_NAME["seed"].default
    epochs: int = _BY_NAME["epochs"].default
    discretize: bool = _BY_NAME["discretize"].default
    show_test: bool = _BY_NAME["show_test"].default
    log_scale: bool = _BY_NAME["log_scale"].default
    example: int = _BY_NAME["example"].default
    slice_x: str = _BY_NAME["slice_x"].default
    slice_y: str = _BY_NAME["slice_y"].default
    view: str = _BY_NAME["view"].default
    hide: tuple[str, ...] = _BY_NAME["hide"].default

    def __post_init__(self):
        for spec in FIELDS:
            value = getattr(self, spec.name)
            if spec.is_list and isinstance(value, list):
                value = tuple(value)
                object.__setattr__(self, spec.name, value)
            elif spec.kind == "float" and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
                object.__setattr__(self, spec.name, value)
            problem = check_value(spec, value)
            if problem:
                raise ValueError(f"Invalid setting: {problem}.")
        if self.validation_fraction + self.test_fraction > 0.8:
            raise ValueError("Invalid setting: validation_fraction + test_fraction is above "
                             "0.8, which leaves too little data to train on; lower one of them.")

    def activation_for(self, layer_index: int) -> str:
        """The activation of hidden layer ``layer_index`` (per-layer entry or the default)."""
        if layer_index < len(self.layer_activations):
            return self.layer_activations[layer_index]
        return self.activation

    def replace(self, **changes) -> ExperimentConfig:
        """A copy with some settings changed (checked like the constructor)."""
        return dataclasses.replace(self, **changes)


_config_names = [f.name for f in dataclasses.fields(ExperimentConfig)]
assert _config_names == [s.name for s in FIELDS], "ExperimentConfig and FIELDS disagree"
assert all(f.default == _BY_NAME[f.name].default for f in dataclasses.fields(ExperimentConfig))
del _config_names


def default_config() -> ExperimentConfig:
    return ExperimentConfig()


def changed_fields(old: ExperimentConfig, new: ExperimentConfig) -> list[str]:
    """Names of the settings that differ between two configs, in table order."""
    return [s.name for s in FIELDS if getattr(old, s.name) != getattr(new, s.name)]




# The default network for a table (a CSV file, iris, tips) differs from the default for
# 2-D points in one setting: an L2 weight penalty. Without it the 4-2 network overfits a
# table's few hundred noisy rows: on scikit-learn's diabetes table its 5-fold validation
# R² falls from 0.48 at epoch 20 to 0.36 at epoch 200 (0.49 at 200 with the penalty;
# breast cancer and wine as accurate as without); tests/data/test_uci_tables.py.
TABLE_DEFAULTS = {"regularization": "l2", "regularization_rate": 0.01}


def is_table(dataset: str) -> bool:
    """True for an uploaded CSV file and the built-in tables."""
    info = dataset_info(dataset)
    return dataset == "csv" or (info is not None and info.kind == "table")


def fit_to_dataset(old: ExperimentConfig, new: ExperimentConfig,
                   keep: tuple[str, ...] = ()) -> ExperimentConfig:
    """``new`` with a loss and network type that fit its dataset, if the dataset changed.

    A loss the new data's task cannot use goes back to "auto"; a change to another kind of
    data (points, table, image, sequence) picks that kind's natural network type. Moving
    to a table from other data turns on the table's weight penalty (``TABLE_DEFAULTS``)
    unless a penalty is already chosen; moving away turns it off if it is still the
    table's. Settings named in ``keep`` (chosen explicitly, e.g. on the command line) are
    left alone.
    """
    if new.dataset == old.dataset:
        return new
    info, old_info = dataset_info(new.dataset), dataset_info(old.dataset)
    changes = {}
    if info is not None:
        if new.loss not in LOSSES_BY_TASK[info.task] and "loss" not in keep:
            changes["loss"] = "auto"
        if (old_info is None or old_info.kind != info.kind) and "model_kind" not in keep:
            changes["model_kind"] = info.natural_model
    changes.update(_table_defaults(old, new, keep))
    return new.replace(**changes) if changes else new


def _table_defaults(old: ExperimentConfig, new: ExperimentConfig,
                    keep: tuple[str, ...]) -> dict:
    """The weight-penalty settings to change when the data becomes, or stops being, a table."""
    if is_table(new.dataset) == is_table(old.dataset) or set(TABLE_DEFAULTS) & set(keep):
        return {}
    if is_table(new.dataset):        # no penalty chosen yet: the table's
        return dict(TABLE_DEFAULTS) if new.regularization == "none" else {}
    if all(getattr(new, name) == value for name, value in TABLE_DEFAULTS.items()):
        return {name: _BY_NAME[name].default for name in TABLE_DEFAULTS}
    return {}


assert all(set(kinds) <= set(MODEL_KINDS) for kinds in MODEL_KINDS_FOR_KIND.values())
