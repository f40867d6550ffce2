"""Training in a background thread while Play is on, so training speed does not depend on
how fast the browser asks for the next picture.

One ``BackgroundTrainer`` per tab (kept in the tab's PageState, never module-level). Its
thread trains the session in short slices while ``state.playing`` is True; every other use
of the session (snapshots, Step, Reset, settings changes, downloads) holds ``lock``, so the
session is never used by two threads at once. Pause sets ``playing`` to False and waits for
the slice in progress to end. A tab that stops asking for pictures (closed) is noticed
after ORPHAN_S seconds and its training stops.

While playing, the thread also builds the live stream's frames (``publisher``, the tab's
``live_stream.LiveChannel``): after a slice, if the browser has painted the last frame, it
builds the next from the session as it is, outside the lock.

Step epoch and Step batch go through the same thread (``run_steps``): a long step (an epoch
at batch size 1, a big model) is trained in slices like Play, so the page and other tabs
stay responsive and Pause cancels it; the click waits up to STEP_WAIT_S for it, so a short
step looks done at once.
"""
from __future__ import annotations

import threading
import time

SLICE_S = 0.015       # training per lock hold at most; it ends sooner (after the batch in
                      # progress) on Pause, when the page waits, or when a frame is due
# Pauses after each slice. Python's GIL lets only one thread run at a time, and a thread that
# never waits starves the server's event loop (a Pause click then takes seconds to arrive),
# so the trainer always breathes a little; and when the page is waiting for the session
# (a refresh, a click) it rests long enough for the page to take the lock first.
BREATHE_S = 0.001
REST_S = 0.004
# With several tabs playing, each trainer rests long enough after a slice and the frame it
# built that all of them together (training and frames) use at most this share of the
# server's one GIL: the rest is for the event loop (Pause clicks, sending frames) and the
# tabs get even shares instead of whatever the GIL gives. How much of a tab's share goes to
# frames is the stream's pace (live_stream.LiveChannel.frame_gap); the rest trains.
SHARED_GIL = 0.85
ORPHAN_S = 15.0       # no heartbeat from the page for this long: the tab is gone, stop
STEP_WAIT_S = 0.5     # a Step click waits this long for its step before the page goes on


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
        # the step asked for while not playing: ("epochs" or "batches", session count to
        # reach), or None. Set and cleared under the lock, read by the thread.
        self._goal: tuple[str, int] | None = None
        self._goal_done = threading.Event()
        self._start_lock = threading.Lock()
        self._woken = threading.Event()         # Pause: cut the rest between slices short

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def stepping(self) -> bool:
        """A Step is still being trained (the page shows progress; Pause cancels it)."""
        return self._goal is not None

    def heartbeat(self) -> None:
        """The page is still open (called on every refresh)."""
        self._last_seen = time.monotonic()

    def start(self, state) -> None:
        """Train ``state.session`` until ``state.playing`` turns False (or divergence)."""
        self.heartbeat()
        with self._start_lock:       # the thread retires under it (_loop): none is missed
            if self.running:
                return
            self._thread = threading.Thread(target=self._loop, args=(state,), daemon=True,
                                            name="playground-trainer")
            self._thread.start()

    def run_steps(self, state, epochs: int = 0, batches: int = 0,
                  wait_s: float = STEP_WAIT_S) -> bool:
        """Train ``epochs`` more epochs (a partial one counts as the first) or ``batches``
        more minibatches in the background; a step asked for while one runs adds to it.
        Waits up to ``wait_s`` for it; returns True if it is done by then."""
        if (epochs > 0) == (batches > 0):
            raise ValueError("run_steps wants either epochs or batches, a positive count.")
        state.playing = False
        with self.lock:
            session = state.session
            kind, count = ("epochs", epochs) if epochs else ("batches", batches)
            base = self._goal[1] if self._goal and self._goal[0] == kind else \
                (session.epoch if kind == "epochs" else session.batches)
            self._goal = (kind, base + count)
            self._goal_done.clear()
        self.start(state)
        return self._goal_done.wait(wait_s)

    def halt(self, state) -> None:
        """Pause at once, from any thread and without waiting (the stream's event loop):
        no batch starts after the one in progress, a rest is cut short. ``stop`` then
        does the rest."""
        state.playing = False
        self._woken.set()

    def stop(self, state, wait: bool = False) -> None:
        """Pause: no slice starts after this returns (the thread re-checks ``playing``
        and the step goal under the lock), and the one in progress has ended (taking the
        lock waits for it). A Step still running is cancelled. ``wait``: also wait for the
        thread to end (the frame it may be building); only for a caller that does not hold
        the lock."""
        state.playing = False
        self._woken.set()
        with self.lock:
            self._goal = None
            self._goal_done.set()
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)

    def _step(self, session) -> None:
        """One slice of the step asked for; clears the goal once it is reached."""
        kind, target = self._goal
        if kind == "epochs" and session.epoch < target:
            session.train_for(SLICE_S, max_epochs=1)
        elif kind == "batches" and session.batches < target:
            session.step_batches(1)
        if (session.epoch if kind == "epochs" else session.batches) >= target \
                or session.status == "diverged":
            self._goal = None
            self._goal_done.set()

    def _slice_done(self, state) -> bool:
        """Asked after every batch of a slice: end it now, because Pause was pressed, the
        page waits for the session, or the board is ready for its next frame."""
        publisher = self.publisher
        return not state.playing or self._wanted.is_set() or \
            (publisher is not None and publisher.wants_frame())

    def _rest(self, busy_s: float) -> None:
        """The pause after ``busy_s`` CPU seconds of a slice and its frame: a breath, longer
        while the page waits for the session, and with n tabs playing long enough that this
        trainer uses at most SHARED_GIL / n of the time. Pause cuts it short."""
        rest = REST_S if self._wanted.is_set() else BREATHE_S
        tabs = getattr(self.publisher, "tabs_playing", None)
        playing = tabs() if tabs is not None else 1
        if playing > 1:
            rest = max(rest, busy_s * (playing / SHARED_GIL - 1))
        if self._woken.wait(rest):
            self._woken.clear()

    def _loop(self, state) -> None:
        while True:
            self._train(state)
            with self._start_lock:
                # Play or a Step asked for while the loop was ending: go on; else retire
                # (start() then makes a new thread)
                if not (state.playing or self._goal is not None) or \
                        time.monotonic() - self._last_seen > ORPHAN_S:
                    self._thread = None
                    return

    def _train(self, state) -> None:
        stopped_itself = False             # diverged, or a Step ran to its end
        while state.playing or self._goal is not None:
            publisher = self.publisher
            if publisher is not None and publisher.connected:
                self.heartbeat()               # the tab's stream is open: the tab is there
            if time.monotonic() - self._last_seen > ORPHAN_S:
                self.stop(state)
                break
            with self._session_lock:
                if not state.playing and self._goal is None:
                    break
                session = state.session
                if session.status == "diverged":
                    state.playing, stopped_itself = False, True
                    self._goal = None
                    self._goal_done.set()
                    break
                started = time.thread_time()   # CPU time: what this thread took of the
                if state.playing:               # GIL, not the time it waited for it
                    session.train_for(SLICE_S, stop=lambda: self._slice_done(state))
                else:
                    self._step(session)
                    stopped_itself = self._goal is None
                trained_s = time.thread_time() - started
            publisher = self.publisher
            framed_s = 0.0                     # this tab's frame counts in its share too
            if publisher is not None and (state.playing or self._goal is not None) and \
                    publisher.wants_frame():
                started = time.thread_time()
                publisher.publish()
                framed_s = time.thread_time() - started
            self._rest(trained_s + framed_s)
        publisher = self.publisher
        if stopped_itself and publisher is not None:
            publisher.publish(force=True)     # the last picture, saying it stopped
