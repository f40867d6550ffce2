"""Print what each live chart costs the browser to redraw (Plotly.react) and the server to
build, for the default experiment while it trains.

Run: python benchmarks/bench_draw.py [--snapshots 15] [--every 20] [--passes 3]
                                     [--screenshot draw.png]

A real TrainingSession(default_config()) is trained and snapshotted every few epochs; each
snapshot is turned into the live charts exactly as playground/ui/live.py does (output
picture, network diagram, loss curves, and each of the four lower-right views), with the
heights live.py gives them. Server side: min and median ms of building each figure and of
``fig.to_json()``. Browser side: the JSON sequences go into a static page that loads
plotly.js (the page's own build in assets/plotly if there is one, else the plotly
package's plotly.min.js), and headless Chromium walks through them, ``JSON.parse`` +
``Plotly.react`` on one div per chart kind, the kinds interleaved as on the page. A plain
300-point line chart is redrawn the same way as a reference: its ratio is the least
machine-dependent number. The first pass (new plots) is not counted.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import plotly
import plotly.graph_objects as go

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from anywhere

from playground.config import default_config
from playground.training import TrainingSession
from playground.ui import live
from playground.viz import views

# The page's own plotly.js build if there is one, else the full bundle of the plotly package.
PAGE_BUNDLE = Path(__file__).resolve().parents[1] / "assets" / "plotly" / \
    "plotly-playground.min.js"
PLOTLY_JS = str(PAGE_BUNDLE) if PAGE_BUNDLE.exists() else os.path.join(
    os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking"]
REFERENCE = "reference: 300-point line"
CHART_WIDTH_PX = 600      # about one column of the wide page on a 1280 px screen


def _reference_figure(step: int) -> go.Figure:
    """A plain line chart of 300 points that move a little every step."""
    x = np.arange(300, dtype=np.float32)
    y = np.sin(x / 20 + step * 0.1).astype(np.float32)
    return go.Figure({"data": [{"type": "scatter", "mode": "lines", "x": x, "y": y}],
                      "layout": {"uirevision": "reference"}}, _validate=False)


def live_builders(state, snap) -> dict:
    """Chart kind -> (height in px as live.py sets it, figure builder) for one snapshot."""
    options = views.options_from_config(state.config, live=state.playing)
    main = views.choose(snap, "main")
    builders = {f"output ({main.label.lower()})": (
                    live.TOP_ROW_PX, lambda: views.draw(main, snap, options)),
                "network": (None, lambda: live._sized("network", views.draw(
                    "network", snap, options))),
                "loss": (live.BOTTOM_ROW_PX, lambda: views.draw("loss", snap, options))}
    for view in views.in_slot("detail"):
        builders[f"detail: {view.name}"] = (
            None, lambda view=view: views.draw(view, snap, options))
    return builders


def snapshots(count: int, every: int) -> tuple[SimpleNamespace, list]:
    """A stand-in for the page state and ``count`` snapshots ``every`` epochs apart."""
    config = default_config()
    session = TrainingSession(config)
    state = SimpleNamespace(config=config, session=session, playing=False)   # full figures
    taken = []
    for _ in range(count):
        session.step_epochs(every)
        taken.append(session.snapshot())
    return state, taken


def build_sequences(state, snaps: list) -> tuple[dict, dict, dict]:
    """kind -> list of figure JSON, and kind -> build ms and to_json ms (arrays)."""
    texts: dict[str, list[str]] = {}
    build_ms: dict[str, list[float]] = {}
    json_ms: dict[str, list[float]] = {}
    for step, snap in enumerate(snaps):
        kinds = dict(live_builders(state, snap))
        kinds[REFERENCE] = (300, lambda step=step: _reference_figure(step))
        for kind, (height, build) in kinds.items():
            start = time.perf_counter()
            figure = build()
            middle = time.perf_counter()
            if height is None:      # live.py: the figure's own height, within bounds
                height = max(int(figure.layout.height or 0), live.BOTTOM_ROW_PX)
            figure.layout.height = int(height)
            text = figure.to_json()
            done = time.perf_counter()
            texts.setdefault(kind, []).append(text)
            build_ms.setdefault(kind, []).append((middle - start) * 1e3)
            json_ms.setdefault(kind, []).append((done - middle) * 1e3)
    return texts, build_ms, json_ms


_REDRAW_JS = """async ({sequences, passes, width}) => {
    const kinds = Object.keys(sequences);
    const divs = {};
    for (const kind of kinds) {
        const div = document.createElement('div');
        div.style.width = width + 'px';
        div.style.height = JSON.parse(sequences[kind][0]).layout.height + 'px';
        document.body.appendChild(div);
        divs[kind] = div;
    }
    const times = {}, parses = {};
    for (const kind of kinds) { times[kind] = []; parses[kind] = []; }
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
    const steps = Math.max(...kinds.map((k) => sequences[k].length));
    for (let pass = 0; pass < passes; pass++) {
        for (let i = 0; i < steps; i++) {
            for (const kind of kinds) {
                const text = sequences[kind][i % sequences[kind].length];
                const t0 = performance.now();
                const figure = JSON.parse(text);
                const t1 = performance.now();
                await Plotly.react(divs[kind], figure.data, figure.layout,
                                   {displaylogo: false, responsive: true});
                const t2 = performance.now();
                if (pass > 0) { times[kind].push(t2 - t1); parses[kind].push(t1 - t0); }
                await frame();
            }
        }
    }
    return {times, parses};
}"""


def redraw_in_browser(sequences: dict[str, list[str]], passes: int = 3,
                      screenshot: str | None = None) -> tuple[dict, dict]:
    """kind -> ms per Plotly.react and ms per JSON.parse, drawn in headless Chromium.

    sequences: kind -> figure JSON texts, redrawn in turn on one div per kind.
    """
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": CHART_WIDTH_PX + 40, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_content("<html><head><meta charset='utf-8'></head><body></body></html>")
            page.add_script_tag(path=PLOTLY_JS)
            result = page.evaluate(_REDRAW_JS, {"sequences": sequences, "passes": passes,
                                                 "width": CHART_WIDTH_PX})
            if screenshot:
                page.screenshot(path=screenshot, full_page=True)
            if errors:
                print("page errors:", errors[:3])
        finally:
            browser.close()
    return result["times"], result["parses"]


def _stats(values) -> str:
    values = np.asarray(values, dtype=np.float64)
    return f"{values.min():7.2f} {np.median(values):7.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=15)
    parser.add_argument("--every", type=int, default=20,
                        help="epochs between snapshots (the page shows ~50 apart)")
    parser.add_argument("--passes", type=int, default=3,
                        help="walks through the sequence (the first is not counted)")
    parser.add_argument("--screenshot", default=None, help="PNG of the page at the end")
    args = parser.parse_args()
    state, snaps = snapshots(args.snapshots, args.every)
    texts, build_ms, json_ms = build_sequences(state, snaps)
    print(f"plotly.js: {os.path.relpath(PLOTLY_JS)}")
    print(f"default experiment, {len(snaps)} snapshots {args.every} epochs apart; ms")
    print(f"{'server: figure':30s} {'build min':>9s} {'median':>7s} {'to_json min':>11s} "
          f"{'median':>7s} {'KB':>6s}")
    live_total = 0.0
    for kind in texts:
        size = np.median([len(t) for t in texts[kind]]) / 1024
        print(f"{kind:30s} {_stats(build_ms[kind]):>17s} {_stats(json_ms[kind]):>19s} "
              f"{size:6.1f}")
        if kind.startswith(("output", "network", "loss", "detail: metrics")):
            live_total += float(np.median(build_ms[kind]) + np.median(json_ms[kind]))
    print(f"{'server: output+network+loss+metrics (median sum)':50s} {live_total:7.2f}")
    times, parses = redraw_in_browser(texts, args.passes, args.screenshot)
    reference = float(np.median(times[REFERENCE]))
    print(f"\n{'browser: Plotly.react':30s} {'min':>7s} {'median':>7s} {'x ref':>6s} "
          f"{'parse':>6s}")
    for kind in texts:
        print(f"{kind:30s} {_stats(times[kind])} {np.median(times[kind]) / reference:6.2f} "
              f"{np.median(parses[kind]):6.2f}")
    print(json.dumps({"react_median_ms": {k: round(float(np.median(v)), 2)
                                          for k, v in times.items()}}))


if __name__ == "__main__":
    main()
