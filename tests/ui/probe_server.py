"""``streamlit run app.py`` with a probe: the real server, plus a thread that answers
questions about the server's own memory, for the memory tests and the soak benchmark.

    python tests/ui/probe_server.py PORT [streamlit options...]

Each line written to stdin is a question; the answer is one line ``PROBE {json}`` on stdout:
``probe`` runs ``gc.collect()`` and answers with the server's RSS, its threads, the bytes
of uploaded files Streamlit still holds, and for each kind of object a tab owns (PageState,
TrainingSession, Sequential, BackgroundTrainer, its training threads, the stream's
LiveChannel, Streamlit's UploadedFile) how many were ever made and which of them (by the
order they were made in) are still alive: a weak reference is taken as each one is made
(and how many were alive before the collection: what reference counting alone freed);
and the size of all large bytes objects held (an uploaded file's contents, wherever kept).
``alive`` answers which are alive now without collecting (to wait for the server's own
housekeeping); ``mark`` remembers this moment; ``memory`` answers where the resident memory
is now (memory_breakdown.py) and what grew since the mark: object counts by type, objects
in the memory mappings made since, and, with ``PROBE_TRACEMALLOC=frames`` in the
environment, Python's allocations by traceback.
"""
from __future__ import annotations

import functools
import gc
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.request
import weakref
from pathlib import Path

if os.environ.get("PROBE_TRACEMALLOC"):      # before the imports below allocate anything
    tracemalloc.start(int(os.environ["PROBE_TRACEMALLOC"]))

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from memory_breakdown import (  # noqa: E402
    breakdown, glibc_arenas, mappings, object_ids, mappings_grown, new_objects, objects_in_new_mappings,
    traced_growth, type_counts)
from streamlit.runtime.uploaded_file_manager import UploadedFile  # noqa: E402

from playground.nn import Sequential  # noqa: E402
from playground.training import TrainingSession  # noqa: E402
from playground.ui.state import PageState  # noqa: E402
from playground.ui.live_stream import LiveChannel  # noqa: E402
from playground.ui.trainer import BackgroundTrainer  # noqa: E402

class _Made:
    """Objects of one kind: how many were ever made, and a weak reference to each still
    alive by the order it was made in. A dead one's reference is dropped with it, so the
    probe holds nothing made while the tabs ran (those would pin the allocator's arenas
    and show in the very RSS it measures)."""

    def __init__(self) -> None:
        self.count = 0
        self._alive: dict[int, weakref.ref] = {}

    def add(self, obj) -> None:
        index, self.count = self.count, self.count + 1
        self._alive[index] = weakref.ref(obj, functools.partial(self._forget, index))

    def _forget(self, index: int, _ref) -> None:
        self._alive.pop(index, None)

    def alive(self) -> list[int]:
        return sorted(i for i, ref in list(self._alive.items()) if ref() is not None)


_made: dict[str, _Made] = {kind: _Made() for kind in (
    "pages", "sessions", "models", "trainers", "trainer_threads", "channels",
    "uploaded_files")}


def _track(cls, kind: str) -> None:
    """Every ``cls(...)`` from now on is also counted in ``_made[kind]``."""
    init = cls.__init__

    def tracked_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        _made[kind].add(self)
    cls.__init__ = tracked_init


def _track_threads() -> None:
    """The thread that runs each ``BackgroundTrainer._loop`` (one per Play or Step run)."""
    loop = BackgroundTrainer._loop

    def tracked_loop(self, state):
        _made["trainer_threads"].add(threading.current_thread())
        return loop(self, state)
    BackgroundTrainer._loop = tracked_loop


for _cls, _kind in ((PageState, "pages"), (TrainingSession, "sessions"), (Sequential, "models"),
                    (BackgroundTrainer, "trainers"), (LiveChannel, "channels"),
                    (UploadedFile, "uploaded_files")):
    _track(_cls, _kind)
_track_threads()


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def big_bytes_held(min_size: int = 1 << 20) -> int:
    """Bytes in the distinct bytes/bytearray objects of at least ``min_size`` that some
    container holds (a file's contents kept in a list, a dict, an object's attributes)."""
    seen: dict[int, int] = {}
    for holder in gc.get_objects():
        for item in gc.get_referents(holder):
            if isinstance(item, (bytes, bytearray)) and len(item) >= min_size:
                seen[id(item)] = len(item)
    return sum(seen.values())


def probe() -> dict:
    # before any collection: what reference counting alone has freed
    alive_before_gc = {kind: made.alive() for kind, made in _made.items()}
    rss_before_gc = rss_mb()
    began = time.perf_counter()
    gc.collect()
    gc_s = time.perf_counter() - began
    alive = {kind: made.alive() for kind, made in _made.items()}
    uploads = 0
    try:
        from streamlit import runtime
        store = runtime.get_instance().uploaded_file_mgr.file_storage
        uploads = sum(len(rec.data) for files in store.values() for rec in files.values())
    except Exception:      # another uploaded-file manager: nothing to count
        uploads = -1
    rss = rss_mb()
    try:      # what glibc's allocator keeps for reuse, handed back: what is really in use
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    try:      # the live stream's token registry, once there is one (issue 12)
        from playground.ui.live_stream import REGISTRY
        registered = len(REGISTRY)
    except ImportError:
        registered = 0
    answer = {
        "rss_before_gc_mb": round(rss_before_gc, 1),     # as the server keeps it itself
        "rss_mb": round(rss, 1),
        "gc_s": round(gc_s, 3),
        "stream_tokens": registered,
        "rss_trimmed_mb": round(rss_mb(), 1),
        "threads": sorted(t.name for t in threading.enumerate()),
        "tabs_opened": _made["pages"].count,
        "pages_alive": len(alive["pages"]),
        "made": {kind: made.count for kind, made in _made.items()},
        "alive": alive,
        "alive_before_gc": alive_before_gc,
        "upload_bytes_held": uploads,
        "big_bytes_held": big_bytes_held(),
    }
    return answer


def holders(min_size: int = 1 << 20, depth: int = 6) -> list[list[str]]:
    """For each large bytes object held: the chain of what holds it, nearest first (each
    step the first referrer that is not a frame or this probe's own list), by type name."""
    gc.collect()
    chains = []
    for holder in gc.get_objects():
        for item in gc.get_referents(holder):
            if not (isinstance(item, (bytes, bytearray)) and len(item) >= min_size):
                continue
            chain, current = [f"{len(item)} bytes"], holder
            for _ in range(depth):
                chain.append(type(current).__qualname__ + (
                    f" keys={list(current)[:6]}" if isinstance(current, dict) else ""))
                nxt = [r for r in gc.get_referrers(current)
                       if not isinstance(r, type(sys._getframe())) and r is not chains]
                if not nxt:
                    break
                current = nxt[0]
            chains.append(chain)
    return chains


class _Mark:
    """The moment ``mark`` was asked: object counts by type and tracemalloc's snapshot."""

    types: dict[str, int] = {}
    mappings: dict[str, tuple[int, float]] = {}
    arenas: list[str] = []
    ids = None                      # object_ids() then
    snapshot: tracemalloc.Snapshot | None = None


def mark() -> dict:
    gc.collect()
    _Mark.types = type_counts()
    _Mark.mappings = mappings()
    _Mark.arenas = glibc_arenas()
    _Mark.ids = object_ids()
    if tracemalloc.is_tracing():
        _Mark.snapshot = tracemalloc.take_snapshot().filter_traces(
            (tracemalloc.Filter(False, tracemalloc.__file__),))
    return breakdown()


def memory() -> dict:
    """Where the memory is now and what grew since the mark (after a collection and a
    trim, as the server's housekeeping leaves it)."""
    gc.collect()
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    counts = type_counts()
    grown = sorted(((n - _Mark.types.get(t, 0), t) for t, n in counts.items()), reverse=True)
    return {"now": breakdown(), "types_grown": [f"{t} {d:+d}" for d, t in grown[:15] if d],
            "mappings_grown": mappings_grown(_Mark.mappings),
            "glibc_arenas": (_Mark.arenas, glibc_arenas()),
            "new_objects": new_objects(_Mark.ids),
            "in_new_mappings": objects_in_new_mappings(_Mark.mappings),
            "traced_grown": traced_growth(_Mark.snapshot) if _Mark.snapshot else []}


def alive_now() -> dict:
    """Which tracked objects are alive now, and the RSS, without collecting anything (to
    wait for the server's own housekeeping)."""
    return {"alive": {kind: made.alive() for kind, made in _made.items()},
            "made": {kind: made.count for kind, made in _made.items()},
            "rss_mb": round(rss_mb(), 1)}


def _answer_questions() -> None:
    questions = {"probe": probe, "mark": mark, "memory": memory, "alive": alive_now}
    for line in sys.stdin:
        if line.strip() in questions:
            print("PROBE " + json.dumps(questions[line.strip()]()), flush=True)
        elif line.strip() == "holders":      # for finding a leak by hand
            print("PROBE " + json.dumps(holders()), flush=True)


def main() -> None:
    port, options = sys.argv[1], sys.argv[2:]
    threading.Thread(target=_answer_questions, daemon=True, name="probe").start()
    from streamlit.web import cli
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), "--server.port", port,
                "--server.address", "127.0.0.1", "--server.headless", "true",
                "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                *options]
    cli.main()


class ProbedServer:
    """Starts this file as a server process on ``port`` (a free one if 0); ``probe()`` asks
    it the question above; ``stop()`` (or leaving the ``with`` block) ends it."""

    def __init__(self, port: int = 0, options: tuple[str, ...] = (), timeout_s: float = 60):
        if not port:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"
        self.timeout_s = timeout_s
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(port), *options], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._answers: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("the probed server did not start") from None
                time.sleep(0.2)

    def _read(self) -> None:
        for line in self.process.stdout:
            if line.startswith("PROBE "):
                self._answers.put(json.loads(line[6:]))

    def probe(self, question: str = "probe") -> dict:
        self.process.stdin.write(question + "\n")
        self.process.stdin.flush()
        return self._answers.get(timeout=self.timeout_s)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> ProbedServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":
    main()
