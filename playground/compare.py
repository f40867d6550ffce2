"""Runs of one experiment side by side: the same data and seed, some settings changed.

    configs, notes = lane_configs(cfg, "learning_rate=0.3&optimizer=adam")   # A and B
    comparison = run_lanes(configs, epochs=50)
    comparison.lanes["B"].snapshot.history["loss"]                          # per epoch

Each lane is its own TrainingSession (no Streamlit), trained to the same epoch count (or
for at most ``seconds`` each): an optimiser race is ``run_lanes`` with one lane per
optimiser. Nothing here touches the page's live session or its stream.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from playground.config import (
    FIELDS,
    ExperimentConfig,
    changed_fields,
    field_spec,
    from_query_params,
)
from playground.config.parsing import format_value
from playground.snapshot import Snapshot
from playground.training import TrainingSession

MAX_LANES = 4
MAX_EPOCHS = 2000
CHANGE_SEPARATORS = re.compile(r"[&;\n]+")


@dataclass(frozen=True)
class Lane:
    """One run: its settings and what it ended with (or why it could not run)."""

    name: str                      # "A", "B", ... or e.g. "adam" in an optimiser race
    config: ExperimentConfig
    snapshot: Snapshot | None      # after training; None if the run could not start
    error: str = ""                # plain message when snapshot is None


@dataclass(frozen=True)
class Comparison:
    """The lanes in order, and the settings in which they differ.

    differences: (setting label, the value in each lane as text, in lane order), one row
    per setting that is not the same in every lane (table order of the settings).
    """

    lanes: dict[str, Lane]
    differences: list[tuple[str, list[str]]] = field(default_factory=list)
    epochs: int = 0                # epochs each lane was asked to train


def parse_changes(text: str) -> dict[str, str]:
    """"learning_rate=0.3&optimizer=adam" (also ";" or new lines between) -> name -> text.
    Raises ValueError with a plain message for a part without "=" or a setting twice."""
    changes: dict[str, str] = {}
    for part in CHANGE_SEPARATORS.split(str(text or "")):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise ValueError(f"'{part}' is not a change: write setting=value, e.g. "
                             f"learning_rate=0.3, and separate changes with &.")
        name, value = (piece.strip() for piece in part.split("=", 1))
        if name in changes:
            raise ValueError(f"The setting '{name}' is changed twice; keep one value.")
        changes[name] = value
    return changes


def lane_configs(base: ExperimentConfig, changes: str | Mapping[str, str]
                 ) -> tuple[dict[str, ExperimentConfig], list[str]]:
    """({"A": base, "B": base with the changes}, notes on values that were ignored or fixed,
    as for a shared link). Raises ValueError (plain) when nothing would differ."""
    values = parse_changes(changes) if isinstance(changes, str) else dict(changes)
    other, notes = from_query_params(values, base=base)
    if not changed_fields(base, other):
        raise ValueError("Run B would be the same as run A: change at least one setting, "
                         "e.g. learning_rate=0.3 or optimizer=adam.")
    return {"A": base, "B": other}, notes


def differences(configs: Mapping[str, ExperimentConfig]) -> list[tuple[str, list[str]]]:
    """(setting label, value per lane) for every setting that differs between lanes."""
    lanes = list(configs.values())
    names = []
    for cfg in lanes[1:]:
        names += [n for n in changed_fields(lanes[0], cfg) if n not in names]
    order = [s.name for s in FIELDS if s.name in names]
    return [(field_spec(n).label, [format_value(field_spec(n), getattr(c, n)) or "(none)"
                                   for c in lanes]) for n in order]


def run_lanes(configs: Mapping[str, ExperimentConfig], epochs: int,
              csv_bytes: bytes | None = None, csv_name: str = "uploaded.csv",
              seconds: float | None = None) -> Comparison:
    """Train one fresh TrainingSession per config for ``epochs`` epochs (each stops early
    after ``seconds`` if given; its snapshot says how far it got). A config that cannot
    run (ExperimentError / DataError) gives a lane with its message instead."""
    if not 1 <= len(configs) <= MAX_LANES:
        raise ValueError(f"Compare 1 to {MAX_LANES} runs; got {len(configs)}.")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or \
            not 1 <= epochs <= MAX_EPOCHS:
        raise ValueError(f"epochs must be a whole number from 1 to {MAX_EPOCHS}, not "
                         f"{epochs!r}.")
    lanes = {}
    for name, cfg in configs.items():
        try:
            session = TrainingSession(cfg, csv_bytes=csv_bytes, csv_name=csv_name)
            if seconds is None:
                snapshot = session.step_epochs(epochs)
            else:
                session.train_for(seconds, max_epochs=epochs)
                snapshot = session.snapshot()
            lanes[name] = Lane(name, cfg, snapshot)
        except ValueError as error:                     # ExperimentError, DataError
            lanes[name] = Lane(name, cfg, None, f"Run {name} could not start: {error}")
    return Comparison(lanes, differences(configs), epochs)
