"""The live stream: its registry, the mailbox of one frame, the frames, and the WebSocket
route (served by uvicorn in a thread, driven by the ``websockets`` client)."""
from __future__ import annotations

import base64
import gc
import json
import socket
import threading
import time
import weakref
from types import SimpleNamespace

import numpy as np
import pytest

from playground.ui import live, live_stream
from playground.ui.live_frames import FrameBuilder, frame_json
from playground.ui.live_stream import (
    BadMessage,
    LiveChannel,
    LiveRegistry,
    parse_message,
    same_origin,
)
from playground.ui.state import new_page_state
from playground.viz import views
from playground.viz.boundary import RASTER_IMAGE
from tests.viz.png_decode import decode_data_uri


def new_channel(state, registry=None, session_id="alive"):
    return LiveChannel(state, session_id, lambda: FrameBuilder(live.describe_live),
                       encode=frame_json,
                       registry=live_stream.REGISTRY if registry is None else registry)


def test_a_channel_collected_while_the_registry_is_busy_does_not_deadlock():
    """The garbage collector may free a dead tab's channel at any allocation, including one
    made while the registry's lock is held by that same thread (it hung a CI run, in add())."""
    registry = LiveRegistry()
    state = new_page_state({})
    channel = new_channel(state, registry)
    channel.cycle = channel            # freed only by the collector, as Streamlit's cycles are
    token = channel.token
    del channel

    def collect_under_the_lock():
        with registry._lock:
            gc.collect()

    worker = threading.Thread(target=collect_under_the_lock, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "collecting a channel waited for the registry's lock"
    assert registry.get(token) is None and len(registry) == 0


# ----- what the browser may send --------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ('{"type":"ack","seq":3,"resync":["loss_chart"]}',
     {"type": "ack", "seq": 3, "resync": ["loss_chart"]}),
    ('{"type":"ack","seq":1}', {"type": "ack", "seq": 1, "resync": []}),
    ('{"type":"command","command":"pause"}', {"type": "command", "command": "pause"}),
    ('{"type":"command","command":"step_batch"}', {"type": "command", "command": "step_batch"}),
])
def test_acks_and_the_four_commands_are_accepted(text, expected):
    assert parse_message(text) == expected


@pytest.mark.parametrize("text", [
    '{"type":"command","command":"reset_weights"}',      # not a stream command
    '{"type":"command","command":"play","lr":1}',         # extra field
    '{"type":"ack","seq":"1"}', '{"type":"ack","seq":1.5}', '{"type":"ack","seq":true}',
    '{"type":"ack","resync":[1]}', '{"type":"ack","resync":' + json.dumps(["k"] * 9) + '}',
    '{"type":"eval","code":"x"}', '[1,2]', 'not json', '',
    '{"type":"ack","seq":1,"pad":"' + "x" * 600 + '"}', None, b'{"type":"ack"}',
])
def test_anything_else_is_refused(text):
    with pytest.raises(BadMessage):
        parse_message(text)


def test_origin_must_be_the_servers_own_host():
    assert same_origin("http://127.0.0.1:8601", "127.0.0.1:8601")
    assert same_origin("https://Example.org", "example.org")
    assert not same_origin("http://evil.example:8601", "127.0.0.1:8601")
    assert not same_origin("http://127.0.0.1:9999", "127.0.0.1:8601")
    assert not same_origin(None, "127.0.0.1:8601")
    assert not same_origin("null", "127.0.0.1:8601")
    assert not same_origin("file://127.0.0.1:8601", "127.0.0.1:8601")


# ----- the registry never keeps a closed tab alive -------------------------------------------
def test_registry_forgets_a_closed_tab_and_does_not_keep_it_alive():
    registry = LiveRegistry()
    channels, states = [], []
    for _ in range(5):
        state = new_page_state({})
        channel = new_channel(state, registry)
        state.trainer.publisher = channel       # as live.live_channel wires it
        channels.append(channel)
        states.append(weakref.ref(state))
    tokens = [c.token for c in channels]
    assert len(set(tokens)) == 5 and all(len(t) >= 40 for t in tokens)
    assert registry.get(tokens[0]) is channels[0]
    assert registry.get("not-a-token") is None and registry.get("") is None
    # the tab's session state (PageState and channel) is dropped, as Streamlit does
    del channel, state
    channels.clear()
    gc.collect()
    assert all(ref() is None for ref in states), "the registry kept a closed tab's state"
    assert len(registry) == 0
    assert all(registry.get(t) is None for t in tokens)


# ----- the mailbox: one frame ahead at most, the newest ----------------------------------------
class CountingBuilder:
    def __init__(self):
        self.built = 0

    def frame(self, state, view, urgent=False):
        self.built += 1
        return {"n": self.built, "urgent": urgent}

    def resync(self, keys):
        self.resynced = keys


def test_one_frame_in_flight_and_one_built_ahead_at_most():
    state = new_page_state({})
    builder = CountingBuilder()
    channel = LiveChannel(state, "alive", lambda: builder, registry=LiveRegistry())
    assert not channel.wants_frame()                # no socket yet
    import asyncio
    loop = asyncio.new_event_loop()
    try:
        connection, _ = channel.attach(loop)
        assert channel.wants_frame()
        assert channel.publish()
        assert not channel.wants_frame() and not channel.publish()   # one waits already
        first = json.loads(channel.take(connection, in_flight=False))
        assert first["n"] == 1
        # while the first is painted, the next is built (once due) and waits for the ack
        assert not channel.wants_frame()                  # not due yet
        time.sleep(live_stream.FRAME_EVERY_S)
        assert channel.wants_frame() and channel.publish()
        assert not channel.wants_frame() and not channel.publish()   # one ahead at most
        assert channel.take(connection, in_flight=True) is None
        channel.acknowledged(connection, [])
        assert not channel.wants_frame()                  # the waiting one goes first
        assert json.loads(channel.take(connection, in_flight=False))["n"] == 2
        assert channel.publish(force=True) and channel.publish(force=True)   # Pause, Step
        # only the newest waits, and an answer to Pause or Step goes out at once
        assert json.loads(channel.take(connection, in_flight=True))["n"] == 4
        time.sleep(live_stream.FRAME_EVERY_S)
        assert channel.publish()
        # a chart to send whole: the frame built before that ack is dropped, a new one built
        channel.acknowledged(connection, ["loss_chart"])
        assert builder.resynced == ["loss_chart"]
        assert channel.take(connection, in_flight=False) is None
        time.sleep(live_stream.FRAME_EVERY_S)
        assert channel.wants_frame() and channel.publish()
        assert json.loads(channel.take(connection, in_flight=False))["n"] == 6
        assert channel.take(connection + 1, in_flight=False) is None  # an old socket
        assert channel.detach(connection) and not channel.wants_frame()
    finally:
        loop.close()


def test_the_registry_counts_tabs_playing_and_frames_thin_out_with_many(monkeypatch):
    monkeypatch.setattr(live_stream, "PLAYING_EVERY_S", 0.0)
    registry = LiveRegistry()
    states = [new_page_state({}) for _ in range(8)]
    channels = [new_channel(state, registry) for state in states]
    import asyncio
    loop = asyncio.new_event_loop()
    try:
        assert registry.playing() == 1                   # none playing: counted as one
        for state in states[:6]:
            state.playing = True
        assert registry.playing() == 1                   # no board watches them
        for channel in channels[:5]:
            channel.attach(loop)
        assert registry.playing() == 5 and channels[7].tabs_playing() == 5
        channels[5].attach(loop)
        assert registry.playing() == 6
        channel = channels[0]
        assert channel.publish(force=True)
        assert channel.frame_cost() == 0.0       # a forced frame (whole figures) not counted
        channel._wanted = True
        assert channel.publish() and channel.frame_cost() > 0.0
        channel._frame_times.clear()
        channel._frame_times.extend([0.002] * 6 + [0.014, 0.014])   # 2 with the diagram
        assert channel.frame_cost() == pytest.approx(0.005)          # they count too
        channel._wanted = True
        channel._frame_times.extend([0.005] * 8)   # building one takes 5 ms
        # 6 tabs: 6 frames cost 30 ms, so one every 100 ms keeps frames at 30% of the time
        assert channel.frame_gap() == pytest.approx(6 * 0.005 / live_stream.FRAMES_SHARE)
        channel._built_at = time.monotonic() - live_stream.FRAME_EVERY_S * 1.5
        assert not channel.wants_frame()
        channel._frame_times.extend([0.001] * 8)   # cheap frames: more of them
        assert channel.frame_gap() == pytest.approx(6 * 0.001 / live_stream.FRAMES_SHARE)
        channel._frame_times.extend([0.006] * 8)   # dearer: still 10 a second (6 x 10 x 6 ms
        assert channel.frame_gap() == live_stream.FRAME_AT_LEAST_EVERY_S   # is under 40%)
        for state in states[1:6]:
            state.playing = False
        assert channel.frame_gap() == live_stream.FRAME_EVERY_S   # alone: at the board's pace
        assert channel.wants_frame()
        for state in states[1:6]:
            state.playing = True
        channels[6].attach(loop)
        channels[7].attach(loop)
        states[6].playing = states[7].playing = True
        channel._frame_times.extend([0.03] * 8)    # 8 tabs x 30 ms: 10 a second would take
        # 240% of the GIL, so fewer: their frames take FRAMES_MOST_SHARE of the time
        assert channel.frame_gap() == pytest.approx(8 * 0.03 / live_stream.FRAMES_MOST_SHARE)
    finally:
        loop.close()


def test_with_many_tabs_playing_the_stream_redraws_the_network_less_often():
    state = new_page_state({})
    snap = state.session.snapshot()

    def every_s(tabs):
        state.trainer.publisher = SimpleNamespace(tabs_playing=lambda: tabs)
        return {slot: spec.every_s for slot, _, spec in
                live.chart_specs(state, snap, None, stream=True)}
    alone, crowded = every_s(1), every_s(8)
    assert alone["network"] == live.STREAM_NETWORK_EVERY_S
    assert crowded["network"] == live.STREAM_NETWORK_EVERY_S * 8 / live.NETWORK_SHARED_FROM
    assert crowded["main"] == alone["main"] and crowded["loss"] == alone["loss"]
    state.trainer.publisher = None                 # no stream: as alone
    assert {s: spec.every_s for s, _, spec in live.chart_specs(
        state, snap, None, stream=True)}["network"] == live.STREAM_NETWORK_EVERY_S


# ----- the frames: small updates after the first -------------------------------------------------
def test_frames_swap_pictures_and_extend_curves_after_a_whole_first_frame():
    state = new_page_state({})
    builder = FrameBuilder(live.describe_live)
    first = builder.frame(state, "Metrics")
    assert set(first["charts"]) == {"output_chart", "network_chart", "loss_chart",
                                    "detail_chart"}
    assert all("figure" in u for u in first["charts"].values())
    state.session.step_epochs(3)
    second = builder.frame(state, "Metrics", urgent=True)
    state.playing = True
    state.session.step_epochs(2)
    third = builder.frame(state, "Metrics", urgent=True)
    # the stream always draws the live figures (a picture over fixed traces), paused or
    # playing: after the first frame only the picture changes
    for frame in (second, third):
        output = frame["charts"]["output_chart"]
        assert set(output) == {"base", "drawn", "relayout"}
        assert output["base"] == first["charts"]["output_chart"]["base"]
        # the boundary's picture comes as its pixels (the board paints them on a canvas
        # under the plot): the very pixels of the PNG a whole live figure would show
        image = output["relayout"]["images"][0]
        assert "source" not in image and image["name"] == RASTER_IMAGE
        raster = image["raster"]
        pixels = np.frombuffer(base64.b64decode(raster["data"]), dtype=np.uint8).reshape(
            raster["rows"], raster["cols"], raster["channels"])
        whole = views.draw("boundary", state.session.snapshot(), views.ViewOptions(live=True))
        if frame is third:
            np.testing.assert_array_equal(
                pixels, decode_data_uri(whole.layout.images[0].source))
        assert pixels.shape == (40, 40, 3) and pixels.std() > 0
    assert second["charts"]["output_chart"]["relayout"] != \
        third["charts"]["output_chart"]["relayout"]
    assert second["charts"]["output_chart"]["drawn"] != \
        third["charts"]["output_chart"]["drawn"]
    network = third["charts"]["network_chart"]
    assert set(network) == {"base", "drawn", "relayout"} and network["relayout"]["shapes"]
    loss = third["charts"]["loss_chart"]
    assert third["epoch"] == 5 and third["status"][0]["value"] == "5"
    # the loss curves grew by the two new epochs, from where the last frame left them
    assert loss["from"] == 3 and loss["n"] == 5
    assert loss["extend"]["x"][0] == [4, 5]
    assert loss["extend"]["y"][0] == pytest.approx(state.session.history["loss"][3:5])
    json.loads(frame_json(third))                       # valid JSON, no NaN
    # a chart the board could not update is sent whole again
    builder.resync(["loss_chart"])
    fourth = builder.frame(state, "Metrics", urgent=True)
    assert "figure" in fourth["charts"]["loss_chart"]
    assert "output_chart" not in fourth["charts"]       # nothing new to show


def test_a_paused_page_run_says_which_pictures_the_stream_already_shows():
    """After Pause the page's run carries hover values but the same pictures: it names the
    stream's picture (base, drawn), so the board keeps what is on screen (no change after
    Pause) until the pointer comes; a different state names a different picture."""
    state = new_page_state({})
    state.session.step_epochs(3)
    frame = FrameBuilder(live.describe_live).frame(state, None, urgent=True)

    def page_charts():
        rows = live.chart_rows(state, state.session.snapshot())
        return {chart["key"]: chart for row in rows for chart in row["charts"]}
    charts = page_charts()
    for key in ("output_chart", "network_chart"):
        sent = frame["charts"][key]
        assert charts[key]["live"] == {"base": sent["base"], "drawn": sent["drawn"]}
        assert charts[key]["base"] != sent["base"]       # the page's figure: hover values
    assert "live" not in charts["loss_chart"]
    state.session.step_epochs(1)
    later = page_charts()
    assert later["output_chart"]["live"]["drawn"] != charts["output_chart"]["live"]["drawn"]
    state.playing = True                          # playing: the stream draws, no marks
    state.chart_cache.clear()
    assert "live" not in page_charts()["output_chart"]


# ----- the route ------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def stream_url():
    import uvicorn
    from starlette.applications import Starlette
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=live_stream.stream_routes()),
                                           host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"ws://127.0.0.1:{port}{live_stream.STREAM_PATH}", f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def live_tab(monkeypatch):
    monkeypatch.setattr(live_stream, "session_is_active", lambda sid: sid == "alive")
    state = new_page_state({})
    channel = new_channel(state)
    state.trainer.publisher = channel
    yield state, channel
    state.trainer.stop(state, wait=True)


def _connect(url, token, origin):
    from websockets.sync.client import connect
    return connect(f"{url}?token={token}", origin=origin, open_timeout=10)


def _refused(url, token, origin) -> bool:
    from websockets.exceptions import InvalidStatus
    try:
        with _connect(url, token, origin):
            pass
    except InvalidStatus as error:
        return error.response.status_code == 403
    return False


def test_route_refuses_unknown_tokens_foreign_origins_and_ended_sessions(stream_url, live_tab):
    url, origin = stream_url
    state, channel = live_tab
    assert _refused(url, "wrong-token", origin)
    assert _refused(url, channel.token, "http://evil.example")
    with _connect(url, channel.token, origin) as socket_:        # the right one is let in
        assert json.loads(socket_.recv(timeout=10))["type"] == "frame"
    ended = new_channel(new_page_state({}), session_id="closed-tab")
    assert _refused(url, ended.token, origin)


def test_play_pause_and_step_go_through_the_stream(stream_url, live_tab):
    url, origin = stream_url
    state, channel = live_tab
    with _connect(url, channel.token, origin) as ws:
        frame = json.loads(ws.recv(timeout=10))
        assert frame["epoch"] == 0 and not frame["playing"]
        ws.send(json.dumps({"type": "ack", "seq": frame["seq"]}))
        ws.send(json.dumps({"type": "command", "command": "step_epoch"}))
        frame = json.loads(ws.recv(timeout=10))
        assert frame["epoch"] == 1 and state.session.epoch == 1
        ws.send(json.dumps({"type": "ack", "seq": frame["seq"]}))
        ws.send(json.dumps({"type": "command", "command": "play"}))
        epochs = []
        # frames keep coming while acknowledged (on a loaded machine a few may show the
        # same epoch: each gets at least FRAME_EVERY_S of training)
        while len(epochs) < 5 or epochs[-1] == epochs[0] and len(epochs) < 500:
            frame = json.loads(ws.recv(timeout=10))
            epochs.append(frame["epoch"])
            ws.send(json.dumps({"type": "ack", "seq": frame["seq"]}))
        assert state.playing and epochs[-1] > epochs[0]
        ws.send(json.dumps({"type": "command", "command": "pause"}))
        while frame["playing"]:
            frame = json.loads(ws.recv(timeout=10))
            ws.send(json.dumps({"type": "ack", "seq": frame["seq"]}))
        assert not state.playing
        stopped = state.session.epoch
        assert frame["epoch"] == stopped            # the last frame shows where it stopped
        time.sleep(0.3)
        assert state.session.epoch == stopped
        ws.send(json.dumps({"type": "command", "command": "reset_weights"}))
        from websockets.exceptions import ConnectionClosed
        with pytest.raises(ConnectionClosed):      # anything else closes the stream
            while True:
                ws.recv(timeout=10)
    assert state.session.epoch == stopped


def _xs(trace: dict) -> list:
    """A trace's x values, whether plain or plotly's typed-array form."""
    import base64

    import numpy as np
    x = trace["x"]
    if isinstance(x, dict):
        return np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]).tolist()
    return list(x)


def test_a_thinned_history_is_sent_whole_at_its_real_epochs():
    from playground.history import EpochHistory
    state = new_page_state({})
    session = state.session
    session.log = EpochHistory(list(session.grad_norms), capacity=8)   # thinned soon
    builder = FrameBuilder(live.describe_live)
    builder.frame(state, "Metrics")
    state.playing = True
    session.step_epochs(13)
    assert session.log.thinned and session.log.epochs[-1] == 13
    loss = builder.frame(state, "Metrics", urgent=True)["charts"]["loss_chart"]
    assert "extend" not in loss and _xs(loss["figure"]["data"][0]) == session.log.epochs
    rows = len(session.log)
    session.step_epochs(1)          # epoch 14 replaces 13, the latest: as many entries
    assert len(session.log) == rows and session.log.epochs[-1] == 14
    loss = builder.frame(state, "Metrics", urgent=True)["charts"]["loss_chart"]
    assert _xs(loss["figure"]["data"][0])[-1] == 14


def test_status_numbers_never_read_minus_zero():
    from playground.ui.live import _fmt
    assert _fmt(-1e-9) == "0.0000" and _fmt(-0.0) == "0.0000"
    assert _fmt(-0.5) == "-0.5000" and _fmt(0.69314) == "0.6931" and _fmt(12345.0) == "1.234e+04"
    assert _fmt(0.123, percent=True) == "12.3%" and _fmt(float("nan")) == "–"
