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
FREE_DEADLINE_S = 4 * CHECK_S + 20   # the server's housekeeping frees closed tabs by then
# a client's wait for each answer: loading the uploaded 200,000-row file took over 60 s
# at load average 20 (this tests memory, not speed)
CLIENT_WAIT_S = 240


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
    tab = LightTab(url, timeout_s=CLIENT_WAIT_S).run()
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
        trained = stream.read()["version"]          # minibatches trained so far
        stream.command("play")
        # some training, not a whole epoch: an epoch of an uploaded 200,000-row file took
        # longer than the client's 60 s wait on a loaded machine (a failure seen twice)
        stream.until(lambda frame: frame["playing"] and frame["version"] > trained)
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


def freed_by_the_server(server, made_from: dict, made_until: dict,
                        deadline_s: float = FREE_DEADLINE_S) -> dict:
    """Waits (asking without collecting) until the server itself has freed every tracked
    object made between the two counts, at most ``deadline_s``; returns those still
    alive then, by kind (empty lists: all freed)."""
    deadline = time.monotonic() + deadline_s
    while True:
        alive = server.probe("alive")["alive"]
        left = {kind: [i for i in indices if made_from[kind] <= i < made_until[kind]]
                for kind, indices in alive.items()}
        if not any(left.values()) or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


def all_tabs_gone(server, made_from: dict) -> tuple[dict, dict]:
    """Two visitors in turn after the tabs made since ``made_from`` closed: the first makes
    Streamlit drop those tabs, the second drops the first (whose objects, made while the
    closed tabs were still kept, would otherwise sit among theirs in the heap). Returns
    (the tabs' objects the server had not freed by itself in time, the probe after)."""
    made_until = server.probe("alive")["made"]
    let_streamlit_drop_closed_sessions(server.url)
    left = freed_by_the_server(server, made_from, made_until)
    visitor_made = server.probe("alive")["made"]
    let_streamlit_drop_closed_sessions(server.url)
    freed_by_the_server(server, made_until, visitor_made)
    return left, server.probe()


def test_twenty_closed_tabs_leave_nothing_behind(server, csv_bytes):
    before = server.probe("alive")["made"]
    warm = use_a_tab(server.url, upload=csv_bytes)   # imports, caches, first allocations
    warm.close()
    _, baseline = all_tabs_gone(server, before)

    for i in range(TABS):
        tab = use_a_tab(server.url, upload=csv_bytes if i < UPLOADING_TABS else None,
                        play=("board", "stream", None, None)[i % 4])
        if i == 0:      # the probe sees an uploaded file's bytes while its tab is open
            open_tab = server.probe()
            assert open_tab["big_bytes_held"] >= baseline["big_bytes_held"] + len(csv_bytes)
        tab.close()
    during = server.probe()
    # They hang in Streamlit's reference cycles, which only the server's housekeeping
    # collects: each object the twenty tabs made (from the baseline up to ``during``; the
    # visitors' tabs come after) must be freed by the server itself, before any
    # collection of the probe's ...
    kept, after = all_tabs_gone(server, baseline["made"])
    assert not any(kept.values()), f"not freed by the server in {FREE_DEADLINE_S} s: {kept}"

    assert during["made"]["pages"] >= baseline["made"]["pages"] + TABS, during
    assert during["made"]["uploaded_files"] >= baseline["made"]["uploaded_files"] + \
        UPLOADING_TABS, during
    assert during["made"]["trainer_threads"] > baseline["made"]["trainer_threads"], during
    # ... and none is alive after the probe's own collection either
    left = {kind: [i for i in alive if baseline["made"][kind] <= i < during["made"][kind]]
            for kind, alive in after["alive"].items()}
    assert not any(left.values()), f"closed tabs' objects still alive (by order made): {left}"
    assert after["upload_bytes_held"] == 0, after
    assert after["big_bytes_held"] <= baseline["big_bytes_held"], (baseline, after)
    assert after["stream_tokens"] <= after["pages_alive"] <= 1, after   # the stream's registry
    assert "playground-trainer" not in after["threads"], after["threads"]
    # the server's RSS as it keeps it (its housekeeping hands glibc's free heap back)
    rss = [probe["rss_before_gc_mb"] for probe in (baseline, during, after)]
    assert rss[2] <= rss[0] * RSS_GROWTH, f"RSS MB at the baseline, closed, after: {rss}"


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
