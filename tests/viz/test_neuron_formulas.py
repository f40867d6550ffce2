"""The neuron inspector's LaTeX: the trace's numbers to 4 significant digits, and names
from the data (a CSV column may be called anything) shown as written, never read as LaTeX."""
from __future__ import annotations

import re

import numpy as np

from playground.config import ExperimentConfig
from playground.training import TrainingSession
from playground.viz import neuron as formulas
from playground.viz import theme


def test_the_formulas_print_the_traces_numbers():
    session = TrainingSession(ExperimentConfig(hidden_layers=(3,), optimizer="adam"))
    session.step_epochs(1)
    trace = session.snapshot().neuron
    text = "\n".join(formulas.forward_formulas(trace) + formulas.backward_formulas(trace) +
                     formulas.update_formulas(trace))
    for value in (trace.z, trace.a, trace.loss, trace.dloss_da, trace.slope, trace.delta,
                  *trace.grad_weights, trace.grad_bias, *trace.step.change,
                  trace.step.step_size):
        assert formulas.tex(value) in text, value
    assert formulas.number(0.000123456) == "0.0001235"
    assert formulas.tex(-1.23456e-7) == r"-1.235 \times 10^{-7}"


def test_names_are_escaped_so_they_read_as_written():
    nasty = r"a}b\x_1 $#%&^~{ \text{boom}"
    tex = formulas._name_tex(nasty)
    assert tex.startswith(r"\text{") and tex.endswith("}")
    body = tex[len(r"\text{"):-1]
    # every special character is escaped; undoing the escapes gives the name back
    undone = body
    for char, escaped in sorted(formulas.TEXT_ESCAPES.items(), key=lambda kv: -len(kv[1])):
        undone = undone.replace(escaped, "\0" + str(ord(char)) + "\0")
    assert not re.search(r"[\\{}$&%#_^~]", undone)
    restored = re.sub("\0(\\d+)\0", lambda m: chr(int(m.group(1))), undone)
    assert restored == nasty


def _numbers(line: str) -> list[float]:
    """The numbers a formula line prints, in order ("(-0.1)" read as -0.1)."""
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", line)]


def test_the_charts_formulas_add_up_by_hand():
    """The lines drawn above the bars (live while playing): z is the sum of the printed
    terms, a = tanh(z), delta = dL/da f'(z), dL/dw_i = delta x_i and SGD's change is
    -lr dL/dw_i, each from the printed numbers (to their 4 significant digits)."""
    session = TrainingSession(ExperimentConfig(optimizer="sgd", learning_rate=0.1))
    session.step_epochs(1)
    trace = session.snapshot().neuron
    forward, activation, backward, delta, grads, update = formulas.compact_formulas(trace)
    *terms, z = _numbers(forward.split("b =")[1])
    assert abs(sum(terms) - z) <= 1e-3 * max(abs(z), 1e-3) and z == float(formulas.number(trace.z))
    assert abs(float(_numbers(activation)[-1]) - np.tanh(z)) < 1e-3
    _, dloss_da, slope = _numbers(backward)             # L, dL/da, f'(z) as printed
    assert abs(slope - (1 - np.tanh(z) ** 2)) < 1e-3
    printed_delta = _numbers(delta)[-1]
    assert abs(printed_delta - dloss_da * slope) <= 1e-3 * abs(printed_delta)
    grad_w = _numbers(grads.split(":")[1].split(";")[0])
    for g, x in zip(grad_w, trace.inputs):
        assert abs(g - printed_delta * x) <= 2e-3 * abs(g) + 1e-9
    changes = _numbers(update.split("Δwᵢ")[1].split(";")[0])
    for change, g in zip(changes, grad_w):
        assert abs(change - (-0.1 * g)) <= 2e-3 * abs(change) + 1e-9
    drawn = formulas.neuron_figure(trace).layout.annotations[-1].text.split("<br>")
    assert drawn[0].startswith("Forward: z = Σ wᵢxᵢ + b")
    assert all(theme.text_units(line) <= formulas.FORMULA_CHARS for line in drawn)
