"""The figures as plotly.js really draws them, in headless Chromium.

Python-side checks cannot see whether plotly.js accepts a figure (gaps as None, heatmaps
placed with x0/dx, layout keys). Here every figure is drawn from its JSON with the
plotly.min.js that the plotly package ships, and we count what ended up on the page.
"""
from __future__ import annotations

import os
import shutil

import numpy as np
import plotly
import pytest

from playground.viz import (
    confusion_matrix_figure,
    decision_boundary_figure,
    image_samples_figure,
    loss_figure,
    network_figure,
    weights_histogram_figure,
)
from tests.viz import samples

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PLOTLY_JS = os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")


@pytest.fixture(scope="module")
def page():
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        tab = browser.new_page(viewport={"width": 900, "height": 900})
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.set_content("<html><head><meta charset='utf-8'></head>"
                        "<body><div id='g' style='width:860px'></div></body></html>")
        tab.add_script_tag(path=PLOTLY_JS)
        tab.errors = errors
        yield tab
        browser.close()


def _draw(page, fig) -> dict:
    """Draw ``fig`` and count heatmap images, line paths, points and text labels."""
    page.errors.clear()
    return page.evaluate("""async (json) => {
        const f = JSON.parse(json);
        const g = document.getElementById('g');
        Plotly.purge(g);
        await Plotly.newPlot(g, f.data, f.layout, {staticPlot: true});
        const q = (s) => g.querySelectorAll(s).length;
        return {heatmaps: q('.hm image'), pictures: q('.imagelayer image'),
                shapes: q('.shapelayer path'), lines: q('.scatterlayer .js-line'),
                points: q('.scatterlayer .point'), texts: q('.scatterlayer .textpoint'),
                bars: q('.barlayer .point'), annotations: q('.annotation'),
                height: g.getBoundingClientRect().height};
    }""", fig.to_json())


def test_network_tiles_edges_and_labels_are_drawn(page):
    rng = np.random.default_rng(5)
    layers = samples.dense_layers([2, 8, 8, 1], rng)
    counts = _draw(page, network_figure(layers, samples.grid_for(layers, 40), ["x1", "x2"]))
    assert page.errors == []
    assert counts["pictures"] == 19                       # one image per neuron
    assert counts["heatmaps"] == 0
    assert 3 <= counts["shapes"] <= 12 + 1                # edge groups + node outlines
    assert counts["lines"] == 0                           # edges are shapes, not traces
    assert counts["texts"] >= 2 and counts["annotations"] >= 4    # names; headers


def test_boundary_loss_confusion_images_and_weights_are_drawn(page):
    rng = np.random.default_rng(6)
    layers = samples.dense_layers([2, 4, 1], rng)
    splits = {"train": samples.class_split("train", 50, 2, rng),
              "test": samples.class_split("test", 20, 2, rng)}
    counts = _draw(page, decision_boundary_figure(samples.grid_for(layers, 30), splits,
                                                  ["a", "b"], show_test=True))
    assert counts["heatmaps"] == 1 and counts["points"] == 70
    counts = _draw(page, loss_figure(samples.history(5)))
    assert counts["lines"] == 6 and counts["points"] == 30
    counts = _draw(page, loss_figure({"loss": [1.0, float("nan"), 0.5]}))
    assert counts["annotations"] == 1                      # "loss became ... NaN"
    counts = _draw(page, confusion_matrix_figure(np.array([[3, 1], [0, 4]]), ["a", "b"], "c"))
    assert counts["heatmaps"] == 1
    images = samples.digit_images(10, rng)
    counts = _draw(page, image_samples_figure(images, np.arange(10), np.arange(10) % 7,
                                              [str(k) for k in range(10)]))
    assert counts["heatmaps"] == 1 and counts["texts"] == 10
    counts = _draw(page, weights_histogram_figure(layers))
    assert counts["bars"] == 2 * 30
    assert page.errors == []


def test_axis_titles_and_tick_labels_are_drawn_at_the_theme_size(page):
    page.errors.clear()
    sizes = page.evaluate("""async (json) => {
        const f = JSON.parse(json);
        const g = document.getElementById('g');
        Plotly.purge(g);
        await Plotly.newPlot(g, f.data, f.layout, {staticPlot: true});
        const size = (s) => [...g.querySelectorAll(s)].map((e) => e.style.fontSize);
        return {ticks: size('.xtick text, .ytick text'), titles: size('.g-xtitle text')};
    }""", loss_figure(samples.history(30)).to_json())
    assert page.errors == []
    assert set(sizes["ticks"]) == {"14px"} and set(sizes["titles"]) == {"14px"}


def _boxes(page, fig, width: int, height: int) -> dict:
    """Bounding boxes (left, top, right, bottom, px) of the column headers, the text labels
    and the figure, as drawn at width x height."""
    fig.layout.height = height
    return page.evaluate("""async ([json, width]) => {
        const f = JSON.parse(json);
        const g = document.getElementById('g');
        Plotly.purge(g);
        g.style.width = width + 'px';
        await Plotly.newPlot(g, f.data, f.layout, {staticPlot: true});
        const box = (e) => { const r = e.getBoundingClientRect();
                             return [r.left, r.top, r.right, r.bottom]; };
        const result = {figure: box(g),
                        headers: [...g.querySelectorAll('.annotation-text')].map(box),
                        labels: [...g.querySelectorAll('.textpoint text')].map(box)};
        g.style.width = '860px';
        return result;
    }""", [fig.to_json(), width])


@pytest.mark.parametrize("hidden", [[8] * 8, [32] * 8, [32] * 3, [4, 2]])
def test_a_network_diagram_keeps_every_label_apart_and_inside(page, hidden):
    """Up to 8 hidden layers of 32 in a chart the size of the page's network place on a
    1280 x 720 projector (about 500 x 320 px): no two texts overlap, none is cut off."""
    rng = np.random.default_rng(2)
    layers = samples.dense_layers([2] + hidden + [1], rng)
    boxes = _boxes(page, network_figure(layers, samples.grid_for(layers, 20), ["x1", "x2"]),
                   500, 320)
    assert page.errors == []
    texts = boxes["headers"] + boxes["labels"]
    assert len(boxes["headers"]) == len(hidden) + 2
    left, top, right, bottom = boxes["figure"]
    for i, a in enumerate(texts):
        assert left <= a[0] and a[2] <= right and top <= a[1] and a[3] <= bottom, a
        for b in texts[i + 1:]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)
