"""AppTest (streamlit.testing.v1) tests of every panel and control path of app.py."""
from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from playground.config import FIELDS, ExperimentConfig, field_spec, to_json
from playground.presets import PRESETS
from playground.ui.live_board import board_data
from playground.ui.state import STATE_KEY
from tests.shown_text import shown

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 60


def new_app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    settings = {f"w_{spec.name}" for spec in FIELDS} | {"w_preset_menu"}
    assert not any(w.key in settings for w in at.selectbox), \
        "the settings are drawn only once the first chart is shown"
    return at.run()     # the board's "first chart shown" request, which AppTest cannot send


def pick_view(at: AppTest, name: str) -> AppTest:
    """Pick detail view ``name`` as a user does: its group, then the view."""
    from playground.viz.views import group_of
    groups = [w for w in at.get("segmented_control") if w.key == "w_detail_group"]
    if groups and groups[0].value != group_of(name):
        groups[0].set_value(group_of(name)).run()
    return at.segmented_control(key="w_detail_view").set_value(name).run()


def state(at: AppTest):
    return at.session_state[STATE_KEY]


def board(at: AppTest) -> dict:
    """What the live board sent to the browser (status numbers and chart JSON)."""
    element = next(e for e in at.get("bidi_component")
                   if e.proto.component_name.endswith("live_board"))
    return board_data(element)


def metric(at: AppTest, label: str) -> str:
    return next(item["value"] for item in board(at)["status"] if item["label"] == label)


def number(text: str) -> float:
    """A status number as shown ("1,204") -> 1204.0."""
    return float(text.replace(",", ""))


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def click(at: AppTest, key: str) -> AppTest:
    return at.button(key=key).click().run()


@pytest.fixture(scope="module")
def default_app() -> AppTest:
    return new_app()


def test_default_page_renders_a_working_two_hidden_layer_classifier(default_app):
    at = default_app
    assert_clean(at)
    assert metric(at, "Epoch") == "0"
    cfg = state(at).config
    assert cfg.dataset == "circle" and len(cfg.hidden_layers) == 2
    assert {b.key for b in at.button} >= {"btn_play", "btn_pause", "btn_step_epoch",
                                          "btn_step_batch", "btn_reset"}
    assert not at.error


def test_step_epoch_advances_exactly_one_epoch():
    at = new_app()
    click(at, "btn_step_epoch")
    assert_clean(at)
    assert state(at).session.epoch == 1
    assert metric(at, "Epoch") == "1"
    assert metric(at, "Train loss") != "–"
    click(at, "btn_step_epoch")
    assert state(at).session.epoch == 2 and metric(at, "Epoch") == "2"


def test_step_batch_trains_one_minibatch():
    at = new_app()
    click(at, "btn_step_batch")
    assert_clean(at)
    session = state(at).session
    assert session.batches == 1 and session.epoch == 0
    click(at, "btn_step_batch")
    assert state(at).session.batches == 2


def test_reset_clears_history_and_keeps_the_settings():
    at = new_app()
    click(at, "btn_step_epoch")
    click(at, "btn_step_epoch")
    cfg = state(at).config
    click(at, "btn_reset")
    assert_clean(at)
    assert state(at).session.epoch == 0 and metric(at, "Epoch") == "0"
    assert state(at).config == cfg


def run_until(at: AppTest, condition, seconds: float = 20.0) -> AppTest:
    """Rerun (as the refresh timer would) until ``condition(at)`` or the time is up."""
    deadline = time.monotonic() + seconds
    while not condition(at) and time.monotonic() < deadline:
        time.sleep(0.2)
        at.run()
    return at


def test_play_trains_in_the_background_and_pause_stops_it():
    at = new_app()
    click(at, "btn_play")
    assert_clean(at)
    assert state(at).playing
    assert at.button(key="btn_play").disabled and not at.button(key="btn_pause").disabled
    # the page shows the epochs trained (the trainer may be 2 epochs on before the first
    # run after the click: wait for what the page shows, not for the session)
    run_until(at, lambda a: number(metric(a, "Epoch")) >= 2)
    assert state(at).session.epoch >= 2
    assert number(metric(at, "Epoch")) >= 2
    click(at, "btn_pause")
    assert not state(at).playing and not at.button(key="btn_play").disabled
    stopped_at = state(at).session.epoch
    time.sleep(0.3)
    at.run()
    assert state(at).session.epoch == stopped_at
    assert not state(at).trainer.running


def test_changing_learning_rate_keeps_training():
    at = new_app()
    for _ in range(3):
        click(at, "btn_step_epoch")
    at.select_slider(key="w_learning_rate").set_value(0.1).run()
    assert_clean(at)
    s = state(at)
    assert s.config.learning_rate == 0.1
    assert s.session.epoch == 3 and metric(at, "Epoch") == "3"
    assert not s.notes
    assert at.query_params["learning_rate"] in ("0.1", ["0.1"])


def test_changing_the_architecture_resets_with_a_note():
    at = new_app()
    click(at, "btn_step_epoch")
    click(at, "btn_step_epoch")
    add = next(b for b in at.button if b.label == "Add layer")
    add.click().run()
    assert_clean(at)
    s = state(at)
    assert s.config.hidden_layers == (4, 2, 4)
    assert s.session.epoch == 0
    assert any("reset" in info.value for info in at.info)


def test_units_and_activation_per_layer():
    at = new_app()
    at.number_input(key="w_units_0").set_value(7).run()
    at.selectbox(key="w_act_1").set_value("relu").run()
    assert_clean(at)
    cfg = state(at).config
    assert cfg.hidden_layers == (7, 2)
    assert cfg.activation_for(0) == "tanh" and cfg.activation_for(1) == "relu"


def test_loss_choices_fit_the_task():
    at = new_app()
    assert set(at.selectbox(key="w_loss").options) == {"auto", "cross_entropy", "mse"}
    at.selectbox(key="w_dataset").set_value("line").run()
    assert_clean(at)
    assert set(at.selectbox(key="w_loss").options) == {"auto", "mse", "mae", "huber"}


def test_a_new_dataset_gets_a_fitting_network_type_and_loss():
    """The page uses config.fit_to_dataset (the rule the CLI uses too)."""
    at = new_app(dataset="line", loss="huber")
    at.selectbox(key="w_dataset").set_value("digits").run()
    assert_clean(at)
    cfg = state(at).config
    assert (cfg.dataset, cfg.model_kind, cfg.loss) == ("digits", "cnn", "auto")
    assert state(at).session.prepared.kind == "image" and not at.error
    assert at.selectbox(key="w_model_kind").value == "cnn"


def test_changing_data_resets_and_regenerate_draws_new_data():
    at = new_app()
    click(at, "btn_step_epoch")
    at.selectbox(key="w_dataset").set_value("xor").run()
    assert_clean(at)
    assert state(at).config.dataset == "xor" and state(at).session.epoch == 0
    assert any("data changed" in info.value for info in at.info)
    seed = state(at).config.data_seed
    next(b for b in at.button if b.label == "Regenerate data").click().run()
    assert state(at).config.data_seed == seed + 1


GOOD_CSV = b"a,b,label\n" + b"".join(
    f"{i % 7},{(i * 3) % 5},{'yes' if i % 2 else 'no'}\n".encode() for i in range(60))


def test_csv_upload_trains_on_the_file_with_a_report():
    at = new_app()
    at.file_uploader(key="w_csv_upload").upload("people.csv", GOOD_CSV, "text/csv").run()
    assert_clean(at)
    s = state(at)
    assert s.config.dataset == "csv" and s.csv_name == "people.csv"
    assert s.session.prepared.dataset.class_names == ["no", "yes"]
    assert not at.error
    # from 2-D points: the default network for a table, said in plain words
    assert (s.config.regularization, s.config.regularization_rate) == ("l2", 0.01)
    assert any("A table starts with an L2 weight penalty of 0.01" in n for n in s.notes)
    # the preprocessing report is shown, every line of it (markdown escapes removed)
    texts = " ".join(m.value for m in at.markdown).replace("\\", "")
    report = s.session.data_report
    assert any(line.startswith("Read 60 rows and 3 columns") for line in report)
    assert "Classes: no (30), yes (30)." in report
    for line in report:
        assert line in texts, line
    assert at.table                                   # the preview table
    click(at, "btn_step_epoch")
    assert state(at).session.epoch == 1


def test_csv_target_is_picked_from_the_files_columns_and_task_override():
    at = new_app()
    at.file_uploader(key="w_csv_upload").upload("people.csv", GOOD_CSV, "text/csv").run()
    picker = at.selectbox(key="w_csv_target")
    assert picker.options == ["(the last column)", "a", "b", "label"]
    picker.set_value("a").run()
    at.selectbox(key="w_csv_task").set_value("regression").run()
    assert_clean(at)
    s = state(at)
    assert s.config.csv_target == "a" and s.session.prepared.task == "regression"
    assert "a" not in s.session.prepared.dataset.feature_names       # a is the target now


def test_a_target_the_file_does_not_have_gives_an_error_naming_the_columns():
    at = new_app()
    at.file_uploader(key="w_csv_upload").upload("people.csv", GOOD_CSV, "text/csv").run()
    cfg = state(at).config.replace(csv_target="nope")   # an experiment file for another CSV
    at.file_uploader(key="w_json_upload").upload("exp.json", to_json(cfg).encode(),
                                                 "application/json").run()
    assert_clean(at)
    assert at.error and "'a', 'b', 'label'" in shown(at.error[0].value)   # names the columns
    assert state(at).config.csv_target == ""                         # old target kept


def _dead_end_csv() -> bytes:
    """A file whose last column (the default target) is a text column of 300 values."""
    rows = [f"{i % 11},{(i * 7) % 13},{'yes' if i % 3 else 'no'},note {i}" for i in range(300)]
    return ("a,b,label,comment\n" + "\n".join(rows)).encode()


def test_a_file_whose_default_target_fails_still_offers_the_choices():
    at = new_app()
    click(at, "btn_step_epoch")
    at.file_uploader(key="w_csv_upload").upload("notes.csv", _dead_end_csv(), "text/csv").run()
    assert_clean(at)
    s = state(at)
    assert s.config.dataset == "circle" and s.session.epoch == 1   # nothing lost
    error = shown(at.error[0].value)
    assert "notes.csv could not be used" in error and "300 different values" in error
    picker = at.selectbox(key="csv_retry_target")             # beside the error
    assert picker.options == ["(the last column)", "a", "b", "label", "comment"]
    assert at.selectbox(key="csv_retry_task").value == "auto"
    assert at.selectbox(key="csv_retry_missing").value == s.config.missing
    captions = " ".join(shown(c.value) for c in at.caption)
    assert "Columns of notes.csv (4): a, b, label, comment" in captions
    picker.set_value("label").run()                             # choosing a target loads it
    assert_clean(at)
    s = state(at)
    assert s.config.dataset == "csv" and s.config.csv_target == "label"
    assert s.session.prepared.class_names == ["no", "yes"] and s.csv_retry is None
    assert not at.error
    assert at.selectbox(key="w_csv_target").value == "label"    # the normal picker now


BAD_FILES = {
    "empty.csv": b"",
    "header_only.csv": b"a,b,c\n",
    "binary.csv": bytes(range(256)) * 20,
    "one_column.csv": b"x\n1\n2\n3\n4\n",
    "one_class.csv": b"a,b\n1,x\n2,x\n3,x\n4,x\n5,x\n",
    "target_missing.csv": b"a,b\n1,\n2,\n3,\n4,\n",
    "garbage.csv": b"\xff\xfe\x00\x00not,a\"\"\"table\n\n\n;;;",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_every_bad_file_gives_an_error_and_keeps_the_experiment(name):
    at = new_app()
    click(at, "btn_step_epoch")
    at.file_uploader(key="w_csv_upload").upload(name, BAD_FILES[name], "text/csv").run()
    assert_clean(at)
    assert at.error, f"no error shown for {name}"
    assert name in shown(at.error[0].value)
    s = state(at)
    assert s.config.dataset == "circle" and s.session.epoch == 1   # previous experiment kept


def test_choosing_csv_without_a_file_explains_and_reverts():
    at = new_app()
    at.selectbox(key="w_dataset").set_value("csv").run()
    assert_clean(at)
    assert at.error and "CSV" in at.error[0].value.upper()
    assert state(at).config.dataset == "circle"
    assert at.selectbox(key="w_dataset").value == "circle"


def test_url_applies_settings_and_clamps_out_of_range_values_with_a_warning():
    at = new_app(learning_rate="50", hidden_layers="8,500", dataset="spiral", noise="0.1")
    assert_clean(at)
    cfg = state(at).config
    assert cfg.learning_rate == field_spec("learning_rate").maximum
    assert cfg.hidden_layers == (8, int(field_spec("hidden_layers").maximum))
    assert cfg.dataset == "spiral" and cfg.noise == 0.1
    warnings = " ".join(shown(w.value) for w in at.warning)
    assert "learning_rate" in warnings and "maximum" in warnings
    assert at.select_slider(key="w_learning_rate").value == 10.0
    # folded into one line of the sidebar (a projector's fold): a closed expander
    folded = [e for e in at.sidebar.expander if "from the link or file" in e.label]
    assert len(folded) == 1 and not folded[0].proto.expanded
    assert "learning_rate" in " ".join(shown(w.value) for w in folded[0].warning)


def test_url_that_cannot_run_falls_back_to_the_default_with_an_error():
    at = new_app(dataset="csv")                # a CSV experiment, but no file uploaded
    assert_clean(at)
    assert at.error and "could not start" in at.error[0].value
    assert state(at).config.dataset == "circle"


def test_url_hide_hides_controls_and_panels():
    at = new_app(hide="learning_rate,presets,controls,data_panel")
    assert_clean(at)
    keys = {w.key for w in at.select_slider} | {w.key for w in at.selectbox}
    assert "w_learning_rate" not in keys and "w_preset_menu" not in keys
    assert "w_dataset" not in keys
    assert "btn_play" not in {b.key for b in at.button}
    assert "w_batch_size" in {w.key for w in at.slider}      # the rest is still there


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_presets_load_with_their_notice(key):
    at = new_app()
    at.selectbox(key="w_preset_menu").set_value(key).run()
    assert_clean(at)
    preset = PRESETS[key]
    assert state(at).config.replace(hide=()) == preset.config.replace(hide=())
    assert any(preset.title in shown(s.value) for s in at.success)
    assert at.selectbox(key="w_dataset").value == preset.config.dataset
    click(at, "btn_step_epoch")
    assert_clean(at)
    assert not [w.value for w in at.warning if "could not be drawn" in w.value]


def test_linear_regression_preset_shows_the_fitted_line():
    at = new_app(preset="line_regression")
    for _ in range(3):
        click(at, "btn_step_epoch")
    assert_clean(at)
    w, b = state(at).session.linear_fit()
    shown = board(at)["line"]
    assert shown.startswith("Fitted line") and f"{w:.3f}" in shown and f"{abs(b):.3f}" in shown


def test_preset_in_the_url():
    at = new_app(preset="xor_no_hidden")
    assert_clean(at)
    assert state(at).config.hidden_layers == () and state(at).config.dataset == "xor"


def test_divergence_pauses_and_says_what_to_try():
    at = new_app(preset="lr_too_large")
    click(at, "btn_play")
    run_until(at, lambda a: not state(a).playing)
    at.run()
    assert_clean(at)
    s = state(at)
    assert s.session.status == "diverged" and not s.playing
    assert at.error and "learning rate" in at.error[0].value
    for values in s.session.snapshot().history.values():
        assert all(v == v and abs(v) != float("inf") for v in values)   # no NaN/inf shown


def test_experiment_json_upload_round_trip_and_bad_json():
    at = new_app()
    cfg = state(at).config.replace(dataset="moons", learning_rate=0.3, hidden_layers=(5,))
    at.file_uploader(key="w_json_upload").upload("exp.json", to_json(cfg).encode(),
                                                 "application/json").run()
    assert_clean(at)
    assert state(at).config == cfg
    assert at.selectbox(key="w_dataset").value == "moons"
    at2 = new_app()
    at2.file_uploader(key="w_json_upload").upload("bad.json", b"{not json",
                                                  "application/json").run()
    assert_clean(at2)
    assert at2.error and "bad.json" in shown(at2.error[0].value)
    assert state(at2).config.dataset == "circle"


def deferred_downloads(monkeypatch) -> dict:
    """file name -> the callable a deferred download button would run when clicked."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    served: dict = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        served[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kw)
    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return served


def test_downloads_are_offered(monkeypatch):
    """Each download gives a file that reads back: the experiment, the history, the model."""
    import csv
    import io

    from playground import nn
    from playground.config import from_json
    served = deferred_downloads(monkeypatch)
    at = new_app()
    click(at, "btn_step_epoch")
    click(at, "btn_step_epoch")
    assert_clean(at)
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert {"Experiment (.json)", "History (.csv)", "Model (.npz)", "PyTorch script (.py)",
            "Keras 3 script (.py)"} <= set(buttons)
    session = state(at).session
    exp, messages = from_json(to_json(state(at).config))
    assert exp == session.config and messages == []
    # the two deferred files: what a click on each button would download
    assert buttons["History (.csv)"].deferred_file_id and buttons["Model (.npz)"].deferred_file_id
    rows = list(csv.reader(io.StringIO(served["history.csv"]())))
    assert rows[0][0] == "epoch" and "val_loss" in rows[0] and len(rows) == 1 + 2
    assert [row[0] for row in rows[1:]] == ["1", "2"]
    column = rows[0].index("loss")
    assert [float(row[column]) for row in rows[1:]] == session.history["loss"]
    model = nn.load_model(io.BytesIO(served["model.npz"]()))
    X = session.prepared.splits["test"].X
    np.testing.assert_array_equal(model.predict(X), session.model.predict(X))
    from playground.export import export_script
    for framework in ("pytorch", "keras"):
        assert served[f"circle_{framework}.py"]() == export_script(session, framework)


def test_every_history_download_cell_is_a_number(monkeypatch):
    import csv
    import io
    served = deferred_downloads(monkeypatch)
    at = new_app()
    click(at, "btn_step_epoch")
    rows = list(csv.reader(io.StringIO(served["history.csv"]())))
    assert len(rows) == 2 and all(float(cell) == float(cell) for cell in rows[1])


def test_two_tabs_do_not_share_a_session():
    one, two = new_app(), new_app()
    click(one, "btn_step_epoch")
    assert state(one).session.epoch == 1 and state(two).session is not state(one).session
    two.run()
    assert state(two).session.epoch == 0


@pytest.mark.parametrize("dataset", ["iris", "digits", "seq_sine", "line", "plane"])
def test_other_kinds_of_data_render(dataset):
    at = new_app(dataset=dataset, **({"model_kind": "cnn"} if dataset == "digits" else {}),
                 **({"model_kind": "lstm"} if dataset == "seq_sine" else {}))
    assert_clean(at)
    assert not at.error, [e.value for e in at.error]
    click(at, "btn_step_epoch")
    assert_clean(at)
    assert state(at).session.epoch == 1
    assert not [w.value for w in at.warning if "could not be drawn" in w.value]


def test_fixed_size_data_offers_no_sample_or_noise_sliders():
    at = new_app(dataset="digits", model_kind="cnn")
    keys = {w.key for w in at.slider}
    assert "w_n_samples" not in keys and "w_noise" not in keys
    assert any("size is fixed" in c.value for c in at.caption)
    assert {"w_n_samples", "w_noise"} <= {w.key for w in new_app(dataset="moons").slider}


def chart_figure(at: AppTest, key: str) -> dict:
    """The plotly figure (as JSON data) the board drew for chart ``key``."""
    charts = {chart["key"]: chart for row in board(at)["rows"] for chart in row["charts"]}
    assert key in charts, f"no {key} on the board (drawn: {sorted(charts)})"
    return json.loads(charts[key]["figure"])


def plotly_array(value) -> np.ndarray:
    """A trace's array as plotly writes it: a list, or base64 typed data ({"bdata": ...})."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return array.reshape([int(n) for n in shape.split(",")]) if shape else array
    return np.asarray(value)


@pytest.mark.parametrize("view", ["confusion", "weights", "gradients", "metrics", "neuron"])
def test_every_lower_right_view_renders(view):
    """Each view draws its chart from the session's numbers (a chart that fails is turned
    into a warning by the page, so "no exception" alone would prove nothing)."""
    at = new_app()
    click(at, "btn_step_epoch")
    pick_view(at, view)
    assert_clean(at)
    assert not [w.value for w in at.warning if "could not be drawn" in w.value]
    assert state(at).session.epoch == 1
    snap = state(at).session.snapshot()
    traces = chart_figure(at, "detail_chart")["data"]
    weighted = [layer.name for layer in snap.layers if layer.weights]
    if view == "confusion":
        assert traces[0]["type"] == "heatmap"
        assert traces[0]["text"] == [[str(n) for n in row] for row in snap.confusion["test"]]
    elif view == "weights":
        assert [t["name"] for t in traces] == weighted
    elif view == "gradients":
        assert [t["name"] for t in traces] == weighted
        for trace in traces:
            np.testing.assert_allclose(plotly_array(trace["y"]), snap.grad_norms[trace["name"]])
    elif view == "neuron":
        # the terms of z (w_i x_i, then b) of the inspected neuron
        neuron = snap.neuron
        np.testing.assert_allclose(plotly_array(traces[0]["y"]),
                                   list(neuron.terms) + [neuron.bias], rtol=1e-12)
    else:
        columns = traces[0]["cells"]["values"]
        test = traces[0]["header"]["values"].index("<b>test</b>")   # baselines follow it
        assert columns[test][0] == f"{snap.metrics['test']['accuracy']:.1%}"


def test_view_options_change_only_the_pictures():
    at = new_app()
    click(at, "btn_step_epoch")
    for key in ("w_log_scale", "w_discretize", "w_show_test"):
        at.checkbox(key=key).check().run()
    assert_clean(at)
    cfg = state(at).config
    assert cfg.log_scale and cfg.discretize and cfg.show_test
    assert state(at).session.epoch == 1 and not state(at).notes


def test_optimizer_and_regularization_changes_keep_training():
    at = new_app()
    click(at, "btn_step_epoch")
    at.selectbox(key="w_optimizer").set_value("adam").run()
    at.selectbox(key="w_regularization").set_value("l2").run()
    assert_clean(at)
    cfg = state(at).config
    assert cfg.optimizer == "adam" and cfg.regularization == "l2"
    assert state(at).session.epoch == 1
    click(at, "btn_step_epoch")
    assert state(at).session.epoch == 2


def test_feature_crosses_only_for_two_dimensional_points():
    at = new_app()
    at.multiselect(key="w_features").set_value(["x1", "x2", "x1²", "x2²"]).run()
    assert_clean(at)
    assert state(at).config.features == ("x1", "x2", "x1²", "x2²")
    assert state(at).session.epoch == 0
    at.selectbox(key="w_dataset").set_value("iris").run()
    assert_clean(at)
    assert "w_features" not in {w.key for w in at.multiselect}


def test_every_setting_in_the_table_has_a_widget():
    from playground.config import FIELDS
    from playground.ui.widgets_from_config import CUSTOM_FIELDS, widget_key
    at = new_app()
    drawn = {w.key for kind in ("slider", "select_slider", "selectbox", "multiselect",
                                "number_input", "checkbox", "text_input")
             for w in getattr(at, kind)}
    conditional = {"csv_target", "csv_task", "missing",      # shown for CSV data
                   "conv_filters", "rnn_units",              # shown for cnn / rnn
                   "slice_x", "slice_y"}                     # shown for tables
    missing = [s.name for s in FIELDS if s.name not in CUSTOM_FIELDS
               and s.name not in conditional and widget_key(s.name) not in drawn]
    assert not missing
    assert {"w_units_0", "w_units_1", "w_act_0"} <= drawn


def test_a_chart_that_fails_to_draw_gives_a_warning_not_a_traceback(monkeypatch):
    from playground.viz import views

    def broken(*args, **kwargs):
        raise ValueError("no picture today")
    monkeypatch.setattr(views, "network_figure", broken)
    at = new_app()
    assert_clean(at)
    assert any("network chart could not be drawn: no picture today" in shown(w.value)
               for w in at.warning)
    click(at, "btn_step_epoch")
    assert state(at).session.epoch == 1


def test_step_batch_shows_the_batch_counter_and_that_batch_loss():
    at = new_app()
    assert metric(at, "Batch") == "0 / 24"               # 240 training rows, batches of 10
    click(at, "btn_step_batch")
    click(at, "btn_step_batch")
    assert metric(at, "Batch") == "2 / 24"
    line = board(at)["line"]
    assert "batch 2 of 24 in epoch 1" in line
    assert f"{state(at).session.batch_loss:.4f}" in line
    click(at, "btn_step_epoch")
    assert metric(at, "Batch") == "0 / 24" and not board(at)["line"]


def test_the_metrics_table_says_when_its_numbers_were_taken():
    """While playing the table is redrawn less often than the status line; its title names
    the epoch and batch of its numbers, in the status line's words, so the two never
    disagree unexplained."""
    at = new_app()
    click(at, "btn_step_epoch")
    click(at, "btn_step_batch")
    click(at, "btn_step_batch")
    assert metric(at, "Epoch") == "1" and metric(at, "Batch") == "2 / 24"
    assert _charts(at)["detail_chart"] == "Metrics at epoch 1, batch 2 / 24"
    table = chart_figure(at, "detail_chart")["data"][0]
    test = table["header"]["values"].index("<b>test</b>")
    assert table["cells"]["values"][test][0] == metric(at, "Test accuracy")
    click(at, "btn_step_epoch")
    assert _charts(at)["detail_chart"] == "Metrics at epoch 2"


def _charts(at: AppTest) -> dict:
    """chart key -> figure title of what the board shows."""
    return {chart["key"]: json.loads(chart["figure"])["layout"]["title"]["text"]
            for row in board(at)["rows"] for chart in row["charts"]}


def test_every_hide_name_hides_something():
    from playground.config import PANELS
    from playground.viz import views as views_registry
    from playground.viz.views import SLOTS
    at = new_app(hide=",".join(PANELS + tuple(SLOTS.values())))
    assert_clean(at)
    assert not at.warning and not at.expander and not at.button
    assert not at.get("file_uploader") and not at.get("segmented_control")
    assert "w_preset_menu" not in {w.key for w in at.selectbox}
    assert board(at)["rows"] == []
    at = new_app(hide="metrics,weights,boundary")
    assert_clean(at) and not at.warning
    picker = at.segmented_control(key="w_detail_view")
    hidden = ("metrics", "weights", "boundary")
    groups = views_registry.detail_groups(state(at).session.snapshot(), hidden)
    assert picker.options == [view.label for view in groups[0][2]]   # the first group's
    assert picker.options[0] == "Confusion" and "Metrics" not in picker.options
    charts = _charts(at)
    assert charts["detail_chart"].startswith("Confusion")
    assert charts["output_chart"].startswith("Confusion")      # no boundary: the next view
    pick_view(at, "health")
    assert "Weights" not in at.segmented_control(key="w_detail_view").options


def test_unknown_hide_names_get_a_short_message_by_group():
    at = new_app(hide="weights_chart,learning_rate")
    assert_clean(at)
    [warning] = at.warning
    assert "'weights_chart'" in shown(warning.value) and "views:" in shown(warning.value)
    assert state(at).config.hide == ("learning_rate",)


def test_the_detail_picker_has_two_levels_and_the_link_keeps_the_view():
    at = new_app()
    groups = at.segmented_control(key="w_detail_group")
    assert groups.options == ["Results", "Neurons", "Learning"] and groups.value == "results"
    assert at.segmented_control(key="w_detail_view").options == [
        "Metrics", "Confusion", "Per class", "ROC"]
    groups.set_value("neurons").run()                  # a group shows its first view
    assert_clean(at)
    assert state(at).config.view == "neuron" and at.query_params["view"] in ("neuron",
                                                                              ["neuron"])
    assert _charts(at)["detail_chart"].startswith("Neuron")
    pick_view(at, "health")
    assert at.segmented_control(key="w_detail_view").value == "health"
    link = {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}
    again = new_app(**link)                            # the copied link opens the same view
    assert state(again).config.view == "health"
    assert again.segmented_control(key="w_detail_view").value == "health"
    assert _charts(again)["detail_chart"] == _charts(at)["detail_chart"]


def test_a_preset_opens_its_view_and_picking_another_keeps_its_note():
    at = new_app()
    at.selectbox(key="w_preset_menu").set_value("backprop_by_hand").run()
    title = PRESETS["backprop_by_hand"].title
    assert at.segmented_control(key="w_detail_view").value == "neuron"
    assert _charts(at)["detail_chart"].startswith("Neuron")
    pick_view(at, "landscape")
    assert_clean(at)
    assert any(title in shown(s.value) for s in at.success)     # the lesson still holds
    assert not any("Changed from the preset" in shown(c.value) for c in at.caption)
    assert at.query_params["view"] in ("landscape", ["landscape"])


def test_a_link_to_a_view_this_model_has_not_shows_the_first_it_has():
    at = new_app(dataset="line", view="confusion")     # regression: no confusion matrix
    assert_clean(at)
    assert not at.warning and state(at).config.view == "confusion"
    assert at.segmented_control(key="w_detail_view").value == "metrics"
    assert _charts(at)["detail_chart"].startswith("Metrics")
    at = new_app(view="bogus")                         # not a view at all: said plainly
    assert_clean(at)
    assert state(at).config.view == "auto"
    assert [w for w in state(at).warnings if w.startswith("view 'bogus' is not one of auto, ")]


def test_a_preset_note_goes_once_changed_and_a_copied_link_keeps_it():
    at = new_app()
    at.selectbox(key="w_preset_menu").set_value("overfitting").run()
    title = PRESETS["overfitting"].title
    assert any(title in shown(s.value) for s in at.success)
    assert at.query_params["preset"] in ("overfitting", ["overfitting"])
    link = {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}
    again = new_app(**link)                    # the copied link, unchanged preset
    assert any(title in shown(s.value) for s in again.success)
    assert state(again).config == state(at).config
    at.select_slider(key="w_learning_rate").set_value(0.1).run()
    assert_clean(at)
    assert not at.success
    assert any("Changed from the preset" in shown(c.value) and "learning rate" in shown(c.value)
               for c in at.caption)
    link = {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert link["preset"] == "overfitting" and link["learning_rate"] == "0.1"
    changed = new_app(**link)
    assert state(changed).config == state(at).config
    assert any("Changed from the preset" in shown(c.value) for c in changed.caption)


# ----- bad input that once escaped as a traceback or stalled the server (issue 11) -----
def upload_json(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="w_json_upload").upload(name, data, "application/json").run()


def test_a_deeply_nested_experiment_file_gives_a_message_not_a_traceback():
    at = new_app()
    before = state(at).config
    deep = ('{"learning_rate": 0.3, "hidden_layers": ' + "[" * 2000 + "]" * 2000 + "}")
    upload_json(at, "deep.json", deep.encode())
    assert not at.exception, [e.value for e in at.exception]
    said = shown(at.error[0].value) if at.error else ""
    assert "deep.json" in said and "deep" in said
    assert state(at).config == before          # nothing lost


def test_a_lone_surrogate_in_an_experiment_file_is_bad_input():
    at = new_app()
    text = to_json(ExperimentConfig(learning_rate=0.3)).replace(
        '"csv_target": ""', '"csv_target": "\\ud800"')
    assert "\\ud800" in text
    upload_json(at, "odd.json", text.encode())
    assert not at.exception, [e.value for e in at.exception]
    cfg = state(at).config
    assert cfg.learning_rate == 0.3 and cfg.csv_target == ""
    assert any("broken character" in shown(w.value) for w in at.warning)


@pytest.mark.parametrize("name", ["hidden_layers", "hide"])
def test_a_100_kb_list_setting_in_the_link_gives_one_warning(name):
    at = new_app(**{name: "1," * 50_000, "learning_rate": "0.3"})
    assert not at.exception, [e.value for e in at.exception]
    cfg = state(at).config
    assert cfg.learning_rate == 0.3 and getattr(cfg, name) == getattr(ExperimentConfig(), name)
    said = [shown(w.value) for w in at.warning if name in shown(w.value)]
    assert len(said) == 1 and "100,000 characters long" in said[0]
    assert sum(len(shown(w.value)) for w in at.warning) < 2_000
