"""Many tabs playing at once on one server, then all closed: is everything given back?

For each N in --sessions: starts ``streamlit run app.py`` (with a probe, on 127.0.0.1, a
free port), opens N light WebSocket clients (tests/ui/light_client.py: the page's own
protocols, no browser). Each plays for --seconds, then pauses and closes; as a browser
does it (--mode stream, the default): Play and Pause through the board's live stream,
frames acknowledged as they come, one Streamlit run after each click for the buttons; or
(--mode board) as a browser without the stream: button clicks and board refreshes at the
board's pace. Prints per tab: epochs per second while playing and the Pause latency (click
sent -> the final numbers back; the epoch then no longer moves); per run: server RSS at the
start, its peak and after all tabs closed (and Streamlit dropped them), threads alive
before and after, and the tabs' objects still alive. Targets: RSS after within 10% of the
start; no thread left; with 30 tabs, Pause within 1 s in every tab.

The start ("baseline") is measured after one warm-up tab has played, paused and closed
and two more visitors have come and gone (the first makes Streamlit drop the warm-up tab,
the second the first); "after" the same way once the N tabs closed, so both moments have
exactly one visitor's tab alive, made after the others were freed. ``--breakdown`` also
prints where the memory is at both moments (tests/ui/memory_breakdown.py: kernel mappings,
glibc's heaps, CPython's arenas, the objects made since the start that are still alive);
its own bookkeeping adds about a MB. Usage:
python benchmarks/bench_soak.py [--sessions 1,8,30] [--seconds 120] [--mode stream|board]
[--quick] [--port P] [--breakdown] (--quick: 20 s per run).
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

sys.path.insert(0, str(ROOT))

from light_client import LightStream, LightTab  # noqa: E402
from probe_server import ProbedServer  # noqa: E402

from playground.ui.housekeeping import CHECK_S  # noqa: E402

TRAINER_THREAD = "playground-trainer"   # the name of a tab's training thread (ui/trainer.py)

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


def play_by_stream(tab: LightTab, seconds: float, start: threading.Barrier) -> dict:
    """Play and pause through the live stream, as the browser's board does."""
    stream = tab.stream = LightStream(tab, timeout_s=120)
    stream.read()                                 # the first frame, sent on connect
    start.wait(timeout=300)
    stream.command("play")
    stream.until(lambda frame: frame["playing"])
    tab.refresh()                                 # the buttons follow (one Streamlit run)
    began, first_epoch = time.monotonic(), stream.epoch
    stream.read_for(seconds)
    played, epochs = time.monotonic() - began, stream.epoch - first_epoch
    clicked = time.monotonic()
    stream.command("pause")
    stream.until(lambda frame: not frame["playing"])    # the final numbers
    pause_s = time.monotonic() - clicked
    final = stream.epoch
    stream.read_for(SETTLE_S)
    tab.refresh()                                 # the buttons follow; the page's epoch
    return dict(epochs_per_s=epochs / played, pause_s=pause_s,
                stopped=stream.epoch == final and tab.epoch == final)


def play_by_board(tab: LightTab, seconds: float, start: threading.Barrier) -> dict:
    """Play with the buttons and the board's refreshes at its pace (no stream), pause."""
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
    return dict(epochs_per_s=epochs / played, pause_s=pause_s, stopped=tab.epoch == final)


def play_one_tab(url: str, seconds: float, start: threading.Barrier, result: dict,
                 mode: str) -> None:
    """Open a tab, play for ``seconds``, pause, close; what was measured goes in ``result``."""
    try:
        tab = LightTab(url, timeout_s=120).run()
        tab.refresh()                                 # the sidebar follows the first chart
        play = play_by_stream if mode == "stream" else play_by_board
        result.update(play(tab, seconds, start), errors=list(tab.exceptions))
        tab.close()
    except Exception as error:        # one broken tab is reported, not the whole run lost
        result.update(failed=f"{type(error).__name__}: {error}")


def drop_closed_sessions(url: str) -> None:
    """Past the reconnect TTL, Streamlit drops expired sessions on its next session event
    (one more visitor comes and goes); then the server's housekeeping (ui/housekeeping.py)
    notices that visitor's tab gone, collects and trims the heap."""
    time.sleep(TTL_S + 1.0)
    LightTab(url).run().close()
    time.sleep(CHECK_S + 2.5)


def visitor_round(server: ProbedServer) -> float:
    """One more visitor comes and goes (``drop_closed_sessions``); the server's RSS in MB
    then, as it keeps it (read from outside: no collection by the probe)."""
    drop_closed_sessions(server.url)
    with open(f"/proc/{server.process.pid}/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status
                    if line.startswith("VmRSS:"))


def warm_up(url: str) -> None:
    """One tab does everything the soak's tabs do (imports, caches, first allocations)."""
    tab = LightTab(url, timeout_s=120).run()
    tab.refresh()
    play_by_stream(tab, 2.0, threading.Barrier(1))
    tab.close()


def soak(n: int, seconds: float, mode: str, port: int = 0, breakdown: bool = False) -> dict:
    with ProbedServer(port, options=("--server.disconnectedSessionTTL", str(TTL_S)),
                      timeout_s=180) as server:
        warm_up(server.url)
        visitor_round(server)
        visitor_round(server)
        start = server.probe()
        marked = server.probe("mark") if breakdown else None
        sampler = RssSampler(server.process.pid)
        results = [dict() for _ in range(n)]
        playing = threading.Event()                  # every tab is open: Play is pressed
        barrier = threading.Barrier(n, action=playing.set, timeout=300)
        threads = [threading.Thread(target=play_one_tab,
                                    args=(server.url, seconds, barrier, r, mode))
                   for r in results]
        for thread in threads:
            thread.start()
        playing.wait(timeout=600)
        time.sleep(seconds / 2)
        during = server.probe()                      # halfway through playing
        for thread in threads:
            thread.join(timeout=seconds + 600)
        closed = server.probe()                      # every tab closed: what they made
        first = visitor_round(server)
        visitor_round(server)
        after = server.probe()
        memory = server.probe("memory") if breakdown else None
        peak = max(sampler.stop(), during["rss_mb"], closed["rss_mb"])
    left = {kind: sum(start["made"][kind] <= i < closed["made"][kind] for i in alive)
            for kind, alive in after["alive"].items()}
    return {"n": n, "mode": mode, "tabs": results, "start": start, "after": after,
            "peak_mb": peak, "during_threads": len(during["threads"]), "objects_left": left,
            "marked": marked, "memory": memory,
            "first_visitor_mb": first}


def report(run: dict) -> None:
    n, tabs, start, after = run["n"], run["tabs"], run["start"], run["after"]
    ok = [t for t in tabs if "failed" not in t]
    print(f"\n== {n} tab{'s' if n > 1 else ''}, playing through the {run['mode']} ==")
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
    new = [name for name in own if name not in start["threads"]]
    # a tab's own threads; the event loop's worker pool (asyncio_N, at most min(32, cores
    # + 4) threads, idle until reused) is shared by all tabs and does not grow with them
    left = [name for name in new if name == TRAINER_THREAD]
    pool = [name for name in new if name != TRAINER_THREAD]
    growth = after["rss_before_gc_mb"] / start["rss_before_gc_mb"] - 1
    print(f"server RSS: start {start['rss_before_gc_mb']:.0f} MB, peak {run['peak_mb']:.0f} MB,"
          f" after all closed {after['rss_before_gc_mb']:.0f} MB ({growth:+.1%}; as the server "
          f"keeps it, before the probe's own collection; "
          f"{run['first_visitor_mb']:.0f} MB while the first visitor after them was kept); "
          f"the probe's gc.collect took {after['gc_s']:.2f} s")
    print(f"threads: start {len(start['threads']) - 1}, while playing "
          f"{run['during_threads'] - 1}, after {len(own)} (tabs' threads left: "
          f"{len(left)}; the shared worker pool grew by {len(pool)}: {', '.join(pool) or '-'})")
    objects = run["objects_left"]
    print("the closed tabs' objects still alive: " +
          (", ".join(f"{kind} {count}" for kind, count in objects.items() if count) or "none") +
          f"; upload bytes held {after['upload_bytes_held']}")
    verdicts = [f"RSS within 10%: {'yes' if growth <= 0.10 else 'NO'}",
                f"no tab's thread left: {'yes' if not left else 'NO'}",
                f"nothing of the tabs left: {'yes' if not any(objects.values()) else 'NO'}"]
    if ok:
        verdicts.append(f"Pause within 1 s in every tab: "
                        f"{'yes' if max(pauses) <= 1.0 and len(ok) == n else 'NO'}")
    print("; ".join(verdicts))
    if run["memory"]:
        report_breakdown(run["marked"], run["memory"])


def report_breakdown(marked: dict, memory: dict) -> None:
    """Where the server's memory is at the start and after all closed (both after a
    collection and a trim), and what grew in between."""
    now = memory["now"]
    print("where the memory is (MB; after gc + malloc_trim)   start -> after all closed")
    for key in now:
        if key in marked and marked[key] != now[key]:
            print(f"  {key:<28} {marked[key]:>10} -> {now[key]}")
    print("  object types grown: " + (", ".join(memory["types_grown"]) or "none"))
    before, now = memory["glibc_arenas"]
    print("  glibc heaps at the start: " + "; ".join(before))
    print("  glibc heaps after:        " + "; ".join(now))
    print("  objects made since the start, alive: " + "; ".join(memory["new_objects"]))
    print("  in the mappings made since the start: " + "; ".join(memory["in_new_mappings"]))
    for line in memory["mappings_grown"]:
        print("  mapping " + line)
    for line in memory["traced_grown"]:
        print("  traced " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,8,30", help="tab counts, e.g. 1,8,30")
    parser.add_argument("--seconds", type=float, default=120.0, help="playing time per run")
    parser.add_argument("--mode", choices=("stream", "board"), default="stream",
                        help="play through the live stream (a browser) or board refreshes")
    parser.add_argument("--quick", action="store_true", help="20 s of playing per run")
    parser.add_argument("--port", type=int, default=0, help="the server's port (0: a free one)")
    parser.add_argument("--breakdown", action="store_true",
                        help="also where the server's memory is at the start and after "
                             "(with PROBE_TRACEMALLOC=frames: Python's allocations too)")
    args = parser.parse_args()
    seconds = 20.0 if args.quick else min(max(args.seconds, 1.0), 600.0)
    for n in [int(part) for part in args.sessions.split(",") if part.strip()]:
        report(soak(max(1, min(n, 100)), seconds, args.mode, args.port, args.breakdown))


if __name__ == "__main__":
    main()
