"""How long headless Chromium takes to load plotly.js and draw the first chart, full vs ours.

Serves a static page from a temporary folder (http.server in a thread) holding
  (a) the full plotly.min.js that the plotly Python package ships (4.8 MB, all traces) and
  (b) assets/plotly/plotly-playground.min.js (scatter, heatmap, bar, table only),
and loads them alternately (a b, b a, a b, ...) each in a fresh browser context (no HTTP or
code cache carried over: a first visit). In the page, times from inserting the script tag
to its onload (download + parse + run) and to the end of the first Plotly.newPlot of a real
decision-boundary figure (default experiment, a few epochs trained; its JSON is fetched
before the clock starts). Prints median and min ms of each and the ratio b/a of the
medians (ratios within one run mean something on a shared machine; absolute ms do not).

Usage: python benchmarks/bench_plotly_load.py [--repeats 5]
"""
from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))                       # run from anywhere

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BUNDLE = ROOT / "assets" / "plotly" / "plotly-playground.min.js"

# The page: fetch the figure, then start the clock, insert the script, draw once.
PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<div id="chart" style="width: 800px; height: 500px"></div>
<script>
async function run(src) {
  const figure = await (await fetch('figure.json')).json();
  const started = performance.now();
  await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error('could not load ' + src));
    document.head.appendChild(script);
  });
  const loaded = performance.now();
  await Plotly.newPlot('chart', figure.data, figure.layout, {displaylogo: false});
  const drawn = performance.now();
  return {onload: loaded - started, first_plot: drawn - started,
          svgs: document.querySelectorAll('#chart .main-svg').length};
}
</script></body></html>"""


def boundary_figure_json() -> str:
    """The decision-boundary figure of the default experiment after 5 epochs, as JSON."""
    from playground import viz
    from playground.config import ExperimentConfig
    from playground.training import TrainingSession

    session = TrainingSession(ExperimentConfig())
    snap = session.step_epochs(5)
    fig = viz.decision_boundary_figure(snap.grid, snap.splits, snap.class_names,
                                       show_test=True)
    return fig.to_json()


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``folder`` on a free local port from a daemon thread; returns (server, url)."""
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):           # no line per request on stderr
            pass

    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def measure(browser, url: str, script: str) -> dict:
    """One first visit: a new context (empty caches), open the page, load and draw."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url + "index.html")
        result = page.evaluate("(src) => run(src)", script)
        if errors or result["svgs"] == 0:
            raise RuntimeError(f"{script} did not draw: {errors}")
        return result
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="loads of each bundle")
    args = parser.parse_args()

    import plotly
    from playwright.sync_api import sync_playwright

    variants = {"a full": "plotly.min.js", "b ours": "plotly-playground.min.js"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", folder)
        shutil.copy(BUNDLE, folder)
        (folder / "index.html").write_text(PAGE, encoding="utf-8")
        (folder / "figure.json").write_text(boundary_figure_json(), encoding="utf-8")
        for name, script in variants.items():
            print(f"{name}: {script} {(folder / script).stat().st_size / 1e6:.2f} MB")

        server, url = serve(folder)
        results: dict[str, list[dict]] = {name: [] for name in variants}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    measure(browser, url, variants["b ours"])           # warm-up, not kept
                    for repeat in range(args.repeats):
                        order = list(variants) if repeat % 2 == 0 else list(variants)[::-1]
                        for name in order:
                            results[name].append(measure(browser, url, variants[name]))
                finally:
                    browser.close()
        finally:
            server.shutdown()

    medians = {}
    for metric in ("onload", "first_plot"):
        print(f"\nscript insert -> {metric} (ms, {args.repeats} fresh pages each)")
        for name in variants:
            values = [r[metric] for r in results[name]]
            medians[name, metric] = statistics.median(values)
            print(f"  {name:7s} median {statistics.median(values):7.0f}   "
                  f"min {min(values):7.0f}")
        print(f"  ratio b/a of medians: "
              f"{medians['b ours', metric] / medians['a full', metric]:.2f}")


if __name__ == "__main__":
    main()
