"""Inside an RNN or LSTM for one sequence: the hidden state and the gates over time, the
prediction after every step, and how far back the gradient reaches."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from playground.snapshot import RecurrentView
from playground.viz import theme

GATE_ROWS = (("input", "input gate i"), ("forget", "forget gate f"),
             ("output", "output gate o"))


def _steps(count: int) -> np.ndarray:
    return np.arange(1, count + 1)


def hidden_states_figure(rv: RecurrentView, name: str) -> go.Figure:
    """h_t as a heatmap: one row per unit, one column per time step (rv.hidden is
    (time, units); tanh keeps it in [-1, 1]: orange negative, blue positive)."""
    hidden = rv.hidden
    data = [{"type": "heatmap", "z": hidden.T, "x": _steps(len(hidden)),
             "y": _steps(hidden.shape[1]), "zmin": -1, "zmax": 1,
             "colorscale": theme.colorscale(theme.DIVERGING), "name": "",
             "colorbar": {"thickness": 12, "len": 0.8},
             "hovertemplate": "step %{x}, unit %{y}: h = %{z:.3f}<extra></extra>"}]
    layout = theme.base_layout(
        f"Hidden state h_t, {name} ({rv.kind})", revision="rnn_states",
        xaxis=theme.axis("time step t", showgrid=False),
        yaxis=theme.axis("unit", showgrid=False, autorange="reversed"))
    return theme.new_figure(data, layout)


def lstm_gates_figure(rv: RecurrentView, name: str) -> go.Figure:
    """The LSTM's input, forget and output gates (0 closed .. 1 open) and its cell state
    c_t over time, stacked: units down, time steps across."""
    panels = [(label, rv.gates[key], 0.0, 1.0, theme.SEQUENTIAL_BLUES)
              for key, label in GATE_ROWS if key in rv.gates]
    if rv.cell is not None:
        bound = theme.nice_ceiling(float(np.abs(rv.cell).max()) or 1.0)
        panels.append(("cell state c", rv.cell, -bound, bound, theme.DIVERGING))
    data, axes, annotations = [], {}, []
    count = len(panels)
    gap = 0.06
    height = (1.0 - gap * (count - 1)) / max(count, 1)
    steps = _steps(len(rv.hidden))
    for k, (label, values, low, high, scale) in enumerate(panels):
        suffix = "" if k == 0 else str(k + 1)
        top = 1.0 - k * (height + gap)
        domain = [max(top - height, 0.0), top]
        data.append({"type": "heatmap", "z": values.T, "x": steps,
                     "y": _steps(values.shape[1]), "zmin": low, "zmax": high,
                     "colorscale": theme.colorscale(scale), "xaxis": f"x{suffix}",
                     "yaxis": f"y{suffix}", "name": label,
                     "colorbar": {"thickness": 10, "len": height, "y": sum(domain) / 2,
                                  "yanchor": "middle"},
                     "hovertemplate": f"{label}, step %{{x}}, unit %{{y}}: %{{z:.3f}}"
                                      "<extra></extra>"})
        last = k == count - 1
        axes[f"xaxis{suffix}"] = theme.axis("time step t" if last else "", anchor=f"y{suffix}",
                                            showticklabels=last, showgrid=False,
                                            **({"matches": "x"} if k else {}))
        axes[f"yaxis{suffix}"] = theme.axis("", domain=domain, anchor=f"x{suffix}",
                                            showgrid=False, showticklabels=False,
                                            autorange="reversed")
        annotations.append({"text": label, "x": 0, "y": domain[1], "xref": "paper",
                            "yref": "paper", "xanchor": "left", "yanchor": "bottom",
                            "showarrow": False, "font": {"size": theme.SMALL_SIZE + 1}})
    layout = theme.base_layout(f"LSTM gates and cell state over time, {name}",
                               revision="lstm_gates", height=460, showlegend=False, **axes)
    layout["annotations"] = annotations
    layout["margin"] = dict(theme.MARGIN, l=30, t=60, b=50)
    return theme.new_figure(data, layout)


def step_predictions_figure(rv: RecurrentView, name: str) -> go.Figure:
    """What the network would predict after each step (its output layers read h_t) against
    the right answer after step t (the value that follows, for a series), with the input
    sequence for reference."""
    steps = _steps(len(rv.hidden))
    data = [
        {"type": "scatter", "mode": "lines", "x": steps, "y": rv.x[:, 0], "name": "input x_t",
         "line": {"color": "#999999", "width": 2},
         "hovertemplate": "x_%{x} = %{y:.3g}<extra></extra>"},
        {"type": "scatter", "mode": "lines+markers", "x": steps, "y": rv.step_target,
         "name": "answer", "line": {"color": theme.INK, "width": 2},
         "hovertemplate": "after step %{x}: %{y:.3g}<extra></extra>"},
        {"type": "scatter", "mode": "lines+markers", "x": steps,
         "y": theme.finite_or_none(rv.step_prediction), "name": "predicted",
         "line": {"color": theme.ORANGE, "width": 3, "dash": "dash"},
         "hovertemplate": "predicted after step %{x}: %{y:.3g}<extra></extra>"},
    ]
    values = np.concatenate([rv.x[:, 0], rv.step_target])
    finite = values[np.isfinite(values)]
    y_range = theme.padded_range(float(finite.min()), float(finite.max()), 0.15) \
        if finite.size else [0.0, 1.0]
    layout = theme.base_layout(f"Prediction after each step, {name}",
                               revision="step_predictions",
                               xaxis=theme.axis("time step t"),
                               yaxis=theme.axis("value", range=y_range),
                               hovermode="x unified", legend=theme.legend(3))
    layout["margin"] = dict(theme.MARGIN, t=theme.LEGEND_ROW_TOP + 20)
    return theme.new_figure(data, layout)


def gradient_reach_figure(rv: RecurrentView, name: str) -> go.Figure:
    """||dLoss/dh_t|| for each step t on a log axis: how much the state at step t still
    matters to the loss on the final prediction. A steep fall to the left is the
    vanishing gradient: the network cannot learn from that far back."""
    norms = np.asarray(rv.grad_norm, dtype=np.float64)
    steps = _steps(len(norms))
    positive = norms[np.isfinite(norms) & (norms > 0)]
    data = [{"type": "scatter", "mode": "lines+markers", "x": steps,
             "y": theme.finite_or_none(np.where(norms > 0, norms, np.nan)), "name": "",
             "line": {"color": theme.BLUE, "width": 3},
             "hovertemplate": "step %{x}: |dL/dh| = %{y:.3g}<extra></extra>"}]
    title = f"How far back the gradient reaches, {name}"
    if positive.size and norms[-1] > 0 and norms[0] > 0:
        title = f"Gradient reach: step 1 gets {norms[0] / norms[-1]:.2g}× step {len(norms)}'s"
    low = math.floor(math.log10(positive.min())) if positive.size else -3
    high = math.ceil(math.log10(positive.max())) if positive.size else 0
    layout = theme.base_layout(title, revision="gradient_reach",
                               xaxis=theme.axis("time step t"),
                               yaxis=theme.axis("|dLoss/dh_t|", type="log", dtick=1,
                                                exponentformat="power",
                                                range=[low, max(high, low + 1)]),
                               showlegend=False)
    return theme.new_figure(data, layout)
