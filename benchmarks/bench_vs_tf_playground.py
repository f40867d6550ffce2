"""Our live page beside TensorFlow Playground, in the same headless Chromium, interleaved.

Serves /work/shared/anchors/tf-playground (``../shared/anchors/tf-playground``: TensorFlow
Playground built from its public source, a measuring stick only) with
``python -m http.server --bind 127.0.0.1`` and starts ``streamlit run app.py``; every
request to another host is aborted. On the default experiment of each (circle, 4-2 tanh,
lr 0.03, batch 10) it measures, in rounds that alternate ours / theirs:
  - redraws per second while playing: animation frames in which what is on screen changed
    (theirs: the pixels of ``#heatmap canvas``; ours: the decision boundary's picture, and
    also the network diagram and the loss curves), plus blank frames and re-created charts,
  - epochs per second while playing (theirs: ``#iter-number``),
  - Pause: mouse press on the button to the last change on screen,
  - page load to the first chart: the first animation frame with a boundary picture and
    its points on screen (ours: the first visit after the server starts; the page's first
    picture, playground/ui/first_picture.py, or the board's chart; the board's own first
    chart is printed too),
and, for ours, 8 tabs playing at once: each tab's epochs per second and its Pause time.
Targets (issue 8): boundary redraws >= 1.0x theirs, network >= 10/s, loss >= 5/s, epochs
>= 5x theirs, Pause <= 100 ms, first chart <= 1.5x theirs, 8 tabs: Pause <= 0.5 s and
>= 30 epochs/s each. Usage: python benchmarks/bench_vs_tf_playground.py [--rounds 2]
``--view NAME`` (e.g. ``neuron`` = neuron_inspector, ``health``, ``landscape``) opens that
detail view on our page (``?view=NAME``) for every measurement, and reports the detail
chart's own draws per second and ms per draw (the board's counters): whether the targets
above still hold with the view open.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_live import start_server  # noqa: E402  (our server, started as bench_live does)

ROOT = Path(__file__).resolve().parents[1]
TF_DIR = Path(os.environ.get("TF_PLAYGROUND_DIR", ROOT.parent / "shared" / "anchors" /
                             "tf-playground"))
if not TF_DIR.exists():
    TF_DIR = Path("/work/shared/anchors/tf-playground")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 # 8 tabs at once: pages not in front keep drawing, as 8 windows would
                 "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
                 "--disable-backgrounding-occluded-windows"]

# In every page before its own scripts: on each animation frame, note what changed on
# screen (a cheap signature per picture) and the time of the last change of anything.
WATCH = r"""
window.__bench = {frames: 0, changed: {}, blank: 0, lastChange: 0, last: {}, sig: {}};
(function () {
  // A digest of what a canvas shows: the canvas scaled down onto a fixed 96 x 96 probe,
  // every byte of that. The same small cost for any canvas, ours or theirs (reading a whole
  // big canvas back on every frame allocated megabytes a second: the page then spent its
  // time in garbage collection); a new line segment or a changed picture changes it.
  const probe = document.createElement('canvas');
  probe.width = probe.height = 96;
  const probeContext = probe.getContext('2d', {willReadFrequently: true});
  function canvasSig(canvas) {
    if (!canvas || !canvas.width) return null;
    probeContext.clearRect(0, 0, 96, 96);
    probeContext.drawImage(canvas, 0, 0, 96, 96);
    const data = probeContext.getImageData(0, 0, 96, 96).data;
    let hash = 0;
    for (let i = 0; i < data.length; i++) hash = (hash * 31 + data[i]) | 0;
    return hash;
  }
  function attr(el, name) { return el ? el.getAttribute(name) : null; }
  function ours() {
    const chart = (key) => document.querySelector('.np-chart[data-key="' + key + '"]');
    const out = chart('output_chart'), net = chart('network_chart'), loss = chart('loss_chart');
    const epoch = document.querySelector('.np-stat[data-np-stat="Epoch"] .np-stat-value');
    for (const c of document.querySelectorAll('.np-chart')) {
      if (c.dataset.drawn && !c.querySelector('.main-svg')) { window.__bench.blank += 1; break; }
      if (c.querySelector('.main-svg')) c.dataset.drawn = '1';
    }
    const images = (el) => el ? [...el.querySelectorAll('image')].map((i) => {
      const h = attr(i, 'href') || ''; return h.length + h.slice(-24); }).join('|') : null;
    // the boundary: the pixels of its canvas while playing (as theirs), else its <image>
    const raster = out && out.querySelector('canvas.np-raster');
    return {
      boundary: raster ? canvasSig(raster) : out ? images(out) : null,
      network: net ? images(net) + [...net.querySelectorAll('.shapelayer path')].map(
        (p) => (attr(p, 'd') || '').length + (attr(p, 'style') || '').slice(0, 40)).join('') : null,
      // plotly's lines, or (while playing) the board's canvas of them
      loss: loss ? [...loss.querySelectorAll('.scatterlayer path.js-line')].map(
        (p) => attr(p, 'd')).join('|') + canvasSig(loss.querySelector('canvas.np-curves'))
        : null,
      epoch: epoch ? epoch.textContent : null,
    };
  }
  function theirs() {
    const iter = document.querySelector('#iter-number');
    const line = document.querySelector('#linechart path.line, #linechart svg path');
    return {boundary: canvasSig(document.querySelector('#heatmap canvas')),
            loss: line ? attr(line, 'd') : null, epoch: iter ? iter.textContent : null};
  }
  // "first chart": the first animation frame with a decision boundary picture and its
  // points on screen. Ours: the page's first picture (first_picture.py) or the board's
  // chart; the board's own first chart is noted too. Theirs: the heatmap and its points.
  function boundaryShown() {
    const first = document.querySelector('#np-first svg');
    const chart = document.querySelector('.np-chart[data-key="output_chart"]');
    const board = !!(chart && chart.querySelector('.main-svg .scatterlayer .point') &&
      chart.querySelector('.imagelayer image, .heatmaplayer image, canvas.np-raster'));
    const heatmap = document.querySelector('#heatmap canvas');
    const theirs = !!(heatmap && heatmap.width > 0 &&
                      document.querySelector('#heatmap svg circle'));
    return {picture: board || theirs || !!(first && first.querySelector('circle') &&
                                          first.getBoundingClientRect().width > 0),
            board};
  }
  function watch() {
    const b = window.__bench;
    b.frames += 1;
    if (!b.boardChart) {
      const shown = boundaryShown();
      if (shown.picture && !b.firstPicture) b.firstPicture = performance.now();
      if (shown.board) b.boardChart = performance.now();
    }
    const now = (document.querySelector('.np-board') ? ours : theirs)();
    for (const [key, value] of Object.entries(now)) {
      if (value !== null && b.sig[key] !== undefined && b.sig[key] !== value) {
        b.changed[key] = (b.changed[key] || 0) + 1;
        b.lastChange = b.last[key] = performance.now();
      }
      b.sig[key] = value;
    }
    requestAnimationFrame(watch);
  }
  requestAnimationFrame(watch);
  window.addEventListener('pointerdown', () => { window.__bench.pressedAt = performance.now(); },
                          true);
})();
"""


def wait_http(url: str, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


def start_theirs(port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1"], cwd=TF_DIR, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    wait_http(f"http://127.0.0.1:{port}/index.html")
    return server


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def new_page(context, width: int = 1600, height: int = 1000):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(WATCH)

    def only_local(route):
        host = route.request.url.split("/")[2].split(":")[0] if "://" in route.request.url \
            else ""
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort()
    page.route("**/*", only_local)
    return page


def bench(page) -> dict:
    return page.evaluate("({...window.__bench, sig: undefined})")


def epoch_of(page, ours: bool) -> int:
    if ours:
        return int(page.evaluate("window.neuralPlayground.stats.lastEpoch || 0"))
    text = page.evaluate("document.querySelector('#iter-number').textContent")
    return int(text.replace(",", "") or 0)


def press(page, selector: str) -> None:
    """A click as a user makes it: the button found first, then the mouse pressed."""
    box = page.locator(selector).first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def pause_latency(page, selector: str, settle_s: float = 1.5) -> tuple[float, float]:
    """Seconds from the mouse press on Pause to the last change of the epoch number or the
    decision boundary (training stopped), and to the last change of anything on screen."""
    press(page, selector)
    time.sleep(settle_s)
    b = bench(page)
    pressed = b["pressedAt"]
    trained = max(b["last"].get("epoch", 0), b["last"].get("boundary", 0))
    return max(0.0, (trained - pressed) / 1000), max(0.0, (b["lastChange"] - pressed) / 1000)


def run_ours(browser, port: int, seconds: float, query: str = "") -> dict:
    server = start_server(port)
    try:
        context = browser.new_context()
        page = new_page(context)
        page.goto(f"http://127.0.0.1:{port}/{query}")
        page.wait_for_function("window.__bench.boardChart > 0", timeout=120_000)
        shown = bench(page)
        first_chart, board_chart = shown["firstPicture"] / 1000, shown["boardChart"] / 1000
        page.wait_for_function("window.neuralPlayground.stats.stream === 'open'",
                               timeout=60_000)
        time.sleep(1.5)
        press(page, ".st-key-btn_play button")
        page.wait_for_function("window.neuralPlayground.stats.lastEpoch > 0", timeout=30_000)
        time.sleep(1.0)
        detail0 = _detail_draws(page)
        b0, e0, t0 = bench(page), epoch_of(page, True), time.perf_counter()
        time.sleep(seconds)
        b1, e1, t1 = bench(page), epoch_of(page, True), time.perf_counter()
        created = page.evaluate("window.neuralPlayground.stats.created")
        detail = _detail_draws(page, detail0, t1 - t0) if query else {}
        pause, pause_any = pause_latency(page, ".st-key-btn_pause button")
        result = _rates(b0, b1, e0, e1, t1 - t0)
        result.update(detail)
        result.update(first_chart_s=first_chart, board_chart_s=board_chart, pause_s=pause,
                      pause_any_s=pause_any,
                      recreated=sum(max(0, n - 1) for n in created.values()))
        context.close()
        return result
    finally:
        stop(server)


def _detail_draws(page, before: dict | None = None, elapsed: float = 0.0) -> dict:
    """The board's own count and ms of detail chart draws; with ``before``, per second
    and per draw since then (``--view``)."""
    now = page.evaluate("""() => { const s = window.neuralPlayground.stats;
        return {n: (s.perKey || {}).detail_chart || 0, ms: (s.keyMs || {}).detail_chart || 0}; }""")
    if before is None:
        return now
    draws = now["n"] - before["n"]
    return {"detail_per_s": draws / elapsed if elapsed else 0.0,
            "detail_ms": (now["ms"] - before["ms"]) / draws if draws else 0.0}


def run_theirs(browser, port: int, seconds: float) -> dict:
    context = browser.new_context()
    page = new_page(context)
    page.goto(f"http://127.0.0.1:{port}/index.html")
    page.wait_for_function("window.__bench.firstPicture > 0", timeout=60_000)
    first_chart = bench(page)["firstPicture"] / 1000
    time.sleep(1.5)
    press(page, "#play-pause-button")
    time.sleep(1.0)
    b0, e0, t0 = bench(page), epoch_of(page, False), time.perf_counter()
    time.sleep(seconds)
    b1, e1, t1 = bench(page), epoch_of(page, False), time.perf_counter()
    pause, pause_any = pause_latency(page, "#play-pause-button")
    result = _rates(b0, b1, e0, e1, t1 - t0)
    result.update(first_chart_s=first_chart, board_chart_s=first_chart, pause_s=pause,
                  pause_any_s=pause_any, recreated=0)
    context.close()
    return result


def _rates(b0: dict, b1: dict, e0: int, e1: int, elapsed: float) -> dict:
    changed = {k: (b1["changed"].get(k, 0) - b0["changed"].get(k, 0)) / elapsed
               for k in ("boundary", "network", "loss")}
    return {"boundary_per_s": changed["boundary"], "network_per_s": changed["network"],
            "loss_per_s": changed["loss"], "epochs_per_s": (e1 - e0) / elapsed,
            "blank": b1["blank"] - b0["blank"], "frames_per_s": (b1["frames"] - b0["frames"])
            / elapsed}


def run_tabs(browser, port: int, tabs: int, seconds: float, query: str = "") -> list[dict]:
    """``tabs`` tabs of ours playing at once: epochs/s of each, then each one's Pause."""
    server = start_server(port)
    try:
        context = browser.new_context()
        pages = []
        for _ in range(tabs):
            page = new_page(context, 1280, 720)
            page.goto(f"http://127.0.0.1:{port}/{query}")
            pages.append(page)
        for page in pages:
            page.wait_for_function("window.neuralPlayground && "
                                   "window.neuralPlayground.stats.stream === 'open'",
                                   timeout=180_000)
        time.sleep(2.0)
        for page in pages:
            page.bring_to_front()
            press(page, ".st-key-btn_play button")
        time.sleep(3.0)
        e0, t0 = [epoch_of(p, True) for p in pages], time.perf_counter()
        time.sleep(seconds)
        e1, t1 = [epoch_of(p, True) for p in pages], time.perf_counter()
        results = [{"epochs_per_s": (b - a) / (t1 - t0)} for a, b in zip(e0, e1)]
        for page, result in zip(pages, results):
            page.bring_to_front()
            result["pause_s"] = pause_latency(page, ".st-key-btn_pause button", 1.0)[0]
        context.close()
        return results
    finally:
        stop(server)


def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="ours/theirs pairs")
    parser.add_argument("--seconds", type=float, default=6.0, help="how long to play")
    parser.add_argument("--port", type=int, default=8601, help="our app's port")
    parser.add_argument("--tf-port", type=int, default=8611, help="TF Playground's port")
    parser.add_argument("--tabs", type=int, default=8, help="tabs playing at once (0: skip)")
    parser.add_argument("--view", default="", help="our detail view to open, e.g. neuron")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from playground.view_names import DETAIL_VIEW_NAMES   # plotly-free
    args.view = {"neuron_inspector": "neuron"}.get(args.view, args.view)
    if args.view and args.view not in DETAIL_VIEW_NAMES:
        sys.exit(f"There is no detail view {args.view!r}; use one of "
                 f"{', '.join(DETAIL_VIEW_NAMES)}.")
    query = f"?view={args.view}" if args.view else ""
    if not os.path.exists(CHROMIUM):
        sys.exit(f"{CHROMIUM} is missing: install Debian's chromium package first.")
    if not (TF_DIR / "index.html").exists():
        sys.exit(f"TensorFlow Playground is not at {TF_DIR}.")
    from playwright.sync_api import sync_playwright
    theirs_server = start_theirs(args.tf_port)
    ours_rows, theirs_rows = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(args.rounds):
                ours_rows.append(run_ours(browser, args.port, args.seconds, query))
                theirs_rows.append(run_theirs(browser, args.tf_port, args.seconds))
            tabs = run_tabs(browser, args.port, args.tabs, args.seconds, query) \
                if args.tabs else []
            browser.close()
    finally:
        stop(theirs_server)
    load = os.getloadavg()
    print(f"machine load average (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores; {args.rounds} rounds, medians")
    print(f"{'measure':44} {'ours':>9} {'TF Playground':>14} {'ratio':>7}  target")
    rows = [("decision boundary redraws per second", "boundary_per_s", ">= 1.0x"),
            ("network diagram redraws per second", "network_per_s", ">= 10/s"),
            ("loss curve redraws per second", "loss_per_s", ">= 5/s"),
            ("epochs per second while playing", "epochs_per_s", ">= 5x"),
            ("Pause press to last epoch/boundary change (s)", "pause_s", "<= 0.1 s"),
            ("Pause press to last change of anything (s)", "pause_any_s", ""),
            ("page load to first boundary picture (s)", "first_chart_s", "<= 1.5x"),
            ("  ... to the board's first chart (s)", "board_chart_s", ""),
            ("blank frames while playing", "blank", "0")]
    for label, key, target in rows:
        ours, theirs = median(ours_rows, key), median(theirs_rows, key)
        ratio = f"{ours / theirs:.2f}x" if theirs else "-"
        print(f"{label:44} {ours:9.3f} {theirs:14.3f} {ratio:>7}  {target}")
    print(f"charts re-created while playing (ours): {sum(r['recreated'] for r in ours_rows)}")
    if args.view:
        print(f"with the detail view {args.view!r} open (ours): its chart drawn "
              f"{median(ours_rows, 'detail_per_s'):.2f}/s at {median(ours_rows, 'detail_ms'):.0f}"
              f" ms a draw; the rows above are measured with it open")
    for name, rows_ in (("ours", ours_rows), ("TF Playground", theirs_rows)):
        print(f"  {name} per round: " + "; ".join(
            f"boundary {r['boundary_per_s']:.1f}/s, epochs {r['epochs_per_s']:.0f}/s, "
            f"pause {r['pause_s'] * 1000:.0f} ms, first chart {r['first_chart_s']:.2f} s"
            for r in rows_))
    if tabs:
        print(f"{len(tabs)} tabs playing at once (ours): epochs/s per tab " +
              ", ".join(f"{t['epochs_per_s']:.0f}" for t in tabs) + "; Pause s per tab " +
              ", ".join(f"{t['pause_s']:.2f}" for t in tabs))
        print(f"  slowest tab {min(t['epochs_per_s'] for t in tabs):.0f} epochs/s "
              f"(target >= 30), slowest Pause {max(t['pause_s'] for t in tabs):.2f} s "
              f"(target <= 0.5 s)")


if __name__ == "__main__":
    main()
