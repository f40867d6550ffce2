"""The server's housekeeping (ui/housekeeping.py): when it collects, and that a collection
frees a dropped tab's cycles. That the real server does it on its own is checked against
a running server in test_closed_tabs.py (objects gone before the probe's collection)."""
from __future__ import annotations

import gc
import weakref

from playground.ui.housekeeping import GC_EVERY_S, CollectionRule, release_memory


def test_collects_when_more_tabs_are_gone_than_after_the_last_collection():
    rule = CollectionRule()
    assert not rule.due(0, now=0.0)                   # nothing gone: never
    assert rule.due(3, now=1.0)                       # three tabs closed
    rule.collected(3, now=1.0)                        # still kept (for a reconnect)
    assert not rule.due(3, now=6.0)                   # the same three: not again at once
    assert rule.due(4, now=11.0)                      # one more gone
    rule.collected(0, now=11.0)                       # all freed
    assert not rule.due(0, now=11.0 + 10 * GC_EVERY_S)


def test_collects_again_after_a_while_for_tabs_still_kept():
    rule = CollectionRule()
    rule.collected(2, now=100.0)
    assert not rule.due(2, now=100.0 + GC_EVERY_S - 1)
    assert rule.due(2, now=100.0 + GC_EVERY_S)


def test_tabs_freed_meanwhile_lower_the_mark():
    rule = CollectionRule()
    rule.collected(5, now=0.0)
    assert not rule.due(1, now=5.0)                   # Python's own collection freed four
    assert rule.due(2, now=10.0)                      # one more gone since: collect


class _Tab:
    """Stands for a dropped tab: objects referring to each other in a cycle."""

    def __init__(self) -> None:
        self.me = self
        self.payload = bytearray(1 << 20)


def test_release_memory_frees_cycles_and_trims():
    gc.disable()           # so that only release_memory can collect the cycle
    try:
        tab = _Tab()
        ref = weakref.ref(tab)
        del tab
        assert ref() is not None                      # a cycle: reference counts never free it
        assert release_memory() >= 1
        assert ref() is None
    finally:
        gc.enable()


def test_the_worker_pool_starts_all_its_threads_at_once():
    """Every worker thread exists before the first tab's task (none made later, among the
    tabs' objects), and the loop's run_in_executor(None, ...) uses that pool."""
    import asyncio
    import threading

    from playground.ui.housekeeping import start_worker_pool

    loop = asyncio.new_event_loop()
    try:
        pool = start_worker_pool(loop, workers=4)
        names = {t.name for t in threading.enumerate() if t.name.startswith("asyncio_")}
        assert len(pool._threads) == 4, pool._threads
        ran_in = loop.run_until_complete(
            loop.run_in_executor(None, lambda: threading.current_thread()))
        assert ran_in in pool._threads and ran_in.name in names
        assert len(pool._threads) == 4          # reused, not a fifth
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
