"""Reading and writing configs as text: URL query parameters, CLI flag values and JSON.

Parsing never guesses silently and never raises for a bad value: ``from_query_params``,
``from_json`` and ``config_from_values`` return the config plus a list of plain-language
messages for every value that was ignored, clamped or replaced by its default.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from playground.config.experiment import ExperimentConfig, number_text
from playground.config.fields import FIELDS, MAX_STR_LENGTH, FieldSpec, one_of

_BY_NAME = {spec.name: spec for spec in FIELDS}

# ----- parsing text (URL, CLI) and JSON values ----------------------------------------------
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


def _clamp(spec: FieldSpec, value, what: str, messages: list[str]):
    low, high = spec.minimum, spec.maximum
    kind_cast = int if spec.kind in ("int", "int_list") else float
    if low is not None and value < low:
        messages.append(f"{what} {number_text(value)} is below the minimum "
                        f"{number_text(low)}; using {number_text(low)}.")
        return kind_cast(low)
    if high is not None and value > high:
        messages.append(f"{what} {number_text(value)} is above the maximum "
                        f"{number_text(high)}; using {number_text(high)}.")
        return kind_cast(high)
    return value


def _parse_int(raw, what: str, messages: list[str]) -> int | None:
    """An int from text or a JSON number; None (with a message) if it is not one."""
    if isinstance(raw, bool):
        return None
    try:
        number = float(raw) if isinstance(raw, str) else raw
        if not isinstance(number, (int, float)) or not math.isfinite(number):
            return None
    except (TypeError, ValueError):
        return None
    if number != int(number):
        messages.append(f"{what} {raw} is not a whole number; using {round(number)}.")
    return int(round(number))


def _split_list(raw) -> list | None:
    if isinstance(raw, (list, tuple)):
        return list(raw)
    if isinstance(raw, str):
        text = raw.strip().strip("[]")
        return [] if not text.strip() else [part.strip() for part in text.split(",")]
    return None


def parse_value(spec: FieldSpec, raw, messages: list[str]):
    """Turn ``raw`` (URL/CLI text or a JSON value) into a valid value for ``spec``.

    Out-of-range numbers are clamped and list entries that make no sense dropped, each with
    a message appended to ``messages``; a value that cannot be read at all gives the default
    (with a message). Never raises.
    """
    name = spec.name
    unreadable = (f"{name} {raw!r} could not be read as "
                  f"{_KIND_WORDS[spec.kind]}; "
                  f"using the default {format_value(spec, spec.default)}.")
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        messages.append(unreadable)
        return spec.default
    if spec.kind == "int":
        value = _parse_int(raw, name, messages)
        if value is None:
            messages.append(unreadable)
            return spec.default
        return _clamp(spec, value, name, messages)
    if spec.kind == "float":
        try:
            value = float(raw) if not isinstance(raw, bool) else None
        except (TypeError, ValueError):
            value = None
        if value is None or not math.isfinite(value):
            messages.append(unreadable)
            return spec.default
        return _clamp(spec, value, name, messages)
    if spec.kind == "choice":
        text = str(raw).strip()
        lowered = {str(c).lower(): c for c in spec.choices}
        if text.lower() in lowered:
            return lowered[text.lower()]
        messages.append(f"{name} {text!r} is not one of {', '.join(map(str, spec.choices))}; "
                        f"using the default {spec.default!r}.")
        return spec.default
    if spec.kind == "str":
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            messages.append(unreadable)
            return spec.default
        text = str(raw)
        if len(text) > MAX_STR_LENGTH:
            messages.append(f"{name} is longer than {MAX_STR_LENGTH} characters; cut it short.")
            text = text[:MAX_STR_LENGTH]
        return text
    items = _split_list(raw)
    if items is None:
        messages.append(unreadable)
        return spec.default
    values: list = []
    for item in items:
        if spec.kind == "int_list":
            number = _parse_int(item, f"{name} entry", messages)
            if number is None:
                messages.append(f"{name} entry {item!r} is not a whole number; left it out.")
                continue
            values.append(_clamp(spec, number, f"{name} entry", messages))
        else:
            lowered = {str(c).lower(): c for c in spec.choices}
            key = str(item).strip().lower()
            if key not in lowered:
                messages.append(f"{name} entry {item!r} is not {one_of(spec)}; left it out.")
            elif lowered[key] in values:
                messages.append(f"{name} lists {item!r} twice; kept it once.")
            else:
                values.append(lowered[key])
    if spec.max_items and len(values) > spec.max_items:
        messages.append(f"{name} has {len(values)} entries; the most allowed is "
                        f"{spec.max_items}, so the extra ones were dropped.")
        values = values[:spec.max_items]
    if len(values) < spec.min_items:
        messages.append(f"{name} needs at least {spec.min_items} entry; using the default "
                        f"{format_value(spec, spec.default)}.")
        return spec.default
    return tuple(values)


_KIND_WORDS = {"int": "a whole number", "float": "a number", "bool": "true or false",
               "choice": "a choice", "str": "text", "int_list": "a list of whole numbers",
               "choice_list": "a list of names"}


def format_value(spec: FieldSpec, value) -> str:
    """The text form of a value: URL parameter, CLI flag, messages. Lists as "8,8"."""
    if spec.is_list:
        return ",".join(str(v) for v in value)
    if spec.kind == "bool":
        return "true" if value else "false"
    if spec.kind == "float":
        return repr(float(value))
    return str(value)


def config_from_values(values: Mapping[str, Any], source: str = "setting",
                       base: ExperimentConfig | None = None
                       ) -> tuple[ExperimentConfig, list[str]]:
    """Build a config from name -> raw value; unknown names ignored, bad values fixed.

    Settings not in ``values`` come from ``base`` (the defaults when None). Returns the
    config and the messages (one per ignored, clamped or replaced value). Never raises.
    """
    base = ExperimentConfig() if base is None else base
    messages: list[str] = []
    parsed: dict[str, Any] = {}
    for key, raw in values.items():
        if key not in _BY_NAME:
            messages.append(f"Ignored the unknown {source} {key!r}.")
            continue
        parsed[key] = parse_value(_BY_NAME[key], raw, messages)
    total = parsed.get("validation_fraction", base.validation_fraction) + \
        parsed.get("test_fraction", base.test_fraction)
    if total > 0.8:
        messages.append("validation_fraction + test_fraction is above 0.8, leaving too little "
                        "data to train on; using the defaults 0.2 and 0.2.")
        parsed["validation_fraction"] = _BY_NAME["validation_fraction"].default
        parsed["test_fraction"] = _BY_NAME["test_fraction"].default
    return base.replace(**parsed), messages


# ----- URL query parameters -----------------------------------------------------------------
def to_query_params(cfg: ExperimentConfig, base: ExperimentConfig | None = None
                    ) -> dict[str, str]:
    """Only the settings that differ from ``base`` (default: the defaults), as text
    ("hidden_layers": "8,8"). A link that names a preset gives the preset as base."""
    return {s.name: format_value(s, getattr(cfg, s.name)) for s in FIELDS
            if getattr(cfg, s.name) != (s.default if base is None else getattr(base, s.name))}


def from_query_params(params: Mapping[str, Any], base: ExperimentConfig | None = None
                      ) -> tuple[ExperimentConfig, list[str]]:
    """Config from URL query parameters (values are text or lists of text; the last wins
    for single settings, a list setting may come as repeated keys).

    Settings the URL does not name come from ``base`` (a preset's config; the defaults when
    None). Unknown keys are ignored, out-of-range values clamped, unreadable values replaced
    by the default; each with a message. Never raises.
    """
    flat = {}
    for key, value in dict(params).items():
        if isinstance(value, (list, tuple)) and _BY_NAME.get(key, None) is not None \
                and not _BY_NAME[key].is_list:
            value = value[-1] if value else ""
        flat[str(key)] = value
    return config_from_values(flat, source="URL parameter", base=base)


# ----- JSON --------------------------------------------------------------------------------
def to_dict(cfg: ExperimentConfig) -> dict[str, Any]:
    """Every setting as plain JSON values (lists for tuples)."""
    return {s.name: list(getattr(cfg, s.name)) if s.is_list else getattr(cfg, s.name)
            for s in FIELDS}


def to_json(cfg: ExperimentConfig) -> str:
    """All settings (not only non-defaults) as an indented JSON object."""
    return json.dumps(to_dict(cfg), indent=2, ensure_ascii=False)


def from_json(text: str | bytes) -> tuple[ExperimentConfig, list[str]]:
    """Config from a JSON object of settings, with the same rules as ``from_query_params``.

    A file that is not JSON, or not a JSON object, raises ValueError with a plain message
    (so the caller can keep the experiment it has). Anything inside the object is fixed up
    with messages, never raised.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("The experiment file is not text (UTF-8); "
                             "choose a .json file saved by the playground.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"The experiment file is not valid JSON (line {error.lineno}, "
                         f"column {error.colno}: {error.msg}); choose a .json file saved by "
                         "the playground.") from None
    if not isinstance(data, dict):
        raise ValueError("The experiment file must hold a JSON object of settings such as "
                         '{"dataset": "spiral", "learning_rate": 0.03}.')
    return config_from_values(data, source="setting")
