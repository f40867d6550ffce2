"""The per-tab budget (issue 12): a network too big for its data or batch size is refused
wherever a config is applied, with a message naming the setting to reduce; the CLI warns."""
from __future__ import annotations

import io

import pytest

from playground import nn
from playground.budget import MAX_PASS_MACS, MAX_STEP_MACS, model_cost
from playground.cli import main
from playground.config import ExperimentConfig, to_json
from playground.experiment_data import ExperimentError
from playground.training import TrainingSession
from playground.ui import actions
from playground.ui.state import new_page_state

# The link of the issue: every value inside its range, together far too much.
HUGE_LINK = {"dataset": "digits", "model_kind": "cnn", "conv_filters": "64,64,64",
             "hidden_layers": ",".join(["256"] * 8), "batch_size": "1024"}
# Conv 64,64,64 on the 8x8 digits, forward multiply-adds per image, by hand: each block is
# a 3x3 "same" convolution, then 2x2 pooling while the image is at least 4 wide
# (8x8 -> 4x4 -> 2x2, the last block unpooled); then dense 256 -> 4 -> 2 -> 10 classes.
CNN64_PER_IMAGE = (8 * 8 * 9 * 1 * 64 + 4 * 4 * 9 * 64 * 64 + 2 * 2 * 9 * 64 * 64
                   + 2 * 2 * 64 * 4 + 4 * 2 + 2 * 10)


def test_multiply_adds_counted_by_hand():
    model = nn.Sequential([nn.Conv2D(8, 3, padding="same"), nn.MaxPool2D(2), nn.Flatten(),
                           nn.Dense(3)], input_shape=(8, 8, 1), seed=0)
    cost = model_cost(model, batch_size=10, rows=100)
    assert cost.macs_per_sample == 8 * 8 * 9 * 8 + 4 * 4 * 8 * 3
    assert cost.step_macs == 10 * cost.macs_per_sample
    assert cost.pass_macs == 100 * cost.macs_per_sample
    rnn = nn.Sequential([nn.SimpleRNN(5), nn.Dense(1)], input_shape=(7, 2), seed=0)
    assert model_cost(rnn, 1, 1).macs_per_sample == 7 * (2 * 5 + 5 * 5) + 5


def test_the_huge_link_is_refused_naming_the_network_settings():
    state = new_page_state(HUGE_LINK)
    text = state.errors["data_panel"]
    assert "conv_filters" in text and "hidden_layers" in text and "1,797 examples" in text
    assert state.config == ExperimentConfig()           # the default experiment runs instead


def test_a_batch_too_big_for_the_network_names_the_largest_batch_that_fits():
    most = MAX_STEP_MACS // CNN64_PER_IMAGE
    link = {**HUGE_LINK, "hidden_layers": "4,2"}
    assert CNN64_PER_IMAGE * 1797 < MAX_PASS_MACS       # the network itself fits the data
    text = new_page_state(link).errors["data_panel"]
    assert "batch_size" in text and f"at most {most:,}" in text, text
    fits = new_page_state({**link, "batch_size": str(most)})
    assert not fits.errors and fits.config.batch_size == most
    # the batch size is a live setting: raised past the budget, the change is refused
    # and the running experiment kept
    assert not actions.apply_config(fits, fits.config.replace(batch_size=most + 1),
                                    panel="training_panel")
    assert "batch_size" in fits.errors["training_panel"]
    assert fits.config.batch_size == most
    with pytest.raises(ExperimentError):
        TrainingSession(fits.config.replace(batch_size=most + 1))


def test_an_experiment_file_over_budget_is_refused_and_the_old_one_kept():
    state = new_page_state({})
    cfg = ExperimentConfig().replace(**{"dataset": "digits", "model_kind": "cnn",
                                        "conv_filters": (64, 64, 64),
                                        "hidden_layers": (256,) * 8, "batch_size": 1024})
    assert not actions.load_experiment_json(state, to_json(cfg).encode(), "big.json")
    assert "conv_filters" in state.errors["upload"]
    assert state.config.dataset == "circle"


def test_the_cli_warns_and_trains_anyway(capsys):
    out = io.StringIO()
    code = main(["train", "--dataset", "circle", "--hidden-layers", ",".join(["256"] * 8),
                 "--batch-size", "1024", "--epochs", "1"], out=out)
    assert code == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "batch_size" in err and "training here anyway" in err
    assert "1 epochs" in out.getvalue()
