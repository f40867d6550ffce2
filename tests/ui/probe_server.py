"""``streamlit run app.py`` with a probe: the real server, plus a thread that answers
questions about the server's own memory, for the memory tests and the soak benchmark.

    python tests/ui/probe_server.py PORT [streamlit options...]

Each line written to stdin is a question; the answer is one line ``PROBE {json}`` on stdout:
``probe`` runs ``gc.collect()`` and answers with the server's RSS, its threads, how many
tabs were ever opened and how many of their PageStates are still alive (weak references
taken when each tab's PageState was made), the TrainingSession and Sequential objects
alive (all of them, and those not reachable from a live PageState), and the bytes of
uploaded files Streamlit still holds.
"""
from __future__ import annotations

import gc
import json
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import weakref
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playground.nn import Sequential  # noqa: E402
from playground.training import TrainingSession  # noqa: E402
from playground.ui import state as state_module  # noqa: E402

_tabs: list[weakref.ref] = []          # one weak reference per PageState ever made


def _tracked_new_page_state(params, _make=state_module.new_page_state):
    page = _make(params)
    _tabs.append(weakref.ref(page))
    return page


state_module.new_page_state = _tracked_new_page_state


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def probe() -> dict:
    gc.collect()
    pages = [ref() for ref in _tabs]
    pages = [page for page in pages if page is not None]
    sessions = [o for o in gc.get_objects() if isinstance(o, TrainingSession)]
    models = [o for o in gc.get_objects() if isinstance(o, Sequential)]
    owned_sessions = {id(page.session) for page in pages}
    owned_models = {id(page.session.model) for page in pages}
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
        "rss_mb": round(rss, 1),
        "stream_tokens": registered,
        "rss_trimmed_mb": round(rss_mb(), 1),
        "threads": sorted(t.name for t in threading.enumerate()),
        "tabs_opened": len(_tabs),
        "pages_alive": len(pages),
        "sessions_alive": len(sessions),
        "sessions_orphaned": sum(id(s) not in owned_sessions for s in sessions),
        "models_alive": len(models),
        "models_orphaned": sum(id(m) not in owned_models for m in models),
        "upload_bytes_held": uploads,
    }
    del pages, sessions, models
    return answer


def _answer_questions() -> None:
    for line in sys.stdin:
        if line.strip() == "probe":
            print("PROBE " + json.dumps(probe()), flush=True)


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

    def probe(self) -> dict:
        self.process.stdin.write("probe\n")
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
