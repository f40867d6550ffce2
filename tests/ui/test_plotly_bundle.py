"""The small plotly.js bundle (assets/plotly/plotly-playground.min.js) draws our figures.

The bundle holds plotly.js's core plus the heatmap, bar and table traces only. These tests
check that it is the same plotly.js version as the one inside the Python plotly package
(so upgrading plotly without rebuilding fails here, not as charts drawn wrongly), that it
registers exactly the trace types our figures use, and, in headless Chromium, that one
figure of every kind in playground.viz draws with it exactly as with the full bundle.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import plotly
import pytest

from playground import viz
from playground.snapshot import ImportanceView, SliceView, SplitView
from tests.viz import samples

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "assets" / "plotly" / "plotly-playground.min.js"
FULL_PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TRACE_TYPES = {"scatter", "heatmap", "bar", "table"}
PLOTLY_JS_VERSION = "4.1.1"


def header_version(path: Path) -> str:
    """The plotly.js version named in a bundle's licence banner ('* plotly.js ... v4.1.1')."""
    with open(path, encoding="utf-8") as f:
        head = f.read(400)
    found = re.search(r"^\* plotly\.js\b.*? v(\d+\.\d+\.\d+)\s*$", head, re.MULTILINE)
    assert found, f"no plotly.js version in the banner of {path}"
    return found.group(1)


def registered_trace_types(path: Path) -> list[str]:
    """Names of the trace modules in a minified bundle (each is an object literal
    ``{moduleType:"trace",name:"..."}``; this finds all 47 in the full plotly.min.js)."""
    text = path.read_text(encoding="utf-8")
    return re.findall(r'moduleType:"trace",name:"(\w+)"', text)


def figures() -> dict:
    """One small figure of every kind playground.viz draws, from hand-made snapshot parts."""
    rng = np.random.default_rng(3)
    layers = samples.dense_layers([2, 6, 4, 1], rng)
    grid = samples.grid_for(layers, 20)
    splits = {"train": samples.class_split("train", 40, 2, rng),
              "test": samples.class_split("test", 15, 2, rng)}
    three = samples.dense_layers([2, 5, 3], rng, output_activation="softmax")
    splits3 = {"train": samples.class_split("train", 40, 3, rng)}
    regression = {"train": samples.regression_split("train", 40, rng),
                  "test": samples.regression_split("test", 15, rng)}
    images = samples.digit_images(6, rng)
    t = np.arange(80)
    sequence = SplitView("test", None, np.sin(t / 7), np.sin(t / 7) + 0.1)
    return {
        "network": viz.network_figure(layers, grid, ["x1", "x2"]),
        "boundary": viz.decision_boundary_figure(grid, splits, ["a", "b"], show_test=True),
        "boundary discrete 3 classes": viz.decision_boundary_figure(
            samples.grid_for(three, 20), splits3, ["a", "b", "c"], discretize=True),
        "loss": viz.loss_figure(samples.history(12)),
        "loss log with NaN": viz.loss_figure({"loss": [1.0, 0.5, float("nan")]}, log_y=True),
        "gradient norms": viz.gradient_norms_figure(samples.grad_norms(12, ["d1", "d2"])),
        "weights": viz.weights_histogram_figure(layers),
        "confusion": viz.confusion_matrix_figure(np.array([[5, 1], [2, 7]]), ["a", "b"],
                                                 "Confusion"),
        "metrics table": viz.metrics_table({"train": {"accuracy": 0.9, "loss": 0.3},
                                            "test": {"accuracy": 0.8, "loss": 0.4}}),
        "regression": viz.regression_figure(samples.curve(), regression),
        "images": viz.image_samples_figure(images, np.arange(6) % 3, np.arange(6) % 2,
                                           ["zero", "one", "two"]),
        "reconstruction": viz.reconstruction_figure(images, images.reshape(6, -1) * 0.8,
                                                    max_images=4, per_row=2),
        "sequence": viz.sequence_figure(sequence),
        "class scores": viz.class_scores_table(np.array([[5, 1], [2, 7]]), ["a", "b"]),
        "roc": viz.roc_figure(_with_proba(splits, rng), ["a", "b"]),
        "slice": viz.slice_figure(SliceView(grid, (0, 1), [("c", "red"), ("d", "1.5")]),
                                  splits, ["a", "b"]),
        "importance": viz.importance_figure(ImportanceView(
            ["a", "b", "c=x"], rng.normal(0.05, 0.02, (3, 5)), 0.9, "accuracy",
            "validation", 30, 4)),
    }


def _with_proba(splits: dict, rng) -> dict:
    """The splits with made-up class probabilities (what the ROC curve reads)."""
    out = {}
    for name, split in splits.items():
        p1 = rng.random(len(split.y_true))
        out[name] = SplitView(name, split.X, split.y_true, split.y_pred,
                              np.stack([1 - p1, p1], axis=1))
    return out


def test_bundle_is_the_plotly_js_of_the_python_package():
    assert header_version(BUNDLE) == PLOTLY_JS_VERSION
    # A plotly upgrade brings another plotly.js: rebuild the bundle with
    # tools/build_plotly_bundle.sh for that version, then update PLOTLY_JS_VERSION.
    assert header_version(FULL_PLOTLY_JS) == PLOTLY_JS_VERSION


def test_the_figures_here_cover_every_figure_function_of_viz():
    # A new figure function must be drawn in figures() too (its traces may need a rebuild).
    drawn_by_figures = {"network_figure", "decision_boundary_figure", "loss_figure",
                        "gradient_norms_figure", "weights_histogram_figure",
                        "confusion_matrix_figure", "metrics_table", "regression_figure",
                        "image_samples_figure", "reconstruction_figure", "sequence_figure",
                        "class_scores_table", "roc_figure", "importance_figure",
                        "slice_figure"}
    assert set(viz.__all__) - {"metrics_rows", "class_scores_rows"} == drawn_by_figures


def test_bundle_registers_exactly_the_trace_types_our_figures_use():
    assert sorted(registered_trace_types(BUNDLE)) == sorted(TRACE_TYPES)
    assert len(set(registered_trace_types(FULL_PLOTLY_JS))) > 40     # the pattern finds them
    used = {trace.type for fig in figures().values() for trace in fig.data}
    assert used == TRACE_TYPES


def test_bundle_ships_with_plotly_js_licence():
    licence = (BUNDLE.parent / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Plotly" in licence
    with open(BUNDLE, encoding="utf-8") as f:
        assert "Licensed under the MIT license" in f.read(400)


# Draws a figure from its JSON into a fresh element and describes what ended up on the
# page: the traces plotly.js did not know (it silently turns them into hidden scatter
# traces, without any error) and how many of each kind of mark were drawn.
_DRAW = """async (json) => {
    const f = JSON.parse(json);
    const old = document.getElementById('g');
    if (old) { Plotly.purge(old); old.remove(); }
    const g = document.createElement('div');
    g.id = 'g'; g.style.width = '860px';
    document.body.appendChild(g);
    await Plotly.newPlot(g, f.data, f.layout, {staticPlot: true});
    const q = (s) => g.querySelectorAll(s).length;
    const unknown = f.data.filter((t, i) => (t.type || 'scatter') !== g._fullData[i].type);
    return {unknown_types: unknown.map((t) => t.type), svgs: q('.main-svg'),
            heatmaps: q('.hm image'), lines: q('.scatterlayer .js-line'),
            points: q('.scatterlayer .point'), texts: q('.scatterlayer .textpoint'),
            bars: q('.barlayer .point'), annotations: q('.annotation'),
            cells: q('.table .cell-text'), colorbars: q('.colorbar'),
            legend_items: q('.legend .traces'), xticks: q('.xtick'), yticks: q('.ytick'),
            height: Math.round(g.getBoundingClientRect().height)};
}"""


@pytest.fixture(scope="module")
def pages():
    """Two tabs, one with our bundle and one with the full plotly.min.js, and their errors."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tabs = {}
        for name, script in (("bundle", BUNDLE), ("full", FULL_PLOTLY_JS)):
            tab = browser.new_page(viewport={"width": 900, "height": 900})
            tab.errors = []
            tab.on("pageerror", lambda e, tab=tab: tab.errors.append(str(e)))
            tab.on("console", lambda m, tab=tab:
                   tab.errors.append(m.text) if m.type in ("error", "warning") else None)
            tab.set_content("<html><head><meta charset='utf-8'></head><body></body></html>")
            tab.add_script_tag(path=str(script))
            tabs[name] = tab
        yield tabs
        browser.close()


@pytest.mark.browser
def test_bundle_in_the_browser_is_4_1_1_with_our_trace_types(pages):
    bundle = pages["bundle"]
    assert bundle.evaluate("Plotly.version") == PLOTLY_JS_VERSION
    traces = bundle.evaluate("Object.keys(Plotly.PlotSchema.get().traces)")
    assert sorted(traces) == sorted(TRACE_TYPES)
    assert bundle.errors == []


@pytest.mark.browser
def test_every_figure_draws_with_the_bundle_as_with_the_full_plotly_js(pages):
    drawn = {}
    for name, fig in figures().items():
        text = fig.to_json()
        for tab in pages.values():
            tab.errors.clear()
        ours = pages["bundle"].evaluate(_DRAW, text)
        full = pages["full"].evaluate(_DRAW, text)
        assert pages["bundle"].errors == [], name
        assert pages["full"].errors == [], name
        assert ours["unknown_types"] == [], name
        assert ours["svgs"] > 0, name
        assert ours == full, name
        drawn[name] = ours
    # The comparison means something only if the figures draw marks of every kind.
    for mark in ("heatmaps", "lines", "points", "texts", "bars", "annotations", "cells"):
        assert sum(counts[mark] for counts in drawn.values()) > 0, mark
