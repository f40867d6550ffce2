"""One sequence through a model's recurrent layer, step by step: states, gates, what the
network would predict after each step, and how much each step's state matters to the loss
(dLoss/dh_t, from the engine's own backpropagation through time)."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from playground.snapshot import RecurrentView
from playground.traces.twins import forward, twin

RECURRENT_KINDS = ("SimpleRNN", "LSTM")


def recurrent_index(model) -> int | None:
    """Position of the model's first SimpleRNN or LSTM layer, or None."""
    return next((i for i, layer in enumerate(model.layers)
                 if type(layer).__name__ in RECURRENT_KINDS), None)


def recurrent_view(model, loss, x: np.ndarray, target: np.ndarray, x_original: np.ndarray,
                   step_target: np.ndarray, to_original: Callable[[np.ndarray], np.ndarray]
                   ) -> RecurrentView | None:
    """The model's recurrent layer on one example.

    x: (1, time, features) the model's input; target: (1, outputs) as ``loss`` wants it;
    x_original: (time, features) the same example in original units; step_target: (time,)
    what the network should answer after each step (original units, see
    ``data.sequences.step_targets``); to_original: network outputs (n, outputs) ->
    original units, (n,) or (n, outputs).
    """
    index = recurrent_index(model)
    if index is None:
        return None
    layers = model.layers
    inputs = forward(layers[:index], x)
    cell = twin(layers[index], return_sequences=False)
    cell.keep_state_gradients = True
    head = [twin(layer) for layer in layers[index + 1:]]
    output = forward(head, cell.forward(inputs, False))
    fused = bool(head) and head[-1].fused_output_gradient
    grad = loss.fused_gradient(target, output) if fused else loss.gradient(target, output)
    for layer in reversed(head):
        grad = layer.backward(grad)
    cell.backward(grad)
    states = cell.last_states()
    hidden = states["hidden"][0]                                   # (time, units)
    readout = np.asarray(to_original(forward(head, hidden).astype(np.float64)))
    readout = readout.reshape(len(hidden), -1)[:, 0]
    x_original = np.asarray(x_original, dtype=np.float64)
    grads = cell.state_gradients
    grad_norm = np.linalg.norm(grads[:, 0, :].astype(np.float64), axis=1) \
        if grads is not None else np.full(len(hidden), np.nan)
    gates = {name: states[name][0] for name in ("input", "forget", "output") if name in states}
    return RecurrentView(layer=cell.name, kind=type(cell).__name__, x=x_original,
                         hidden=hidden, cell=states["cell"][0] if "cell" in states else None,
                         gates=gates, step_prediction=readout,
                         step_target=np.asarray(step_target, dtype=np.float64),
                         grad_norm=grad_norm)
