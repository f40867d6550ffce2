"""The config table, ExperimentConfig, URL and JSON round trips and their messages."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground import config
from playground.config import ExperimentConfig


def test_table_and_dataclass_agree():
    names = [s.name for s in config.FIELDS]
    assert len(names) == len(set(names))
    cfg = ExperimentConfig()
    for spec in config.FIELDS:
        assert spec.kind in config.KINDS and spec.group in config.GROUPS
        assert spec.effect in config.EFFECTS
        assert spec.label and spec.help and len(spec.help) < 140
        assert getattr(cfg, spec.name) == spec.default
        assert config.check_value(spec, spec.default) is None, spec.name


def test_required_fields_and_defaults():
    cfg = ExperimentConfig()
    assert cfg.dataset == "circle" and cfg.learning_rate == 0.03 and cfg.batch_size == 10
    assert cfg.activation == "tanh" and cfg.features == ("x1", "x2")
    assert config.field_spec("learning_rate").log_scale
    assert "csv" in config.field_spec("dataset").choices
    assert "learning_rate" in config.field_spec("hide").choices
    assert "presets" in config.field_spec("hide").choices
    with pytest.raises(KeyError, match="no setting called"):
        config.field_spec("learnin_rate")


def test_constructor_rejects_bad_values_with_plain_words():
    with pytest.raises(ValueError, match="learning_rate 50 is above the maximum 10"):
        ExperimentConfig(learning_rate=50)
    with pytest.raises(ValueError, match="activation 'relu6' is not one of"):
        ExperimentConfig(activation="relu6")
    with pytest.raises(ValueError, match="too little data"):
        ExperimentConfig(validation_fraction=0.5, test_fraction=0.5)
    # lists are stored as tuples; ints accepted for floats
    cfg = ExperimentConfig(hidden_layers=[8, 8], learning_rate=1)
    assert cfg.hidden_layers == (8, 8) and isinstance(cfg.learning_rate, float)


def test_query_params_only_non_defaults_and_round_trip():
    assert config.to_query_params(ExperimentConfig()) == {}
    cfg = ExperimentConfig(dataset="spiral", hidden_layers=(8, 8), learning_rate=0.1,
                           features=("x1", "x2", "sin(x1)"), discretize=True,
                           hide=("learning_rate", "presets"))
    params = config.to_query_params(cfg)
    assert params["hidden_layers"] == "8,8"
    assert params["hide"] == "learning_rate,presets"
    assert set(params) == {"dataset", "hidden_layers", "learning_rate", "features",
                           "discretize", "hide"}
    back, messages = config.from_query_params(params)
    assert back == cfg and messages == []


def test_query_params_clamp_ignore_and_default_with_messages():
    cfg, messages = config.from_query_params({
        "learning_rate": "50", "hidden_layers": "8,0,abc", "foo": "1", "noise": "abc",
        "batch_size": ["5", "20"], "activation": "ReLU", "discretize": "yes"})
    assert cfg.learning_rate == 10.0
    assert cfg.hidden_layers == (8, 1)
    assert cfg.noise == 0.0
    assert cfg.batch_size == 20          # the last value of a repeated key wins
    assert cfg.activation == "relu" and cfg.discretize is True
    text = "\n".join(messages)
    assert "learning_rate 50 is above the maximum 10; using 10." in text
    assert "unknown URL parameter 'foo'" in text
    assert "noise 'abc' could not be read" in text
    assert "hidden_layers entry 0 is below the minimum 1" in text
    assert "'abc' is not a whole number" in text


def test_cross_field_fraction_limit_is_fixed_with_message():
    cfg, messages = config.from_query_params({"validation_fraction": "0.5",
                                              "test_fraction": "0.5"})
    assert cfg.validation_fraction + cfg.test_fraction <= 0.8
    assert any("too little" in m for m in messages)


def test_json_round_trip_and_errors():
    cfg = ExperimentConfig(dataset="xor", hidden_layers=(), optimizer="adam", seed=7)
    text = config.to_json(cfg)
    assert json.loads(text)["hidden_layers"] == []
    back, messages = config.from_json(text)
    assert back == cfg and messages == []
    back, messages = config.from_json(b'{"learning_rate": -1, "mystery": 3}')
    assert back.learning_rate == 1e-5 and len(messages) == 2
    with pytest.raises(ValueError, match="not valid JSON"):
        config.from_json("{nope")
    with pytest.raises(ValueError, match="JSON object"):
        config.from_json("[1, 2]")
    with pytest.raises(ValueError, match="not text"):
        config.from_json(b"\xff\xfe\x00\x81")


def test_activation_for_layer():
    cfg = ExperimentConfig(hidden_layers=(4, 4, 4), layer_activations=("relu",))
    assert [cfg.activation_for(i) for i in range(3)] == ["relu", "tanh", "tanh"]


def test_changed_fields():
    a = ExperimentConfig()
    assert config.changed_fields(a, a.replace(learning_rate=0.1, seed=3)) == [
        "learning_rate", "seed"]


_text = st.text(max_size=12)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from([s.name for s in config.FIELDS] + ["zzz"]),
                       st.one_of(_text, st.lists(_text, max_size=3)), max_size=8))
def test_from_query_params_never_raises(params):
    cfg, messages = config.from_query_params(params)
    assert isinstance(cfg, ExperimentConfig)
    assert all(isinstance(m, str) and m for m in messages)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from([s.name for s in config.FIELDS]),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                                 _text, st.lists(st.integers(-5, 300), max_size=10)),
                       max_size=8))
def test_from_json_values_never_raise(values):
    cfg, _ = config.from_json(json.dumps(values))
    assert isinstance(cfg, ExperimentConfig)


def _valid_value(spec):
    """A hypothesis strategy for any valid value of one field."""
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "int":
        return st.integers(int(spec.minimum), int(spec.maximum))
    if spec.kind == "float":
        return st.floats(spec.minimum, spec.maximum, allow_nan=False)
    if spec.kind == "choice":
        return st.sampled_from(spec.choices)
    if spec.kind == "str":
        return st.text(max_size=20)
    if spec.kind == "int_list":
        return st.lists(st.integers(int(spec.minimum), int(spec.maximum)),
                        min_size=spec.min_items, max_size=spec.max_items).map(tuple)
    return st.lists(st.sampled_from(spec.choices), min_size=spec.min_items,
                    max_size=spec.max_items, unique=True).map(tuple)


@st.composite
def _configs(draw):
    values = {spec.name: draw(_valid_value(spec)) for spec in config.FIELDS
              if draw(st.booleans())}
    if values.get("validation_fraction", 0.2) + values.get("test_fraction", 0.2) > 0.8:
        values.pop("test_fraction", None)
        values["validation_fraction"] = 0.3
    return ExperimentConfig(**values)


@settings(max_examples=60, deadline=None)
@given(_configs())
def test_any_valid_config_survives_url_and_json_round_trips(cfg):
    back, messages = config.from_query_params(config.to_query_params(cfg))
    assert messages == [] and back == cfg
    back, messages = config.from_json(config.to_json(cfg))
    assert messages == [] and back == cfg


def test_dataset_change_picks_a_fitting_loss_and_network_type():
    old = ExperimentConfig(dataset="line", loss="huber", model_kind="mlp")
    # regression -> classification: huber does not fit, mlp fits points as well as tables
    new = config.fit_to_dataset(old, old.replace(dataset="xor"))
    assert (new.loss, new.model_kind) == ("auto", "mlp")
    # table -> images: the natural network for images; mse fits regression and classification
    new = config.fit_to_dataset(old.replace(loss="mse"), old.replace(dataset="digits", loss="mse"))
    assert (new.loss, new.model_kind) == ("mse", "cnn")
    assert config.fit_to_dataset(old, old.replace(dataset="seq_sine")).model_kind == "lstm"
    # the same kind of data keeps the network type; the same dataset changes nothing
    cnn = ExperimentConfig(dataset="digits", model_kind="autoencoder")
    assert config.fit_to_dataset(cnn, cnn.replace(dataset="shapes")).model_kind == "autoencoder"
    assert config.fit_to_dataset(old, old.replace(noise=0.5)) == old.replace(noise=0.5)
    # named settings stay as chosen; csv (not in the catalog) keeps what it has
    kept = config.fit_to_dataset(old, old.replace(dataset="digits"), keep=("model_kind",))
    assert (kept.loss, kept.model_kind) == ("auto", "mlp")
    assert config.fit_to_dataset(old, old.replace(dataset="csv")).loss == "huber"


def test_a_table_gets_the_default_network_for_a_table():
    points = ExperimentConfig(dataset="spiral")
    for table in ("csv", "iris", "tips"):
        cfg = config.fit_to_dataset(points, points.replace(dataset=table))
        assert (cfg.regularization, cfg.regularization_rate) == ("l2", 0.01), table
        # and back to points: no penalty again, unless it was changed meanwhile
        back = config.fit_to_dataset(cfg, cfg.replace(dataset="xor"))
        assert (back.regularization, back.regularization_rate) == ("none", 0.001)
        changed = cfg.replace(regularization_rate=0.03)
        assert config.fit_to_dataset(changed, changed.replace(dataset="xor")) \
            .regularization_rate == 0.03
    # a penalty already chosen, a table to a table, and settings named on the command line
    l1 = points.replace(regularization="l1")
    assert config.fit_to_dataset(l1, l1.replace(dataset="csv")).regularization == "l1"
    iris = ExperimentConfig(dataset="iris")
    assert config.fit_to_dataset(iris, iris.replace(dataset="csv")).regularization == "none"
    kept = config.fit_to_dataset(points, points.replace(dataset="csv"),
                                 keep=("regularization",))
    assert kept.regularization == "none"
    assert not config.is_table("spiral") and not config.is_table("digits")


def test_values_on_a_base_config_and_the_url_on_a_preset():
    base = ExperimentConfig(dataset="spiral", hidden_layers=(16, 16), test_fraction=0.5)
    cfg, messages = config.config_from_values({"learning_rate": "0.1"}, base=base)
    assert messages == [] and cfg == base.replace(learning_rate=0.1)
    cfg, messages = config.from_query_params({"validation_fraction": "0.4"}, base=base)
    assert cfg.validation_fraction == 0.2 and cfg.test_fraction == 0.2   # 0.9 > 0.8: reset
    assert cfg.dataset == "spiral" and "0.8" in messages[0]


# The detail views a link could name when ``view=`` came in: a link made then must keep
# opening the same view, so renaming a view needs the old name kept as a choice.
LINKED_VIEWS = ("metrics", "confusion", "class_scores", "roc", "preprocessing", "importance",
                "slice", "neuron", "activation", "health", "weights", "gradients",
                "landscape", "filters", "feature_maps", "conv_math", "rnn_states",
                "lstm_gates", "step_predictions", "gradient_reach", "latent",
                "reconstruction", "rebuild_error", "latent_grid")


def test_every_view_a_link_has_named_stays_valid():
    for name in LINKED_VIEWS:
        cfg, messages = config.from_query_params({"view": name})
        assert (cfg.view, messages) == (name, [])
        assert config.to_query_params(cfg) == {"view": name}
    cfg, messages = config.from_query_params({"dataset": "spiral"})   # a link from before view=
    assert (cfg.view, messages) == ("auto", [])
    assert "view" not in config.to_query_params(cfg)
    cfg, messages = config.from_query_params({"view": "Neuron "})     # typed by hand
    assert (cfg.view, messages) == ("neuron", [])
    cfg, messages = config.from_query_params({"view": "boundary"})    # not a detail view
    assert cfg.view == "auto" and "view 'boundary' is not one of auto, metrics" in messages[0]
