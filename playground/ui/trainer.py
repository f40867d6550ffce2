"""Training in a background thread while Play is on, so training speed does not depend on
how fast the browser asks for the next picture.

One ``BackgroundTrainer`` per tab (kept in the tab's PageState, never module-level). Its
thread trains the session in short slices while ``state.playing`` is True; every other use
of the session (snapshots, Step, Reset, settings changes, downloads) holds ``lock``, so the
session is never used by two threads at once. Pause sets ``playing`` to False and waits for
the slice in progress to end. A tab that stops asking for pictures (closed) is noticed
after ORPHAN_S seconds (no page run, no open stream) and its training stops.

While playing, the thread also builds the live stream's frames (``publisher``, the tab's
``live_stream.LiveChannel``): after a slice, if the browser has painted the last frame, it
builds the next from the session as it is, outside the lock.
"""
from __future__ import annotations

import threading
import time

SLICE_S = 0.015       # training per lock hold; the page waits at most this long for a picture
# Pauses after each slice. Python's GIL lets only one thread run at a time, and a thread that
# never waits starves the server's event loop (a Pause click then takes seconds to arrive),
# so the trainer always breathes a little; and when the page is waiting for the session
# (a refresh, a click) it rests long enough for the page to take the lock first.
BREATHE_S = 0.001
REST_S = 0.004
ORPHAN_S = 15.0       # no heartbeat from the page for this long: the tab is gone, stop


class _PageLock:
    """The session's lock as the page takes it (``with trainer.lock:``): while the page
    waits for it or holds it, the trainer knows (``wanted``) and rests after its slice."""

    def __init__(self, lock: threading.RLock, wanted: threading.Event) -> None:
        self._lock = lock
        self._wanted = wanted
        self._depth = 0                        # nested holds by the page (it is re-entrant)

    def __enter__(self) -> _PageLock:
        self._wanted.set()
        self._lock.acquire()
        self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._wanted.clear()
        self._lock.release()


class BackgroundTrainer:
    """The training thread of one tab and the lock that guards its session."""

    def __init__(self) -> None:
        self._session_lock = threading.RLock()  # held by anyone using the session
        self._wanted = threading.Event()        # the page is waiting for (or holds) it
        self.lock = _PageLock(self._session_lock, self._wanted)   # the page's way in
        self._thread: threading.Thread | None = None
        self._last_seen = time.monotonic()     # last time the page drew this tab
        self.publisher = None                  # the tab's stream channel (or None)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def heartbeat(self) -> None:
        """The page is still open (called on every refresh)."""
        self._last_seen = time.monotonic()

    def start(self, state) -> None:
        """Train ``state.session`` until ``state.playing`` turns False (or divergence)."""
        self.heartbeat()
        if self.running:
            return
        self._thread = threading.Thread(target=self._loop, args=(state,), daemon=True,
                                        name="playground-trainer")
        self._thread.start()

    def stop(self, state, wait: bool = False) -> None:
        """Pause: no slice starts after this returns (the thread re-checks ``playing``
        under the lock), and the one in progress has ended (taking the lock waits for it).
        ``wait``: also wait for the thread to end (the frame it may be building); only for a
        caller that does not hold the lock."""
        state.playing = False
        with self.lock:
            pass
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)

    def _loop(self, state) -> None:
        stopped_itself = False             # diverged or orphaned, not Paused by someone
        while state.playing:
            publisher = self.publisher
            if publisher is not None and publisher.connected:
                self.heartbeat()               # the tab's stream is open: the tab is there
            if time.monotonic() - self._last_seen > ORPHAN_S:
                state.playing = False
                break
            with self._session_lock:
                if not state.playing:
                    break
                session = state.session
                if session.status == "diverged":
                    state.playing, stopped_itself = False, True
                    break
                session.train_for(SLICE_S)
            publisher = self.publisher
            if publisher is not None and publisher.wants_frame():
                publisher.publish()
            time.sleep(REST_S if self._wanted.is_set() else BREATHE_S)
        publisher = self.publisher
        if stopped_itself and publisher is not None:
            publisher.publish(force=True)     # the last picture, saying it stopped
