"""Loss/accuracy and gradient-norm curves."""
from __future__ import annotations

import numpy as np
import pytest

from playground.viz import gradient_norms_figure, loss_figure
from tests.viz import samples
from tests.viz.checks import assert_sound


def test_loss_and_accuracy_panels_hold_the_history():
    history = samples.history(25)
    fig = loss_figure(history)
    assert_sound(fig)
    assert len(fig.data) == 6
    by_hover = {t.hovertemplate.split(":")[0]: t for t in fig.data}
    np.testing.assert_allclose(by_hover["train loss"].y, history["loss"])
    np.testing.assert_allclose(by_hover["validation accuracy"].y, history["val_accuracy"])
    np.testing.assert_array_equal(by_hover["test loss"].x, np.arange(1, 26))
    assert by_hover["train accuracy"].yaxis == "y2" and by_hover["train loss"].yaxis == "y"
    assert fig.layout.yaxis2.range == (0.0, 1.02)
    # one legend entry per split: accuracy lines share their loss line's entry
    assert sum(bool(t.showlegend) for t in fig.data) == 3
    assert all("%{y" in t.hovertemplate for t in fig.data)


def test_log_axis_only_when_asked_and_range_covers_the_values():
    history = samples.history(30, classification=False)
    assert loss_figure(history).layout.yaxis.type == "linear"
    fig = loss_figure(history, log_y=True)
    assert_sound(fig)
    low, high = fig.layout.yaxis.range
    values = np.concatenate([history[k] for k in ("loss", "val_loss", "test_loss")])
    assert fig.layout.yaxis.type == "log"
    assert 10 ** low <= values.min() and values.max() <= 10 ** high
    assert "xaxis2" not in fig.to_dict()["layout"]         # no accuracy: one panel


def test_loss_range_stays_put_while_training():
    """The y range comes from the first (largest) losses, so refreshes do not jump."""
    history = samples.history(40)
    early = loss_figure({k: v[:10] for k, v in history.items()})
    late = loss_figure({k: v[:40] for k, v in history.items()})
    assert early.layout.yaxis.range == late.layout.yaxis.range
    assert early.layout.uirevision == late.layout.uirevision


def test_empty_and_single_epoch_histories():
    empty = loss_figure({"loss": [], "val_loss": []})
    assert_sound(empty)
    assert [len(t.x) for t in empty.data] == [0, 0]
    assert "No epochs yet" in empty.layout.annotations[0].text.replace("<br>", " ")
    assert_sound(loss_figure({}))

    one = loss_figure(samples.history(1))
    assert_sound(one)
    assert all(len(t.y) == 1 and "markers" in t.mode for t in one.data)
    assert one.layout.xaxis.range[0] < 1 < one.layout.xaxis.range[1]


def test_diverged_loss_leaves_a_gap_and_says_so():
    fig = loss_figure({"loss": [1.0, 5.0, float("nan"), float("inf")]})
    assert list(fig.data[0].y) == [1.0, 5.0, None, None]
    assert "epoch 3" in fig.layout.annotations[0].text.replace("<br>", " ")
    assert_sound(fig)


def test_bad_histories_are_refused_in_plain_words():
    with pytest.raises(ValueError, match="one value per epoch"):
        loss_figure({"loss": [1, 2, 3], "val_loss": [1, 2]})
    with pytest.raises(TypeError, match="dict"):
        loss_figure([1, 2, 3])
    with pytest.raises(ValueError, match="flat list"):
        loss_figure({"loss": [[1, 2]]})


def test_gradient_norms_on_a_log_axis_one_line_per_layer():
    norms = samples.grad_norms(12, ["dense_1", "dense_2", "dense_3"])
    norms["dense_3"][0] = 0.0                                 # cannot sit on a log axis
    fig = gradient_norms_figure(norms)
    assert_sound(fig)
    assert fig.layout.yaxis.type == "log"
    assert [t.name for t in fig.data] == ["dense_1", "dense_2", "dense_3"]
    np.testing.assert_allclose(fig.data[0].y, norms["dense_1"])
    assert fig.data[2].y[0] is None
    low, high = fig.layout.yaxis.range
    positive = [v for vals in norms.values() for v in vals if v > 0]
    assert 10 ** low <= min(positive) and max(positive) <= 10 ** high
    assert len({t.line.color for t in fig.data}) == 3


def test_gradient_norms_empty():
    fig = gradient_norms_figure({})
    assert_sound(fig)
    assert len(fig.data) == 0 and fig.layout.annotations


def test_many_layers_move_the_legend_beside_the_plot():
    few = gradient_norms_figure(samples.grad_norms(5, ["a", "b", "c"]))
    many = gradient_norms_figure(samples.grad_norms(5, [f"layer_{k}" for k in range(8)]))
    assert few.layout.legend.orientation == "h" and few.layout.legend.y > 1
    assert many.layout.legend.orientation == "v" and many.layout.legend.x > 1
    assert_sound(many)


def test_long_histories_are_thinned_to_evenly_spaced_epochs():
    from playground.viz.curves import MAX_POINTS
    n = 20_000
    history = {"loss": list(np.linspace(1.0, 0.01, n)), "val_loss": list(np.linspace(2, 0.1, n))}
    fig = loss_figure(history)
    train = fig.data[0]
    assert len(train.x) == MAX_POINTS
    assert train.x[0] == 1 and train.x[-1] == n              # first and last epoch kept
    # every drawn point is the real value at its epoch
    np.testing.assert_allclose(train.y, np.asarray(history["loss"])[np.asarray(train.x) - 1])
    assert fig.layout.xaxis.range[1] == pytest.approx(n + 0.5)     # 20,000 is a step
    norms = gradient_norms_figure({"dense_1": list(np.geomspace(1, 1e-3, n))})
    assert len(norms.data[0].x) == MAX_POINTS and norms.data[0].x[-1] == n
    assert len(loss_figure({"loss": [1.0] * MAX_POINTS}).data[0].x) == MAX_POINTS


def test_log_loss_axis_labels_read_as_the_values_they_mark():
    fig = loss_figure({"loss": [1.8, 0.9, 0.6, 0.45]}, log_y=True)
    axis = fig.layout.yaxis
    labels = dict(zip(axis.tickvals, axis.ticktext))
    assert labels[0.5] == "0.5" and labels[1.0] == "1" and labels[2.0] == "2"
    low, high = axis.range
    assert all(low <= np.log10(v) <= high for v in axis.tickvals)
    wide = loss_figure({"loss": [10.0, 1e-3, 1e-5]}, log_y=True).layout.yaxis
    assert "0.001" in wide.ticktext and "1e-5" in wide.ticktext and "5" not in wide.ticktext


@pytest.mark.parametrize("log_y", [False, True])
def test_the_live_axes_update_is_what_the_full_figure_sets(log_y):
    from playground.viz.curves import loss_axes_update
    history = {"loss": [2.0, 0.8, 0.3], "val_loss": [2.2, 1.0, 0.6],
               "accuracy": [0.5, 0.7, 0.9], "val_accuracy": [0.4, 0.6, 0.8]}
    axis = loss_figure(history, log_y=log_y).layout.yaxis
    update = loss_axes_update(history, log_y)
    assert update["yaxis.range"] == list(axis.range)
    if log_y:
        assert list(update["yaxis.tickvals"]) == list(axis.tickvals)
        assert list(update["yaxis.ticktext"]) == list(axis.ticktext)


@pytest.mark.parametrize("epochs, end", [(0, 10), (7, 10), (10, 10), (11, 12), (13, 15),
                                         (21, 25), (26, 30), (31, 40), (41, 50), (51, 60),
                                         (61, 80), (81, 100), (101, 120), (999, 1000),
                                         (1001, 1200), (4001, 5000), (20_000, 20_000)])
def test_the_epoch_axis_grows_in_steps_that_hold_every_epoch(epochs, end):
    """Live, the axis is redrawn only when it grows a step; the curves fill >= 3/4 of it."""
    from playground.viz.curves import epoch_axis_end
    assert epoch_axis_end(epochs) == end
    assert end >= epochs and (epochs <= 10 or epochs / end > 0.74)
    history = {"loss": [1.0] * epochs}
    assert loss_figure(history).layout.xaxis.range[1] == pytest.approx(end + 0.5)
