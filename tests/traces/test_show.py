"""A snapshot carries the costlier teaching parts only when a shown view needs them."""
from __future__ import annotations

from playground.config import ExperimentConfig
from playground.presets import PRESETS
from playground.training import TrainingSession
from playground.viz import views


def test_each_teaching_view_gets_what_it_needs_and_nothing_else():
    session = TrainingSession(PRESETS["line_regression"].config)
    session.step_batches(3)
    session.show = views.needs(["metrics"])
    plain = session.snapshot()
    assert plain.neuron is None and plain.landscape is None and plain.activity == []
    for name, present in (("neuron", {"neuron"}), ("landscape", {"landscape"}),
                          ("activation", {"neuron", "activity"}), ("health", {"activity"})):
        session.show = views.needs([name])
        snap = session.snapshot()
        assert views.VIEWS[name].fits(snap), name
        got = {part for part, there in (("neuron", snap.neuron is not None),
                                        ("landscape", snap.landscape is not None),
                                        ("activity", bool(snap.activity))) if there}
        assert got == present, name
    session.show = None                       # the CLI and tests: everything
    snap = session.snapshot()
    assert snap.neuron is not None and snap.landscape is not None and snap.activity


def test_unknown_or_missing_view_names_need_nothing():
    assert views.needs([None, "bogus", "metrics"]) == frozenset()
    session = TrainingSession(ExperimentConfig())
    session.show = views.needs([None])
    assert session.snapshot().neuron is None
