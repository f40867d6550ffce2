"""What one experiment may cost a shared server: work per training step, work per pass over
the data, and memory for one step's activations. Checked when a config is applied (page,
link, experiment file, preset; the CLI only warns), before any training is done.

The work is counted in multiply-adds of the forward pass: each weight matrix (not biases or
normalisation scales) times the positions it is applied at (the pixels of a convolution,
the time steps of a recurrent layer, once for a dense layer). The backward pass costs
about twice that again, so a step costs roughly three times ``per_sample x batch``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.experiment_data import ExperimentError

# One training step holds the tab's session for its whole length (a batch cannot be cut),
# so Pause, the charts and the settings wait for it: about 0.1-0.3 s here at this size.
MAX_STEP_MACS = 100_000_000
# One pass over every row (a snapshot evaluates all splits; an epoch is about three):
# about 1-2 s here at this size (a cnn 64,64,64 on the 1,797 digits: 1,400 million).
MAX_PASS_MACS = 1_500_000_000
# The activations one step keeps for the backward pass, their gradients and temporaries.
MAX_STEP_BYTES = 256 * 2**20
_COPIES = 3            # forward cache + gradient + one temporary per activation


@dataclass(frozen=True)
class Cost:
    """What one experiment costs: per sample, and the limits it implies."""

    macs_per_sample: int        # forward multiply-adds for one example
    floats_per_sample: int      # activations one example keeps (layer outputs, conv windows)
    batch_size: int
    rows: int                   # all rows of all splits (train, validation, test)

    @property
    def step_macs(self) -> int:
        return self.macs_per_sample * self.batch_size

    @property
    def pass_macs(self) -> int:
        return self.macs_per_sample * self.rows

    @property
    def step_bytes(self) -> int:
        return self.floats_per_sample * self.batch_size * 4 * _COPIES


def model_cost(model, batch_size: int, rows: int) -> Cost:
    """The cost of training ``model`` (a built nn.Sequential) at ``batch_size`` on data of
    ``rows`` examples in all."""
    macs = floats = 0
    for layer in model.layers:
        positions = max(int(np.prod(layer.input_shape[:-1])),
                        int(np.prod(layer.output_shape[:-1])))
        weights = sum(int(p.size) for p in layer.params.values() if p.ndim > 1)
        macs += weights * positions
        floats += int(np.prod(layer.output_shape))
        kernel = layer.params.get("kernel")
        if kernel is not None and kernel.ndim == 4:    # a convolution's input windows
            floats += int(np.prod(layer.output_shape[:-1])) * int(np.prod(kernel.shape[:-1]))
    return Cost(macs, floats, int(batch_size), int(rows))


def _millions(n: float) -> str:
    return f"{n / 1e6:,.0f} million"


def over_budget(cost: Cost, model_kind: str) -> str | None:
    """A plain message naming the setting to reduce, or None when the cost fits."""
    network = ("fewer or smaller Convolution filters (conv_filters) or Hidden layers "
               "(hidden_layers)" if model_kind == "cnn" else
               "fewer Recurrent units (rnn_units) or smaller Hidden layers (hidden_layers)"
               if model_kind in ("rnn", "lstm") else
               "fewer or smaller Hidden layers (hidden_layers)")
    if cost.pass_macs > MAX_PASS_MACS:
        return (f"This network is too big for this data on a shared server: one pass over "
                f"the {cost.rows:,} examples takes about {_millions(cost.pass_macs)} "
                f"multiply-adds, more than the {_millions(MAX_PASS_MACS)} one tab may use. "
                f"Use {network}, or fewer examples (Samples, n_samples).")
    most = max(1, min(MAX_STEP_MACS // max(cost.macs_per_sample, 1),
                      MAX_STEP_BYTES // max(cost.floats_per_sample * 4 * _COPIES, 1)))
    if cost.step_macs > MAX_STEP_MACS:
        return (f"One training step would take about {_millions(cost.step_macs)} "
                f"multiply-adds (batch size {cost.batch_size:,} x "
                f"{cost.macs_per_sample:,} per example), more than the "
                f"{_millions(MAX_STEP_MACS)} one tab may use: set the Batch size "
                f"(batch_size) to at most {most:,}, or use {network}.")
    if cost.step_bytes > MAX_STEP_BYTES:
        return (f"One training step would keep about {cost.step_bytes / 2**20:,.0f} MB of "
                f"activations (batch size {cost.batch_size:,}), more than the "
                f"{MAX_STEP_BYTES // 2**20} MB one tab may use: set the Batch size "
                f"(batch_size) to at most {most:,}, or use {network}.")
    return None


def check_budget(cost: Cost, model_kind: str) -> None:
    """Raise ExperimentError (a ValueError) with the message when ``cost`` is too high."""
    message = over_budget(cost, model_kind)
    if message:
        raise ExperimentError(message)
