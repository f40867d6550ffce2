"""The cost of each detail view per refresh: server build ms and browser draw ms.

Run: python benchmarks/bench_views.py [--repeats 20] [--seconds 6] [--port 8615 | --url U]
                                      [--presets default,cnn_filters,...] [--no-browser]

For every detail view the picker offers on each experiment (the default page and the
lecture presets that teach with the views), trained 2 epochs:
  server, in this process (median of --repeats):
    frame ms   the figure as a live frame carries it (FigureSpec built under
               theme.figure_specs, made a plain dict, JSON text): the stream's cost each
               time it redraws the detail chart while playing (at most once a second);
    page ms    the go.Figure and its JSON: a Streamlit run's cost (after Pause, Step);
    snapshot + what a fresh snapshot costs more with the view's data (View.needs) than
               without, in interleaved turns (0 for views that need nothing extra);
  browser, headless Chromium on ``streamlit run app.py`` at --port: the page opened with
    ?preset=KEY&view=NAME, Play for --seconds, and from the board's own counters
    (window.neuralPlayground.stats: keyMs / perKey) the ms per Plotly draw of the detail
    chart and its draws per second while playing.
A landscape slice (computed once, in the background, when asked) is timed apart per
experiment: its grid, rows and seconds. Prints Markdown tables and the load average.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_live import CHROMIUM, CHROMIUM_ARGS, start_server, stats  # noqa: E402

from playground.config import ExperimentConfig  # noqa: E402
from playground.presets import PRESETS  # noqa: E402
from playground.traces.landscape import loss_slice  # noqa: E402
from playground.training import TrainingSession  # noqa: E402
from playground.ui.live import BOTTOM_ROW_PX  # noqa: E402
from playground.ui.live_frames import figure_dict, frame_json  # noqa: E402
from playground.viz import theme, views  # noqa: E402
from playground.viz.landscape import slice_cost  # noqa: E402

EXPERIMENTS = ("default", "backprop_by_hand", "optimizer_race", "relu_deep", "cnn_filters",
               "cnn_digits", "memory_lstm", "latent_digits")
EPOCHS = 2


def _config(key: str) -> ExperimentConfig:
    return ExperimentConfig() if key == "default" else PRESETS[key].config


def _median_ms(build, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        build()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _frame(view, snap, options) -> str:
    """What the stream sends for the detail chart: FigureSpec -> dict -> JSON text."""
    with theme.figure_specs():
        figure = views.draw(view, snap, options)
    return frame_json(figure_dict(figure, max(int(figure.layout.height or 0), BOTTOM_ROW_PX)))


def _snapshot_extra_ms(session, view, repeats: int) -> float:
    """Median ms a fresh snapshot costs more with ``view``'s data than without."""
    wanted = views.needs([view.name])
    if not wanted:
        return 0.0
    with_ms, without_ms = [], []
    for _ in range(repeats):                                # interleaved turns
        for show, into in ((wanted, with_ms), (frozenset(), without_ms)):
            session.show = show
            session._views.invalidate()
            start = time.perf_counter()
            session.snapshot()
            into.append((time.perf_counter() - start) * 1000)
    session.show = None
    return statistics.median(with_ms) - statistics.median(without_ms)


def server_costs(keys, repeats: int) -> list[dict]:
    rows = []
    options = views.ViewOptions(live=True)
    for key in keys:
        session = TrainingSession(_config(key))
        session.step_epochs(EPOCHS)
        session.show = None                               # every teaching part filled in
        snap = session.snapshot()
        for _, group, members in views.detail_groups(snap):
            for view in members:
                if not view.fits(snap):                   # a slice not computed yet
                    continue
                _frame(view, snap, options)               # warm up
                rows.append({
                    "experiment": key, "group": group, "view": view.name,
                    "frame_ms": _median_ms(lambda: _frame(view, snap, options), repeats),
                    "page_ms": _median_ms(lambda: views.draw(view, snap).to_json(), repeats),
                    "snapshot_ms": _snapshot_extra_ms(session, view, max(5, repeats // 2))})
        if not _two_weights(snap):
            land = loss_slice(session.model, session._train_X, session._train_y,
                              session.path.array(), session.epoch)
            rows.append({"experiment": key, "group": "Learning", "view": "landscape slice",
                         "slice": slice_cost(land)})
    return rows


def _two_weights(snap) -> bool:
    return snap.landscape is not None and snap.landscape.kind == "exact"


def browser_costs(keys, seconds: float, port: int, url: str = "") -> dict:
    """(experiment, view) -> detail chart ms per draw and draws/s while playing; on the
    server at ``url``, else on one started on ``port``."""
    from playwright.sync_api import sync_playwright
    server = None if url else start_server(port)
    base = url.rstrip("/") or f"http://127.0.0.1:{port}"
    found = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for key in keys:
                snap = TrainingSession(_config(key)).snapshot()
                names = [view.name for _, _, members in views.detail_groups(snap)
                         for view in members]
                for name in names:
                    found[(key, name)] = _play(browser, base, key, name, seconds)
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    return found


def _play(browser, base: str, key: str, name: str, seconds: float) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    preset = "" if key == "default" else f"preset={key}&"
    page.goto(f"{base}/?{preset}view={name}")
    page.wait_for_function("window.neuralPlayground && window.neuralPlayground.stats"
                           ".stream === 'open'", timeout=120_000)
    page.wait_for_selector('.np-chart[data-key="detail_chart"] .main-svg', timeout=60_000)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("window.neuralPlayground.stats.lastEpoch > 0", timeout=60_000)
    time.sleep(1.0)
    before, start = stats(page), time.perf_counter()
    time.sleep(seconds)
    after, elapsed = stats(page), time.perf_counter() - start
    page.get_by_role("button", name="Pause").click()
    page.close()
    key_ms = "detail_chart"
    draws = after["perKey"].get(key_ms, 0) - before["perKey"].get(key_ms, 0)
    spent = after["keyMs"].get(key_ms, 0) - before["keyMs"].get(key_ms, 0)
    return {"draw_ms": spent / draws if draws else float("nan"),
            "draws_per_s": draws / elapsed,
            "epochs_per_s": (after["epoch"] - before["epoch"]) / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=6.0, help="how long each view plays")
    parser.add_argument("--port", type=int, default=8615, help="for the app's own server")
    parser.add_argument("--url", default="", help="use this running app instead")
    parser.add_argument("--presets", default=",".join(EXPERIMENTS),
                        help="experiments: 'default' and preset keys, comma separated")
    parser.add_argument("--no-browser", action="store_true", help="server costs only")
    args = parser.parse_args()
    keys = [k for k in args.presets.split(",") if k]
    unknown = [k for k in keys if k != "default" and k not in PRESETS]
    if unknown:
        sys.exit(f"Unknown experiments {', '.join(unknown)}: use default or one of "
                 f"{', '.join(PRESETS)}.")
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores")
    rows = server_costs(keys, args.repeats)
    browser = {} if args.no_browser or not os.path.exists(CHROMIUM) else \
        browser_costs(keys, args.seconds, args.port, args.url)
    print("| experiment | group | view | frame ms | page ms | snapshot + ms | browser draw ms"
          " | draws/s | epochs/s |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        if "slice" in row:
            print(f"| {row['experiment']} | {row['group']} | {row['view']} | "
                  f"{row['slice']} (once, in the background) | | | | | |")
            continue
        seen = browser.get((row["experiment"], row["view"]), {})
        drawn = " | ".join(f"{seen[k]:.1f}" if k in seen else "-"
                           for k in ("draw_ms", "draws_per_s", "epochs_per_s"))
        print(f"| {row['experiment']} | {row['group']} | {row['view']} | "
              f"{row['frame_ms']:.1f} | {row['page_ms']:.1f} | {row['snapshot_ms']:.1f} | "
              f"{drawn} |")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
