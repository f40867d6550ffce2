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
