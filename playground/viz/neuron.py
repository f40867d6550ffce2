"""The neuron inspector drawn: a chart of z's terms and the gradients, and the formulas.

``neuron_figure(trace)`` -> go.Figure: left, the terms w_i x_i and b that add up to z;
right, dL/dw_i = delta x_i and the optimizer's change of each weight. ``neuron_formulas``
-> LaTeX lines (for st.latex) with the numbers written out to 4 significant digits.
Both only format a ``NeuronTrace`` (playground.traces.neuron): no maths here.
"""
from __future__ import annotations

import math

import plotly.graph_objects as go

from playground.traces.neuron import NeuronTrace, OptimizerStep
from playground.viz import theme

MAX_TERMS = 8          # inputs written out term by term; the rest are summed as "..."

# activation name -> (f(z) in LaTeX, f'(z) in LaTeX)
ACTIVATION_TEX = {
    "linear": ("z", "1"),
    "sigmoid": (r"\sigma(z) = \frac{1}{1 + e^{-z}}", r"\sigma(z)\,(1 - \sigma(z))"),
    "tanh": (r"\tanh(z)", r"1 - \tanh^2(z)"),
    "relu": (r"\max(0, z)", r"1 \text{ if } z > 0 \text{ else } 0"),
    "leaky_relu": (r"\max(z, 0.2 z)", r"1 \text{ if } z > 0 \text{ else } 0.2"),
    "elu": (r"z \text{ if } z > 0 \text{ else } e^z - 1",
            r"1 \text{ if } z > 0 \text{ else } e^z"),
    "swish": (r"z\,\sigma(z)", r"\sigma(z) + z\,\sigma(z)(1 - \sigma(z))"),
    "gelu": (r"z\,\Phi(z)", r"\Phi(z) + z\,\varphi(z)"),
    "gelu_tanh": (r"\tfrac{z}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,(z + 0.044715 z^3)\right)"
                  r"\right)", r"\text{(its derivative)}"),
    "softmax": (r"\frac{e^{z_j}}{\sum_k e^{z_k}}", r"a_j (\mathbb{1}_{jk} - a_k)"),
}
LOSS_TEX = {
    "mse": r"L = \frac{1}{m}\sum_k (a_k - y_k)^2",
    "mae": r"L = \frac{1}{m}\sum_k |a_k - y_k|",
    "huber": r"L = \text{Huber}(a - y)",
    "binary_crossentropy": r"L = -\left(y \log a + (1 - y) \log(1 - a)\right)",
    "sparse_categorical_crossentropy": r"L = -\log a_{y}",
    "categorical_crossentropy": r"L = -\sum_k y_k \log a_k",
}


def number(value: float, digits: int = 4) -> str:
    """value to ``digits`` significant digits, as plain text: 0.1235, -1.2e-05 -> -1.2e-05."""
    if value is None or not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    return f"{value:.{digits}g}"


def tex(value: float) -> str:
    """value to 4 significant digits in LaTeX (1.235 \\times 10^{-5}), negatives bracketed
    where they follow an operator (the caller decides: see ``paren``)."""
    text = number(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def paren(value: float) -> str:
    return rf"({tex(value)})" if value < 0 or "times" in tex(value) else tex(value)


# LaTeX's special characters in text mode, written so that a feature name (a CSV column
# may be called anything) is shown as written and never read as LaTeX
TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}",
                "~": r"\textasciitilde{}"}


def _name_tex(name: str) -> str:
    """A name as LaTeX text, every special character escaped."""
    return r"\text{" + "".join(TEXT_ESCAPES.get(c, c) for c in str(name)) + "}"


def neuron_title(trace: NeuronTrace) -> str:
    return (f"Layer {trace.layer_number} ({trace.activation}), neuron {trace.unit + 1}, "
            f"training point {trace.row + 1}")


def _shown_terms(trace: NeuronTrace) -> list[int]:
    """Indices of the inputs written out: all, or the MAX_TERMS largest |w_i x_i|."""
    order = sorted(range(len(trace.terms)), key=lambda i: -abs(trace.terms[i]))
    return sorted(order[:MAX_TERMS])


def forward_formulas(trace: NeuronTrace) -> list[str]:
    """z written term by term, then a = f(z)."""
    shown = _shown_terms(trace)
    terms = [rf"{paren(trace.weights[i])}\cdot{paren(trace.inputs[i])}" for i in shown]
    rest = len(trace.terms) - len(shown)
    if rest:
        others = float(sum(t for i, t in enumerate(trace.terms) if i not in shown))
        terms.append(rf"\underbrace{{{paren(others)}}}_{{\text{{{rest} more terms}}}}")
    f_tex, _ = ACTIVATION_TEX.get(trace.activation, ("f(z)", "f'(z)"))
    return [
        r"z = \sum_i w_i x_i + b = " + " + ".join(terms) + rf" + {paren(trace.bias)}"
        rf" = {tex(trace.z)}",
        rf"a = f(z) = {f_tex} = {tex(trace.a)}" if trace.activation != "softmax" else
        rf"a_j = {f_tex} = {tex(trace.a)}",
    ]


def backward_formulas(trace: NeuronTrace) -> list[str]:
    """The loss of the point, dL/da, f'(z), delta and the weight gradients."""
    _, slope_tex = ACTIVATION_TEX.get(trace.activation, ("f(z)", "f'(z)"))
    lines = [LOSS_TEX.get(trace.loss_name, "L") + rf" = {tex(trace.loss)}"
             r"\quad\text{(this point alone)}",
             rf"\frac{{\partial L}}{{\partial a}} = {tex(trace.dloss_da)}"]
    if trace.slope is not None:
        lines.append(rf"f'(z) = {slope_tex} = {tex(trace.slope)}")
    if trace.fused:
        lines.append(rf"\delta = \frac{{\partial L}}{{\partial z}} = a - y = {tex(trace.delta)}"
                     r"\quad\text{(the loss and the output activation together)}")
    elif trace.slope is not None:
        lines.append(rf"\delta = \frac{{\partial L}}{{\partial z}} = \frac{{\partial L}}"
                     rf"{{\partial a}}\,f'(z) = {paren(trace.dloss_da)}\cdot{paren(trace.slope)}"
                     rf" = {tex(trace.delta)}")
    else:
        lines.append(rf"\delta = \frac{{\partial L}}{{\partial z}} = {tex(trace.delta)}")
    penalty = trace.penalty_weights is not None
    plus_penalty = r" + \text{penalty}" if penalty else ""
    for i in _shown_terms(trace):
        extra = rf" + {paren(trace.penalty_weights[i])}" if penalty else ""
        lines.append(rf"\frac{{\partial L}}{{\partial w_{{{i + 1}}}}} = \delta\,x_{{{i + 1}}}"
                     rf"{plus_penalty} = {paren(trace.delta)}\cdot"
                     rf"{paren(trace.inputs[i])}{extra} = {tex(trace.grad_weights[i])}"
                     rf"\quad x_{{{i + 1}}} = {_name_tex(trace.input_names[i])}")
    lines.append(rf"\frac{{\partial L}}{{\partial b}} = \delta = {tex(trace.grad_bias)}")
    return lines


def update_formulas(trace: NeuronTrace) -> list[str]:
    """The optimizer's rule with its state, and the change of the first weights and b."""
    step = trace.step
    if step is None:
        return [r"\text{This layer is not trained (no optimizer step).}"]
    shown = _shown_terms(trace)
    k = len(step.change)
    places = [(i, rf"w_{{{i + 1}}}") for i in shown] + \
        ([(k - 1, "b")] if k == len(trace.weights) + 1 else [])
    return [rule_formula(step)] + [_one_update(step, index, name) for index, name in places]


def rule_formula(step: OptimizerStep) -> str:
    """The optimizer's update rule with its settings filled in."""
    lr = tex(step.learning_rate)
    s = step.settings
    if step.name == "sgd" and step.slot_names:
        return (rf"v \leftarrow {tex(s['momentum'])}\,v - {lr}\,g,\quad w \leftarrow w + v"
                rf"\quad\text{{(SGD with momentum, step {step.step_number})}}")
    if step.name == "sgd":
        return rf"w \leftarrow w - \eta\,g = w - {lr}\,g\quad\text{{(plain SGD)}}"
    if step.name in ("adam", "adamw"):
        decay = rf",\ w \leftarrow (1 - {lr}\cdot{tex(s['weight_decay'])})\,w" \
            if step.name == "adamw" else ""
        return (rf"m \leftarrow {tex(s['beta_1'])}\,m + {tex(1 - s['beta_1'])}\,g,\ "
                rf"v \leftarrow {tex(s['beta_2'])}\,v + {tex(1 - s['beta_2'])}\,g^2,\ "
                rf"w \leftarrow w - \eta_t \frac{{m}}{{\sqrt{{v}} + \epsilon}},\ "
                rf"\eta_{{{step.step_number}}} = {lr}\frac{{\sqrt{{1 - {tex(s['beta_2'])}^"
                rf"{{{step.step_number}}}}}}}{{1 - {tex(s['beta_1'])}^{{{step.step_number}}}}}"
                rf" = {tex(step.step_size)}{decay}")
    if step.name == "rmsprop":
        return (rf"s \leftarrow {tex(s['rho'])}\,s + {tex(1 - s['rho'])}\,g^2,\ "
                rf"w \leftarrow w - {lr}\frac{{g}}{{\sqrt{{s + \epsilon}}}}")
    if step.name == "adagrad":
        return rf"s \leftarrow s + g^2,\ w \leftarrow w - {lr}\frac{{g}}{{\sqrt{{s + \epsilon}}}}"
    return rf"\text{{{step.name}, learning rate }} {lr}"


def _one_update(step: OptimizerStep, index: int, name: str) -> str:
    g = step.grads[index]
    states = ", ".join(
        rf"{slot}: {paren(step.before[s, index])} \to {paren(step.after[s, index])}"
        for s, slot in enumerate(_slot_tex(step.slot_names)))
    head = rf"\Delta {name} = "
    if step.name == "sgd" and not step.slot_names:
        return head + rf"-{tex(step.learning_rate)}\cdot{paren(g)} = {tex(step.change[index])}"
    return head + rf"{tex(step.change[index])}\quad(g = {tex(g)};\ {states})"


def _slot_tex(names) -> list[str]:
    return [{"velocity": "v", "m": "m", "v": "v", "s": "s", "a": "a"}.get(n, n) for n in names]


# ----- the compact formulas drawn in the chart (plain text, redrawn live) ------------------
COMPACT_TERMS = 3      # terms, gradients and updates written out in the chart; then "…"
FORMULA_SIZE = 13      # px: the chart's formula lines (projector: darker than its notes)
FORMULA_CHARS = 62     # average characters (theme.text_units) per line at that size in the
                       # 1280 x 720 detail chart (about 410 px)
# activation name -> f(z) as plain text
ACTIVATION_TEXT = {"linear": "z", "sigmoid": "σ(z)", "tanh": "tanh(z)", "relu": "max(0, z)",
                   "leaky_relu": "max(z, 0.2z)", "elu": "elu(z)", "swish": "z·σ(z)",
                   "gelu": "z·Φ(z)", "gelu_tanh": "gelu(z)", "softmax": "softmax(z)ⱼ"}


def _bracket(value: float) -> str:
    text = number(value)
    return f"({text})" if value < 0 else text


def _listed(items: list[str], total: int) -> str:
    """The first COMPACT_TERMS of ``items`` joined, "…" if ``total`` has more."""
    return ", ".join(items[:COMPACT_TERMS]) + (", …" if total > COMPACT_TERMS else "")


def compact_formulas(trace: NeuronTrace) -> list[str]:
    """Forward, backward and update of the inspected neuron as short plain-text lines with
    the numbers (4 significant digits), for the chart: they redraw with every frame while
    playing; the LaTeX lines under the board (``forward_formulas`` ...) give every term."""
    n = len(trace.terms)
    shown = list(range(min(n, COMPACT_TERMS)))
    terms = " + ".join(_bracket(float(trace.terms[i])) for i in shown)
    if n > COMPACT_TERMS:
        terms += f" + {_bracket(float(sum(trace.terms[COMPACT_TERMS:])))} ({n - COMPACT_TERMS} more)"
    lines = [f"Forward: z = Σ wᵢxᵢ + b = {terms} + {_bracket(trace.bias)} = {number(trace.z)}",
             f"a = {ACTIVATION_TEXT.get(trace.activation, 'f(z)')} = {number(trace.a)}"]
    if trace.fused:
        lines.append(f"Backward: L = {number(trace.loss)} on this point; "
                     f"δ = dL/dz = a − y = {number(trace.delta)}")
    elif trace.slope is not None:
        lines += [f"Backward: L = {number(trace.loss)} on this point; "
                  f"dL/da = {number(trace.dloss_da)}, f′(z) = {number(trace.slope)}",
                  f"δ = dL/da · f′(z) = {number(trace.delta)}"]
    else:
        lines.append(f"Backward: L = {number(trace.loss)} on this point; "
                     f"dL/da = {number(trace.dloss_da)}, δ = {number(trace.delta)}")
    penalty = " + penalty" if trace.penalty_weights is not None else ""
    grads = [number(float(trace.grad_weights[i])) for i in shown]
    lines.append(f"dL/dwᵢ = δ·xᵢ{penalty}: {_listed(grads, n)};  dL/db = δ = "
                 f"{number(trace.grad_bias)}")
    step = trace.step
    if step is None:
        return lines + ["This layer is not trained (no optimizer step)."]
    rule = f"−η·dL/dw, η = {number(step.learning_rate)}" if step.name == "sgd" and \
        not step.slot_names else f"{step.name}, step {step.step_number}"
    changes = [number(float(step.change[i])) for i in shown]
    bias = f";  Δb = {number(float(step.change[-1]))}" if len(step.change) == n + 1 else ""
    return lines + [f"Update ({rule}): Δwᵢ {_listed(changes, n)}{bias}"]


def neuron_figure(trace: NeuronTrace) -> go.Figure:
    """Three small bar charts side by side: the terms of z (w_i x_i and b), the gradients
    dL/dw_i and dL/db, and the optimizer's change of each; values printed on the bars."""
    shown = _shown_terms(trace)
    names = [f"w{i + 1}" for i in shown] + ["b"]
    panels = [([f"w{i + 1}x{i + 1}" for i in shown] + ["b"],
               [float(trace.terms[i]) for i in shown] + [trace.bias], "terms of z",
               theme.BLUE),
              (names, [float(trace.grad_weights[i]) for i in shown] + [trace.grad_bias],
               "gradient dL/dw", theme.ORANGE)]
    step = trace.step
    if step is not None:
        change = [float(step.change[i]) for i in shown]
        if len(step.change) == len(trace.weights) + 1:
            change.append(float(step.change[-1]))
        panels.append((names[:len(change)], change, f"change ({step.name})",
                       theme.class_colour(2)))
    width = 1.0 / len(panels)
    data, axes = [], {}
    for k, (labels, values, name, colour) in enumerate(panels):
        suffix = "" if k == 0 else str(k + 1)
        data.append({"type": "bar", "x": labels, "y": values, "name": name,
                     "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                     "marker": {"color": colour}, "text": [number(v, 3) for v in values],
                     "textposition": "outside", "textangle": 0, "cliponaxis": False,
                     "textfont": {"size": 13},
                     "hovertemplate": "%{x}: %{y:.4g}<extra>" + name + "</extra>"})
        axes[f"xaxis{suffix}"] = {**theme.axis(name), "domain": [k * width + 0.02,
                                                               (k + 1) * width - 0.05],
                                  "anchor": f"y{suffix}"}
        axes[f"yaxis{suffix}"] = {**theme.axis(""), "anchor": f"x{suffix}",
                                  "zeroline": True, "zerolinecolor": "#888888"}
    title = (f"Neuron {trace.unit + 1} of layer {trace.layer_number}, point "
             f"{trace.row + 1}: z = {number(trace.z)}, a = {number(trace.a)}")
    layout = theme.base_layout(title, revision="neuron", height=240, **axes)
    layout["showlegend"] = False             # each panel's name is its axis title
    layout["margin"] = {**theme.MARGIN, "l": 50, "t": 50, "b": 50}
    layout["uniformtext"] = {"minsize": 12, "mode": "hide"}
    # the formulas above the bars: on screen at 1280 x 720 (the LaTeX is under the board)
    theme.notes_under_title(layout, compact_formulas(trace), width=FORMULA_CHARS,
                            above=22, size=FORMULA_SIZE, colour=theme.INK)
    return theme.new_figure(data, layout)
