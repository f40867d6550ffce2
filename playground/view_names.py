"""The names of the page's chart places ("slots") and views, without drawing anything.

The config (``hide=`` choices and messages) and the view registry (``viz/views.py``,
which holds the figures) both import these names from here, so the config never pulls
in plotly. ``viz/views.py`` checks at import that its ``VIEWS`` entries are exactly
``VIEW_NAMES``: adding a view means adding its name here too (its error says which).
"""
from __future__ import annotations

from types import MappingProxyType

# slot -> the chart key on the page (also a ``hide`` name: hides the whole place)
SLOTS = MappingProxyType({"main": "output_chart", "network": "network_chart",
                          "loss": "loss_chart", "detail": "detail_chart"})
# every view in the registry, in registry order (also a ``hide`` name: hides that view)
VIEW_NAMES = ("boundary", "points_rebuilt", "samples", "sequence", "curve", "network", "loss",
              "metrics", "preprocessing", "confusion", "class_scores", "roc", "importance",
              "slice", "weights", "gradients", "latent",
              "reconstruction", "rebuild_error", "filters", "feature_maps", "conv_math",
              "rnn_states", "lstm_gates", "step_predictions", "gradient_reach", "latent_grid",
              "neuron", "landscape", "activation", "health")
# Every name ``hide=`` accepts for a chart: a whole place, or one view.
HIDE_NAMES = tuple(SLOTS.values()) + VIEW_NAMES
# The detail chart's picker in two levels: group -> (its label, its views in picker order).
# A picker lists a group only when one of its views fits the model (``views.detail_groups``);
# the views of one kind of network (CNN, recurrent, autoencoder) have a group each, so
# only one of those ever shows.
DETAIL_GROUPS = MappingProxyType({
    "results": ("Results", ("metrics", "confusion", "class_scores", "roc")),
    "columns": ("Columns", ("preprocessing", "importance", "slice")),
    "neurons": ("Neurons", ("neuron", "activation", "health", "weights")),
    "learning": ("Learning", ("gradients", "landscape")),
    "cnn": ("CNN", ("filters", "feature_maps", "conv_math")),
    "recurrent": ("Recurrent", ("rnn_states", "lstm_gates", "step_predictions",
                                "gradient_reach")),
    "autoencoder": ("Autoencoder", ("latent", "reconstruction", "rebuild_error",
                                    "latent_grid")),
})
# Every view the detail chart can show: the ``view=`` setting's choices besides VIEW_AUTO,
# its default (the first view the detail chart offers for the model).
VIEW_AUTO = "auto"
DETAIL_VIEW_NAMES = tuple(name for _, names in DETAIL_GROUPS.values() for name in names)
