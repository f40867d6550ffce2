"""Bad settings refused early and cheaply with one plain message: over-long values, text
that cannot be stored, deeply nested or huge experiment files."""
import json

import pytest

from playground import config
from playground.config import ExperimentConfig, field_spec, parsing

LIST_SETTINGS = ["hidden_layers", "conv_filters", "features", "layer_activations", "hide"]


@pytest.mark.parametrize("name", LIST_SETTINGS)
def test_a_100_kb_list_setting_gives_one_message_and_the_default(name):
    cfg, messages = config.from_query_params({name: "1," * 50_000, "learning_rate": "0.1"})
    assert getattr(cfg, name) == field_spec(name).default
    assert cfg.learning_rate == 0.1                       # the rest of the link still works
    spec = field_spec(name)
    default = config.format_value(spec, spec.default) or "(empty)"
    assert messages == [f"{name} is 100,000 characters long, more than the 2,000 allowed; "
                        f"using the default {default}."]


@pytest.mark.parametrize("name", LIST_SETTINGS)
def test_a_json_list_of_20_000_entries_gives_one_message(name):
    cfg, messages = config.from_json(json.dumps({name: [1] * 20_000}))
    assert getattr(cfg, name) == field_spec(name).default
    assert len(messages) == 1 and "20,000 entries" in messages[0]


def test_the_longest_valid_settings_fit_under_the_limits():
    spec = field_spec("hide")
    names = tuple(dict.fromkeys(spec.choices))          # every control, panel and view
    everything = config.format_value(spec, names)
    assert len(everything) < parsing.MAX_VALUE_CHARS
    assert len(names) <= parsing.MAX_LIST_ITEMS
    cfg, messages = config.from_query_params({"hide": everything})
    assert messages == [] and cfg.hide == names


def test_many_problems_are_summed_up_not_listed_one_by_one():
    values = {f"unknown_{i}": 1 for i in range(5_000)}
    _, messages = config.from_json(json.dumps(values))
    assert len(messages) == parsing.MAX_MESSAGES
    assert messages[-1] == "... and 4,981 more problems like these."


@pytest.mark.parametrize("text", ['{"csv_target": "\\ud800"}', '{"dataset": "\\udfff"}',
                                  '{"hide": ["\\ud800"]}', '{"\\ud800": 1}'])
def test_text_that_cannot_be_stored_is_bad_input(text):
    cfg, messages = config.from_json(text)
    assert cfg == ExperimentConfig() and len(messages) == 1
    for shown in (messages[0], config.to_json(cfg), json.dumps(config.to_query_params(cfg))):
        shown.encode("utf-8")                             # no lone surrogate left anywhere


def test_a_lone_surrogate_from_a_link_is_bad_input():
    cfg, messages = config.from_query_params({"csv_target": "a\ud800b"})
    assert cfg.csv_target == "" and "broken character" in messages[0]


@pytest.mark.parametrize("depth", [10, 2_000, 40_000])
def test_deep_nesting_is_refused_before_parsing(depth):
    text = '{"hidden_layers": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(ValueError, match=f"nests lists or objects {depth + 1:,} deep"):
        config.from_json(text)


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps({"csv_target": "[[[[[[[[[[[[{{{{{{{{ \\\" [[[[", "hidden_layers": [3]})
    cfg, messages = config.from_json(text)
    assert cfg.hidden_layers == (3,) and cfg.csv_target.startswith("[[[[")


def test_a_huge_experiment_file_is_refused_by_its_size():
    big = json.dumps({"csv_target": "x", "padding": " " * 200_000})
    with pytest.raises(ValueError, match="one saved by the playground is about 1 KB"):
        config.from_json(big.encode())


@pytest.mark.parametrize("name, raw, problem", [
    ("learning_rate", "50", "learning_rate 50 is above the maximum 10."),
    ("dataset", "circl", "dataset 'circl' is not one of"),
    ("hidden_layers", "4,x", "hidden_layers entry 'x' is not a whole number."),
    ("epochs", "2.5", "epochs 2.5 is not a whole number."),
    ("hide", "x," * 5_000, "hide is 10,000 characters long"),
])
def test_strict_parsing_says_what_is_wrong_and_fixes_nothing(name, raw, problem):
    with pytest.raises(ValueError) as caught:
        config.parse_flag(field_spec(name), raw)
    assert problem in str(caught.value) and "using" not in str(caught.value)
    assert config.parse_flag(field_spec("hidden_layers"), "8,4") == (8, 4)
