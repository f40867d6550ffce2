"""Under the board when "Activation" or "Health" is picked: what the chart shows, in words."""
from __future__ import annotations

from playground.snapshot import Snapshot
from playground.ui import messages
from playground.ui.state import PageState

LOSS_NOTES = {
    "classification": (
        "Right: the loss of one example whose true class is 1, against the probability p "
        "the network gives it. Cross-entropy (−log p) grows without limit as a confident "
        "mistake (p near 0) gets worse, so it pushes hardest exactly there; squared error "
        "never exceeds 1, so a confident mistake barely costs more than a mild one."),
    "regression": (
        "Right: the loss of one example with target 0 against the prediction. Squared error "
        "grows fastest for big misses (outliers dominate); absolute error grows evenly; "
        "Huber is squared near the target and absolute far from it."),
}


def render_activation_panel(state: PageState, snap: Snapshot) -> None:
    curve = snap.activation_curve
    if curve is None:
        return
    messages.show_caption(
        f"Left: the activation of layer {curve.layer_number} ({curve.name}) in blue, its "
        "slope f′ dashed, and in grey where this layer's pre-activations z lie right now "
        "on the training points. Where f′ is near 0 (the flat ends of sigmoid and tanh, "
        "the negative side of ReLU) almost no gradient passes: those units learn slowly "
        "or not at all. Pick another layer with the Neuron view.")
    if snap.loss_curves is not None:
        messages.show_caption(LOSS_NOTES[snap.loss_curves.task])


def render_health_panel(state: PageState, snap: Snapshot) -> None:
    if not snap.activity:
        return
    for sentence in snap.health:
        messages.show_warning(sentence)
    if not snap.health:
        messages.show_success("No dead or saturated units in the hidden layers.")
    rows = snap.activity[0].rows
    messages.show_caption(
        f"Each panel: the spread of one hidden layer's outputs on {rows} training points "
        "over the epochs while this view or Activation is open (bands from the lowest to "
        "the highest value, darker towards the median). Dead: a ReLU unit that outputs 0 on every training point. Saturated: a "
        "sigmoid or tanh unit at the flat end of its curve on 90% of the points or more.")
