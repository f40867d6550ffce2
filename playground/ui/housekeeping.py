"""Giving closed tabs' memory back: one server task, started with the app (``app.py``).

A closed tab's objects (PageState, session, model, uploaded file) hang from Streamlit's
session, whose objects refer to each other in cycles: once Streamlit drops the session,
only Python's cyclic garbage collector frees them. The app turns Streamlit's collection
after every run off (it cost half the GIL time while training), so they would wait for
Python's own, rare, oldest-generation collection; and what they leave in the heap stays
with the process (glibc keeps freed memory for reuse, in one heap per thread or so).

So at start the threads' heaps are limited to MALLOC_ARENAS, and every CHECK_S a task
counts the tabs that are gone or going: stream channels still alive
(``live_stream.REGISTRY``, held weakly) whose Streamlit session is not connected. When
there are more than right after its last collection, or some are left and the last
collection is GC_EVERY_S old, it collects (``gc.collect()``, in a worker thread: about
0.2-0.7 s of the GIL with 30 tabs' worth of objects) and hands the freed heap back to the
system (``malloc_trim``, glibc only).
"""
from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

CHECK_S = 5.0          # how often the task looks
GC_EVERY_S = 120.0     # tabs still not freed (Streamlit keeps them for a reconnect): again
# glibc gives each new thread its own heap ("arena", up to 8 per core); every tab's
# trainer thread then leaves pieces of the heap it used pinned in its own arena. With two
# arenas, 30 tabs closed left RSS +8% of the start instead of +13% (one pair of 30 s runs
# of bench_soak.py; a 60 s run with two: +12%, so single runs vary by a few points).
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8      # mallopt's parameter number (glibc malloc.h)
# The event loop's worker pool (``run_in_executor(None, ...)``: the stream's Play / Pause /
# Step, first frames, the collections below), asyncio's own size. Its threads are all
# started with the server: made one by one as 30 tabs press Pause at once, their objects
# and heaps landed among the tabs' and kept a few MB of them in use after the tabs closed.
WORKERS = min(32, (os.cpu_count() or 1) + 4)


def trim_heap() -> bool:
    """Hand the free memory at the top and in the middle of glibc's heaps back to the
    system; False where there is no glibc (nothing to do)."""
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """At most ``arenas`` glibc heaps for the threads made from now on; False without
    glibc."""
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


def release_memory() -> int:
    """Collect the cycles of dropped sessions and trim the heap; returns objects freed."""
    freed = gc.collect()
    trim_heap()
    return freed


@dataclass
class CollectionRule:
    """When to collect, from the number of disconnected tabs still in memory (pure)."""

    left_after_last: int = 0          # disconnected tabs still alive after the last one
    last_at: float = -math.inf        # monotonic time of the last collection

    def due(self, disconnected: int, now: float) -> bool:
        """More tabs gone since the last collection, or some left and it is long ago."""
        if disconnected > self.left_after_last:
            return True
        self.left_after_last = disconnected   # freed meanwhile (Python's own collection)
        return disconnected > 0 and now - self.last_at >= GC_EVERY_S

    def collected(self, disconnected: int, now: float) -> None:
        self.left_after_last, self.last_at = disconnected, now


def disconnected_tabs() -> int:
    """Tabs whose stream channel is alive while their Streamlit session is not connected."""
    from playground.ui.live_stream import REGISTRY, session_is_active
    return sum(not session_is_active(channel.session_id) for channel in REGISTRY.channels())


async def keep_house(check_s: float = CHECK_S) -> None:
    """The task: look every ``check_s``; collect when the rule says so."""
    rule, loop = CollectionRule(), asyncio.get_running_loop()
    while True:
        await asyncio.sleep(check_s)
        try:
            if rule.due(disconnected_tabs(), time.monotonic()):
                await loop.run_in_executor(None, release_memory)
                rule.collected(disconnected_tabs(), time.monotonic())
        except RuntimeError:     # the runtime is stopping (server shutdown): look again
            continue


def start_worker_pool(loop: asyncio.AbstractEventLoop,
                      workers: int = WORKERS) -> ThreadPoolExecutor:
    """``loop``'s default executor, with all ``workers`` threads running now (each first
    task waits until all have started, so none is reused before the last is made)."""
    pool = ThreadPoolExecutor(workers, thread_name_prefix="asyncio")
    started = threading.Barrier(workers, timeout=10)
    for _ in range(workers):
        pool.submit(started.wait)       # a broken barrier only ends that wait
    loop.set_default_executor(pool)
    return pool


@contextlib.asynccontextmanager
async def lifespan(_app):
    """``st.App(lifespan=...)``: the worker pool started whole, the heap limited to
    MALLOC_ARENAS (app.py does it first, as early as it can), and the housekeeping task
    running while the server does."""
    limit_malloc_arenas()
    start_worker_pool(asyncio.get_running_loop())
    task = asyncio.create_task(keep_house())
    try:
        yield None
    finally:
        task.cancel()
