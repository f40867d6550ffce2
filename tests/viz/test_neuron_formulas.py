"""The neuron inspector's LaTeX: the trace's numbers to 4 significant digits, and names
from the data (a CSV column may be called anything) shown as written, never read as LaTeX."""
from __future__ import annotations

import re

from playground.config import ExperimentConfig
from playground.training import TrainingSession
from playground.viz import neuron as formulas


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
