"""Many tabs playing at once in one process, without a browser: epochs/s and frames/s per tab,
the share of the time frames took, and Pause; this tree against an older commit.

    python benchmarks/bench_tabs.py                  # 8 tabs, 2 rounds x 6 s per variant
    python benchmarks/bench_tabs.py --tabs 30 --base 1be653b

Each tab is what the server holds for one (PageState, BackgroundTrainer, LiveChannel with
its FrameBuilder) on the default experiment; a task on an event loop thread stands in for
the tab's socket and board: it takes each frame the trainer publishes and acknowledges it
``--paint-ms`` later (the browser painting it). Variants run one after another in rounds
(base, new, base, new), so load from other processes hits both alike. The older commit's
``playground/`` is copied from git into a temporary package (see bench_epoch.base_package).
Pause: for every tab in turn, seconds from the halt the stream's event loop sends (playing
off) to the end of the trainer's slice in progress (``stop`` returning).
This measures the server alone: in a real run the browsers share the cores too
(benchmarks/bench_vs_tf_playground.py --tabs 8).
"""
from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_epoch import BASE_REV, base_package  # noqa: E402


def make_tabs(package: str, count: int, registry):
    """count tabs of the default experiment: (state, channel) each, not playing yet."""
    state_module = importlib.import_module(f"{package}.ui.state")
    live = importlib.import_module(f"{package}.ui.live")
    frames = importlib.import_module(f"{package}.ui.live_frames")
    stream = importlib.import_module(f"{package}.ui.live_stream")
    tabs = []
    for _ in range(count):
        state = state_module.new_page_state({})
        channel = stream.LiveChannel(state, "bench", lambda: frames.FrameBuilder(
            live.describe_live), encode=frames.frame_json, registry=registry)
        state.trainer.publisher = channel
        tabs.append((state, channel))
    return tabs, stream


async def board(channel, paint_s: float, counts: dict, stop: asyncio.Event) -> None:
    """The tab's socket and board: take each frame, acknowledge it paint_s later."""
    loop = asyncio.get_running_loop()
    connection, wake = channel.attach(loop)
    loop.run_in_executor(None, channel.publish, True)   # the first frame, as the server does
    while not stop.is_set():
        try:
            await asyncio.wait_for(wake.wait(), 0.2)
        except asyncio.TimeoutError:
            continue
        wake.clear()
        if channel.take(connection, in_flight=False) is not None:
            counts["frames"] += 1
            await asyncio.sleep(paint_s)
            channel.acknowledged(connection, [])
    channel.detach(connection)


def run(package: str, tabs_count: int, seconds: float, paint_s: float) -> dict:
    stream = importlib.import_module(f"{package}.ui.live_stream")
    registry = stream.LiveRegistry()
    tabs, _ = make_tabs(package, tabs_count, registry)
    build_s = [0.0]                  # seconds spent building frames, all tabs
    for _, channel in tabs:
        publish = channel.publish

        def timed(force=False, publish=publish):    # CPU seconds of the building thread
            started = time.thread_time()
            try:
                return publish(force)
            finally:
                build_s[0] += time.thread_time() - started
        channel.publish = timed
    loop = asyncio.new_event_loop()
    counts = [{"frames": 0} for _ in tabs]
    held = {}                        # "stop": the boards' asyncio.Event, made on the loop
    thread = threading.Thread(target=loop.run_until_complete,
                              args=(_boards(tabs, paint_s, counts, held),), daemon=True)
    thread.start()
    deadline = time.monotonic() + 120   # sockets attached, every first (whole) frame sent
    while min(count["frames"] for count in counts) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    for state, _ in tabs:
        state.playing = True
        state.trainer.start(state)
    time.sleep(2.0)                  # warm: rests and frame pace settle
    before = [(state.session.batches, count["frames"]) for (state, _), count in
              zip(tabs, counts)]
    built0, start, cpu = build_s[0], time.perf_counter(), time.process_time()
    time.sleep(seconds)
    elapsed = time.perf_counter() - start
    cpu_share = (time.process_time() - cpu) / elapsed
    after = [(state.session.batches, count["frames"]) for (state, _), count in
             zip(tabs, counts)]
    frames_share = (build_s[0] - built0) / elapsed
    pauses = []
    for state, _ in tabs:
        trainer = state.trainer
        halted = time.perf_counter()
        trainer.halt(state)
        trainer.stop(state, wait=False)
        pauses.append(time.perf_counter() - halted)
    for state, _ in tabs:
        state.trainer.stop(state, wait=True)
    loop.call_soon_threadsafe(held["stop"].set)
    thread.join(timeout=5)
    loop.close()
    per_epoch = tabs[0][0].session.batches_per_epoch
    epochs = [(b1 - b0) / per_epoch / elapsed for (b0, _), (b1, _) in zip(before, after)]
    frames = [(f1 - f0) / elapsed for (_, f0), (_, f1) in zip(before, after)]
    return {"epochs": epochs, "frames": frames, "frames_share": frames_share,
            "pause": pauses, "cpu": cpu_share}


async def _boards(tabs, paint_s: float, counts: list[dict], held: dict) -> None:
    held["stop"] = stop = asyncio.Event()
    await asyncio.gather(*(board(channel, paint_s, count, stop)
                           for (_, channel), count in zip(tabs, counts)))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=6.0, help="measured per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--paint-ms", type=float, default=10.0,
                        help="the stand-in board acknowledges a frame this long after it")
    parser.add_argument("--base", default=BASE_REV, help="older commit ('' to skip)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        variants = {"new": "playground"}
        if args.base:
            variants = {"base": base_package(args.base, Path(folder)), **variants}
        results = {name: [] for name in variants}
        for _ in range(args.rounds):
            for name, package in variants.items():
                results[name].append(run(package, args.tabs, args.seconds,
                                         args.paint_ms / 1000))
    load = os.getloadavg()
    print(f"{args.tabs} tabs playing in one process (no browser), default experiment, "
          f"{args.rounds} x {args.seconds:g} s per variant; load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    for name, rounds in results.items():
        epochs = [e for r in rounds for e in r["epochs"]]
        frames = [f for r in rounds for f in r["frames"]]
        pauses = [p for r in rounds for p in r["pause"]]
        share = statistics.mean(r["frames_share"] for r in rounds)
        cpu = statistics.mean(r["cpu"] for r in rounds)
        label = f"{name} ({args.base})" if name == "base" else f"{name} (this tree)"
        print(f"  {label:18} epochs/s per tab: slowest {min(epochs):5.1f}, median "
              f"{statistics.median(epochs):5.1f}, all tabs {sum(epochs) / args.rounds:6.0f}; "
              f"frames/s per tab: slowest {min(frames):4.1f}, median "
              f"{statistics.median(frames):4.1f}; frames took {share:.0%} of the time, "
              f"the process {cpu:.0%} of a core; Pause slowest {max(pauses) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
