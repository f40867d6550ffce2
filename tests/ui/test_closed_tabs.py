"""A closed tab releases everything (issue 12): its PageState, TrainingSession, model,
trainer and its threads, stream channel and uploaded files, once Streamlit has dropped the
session; no thread of it is left.

Against the real server (``streamlit run app.py`` in a probed process, light WebSocket
clients, no browser): AppTest drops its whole session object after each test, so it does
not show what a long-running server keeps. The probe holds a weak reference to every such
object as it is made, so the test names exactly which of the closed tabs' objects live on.
"""
from __future__ import annotations

import time

import numpy as np
import pytest
from light_client import LightStream, LightTab
from probe_server import ProbedServer

from playground.ui.housekeeping import CHECK_S
from tests.shown_text import shown

TABS = 20
UPLOADING_TABS = 3          # of them, these upload a CSV file first
TTL_S = 1                   # server.disconnectedSessionTTL: kept this long for a reconnect
RSS_GROWTH = 1.10           # after all tabs closed, at most 10% above the baseline


@pytest.fixture(scope="module")
def server():
    with ProbedServer(options=("--server.disconnectedSessionTTL", str(TTL_S))) as probed:
        yield probed


@pytest.fixture(scope="module")
def csv_bytes() -> bytes:
    """About 6 MB: 200,000 rows of three numbers and a class."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200_000, 3))
    lines = [f"{a:.6f},{b:.6f},{c:.6f},{int(a > 0)}" for a, b, c in x]
    return ("a,b,c,label\n" + "\n".join(lines) + "\n").encode()


def use_a_tab(url: str, upload: bytes | None = None, play: str | None = "board") -> LightTab:
    """What a visitor does: open the page (the sidebar follows the first chart), maybe
    upload a CSV file, play and pause; the tab is returned open. ``play``: "board" (the
    board's refreshes, a browser without the stream), "stream" (the live stream, as a
    browser does; left open, so the tab closes with it) or None."""
    tab = LightTab(url).run()
    tab.refresh()                       # the first chart is shown: the sidebar is drawn
    assert "btn_play" in tab.widgets and "w_csv_upload" in tab.widgets
    if upload is not None:
        tab.upload("w_csv_upload", upload, "rows.csv")
        assert any("Loaded rows.csv" in shown(text) for text in tab.texts), tab.texts[-5:]
    if play == "board":
        tab.click("btn_play")
        for _ in range(3):
            time.sleep(0.05)
            tab.refresh()
        tab.click("btn_pause")
    elif play == "stream":
        stream = LightStream(tab)
        stream.read()
        stream.command("play")
        stream.until(lambda frame: frame["playing"] and frame["epoch"] > 0)
        stream.command("pause")
        stream.until(lambda frame: not frame["playing"])
        tab.stream = stream
    assert not tab.exceptions, tab.exceptions
    return tab


def let_streamlit_drop_closed_sessions(url: str) -> None:
    """Past the reconnect TTL, Streamlit forgets expired sessions on its next session event:
    one more visitor comes and goes. The server's housekeeping then sees that visitor gone
    and collects (ui/housekeeping.py, every CHECK_S)."""
    time.sleep(TTL_S + 1.5)
    LightTab(url).run().close()
    time.sleep(2 * CHECK_S + 2.5)          # a look may come while it still collects


def test_twenty_closed_tabs_leave_nothing_behind(server, csv_bytes):
    warm = use_a_tab(server.url, upload=csv_bytes)   # imports, caches, first allocations
    warm.close()
    let_streamlit_drop_closed_sessions(server.url)
    baseline = server.probe()

    for i in range(TABS):
        tab = use_a_tab(server.url, upload=csv_bytes if i < UPLOADING_TABS else None,
                        play=("board", "stream", None, None)[i % 4])
        if i == 0:      # the probe sees an uploaded file's bytes while its tab is open
            open_tab = server.probe()
            assert open_tab["big_bytes_held"] >= baseline["big_bytes_held"] + len(csv_bytes)
        tab.close()
    during = server.probe()
    let_streamlit_drop_closed_sessions(server.url)
    after = server.probe()

    # Every object the twenty tabs made (those made from the baseline up to ``during``;
    # the last visitor's tab comes after and Streamlit may still keep it) must be gone.
    assert during["made"]["pages"] >= baseline["made"]["pages"] + TABS, during
    assert during["made"]["uploaded_files"] >= baseline["made"]["uploaded_files"] + \
        UPLOADING_TABS, during
    assert during["made"]["trainer_threads"] > baseline["made"]["trainer_threads"], during
    left = {kind: [i for i in alive if baseline["made"][kind] <= i < during["made"][kind]]
            for kind, alive in after["alive"].items()}
    assert not any(left.values()), f"closed tabs' objects still alive (by order made): {left}"
    # ... and the server freed them by itself, before the probe's own gc.collect(): they hang
    # in Streamlit's reference cycles, which only its housekeeping collects
    kept = {kind: [i for i in alive if baseline["made"][kind] <= i < during["made"][kind]]
            for kind, alive in after["alive_before_gc"].items()}
    assert not any(kept.values()), f"freed only by the probe's collection: {kept}"
    assert after["upload_bytes_held"] == 0, after
    assert after["big_bytes_held"] <= baseline["big_bytes_held"], (baseline, after)
    assert after["stream_tokens"] <= after["pages_alive"] <= 1, after   # the stream's registry
    assert "playground-trainer" not in after["threads"], after["threads"]
    # the server's RSS as it keeps it (its housekeeping hands glibc's free heap back)
    assert after["rss_before_gc_mb"] <= baseline["rss_before_gc_mb"] * RSS_GROWTH, (
        baseline, during, after)


def test_a_download_button_does_not_keep_its_tab_alive():
    """Streamlit keeps a download button's callable for as long as it keeps the session's
    file references; the callable must not keep the tab's session and model alive."""
    import gc
    import weakref

    from playground.training import TrainingSession
    from playground.ui.downloads import read_later
    from playground.ui.state import new_page_state

    page = new_page_state({})
    read = read_later(page, TrainingSession.history_csv)
    assert read().startswith("epoch")
    tab, model = weakref.ref(page), weakref.ref(page.session.model)
    del page
    gc.collect()
    assert tab() is None and model() is None
    assert read() == b""
