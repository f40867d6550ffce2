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

# ----- limits checked before anything is parsed ---------------------------------------------
# The longest valid value is "hide" naming every control, panel and view (about 550
# characters, 53 names; a test checks it fits); a longer setting is refused at once, before
# it is split and parsed (a 100 kB list once kept the server busy for half a minute, and
# every bad entry gave a message).
MAX_VALUE_CHARS = 2_000
MAX_LIST_ITEMS = 100            # entries in a list setting
MAX_MESSAGES = 20               # messages kept per config read; then one line says how many more
MAX_EXPERIMENT_BYTES = 100_000  # an experiment file is about 1 KB
MAX_JSON_DEPTH = 10             # a flat object of settings with list values is depth 2

# ----- parsing text (URL, CLI) and JSON values ----------------------------------------------
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


class _Notes:
    """Where parse_value reports what it fixed: a message "problem; what was done." or, in
    strict mode (CLI flags), a ValueError saying only the problem."""

    def __init__(self, messages: list[str], strict: bool):
        self.messages, self.strict = messages, strict

    def fix(self, problem: str, action: str) -> None:
        if self.strict:
            raise ValueError(f"{problem}.")
        self.messages.append(f"{problem}; {action}.")


def _clamp(spec: FieldSpec, value, what: str, notes: _Notes):
    low, high = spec.minimum, spec.maximum
    kind_cast = int if spec.kind in ("int", "int_list") else float
    if low is not None and value < low:
        notes.fix(f"{what} {number_text(value)} is below the minimum {number_text(low)}",
                  f"using {number_text(low)}")
        return kind_cast(low)
    if high is not None and value > high:
        notes.fix(f"{what} {number_text(value)} is above the maximum {number_text(high)}",
                  f"using {number_text(high)}")
        return kind_cast(high)
    return value


def _parse_int(raw, what: str, notes: _Notes) -> int | None:
    """An int from text or a JSON number; None if it is not one (a note if it is rounded)."""
    if isinstance(raw, bool):
        return None
    try:
        number = float(raw) if isinstance(raw, str) else raw
        if not isinstance(number, (int, float)) or not math.isfinite(number):
            return None
    except (TypeError, ValueError, OverflowError):
        return None
    if number != int(number):
        notes.fix(f"{what} {raw} is not a whole number", f"using {round(number)}")
    return int(round(number))


def _split_list(raw) -> list | None:
    if isinstance(raw, (list, tuple)):
        return list(raw)
    if isinstance(raw, str):
        text = raw.strip().strip("[]")
        return [] if not text.strip() else [part.strip() for part in text.split(",")]
    return None


def _storable(text: str) -> bool:
    """False for text that cannot be written as UTF-8 (a lone surrogate such as "\\ud800"
    from a JSON escape): it could be neither shown, nor saved, nor put in a link."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refusal(spec: FieldSpec, raw) -> str | None:
    """Why ``raw`` is refused before it is parsed (too long, unstorable text), or None."""
    name = spec.name
    if isinstance(raw, str):
        if len(raw) > MAX_VALUE_CHARS:
            return f"{name} is {len(raw):,} characters long, more than the {MAX_VALUE_CHARS:,} " \
                   f"allowed"
        if not _storable(raw):
            return f"{name} holds a broken character (text that cannot be stored)"
    elif isinstance(raw, (list, tuple)):
        if len(raw) > MAX_LIST_ITEMS:
            return f"{name} has {len(raw):,} entries, more than the {MAX_LIST_ITEMS} allowed"
        if sum(len(item) for item in raw if isinstance(item, str)) > MAX_VALUE_CHARS:
            return f"{name} is more than {MAX_VALUE_CHARS:,} characters long"
        if not all(_storable(item) for item in raw if isinstance(item, str)):
            return f"{name} holds a broken character (text that cannot be stored)"
    return None


def parse_value(spec: FieldSpec, raw, messages: list[str], strict: bool = False):
    """Turn ``raw`` (URL/CLI text or a JSON value) into a valid value for ``spec``.

    Out-of-range numbers are clamped and list entries that make no sense dropped, each with
    a message appended to ``messages``; a value that cannot be read at all, is longer than
    MAX_VALUE_CHARS or holds text that cannot be stored gives the default (with a message).
    Never raises, unless ``strict``: then the first problem raises ValueError saying what is
    wrong (nothing is fixed; the command line uses this).
    """
    notes = _Notes(messages, strict)
    name = spec.name
    default_text = f"using the default {format_value(spec, spec.default) or '(empty)'}"
    refused = _refusal(spec, raw)
    if refused:
        notes.fix(refused, default_text)
        return spec.default
    unreadable = f"{name} {raw!r} could not be read as {_KIND_WORDS[spec.kind]}"
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        notes.fix(unreadable, default_text)
        return spec.default
    if spec.kind == "int":
        value = _parse_int(raw, name, notes)
        if value is None:
            notes.fix(unreadable, default_text)
            return spec.default
        return _clamp(spec, value, name, notes)
    if spec.kind == "float":
        try:
            value = float(raw) if not isinstance(raw, bool) else None
        except (TypeError, ValueError, OverflowError):
            value = None
        if value is None or not math.isfinite(value):
            notes.fix(unreadable, default_text)
            return spec.default
        return _clamp(spec, value, name, notes)
    if spec.kind == "choice":
        text = str(raw).strip()
        lowered = {str(c).lower(): c for c in spec.choices}
        if text.lower() in lowered:
            return lowered[text.lower()]
        notes.fix(f"{name} {text!r} is not one of {', '.join(map(str, spec.choices))}",
                  f"using the default {spec.default!r}")
        return spec.default
    if spec.kind == "str":
        if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
            notes.fix(unreadable, default_text)
            return spec.default
        text = str(raw)
        if len(text) > MAX_STR_LENGTH:
            notes.fix(f"{name} is longer than {MAX_STR_LENGTH} characters", "cut it short")
            text = text[:MAX_STR_LENGTH]
        return text
    items = _split_list(raw)
    if items is None:
        notes.fix(unreadable, default_text)
        return spec.default
    values: list = []
    lowered = {str(c).lower(): c for c in spec.choices}
    for item in items:
        if spec.kind == "int_list":
            number = _parse_int(item, f"{name} entry", notes)
            if number is None:
                notes.fix(f"{name} entry {item!r} is not a whole number", "left it out")
                continue
            values.append(_clamp(spec, number, f"{name} entry", notes))
        else:
            key = str(item).strip().lower()
            if key not in lowered:
                notes.fix(f"{name} entry {item!r} is not {one_of(spec)}", "left it out")
            elif lowered[key] in values:
                notes.fix(f"{name} lists {item!r} twice", "kept it once")
            else:
                values.append(lowered[key])
    if spec.max_items and len(values) > spec.max_items:
        notes.fix(f"{name} has {len(values)} entries, more than the {spec.max_items} "
                  f"allowed", "dropped the extra ones")
        values = values[:spec.max_items]
    if len(values) < spec.min_items:
        notes.fix(f"{name} needs at least {spec.min_items} entry", default_text)
        return spec.default
    return tuple(values)


def parse_flag(spec: FieldSpec, raw):
    """``raw`` text as a valid value for ``spec``, or ValueError saying what is wrong (no
    default, no clamping: for command-line flags, where the user can simply retype)."""
    return parse_value(spec, raw, [], strict=True)


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
            shown = key if len(str(key)) <= 40 else str(key)[:37] + "..."
            messages.append(f"Ignored the unknown {source} {shown!r}.")
            continue
        parsed[key] = parse_value(_BY_NAME[key], raw, messages)
    if len(messages) > MAX_MESSAGES:
        more = len(messages) - MAX_MESSAGES + 1
        messages[MAX_MESSAGES - 1:] = [f"... and {more:,} more problems like these."]
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

    A file that is not JSON, not a JSON object, larger than MAX_EXPERIMENT_BYTES or nested
    deeper than MAX_JSON_DEPTH raises ValueError with a plain message (so the caller can
    keep the experiment it has); the size and depth are checked before it is parsed.
    Anything inside the object is fixed up with messages, never raised.
    """
    if len(text) > MAX_EXPERIMENT_BYTES:
        raise ValueError(f"The experiment file is {len(text):,} bytes long; one saved by the "
                         f"playground is about 1 KB (at most {MAX_EXPERIMENT_BYTES:,} bytes are "
                         "read). Choose a .json file saved by the playground.")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("The experiment file is not text (UTF-8); "
                             "choose a .json file saved by the playground.") from None
    depth = _nesting_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ValueError(f"The experiment file nests lists or objects {depth:,} deep; "
                         f"settings are at most {MAX_JSON_DEPTH} deep. Choose a .json file "
                         "saved by the playground.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"The experiment file is not valid JSON (line {error.lineno}, "
                         f"column {error.colno}: {error.msg}); choose a .json file saved by "
                         "the playground.") from None
    except RecursionError:           # the depth check above should already have said so
        raise ValueError("The experiment file nests lists or objects too deep; choose a "
                         ".json file saved by the playground.") from None
    if not isinstance(data, dict):
        raise ValueError("The experiment file must hold a JSON object of settings such as "
                         '{"dataset": "spiral", "learning_rate": 0.03}.')
    return config_from_values(data, source="setting")


def _nesting_depth(text: str) -> int:
    """How deep lists and objects nest in JSON ``text`` (brackets inside strings ignored).
    One pass, no recursion, no regular expression (a backtracking one is quadratic on
    unclosed strings); about 10 ms for MAX_EXPERIMENT_BYTES."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest
