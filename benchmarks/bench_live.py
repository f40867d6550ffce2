"""How live the page feels, measured in a real browser (headless Chromium via Playwright).

Starts ``streamlit run app.py`` on a free port, opens the default experiment and prints:
  - time from page load to the first chart (cold: first visit after the server starts;
    warm: a second tab),
  - chart refreshes per second while playing, and whether any chart blanked (flicker),
  - epochs trained per second while playing (as shown on the page),
  - time from the Pause click to the last epoch change on the page.
Targets: >= 4 refreshes/s without flicker, >= 200 epochs/s, Pause within 0.5 s, first chart
within 3 s. Usage: python benchmarks/bench_live.py [--seconds 8]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Runs in the page before anything else: counts, on every animation frame, charts that
# were drawn once and are now blank (no plot inside their element), i.e. visible flicker.
BLANK_WATCH = """
window.__npBlank = {frames: 0, blankFrames: 0};
(function watch() {
  const charts = document.querySelectorAll('.np-chart');
  window.__npBlank.frames += 1;
  for (const c of charts) {
    if (c.dataset.drawn && !c.querySelector('.main-svg')) {
      window.__npBlank.blankFrames += 1;
      break;
    }
    if (c.querySelector('.main-svg')) c.dataset.drawn = '1';
  }
  requestAnimationFrame(watch);
})();
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    """``streamlit run app.py`` on ``port``; returns once /_stcore/health answers."""
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.headless", "true", "--server.port", str(port),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("streamlit did not start within 60 s")


def stats(page) -> dict:
    return page.evaluate("""() => {
        const s = (window.neuralPlayground && window.neuralPlayground.stats) || {refreshes: 0, created: {}, perKey: {}, keyMs: {}};
        return {refreshes: s.refreshes, perKey: s.perKey || {}, keyMs: s.keyMs || {},
                created: s.created, epoch: s.lastEpoch || 0, loss: s.lastLoss,
                blank: window.__npBlank};
    }""")


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the server process and by all Chromium processes."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"server": 0.0, "browser": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(pid) == server_pid:
            used["server"] += seconds
        elif b"chrom" in command.split(b"\0")[0]:
            used["browser"] += seconds
    return used


def load_time(browser, url: str) -> tuple[float, object]:
    """Seconds from navigation to the first drawn chart; returns the open page too."""
    page = browser.new_page(viewport={"width": 1600, "height": 900})
    page.add_init_script(BLANK_WATCH)
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function("window.neuralPlayground && window.neuralPlayground.stats.refreshes >= 1",
                           timeout=120_000)
    return time.perf_counter() - start, page


def measure(seconds: float, query: str = "") -> dict:
    from playwright.sync_api import sync_playwright
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}/" + (f"?{query}" if query else "")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            cold, first_page = load_time(browser, url)
            first_page.close()
            warm, page = load_time(browser, url)
            time.sleep(1.0)
            page.get_by_role("button", name="Play").click()
            page.wait_for_function("window.neuralPlayground.stats.lastEpoch > 0", timeout=30_000)
            time.sleep(1.0)                     # let the refresh timer settle
            before, cpu0, t0 = stats(page), cpu_seconds(server.pid), time.perf_counter()
            time.sleep(seconds)
            after, cpu1, t1 = stats(page), cpu_seconds(server.pid), time.perf_counter()
            elapsed = t1 - t0
            output_refreshes = (after["perKey"].get("output_chart", 0)
                                - before["perKey"].get("output_chart", 0))
            # The click as a user makes it: the mouse pressed and released on the button,
            # found before the clock starts (Playwright's own locating and actionability
            # checks are several round trips to a busy page, not part of the app's response).
            box = page.get_by_role("button", name="Pause").bounding_box()
            shown_at_click = stats(page)["epoch"]
            clicked = time.perf_counter()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            last_epoch, last_change = shown_at_click, clicked
            while time.perf_counter() - clicked < 3.0:
                epoch = stats(page)["epoch"]
                if epoch != last_epoch:
                    last_epoch, last_change = epoch, time.perf_counter()
                time.sleep(0.01)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    blank = after["blank"] or {"frames": 0, "blankFrames": 0}
    return {
        "first_chart_cold_s": cold, "first_chart_warm_s": warm,
        "refreshes_per_s": output_refreshes / elapsed,
        "epochs_per_s": (after["epoch"] - before["epoch"]) / elapsed,
        "pause_to_stop_s": last_change - clicked,
        "epochs_after_click": last_epoch - shown_at_click,
        "blank_frames": blank["blankFrames"], "frames": blank["frames"],
        "charts_recreated": sum(max(0, n - 1) for n in after["created"].values()),
        "final_loss": after["loss"],
        "cpu_share": {k: (cpu1[k] - cpu0[k]) / elapsed for k in cpu1},
        "draw_ms": {k: (after["keyMs"][k] - before["keyMs"].get(k, 0))
                    / max(1, after["perKey"][k] - before["perKey"].get(k, 0))
                    for k in after["keyMs"]},
        "draws_per_s": {k: (after["perKey"][k] - before["perKey"].get(k, 0)) / elapsed
                        for k in after["perKey"]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="how long to play")
    parser.add_argument("--query", default="",
                        help="URL query for another experiment, e.g. dataset=spiral")
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        sys.exit(f"{CHROMIUM} is missing: install Debian's chromium package first.")
    result = measure(args.seconds, args.query)
    load = os.getloadavg()
    print(f"machine load average (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores")
    print(f"first chart after page load: cold {result['first_chart_cold_s']:.2f} s, "
          f"warm {result['first_chart_warm_s']:.2f} s   (target <= 3 s)")
    print(f"chart refreshes per second while playing: {result['refreshes_per_s']:.2f}   "
          f"(target >= 4)")
    print(f"flicker: {result['blank_frames']} blank frames of {result['frames']}, "
          f"{result['charts_recreated']} charts re-created   (target 0)")
    print(f"epochs per second while playing: {result['epochs_per_s']:.1f}   (target >= 200)")
    print(f"Pause click to training stopped: {result['pause_to_stop_s']:.3f} s   "
          f"(target <= 0.5 s)")
    rate = max(result["epochs_per_s"], 1e-9)
    print(f"  epochs shown after the click: {result['epochs_after_click']} (about "
          f"{result['epochs_after_click'] / rate:.2f} s of training, incl. the frame in flight)")
    print(f"train loss shown at the end: {result['final_loss']}")
    print("while playing, CPU used (cores): " + ", ".join(
        f"{k} {v:.2f}" for k, v in result["cpu_share"].items()))
    print("charts drawn per second and ms per Plotly.react: " + ", ".join(
        f"{k} {result['draws_per_s'][k]:.1f}/s {result['draw_ms'][k]:.0f} ms"
        for k in sorted(result["draw_ms"])))


if __name__ == "__main__":
    main()
