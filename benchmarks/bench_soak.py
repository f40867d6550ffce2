"""Many tabs playing at once on one server, then all closed: is everything given back?

For each N in --sessions: starts ``streamlit run app.py`` (with a probe, on 127.0.0.1, a
free port), opens N light WebSocket clients (tests/ui/light_client.py: the page's own
protocol, no browser), each presses Play and asks for board refreshes at the browser's pace
for --seconds, then presses Pause and closes. Prints per tab: epochs per second while
playing and the Pause latency (click sent -> the final numbers back, and the epoch no
longer moving); per run: server RSS at the start, its peak and after all tabs closed (and
Streamlit dropped them), threads alive before and after, and tabs' objects still alive.
Targets: RSS after within 10% of the start; no thread left; with 30 tabs, Pause within 1 s
in every tab. Usage: python benchmarks/bench_soak.py [--sessions 1,8,30] [--seconds 120]
[--quick] (--quick: 20 s per run).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui"))

from light_client import LightTab  # noqa: E402
from probe_server import ProbedServer  # noqa: E402

PACE_S = 0.17          # the board asks for the next refresh about this often (live.PACE_MS)
TTL_S = 2              # server.disconnectedSessionTTL for the run (Streamlit's default: 120)
SETTLE_S = 0.5         # after Pause, the epoch must not move for this long


class RssSampler:
    """Samples a process's RSS every ``every_s`` seconds; ``peak_mb`` is the largest seen."""

    def __init__(self, pid: int, every_s: float = 0.25) -> None:
        self.pid, self.every_s, self.peak_mb = pid, every_s, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                with open(f"/proc/{self.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmRSS:"):
                            self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)
            except OSError:
                return

    def stop(self) -> float:
        self._stop.set()
        self._thread.join(timeout=2)
        return self.peak_mb


def play_one_tab(url: str, seconds: float, start: threading.Barrier, result: dict) -> None:
    """Open a tab, play for ``seconds`` asking for refreshes at the board's pace, pause."""
    try:
        tab = LightTab(url, timeout_s=120).run()
        tab.refresh()                                 # the sidebar follows the first chart
        start.wait(timeout=300)
        tab.click("btn_play")
        began, first_epoch = time.monotonic(), tab.epoch
        deadline = began + seconds
        while time.monotonic() < deadline:
            asked = time.monotonic()
            tab.refresh()
            time.sleep(max(0.0, PACE_S - (time.monotonic() - asked)))
        tab.refresh()
        played = time.monotonic() - began
        epochs = tab.epoch - first_epoch
        clicked = time.monotonic()
        tab.click("btn_pause")                        # returns with the final numbers
        pause_s = time.monotonic() - clicked
        final = tab.epoch
        time.sleep(SETTLE_S)
        tab.refresh()
        result.update(epochs_per_s=epochs / played, pause_s=pause_s,
                      stopped=tab.epoch == final, errors=list(tab.exceptions))
        tab.close()
    except Exception as error:        # one broken tab is reported, not the whole run lost
        result.update(failed=f"{type(error).__name__}: {error}")


def drop_closed_sessions(url: str) -> None:
    """Past the reconnect TTL, Streamlit drops expired sessions on its next session event."""
    time.sleep(TTL_S + 1.0)
    LightTab(url).run().close()
    time.sleep(1.5)


def soak(n: int, seconds: float) -> dict:
    with ProbedServer(options=("--server.disconnectedSessionTTL", str(TTL_S))) as server:
        warm = LightTab(server.url).run()
        warm.refresh()
        warm.close()
        drop_closed_sessions(server.url)
        start = server.probe()
        sampler = RssSampler(server.process.pid)
        results = [dict() for _ in range(n)]
        playing = threading.Event()                  # every tab is open: Play is pressed
        barrier = threading.Barrier(n, action=playing.set, timeout=300)
        threads = [threading.Thread(target=play_one_tab, args=(server.url, seconds, barrier, r))
                   for r in results]
        for thread in threads:
            thread.start()
        playing.wait(timeout=600)
        time.sleep(seconds / 2)
        during = server.probe()                      # halfway through playing
        for thread in threads:
            thread.join(timeout=seconds + 600)
        drop_closed_sessions(server.url)
        after = server.probe()
        peak = max(sampler.stop(), during["rss_mb"])
    return {"n": n, "tabs": results, "start": start, "after": after, "peak_mb": peak,
            "during_threads": len(during["threads"])}


def report(run: dict) -> None:
    n, tabs, start, after = run["n"], run["tabs"], run["start"], run["after"]
    ok = [t for t in tabs if "failed" not in t]
    print(f"\n== {n} tab{'s' if n > 1 else ''} ==")
    print(f"{'tab':>4} {'epochs/s':>9} {'Pause s':>8} {'stopped':>8}")
    for i, tab in enumerate(tabs):
        if "failed" in tab:
            print(f"{i:>4}  failed: {tab['failed']}")
            continue
        print(f"{i:>4} {tab['epochs_per_s']:>9.1f} {tab['pause_s']:>8.3f} "
              f"{'yes' if tab['stopped'] else 'NO':>8}")
    if ok:
        rates = [t["epochs_per_s"] for t in ok]
        pauses = [t["pause_s"] for t in ok]
        print(f"epochs/s per tab: median {statistics.median(rates):.1f}, min {min(rates):.1f}; "
              f"Pause: median {statistics.median(pauses):.3f} s, max {max(pauses):.3f} s")
    own = [name for name in after["threads"] if name != "probe"]
    left = [name for name in own if name not in start["threads"]]
    growth = after["rss_mb"] / start["rss_mb"] - 1
    print(f"server RSS: start {start['rss_mb']:.0f} MB, peak {run['peak_mb']:.0f} MB, "
          f"after all closed {after['rss_mb']:.0f} MB ({growth:+.1%}); trimmed "
          f"{start['rss_trimmed_mb']:.0f} -> {after['rss_trimmed_mb']:.0f} MB")
    print(f"threads: start {len(start['threads']) - 1}, while playing "
          f"{run['during_threads'] - 1}, after {len(own)} (new and left: {left or 'none'}); "
          f"tabs still alive {after['pages_alive']} of {after['tabs_opened']} opened "
          f"(the last, Streamlit's most recent), orphaned sessions "
          f"{after['sessions_orphaned']}, models {after['models_orphaned']}, "
          f"upload bytes held {after['upload_bytes_held']}")
    verdicts = [f"RSS within 10%: {'yes' if growth <= 0.10 else 'NO'}",
                f"no thread left: {'yes' if not left else 'NO'}"]
    if ok:
        verdicts.append(f"Pause within 1 s in every tab: "
                        f"{'yes' if max(pauses) <= 1.0 and len(ok) == n else 'NO'}")
    print("; ".join(verdicts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,8,30", help="tab counts, e.g. 1,8,30")
    parser.add_argument("--seconds", type=float, default=120.0, help="playing time per run")
    parser.add_argument("--quick", action="store_true", help="20 s of playing per run")
    args = parser.parse_args()
    seconds = 20.0 if args.quick else min(max(args.seconds, 1.0), 600.0)
    for n in [int(part) for part in args.sessions.split(",") if part.strip()]:
        report(soak(max(1, min(n, 100)), seconds))


if __name__ == "__main__":
    main()
