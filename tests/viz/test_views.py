"""The view registry: every view draws for every kind of experiment that offers it, and
each kind of snapshot gets the right picture in each place of the page."""
from __future__ import annotations

import json

import numpy as np
import pytest

from playground.config import ExperimentConfig, config_from_values, field_spec
from playground.training import TrainingSession
from playground.viz import views
from tests.viz.checks import assert_sound

# experiment -> (settings, the main view it should get)
CASES = {
    "binary points": ({"dataset": "circle", "n_samples": 200}, "boundary"),
    "multi-class points": ({"dataset": "blobs", "n_samples": 200}, "boundary"),
    "2-D regression": ({"dataset": "plane", "n_samples": 200}, "boundary"),
    "1-D regression": ({"dataset": "line", "n_samples": 100, "hidden_layers": ()}, "curve"),
    "table classes": ({"dataset": "iris", "hidden_layers": (8,)}, "confusion"),
    "table regression": ({"dataset": "tips", "hidden_layers": (8,)}, "curve"),
    "images": ({"dataset": "digits", "model_kind": "cnn", "conv_filters": (4,),
                "hidden_layers": (8,)}, "samples"),
    "autoencoder": ({"dataset": "digits", "model_kind": "autoencoder",
                     "hidden_layers": (8,)}, "reconstruction"),
    "sequences": ({"dataset": "seq_sine", "model_kind": "lstm", "n_samples": 120,
                   "rnn_units": 4}, "sequence"),
    "simple rnn": ({"dataset": "seq_sine", "model_kind": "rnn", "n_samples": 120,
                    "rnn_units": 4}, "sequence"),
    "points autoencoder": ({"dataset": "circle", "n_samples": 200, "model_kind": "autoencoder",
                            "hidden_layers": (4, 1)}, "points_rebuilt"),
    "2-D latent": ({"dataset": "digits", "model_kind": "autoencoder",
                    "hidden_layers": (8, 2)}, "latent"),
    "table autoencoder": ({"dataset": "iris", "model_kind": "autoencoder",
                           "hidden_layers": (3,)}, "rebuild_error"),
}


@pytest.fixture(scope="module")
def snapshots() -> dict:
    """case -> (snapshot at epoch 0, snapshot after one epoch)."""
    taken = {}
    for case, (settings, _) in CASES.items():
        session = TrainingSession(ExperimentConfig(**settings))
        taken[case] = (session.snapshot(), session.step_epochs(1))
    return taken


@pytest.mark.parametrize("case", list(CASES))
def test_each_place_gets_the_view_that_fits_the_experiment(snapshots, case):
    snap = snapshots[case][1]
    assert views.choose(snap, "main").name == CASES[case][1]
    assert views.choose(snap, "network").name == "network"
    assert views.choose(snap, "loss").name == "loss"
    assert views.choose(snap, "detail").name == "metrics"


@pytest.mark.parametrize("case", list(CASES))
def test_every_view_draws_for_every_experiment_that_offers_it(snapshots, case):
    drawn = 0
    for snap in snapshots[case]:
        for view in views.VIEWS.values():
            if not view.fits(snap):
                continue
            for live in (False, True):
                options = views.ViewOptions(show_test=True, log_scale=live, live=live)
                assert_sound(views.draw(view, snap, options))
                update = views.live_update(view, snap, options)
                if view.update is not None:
                    assert update and set(update) <= {"images", "shapes", "data", "layout"}
                    json.dumps(update, default=lambda a: np.asarray(a).tolist())
                else:
                    assert update is None
            drawn += 1
    assert drawn >= 2 * 6


def test_each_view_is_offered_by_some_experiment(snapshots):
    offered = {view.name for before, after in snapshots.values()
               for view in views.VIEWS.values() if view.fits(after)}
    assert offered == set(views.VIEWS)


def test_a_view_the_model_has_not_is_never_chosen_and_a_view_not_ready_says_why(snapshots):
    snap = snapshots["1-D regression"][1]
    assert "confusion" not in [view.name for view in views.offered("detail", snap)]
    assert views.choose(snap, "detail", wanted="confusion").name == "metrics"
    snap = snapshots["binary points"][1]        # a slice, offered before it is computed
    chosen = views.choose(snap, "detail", wanted="landscape")
    assert chosen.name == "landscape" and not chosen.fits(snap)
    figure = views.draw(chosen, snap)
    assert_sound(figure)
    assert "Compute the loss landscape" in figure.layout.annotations[0].text.replace("<br>", " ")
    assert views.live_update("landscape", snap, views.ViewOptions()) is None


@pytest.mark.parametrize("case", list(CASES))
def test_the_detail_picker_offers_exactly_the_views_this_model_has(snapshots, case):
    """Offered = fits, for snapshots with every teaching part filled in; the one exception
    is a landscape slice, offered before it is computed (its panel has the button)."""
    snap = snapshots[case][1]
    offered = {view.name for view in views.offered("detail", snap)}
    fitting = {view.name for view in views.in_slot("detail") if view.fits(snap)}
    assert offered - {"landscape"} == fitting - {"landscape"}
    assert "landscape" in offered and "metrics" in offered
    groups = views.detail_groups(snap)
    assert [view.name for _, _, members in groups for view in members] == \
        [name for name in views.DETAIL_VIEW_NAMES if name in offered]
    assert all(members for _, _, members in groups)
    assert len(groups) <= 4      # results, columns or a network kind's, neurons, learning


def test_the_live_boundary_update_is_the_picture_of_the_full_figure(snapshots):
    snap = snapshots["binary points"][1]
    options = views.ViewOptions(live=True)
    update = views.live_update("boundary", snap, options)
    figure = views.draw("boundary", snap, options)
    assert update["images"] == [image.to_plotly_json() for image in figure.layout.images]
    assert len(update["images"]) == 1 and update["images"][0]["source"].startswith(
        "data:image/png;base64,")
    loss = views.live_update("loss", snap, options)
    np.testing.assert_allclose(loss["data"][0]["y"], snap.history["loss"])


def test_hidden_views_and_places_are_never_chosen(snapshots):
    snap = snapshots["binary points"][1]
    assert views.choose(snap, "main", hidden=("output_chart",)) is None
    assert views.choose(snap, "main", hidden=("boundary",)).name == "confusion"
    assert views.choose(snap, "detail", hidden=("metrics",)).name == "confusion"
    assert views.choose(snap, "detail", "weights", hidden=("weights",)).name == "metrics"
    assert "weights" not in [v.name for v in views.in_slot("detail", ("weights",))]


def test_every_chart_name_is_a_hide_name_and_unknown_names_are_listed_by_group():
    drawn = set(views.SLOTS.values()) | set(views.VIEWS)   # what the registry really has
    assert drawn <= set(field_spec("hide").choices)
    cfg, messages = config_from_values({"hide": "weights,metrics,learning_rate,bogus"})
    assert cfg.hide == ("weights", "metrics", "learning_rate")
    assert len(messages) == 1
    text = messages[0]
    assert "'bogus'" in text and "panels: data_panel" in text and "views: output_chart" in text
    # one name per view: about 700 characters with two dozen views
    assert "controls: any setting" in text and len(text) < 800


def test_the_snapshot_says_what_the_views_need(snapshots):
    images = snapshots["images"][1]
    assert (images.data_kind, images.model_kind, images.autoencoder) == ("image", "cnn", False)
    assert images.sample is not None
    conv = images.layers[0]
    assert conv.kind == "Conv2D" and images.sample.maps[conv.name].shape[2] == conv.units
    assert images.sample.maps["input"].shape == (8, 8, 1)
    sequences = snapshots["sequences"][1]
    lstm = next(layer for layer in sequences.layers if layer.kind == "LSTM")
    assert sequences.sample.maps[lstm.name].shape == (1, 20, 4)       # state over time
    points = snapshots["binary points"][1]
    assert points.feature_names == ["x1", "x2"] and points.sample is None
    assert snapshots["autoencoder"][1].autoencoder


def test_what_is_drawn_is_what_the_session_computed(snapshots):
    points = snapshots["binary points"][1]
    boundary = views.draw("boundary", points)
    np.testing.assert_array_equal(boundary.data[0].z, points.grid.output)
    assert snapshots["1-D regression"][1].curve is not None


def test_conv_and_recurrent_nodes_show_one_example_not_blank_tiles(snapshots):
    from tests.viz.png_decode import decode_data_uri
    for case, conv_shape in (("images", (8, 8)), ("sequences", (1, 20))):
        snap = snapshots[case][1]
        figure = views.draw("network", snap)
        tiles = [decode_data_uri(image.source) for image in figure.layout.images]
        first = snap.layers[0]
        inputs = 1                                    # one image / one sequence feature
        layer_tiles = tiles[inputs:inputs + min(first.units, 10)]
        assert all(t.shape[:2] == conv_shape for t in layer_tiles), case
        assert any(len(np.unique(t.reshape(-1, t.shape[2]), axis=0)) > 1
                   for t in layer_tiles), f"{case}: every tile is one flat colour"
        expected = snap.sample.maps[first.name][::-1, :, 0]
        assert tiles[inputs].shape[:2] == expected.shape
        assert snap.sample.name in figure.layout.title.subtitle.text   # under the title


# At 1280 x 720 with the sidebar open the detail chart is about 490 px wide and the main
# view about 430 px: at 18 px a title's character is about 8.5 px wide.
TITLE_CHARS = {"detail": 56, "main": 50}


@pytest.mark.parametrize("case", list(CASES))
def test_titles_are_one_line_that_fits_and_notes_are_wrapped(snapshots, case):
    """A title with line breaks is drawn partly above its chart, and a long one runs past
    its right edge: each title is one short line, longer words go in the wrapped notes."""
    snap = snapshots[case][1]
    for slot, chars in TITLE_CHARS.items():
        for view in views.offered(slot, snap):
            layout = views.draw(view, snap).layout
            title = layout.title.text or ""
            assert "<br>" not in title and len(title) <= chars, (view.name, title)
            for note in layout.annotations or ():
                for line in (note.text or "").split("<br>"):
                    assert len(line) <= 90, (view.name, line)
