"""The teaching views on the page: the neuron inspector's pickers follow the session and
its formulas print the snapshot's numbers, a bad choice gets a plain message; the landscape,
activation and health views show what they compute."""
from __future__ import annotations

import json

from tests.shown_text import shown
from tests.ui.test_app import assert_clean, board, click, new_app, pick_view, state
from playground.ui.inspector_panel import ERROR_KEY, FOLLOW_KEY, NEURON_KEY, ROW_KEY, inspect
from playground.viz.neuron import number


def _latex(at) -> str:
    return "\n".join(element.value for element in at.latex)


def test_picking_a_neuron_and_a_point_shows_their_numbers():
    at = new_app()
    assert not at.latex                                  # only with the Neuron view
    pick_view(at, "neuron")
    assert_clean(at)
    trace = state(at).session.snapshot().neuron
    assert (trace.layer_index, trace.unit, trace.row) == (0, 0, 0)
    assert f"= {number(trace.z)}" in _latex(at)
    at.selectbox(key=NEURON_KEY).set_value("1:1").run()
    at.number_input(key=ROW_KEY).set_value(12).run()
    assert_clean(at)
    trace = state(at).session.snapshot().neuron
    assert (trace.layer_number, trace.unit, trace.row) == (2, 1, 11)
    text = _latex(at)
    assert f"= {number(trace.z)}" in text and f"= {number(trace.delta)}" in text
    assert "dense\\_1 \\#1" in text                       # the inputs are layer 1's neurons
    before = trace.z
    click(at, "btn_step_epoch")
    after = state(at).session.snapshot().neuron
    assert after.z != before and f"= {number(after.z)}" in _latex(at)
    click(at, "btn_inspect_random")
    assert_clean(at)
    assert state(at).session.snapshot().neuron.row == at.number_input(key=ROW_KEY).value - 1


def test_a_choice_that_does_not_exist_gets_a_plain_message():
    at = new_app()
    page = state(at)
    inspect(page, "9:0", 1)
    assert "cannot be shown" in page.errors[ERROR_KEY]
    inspect(page, "not a neuron", 1)
    assert "cannot be shown" in page.errors[ERROR_KEY]
    inspect(page, "0:1", 3)
    assert ERROR_KEY not in page.errors
    assert page.session.inspected == (0, 1, 2)


def _detail_figure(at) -> dict:
    return next(json.loads(chart["figure"]) for row in board(at)["rows"]
                for chart in row["charts"] if chart["key"] == "detail_chart")


def test_the_line_preset_shows_its_exact_landscape_and_the_step_with_numbers():
    at = new_app(preset="line_regression")
    click(at, "btn_step_epoch")
    pick_view(at, "landscape")
    assert_clean(at)
    land = state(at).session.snapshot().landscape
    assert land.kind == "exact"
    assert [t["type"] for t in _detail_figure(at)["data"]][:2] == ["heatmap", "scatter"]
    text = _latex(at)
    assert r"\theta \leftarrow \theta - \alpha" in text
    assert number(land.next_point[0]) in text and number(land.gradient[1]) in text
    assert not [b for b in at.button if b.key == "btn_landscape"]    # nothing to compute


def test_a_network_gets_its_slice_when_asked():
    at = new_app()
    click(at, "btn_step_epoch")
    pick_view(at, "landscape")
    assert "Compute the loss landscape" in \
        _detail_figure(at)["layout"]["annotations"][0]["text"].replace("<br>", " ")
    click(at, "btn_landscape")
    assert_clean(at)
    land = state(at).session.snapshot().landscape
    assert land is not None and land.kind == "slice"
    assert _detail_figure(at)["data"][0]["type"] == "heatmap"
    assert any("Li et al." in shown(c.value) for c in at.caption)


def test_health_and_activation_say_what_they_show():
    at = new_app()
    pick_view(at, "health")
    assert_clean(at)
    assert [shown(s.value) for s in at.success] == [
        "No dead or saturated units in the hidden layers."]
    pick_view(at, "activation")
    assert_clean(at)
    assert any("Cross-entropy (−log p)" in shown(c.value) for c in at.caption)


def test_the_race_and_following_the_next_point_from_the_page():
    at = new_app(preset="optimizer_race")
    pick_view(at, "landscape")
    click(at, "btn_race")
    assert_clean(at)
    land = state(at).session.snapshot().landscape
    assert list(land.race) == ["sgd", "momentum", "adam"]
    names = [trace.get("name") for trace in _detail_figure(at)["data"]]
    assert {"sgd", "momentum", "adam"} <= set(names)
    assert any("The race: sgd, momentum, adam" in shown(c.value) for c in at.caption)
    at = new_app(preset="backprop_by_hand")
    pick_view(at, "neuron")
    at.checkbox(key=FOLLOW_KEY).check().run()
    assert_clean(at)
    session = state(at).session
    assert session.follow_next
    assert session.snapshot().neuron.row == session.next_row()
    click(at, "btn_step_batch")
    assert at.number_input(key=ROW_KEY).value == session.next_row() + 1
    assert at.number_input(key=ROW_KEY).disabled
