"""The live stream: one WebSocket per tab carrying the board's pictures while training.

Streamlit draws the page and reruns only when a widget changes; while Play is on the
pictures travel here instead. Per tab a ``LiveChannel`` (kept in that tab's session state)
has a random token, handed to the board in its component data. The board opens
``STREAM_PATH?token=...``; the trainer thread builds a frame (the small updates: images,
shapes, a few arrays) while the browser paints the one sent before, and the socket sends it
as soon as the browser acknowledges that one: one frame in flight and at most one waiting,
so the server is never more than one frame ahead, and the build is off the browser's path.
The browser may send only acknowledgements and Play / Pause / Step (``parse_message``).

``REGISTRY`` (token -> channel, held weakly) is the only process-wide state: a channel
lives as long as its tab's session state; a closed tab's session, trainer and model are
freed as if the stream did not exist, and its token is refused once Streamlit no longer
counts the session as active.
"""
from __future__ import annotations

import asyncio
import collections
import hashlib
import json
import secrets
import threading
import time
import weakref
from urllib.parse import urlsplit

STREAM_PATH = "/live/stream"
PLOTLY_PATH = "/live/plotly-playground.min.js"   # our plotly.js build (resources.PLOTLY_JS)
MAX_MESSAGE_CHARS = 512        # an ack or a command is a few dozen characters
COMMANDS = ("play", "pause", "step_epoch", "step_batch")
MAX_RESYNC_KEYS = 8            # charts the board may ask to be sent whole again in one ack
FRAME_EVERY_S = 1 / 60         # training between two frames, at least (so at most 60 a
                               # second, fewer as building one takes a few ms) ...
# ... and with several tabs playing, fewer: all their frames together take at most
# FRAMES_SHARE of the server's one GIL (a frame costs it 4-10 ms: the snapshot, the pictures,
# the JSON), while a tab still gets one at least every FRAME_AT_LEAST_EVERY_S (10 a second
# is plenty to watch) unless that would take more than FRAMES_MOST_SHARE (many tabs, or a
# loaded machine). The trainer counts its tab's frames in its own share of the time
# (trainer.SHARED_GIL), so what frames do not take, training gets.
FRAMES_SHARE = 0.3
FRAME_AT_LEAST_EVERY_S = 0.1
FRAMES_MOST_SHARE = 0.4
PLAYING_EVERY_S = 0.25         # the tabs playing are counted again at most this often
REFUSED = 1008                 # WebSocket close code: policy violation


class BadMessage(ValueError):
    """A message from the browser that is not an ack or a known command."""


def parse_message(text) -> dict:
    """A browser message -> {"type": "ack", "seq": int, "resync": [chart keys]} or
    {"type": "command", "command": one of COMMANDS}; BadMessage for anything else."""
    if not isinstance(text, str) or len(text) > MAX_MESSAGE_CHARS:
        raise BadMessage("the stream accepts short text messages only")
    try:
        message = json.loads(text)
    except ValueError:
        raise BadMessage("not JSON") from None
    if not isinstance(message, dict):
        raise BadMessage("not a JSON object")
    kind = message.get("type")
    if kind == "ack" and set(message) <= {"type", "seq", "resync"}:
        seq, resync = message.get("seq", 0), message.get("resync", [])
        if type(seq) is not int or not isinstance(resync, list) or \
                len(resync) > MAX_RESYNC_KEYS or \
                not all(isinstance(k, str) and len(k) <= 40 for k in resync):
            raise BadMessage("a malformed acknowledgement")
        return {"type": "ack", "seq": seq, "resync": resync}
    if kind == "command" and set(message) == {"type", "command"} and \
            message["command"] in COMMANDS:
        return {"type": "command", "command": message["command"]}
    raise BadMessage("only acknowledgements and Play, Pause, Step are accepted")


def same_origin(origin: str | None, host: str | None) -> bool:
    """True if the page that opened the socket (Origin) was served by this host (Host)."""
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


def session_is_active(session_id: str) -> bool:
    """True while Streamlit counts the tab's session as connected."""
    from streamlit.runtime import Runtime
    return Runtime.exists() and Runtime.instance().is_active_session(session_id)


class LiveRegistry:
    """token -> LiveChannel, holding each channel weakly: the registry never keeps a tab's
    session alive. Thread-safe (script threads add, the event loop looks up)."""

    def __init__(self) -> None:
        self._channels: weakref.WeakValueDictionary[str, LiveChannel] = \
            weakref.WeakValueDictionary()
        self._lock = threading.Lock()
        self._playing = (0.0, 1)             # (monotonic time counted, tabs playing)

    def add(self, channel: LiveChannel) -> None:
        with self._lock:
            self._channels[channel.token] = channel

    def get(self, token: str) -> LiveChannel | None:
        if not isinstance(token, str) or not token:
            return None
        with self._lock:
            return self._channels.get(token)

    def channels(self) -> list[LiveChannel]:
        """The channels alive now (a copy: the caller may take its time)."""
        with self._lock:
            return list(self._channels.values())

    def remove(self, token: str) -> None:
        with self._lock:
            self._channels.pop(token, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._channels)

    def playing(self) -> int:
        """How many tabs with an open stream are playing now (at least 1), counted at most
        every PLAYING_EVERY_S:
        their trainers and frames share the server's cores (``LiveChannel.share``)."""
        now = time.monotonic()
        counted_at, count = self._playing
        if now - counted_at < PLAYING_EVERY_S:
            return count
        # tabs with a board watching (an open stream): a tab without one trains alone
        states = (channel.state for channel in self.channels() if channel.connected)
        count = max(1, sum(1 for state in states if state is not None and state.playing))
        self._playing = (now, count)
        return count


REGISTRY = LiveRegistry()      # the one process-wide state the project allows


class LiveChannel:
    """One tab's end of the stream: its token, its PageState (weakly) and the mailbox of
    at most one frame between the thread that builds frames and the socket that sends them.

    ``new_builder()`` -> an object with ``frame(state, view, urgent) -> dict`` and
    ``resync(keys)``: it
    remembers what this connection's board has drawn (``live_frames.FrameBuilder``).
    """

    def __init__(self, state, session_id: str, new_builder, encode=json.dumps,
                 registry: LiveRegistry = REGISTRY):
        self.token = secrets.token_urlsafe(32)
        self.session_id = session_id
        self._state = weakref.ref(state)
        self._new_builder = new_builder
        self._encode = encode                # frame dict -> JSON text
        self._registry = registry
        self._lock = threading.Lock()        # guards the mailbox fields below
        self._build_lock = threading.Lock()  # one frame built at a time
        self._connection = 0                 # id of the socket now attached (0: none)
        self._builder = None
        self._wanted = False                 # no frame waits to be sent: build one
        self._pending: str | None = None     # newest frame not yet sent (JSON text)
        self._urgent = False                 # it answers Pause or Step: send it at once
        self._wake = None                    # (event loop, asyncio.Event) of the socket
        self._seq = 0
        self._built_at = 0.0                 # monotonic time the last frame was built
        # CPU seconds building each of the last frames took (not those forced by Pause,
        # Step or a new socket: whole figures, first calls); their mean is a frame's cost
        # (the mean, not the median: every few frames also redraw the network diagram)
        self._frame_times: collections.deque[float] = collections.deque(maxlen=8)
        self._acked_at = 0.0                 # ... of the last acknowledgement
        self.view = None                     # the lower-right chart the page last showed
        # No finalizer calling registry.remove: the registry's WeakValueDictionary drops a
        # dead channel by itself, and a finalizer taking the registry's lock deadlocked when
        # the garbage collector ran inside add() (the lock held, the same thread).
        registry.add(self)

    @property
    def state(self):
        """The tab's PageState, or None once the tab's session is gone."""
        return self._state()

    def board_data(self) -> dict:
        return {"path": STREAM_PATH.lstrip("/"), "token": self.token}

    # ----- the socket's side (event loop) ------------------------------------------------
    def attach(self, loop) -> tuple[int, asyncio.Event]:
        """A new socket for this tab (it replaces any earlier one); the first frame is
        built at once, in full."""
        wake = asyncio.Event()
        with self._lock:
            self._connection += 1
            self._builder = self._new_builder()
            self._wake = (loop, wake)
            self._pending = None
            self._wanted = True
            connection = self._connection
        return connection, wake

    def detach(self, connection: int) -> bool:
        """The socket closed; True if it was the tab's current one."""
        with self._lock:
            if connection != self._connection:
                return False
            self._connection, self._builder, self._wake = 0, None, None
            self._pending, self._wanted = None, False
            return True

    def take(self, connection: int, in_flight: bool) -> str | None:
        """The newest frame to send on ``connection``, if any: when no frame is in flight,
        or at once if it answers Pause or Step."""
        with self._lock:
            if connection != self._connection or (in_flight and not self._urgent):
                return None
            frame, self._pending, self._urgent = self._pending, None, False
            if frame is not None:
                self._wanted = True          # the next is built while this one is painted
            return frame

    def acknowledged(self, connection: int, resync: list[str]) -> None:
        """The board painted the last frame: the one waiting goes next (``take``); charts in
        ``resync`` are sent whole, so a frame built before this ack is dropped."""
        with self._lock:
            if connection != self._connection:
                return
            if resync and self._builder is not None:
                self._builder.resync(resync)
                self._pending = None
            if self._pending is None:
                self._wanted = True
            self._acked_at = time.monotonic()

    # ----- the builders' side (trainer thread or a worker thread) -----------------------
    @property
    def connected(self) -> bool:
        """A socket of this tab is open."""
        return self._connection != 0

    def tabs_playing(self) -> int:
        """Tabs playing at once on this server (at least 1)."""
        return self._registry.playing()

    def wants_frame(self) -> bool:
        """No frame waits to be sent and the next is due (``frame_gap``)."""
        if not (self._wanted and self._connection != 0):
            return False
        return time.monotonic() - self._built_at >= self.frame_gap()

    def frame_gap(self) -> float:
        """Seconds of training between two frames now: FRAME_EVERY_S for a tab alone; with
        n tabs playing, enough that n frames of this one's cost take FRAMES_SHARE of the
        time, but at most FRAME_AT_LEAST_EVERY_S unless FRAMES_MOST_SHARE would not do."""
        tabs = self.tabs_playing()
        if tabs < 2:
            return FRAME_EVERY_S
        frames_s = tabs * self.frame_cost()       # one frame of every tab playing
        return max(FRAME_EVERY_S, min(frames_s / FRAMES_SHARE, FRAME_AT_LEAST_EVERY_S),
                   frames_s / FRAMES_MOST_SHARE)

    def frame_cost(self) -> float:
        """CPU seconds a frame of this tab takes to build (0 before the first)."""
        times = self._frame_times
        return sum(times) / len(times) if times else 0.0

    def publish(self, force: bool = False) -> bool:
        """Build a frame from the tab's session now and hand it to the socket. Without
        ``force`` only if the board asked for one. Returns True if a frame was built."""
        state = self.state
        with self._build_lock:
            with self._lock:
                builder, connection = self._builder, self._connection
                if state is None or builder is None or not (force or self._wanted):
                    return False
                self._wanted = False
            started, cpu = time.monotonic(), time.thread_time()
            frame = builder.frame(state, self.view, urgent=force)
            # the next frame is due frame_gap() after this one is done: training always
            # gets that long between two frames, however long building them takes
            self._built_at = time.monotonic()
            if not force:
                self._frame_times.append(time.thread_time() - cpu)
            with self._lock:
                if connection != self._connection:
                    return False
                self._seq += 1
                frame["seq"] = self._seq
                # for the benchmarks: ms from the last ack to this build, and building it
                frame["server_ms"] = [round(1000 * (started - self._acked_at), 1),
                                      round(1000 * (time.monotonic() - started), 1)]
                self._pending = self._encode(frame)
                self._urgent = force
                wake = self._wake
        if wake is not None:
            loop, event = wake
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:        # the event loop is closing (server shutdown)
                pass
        return True


def _admit(websocket) -> LiveChannel | None:
    """The tab's channel if this socket may have it: same origin, known token, live session."""
    if not same_origin(websocket.headers.get("origin"), websocket.headers.get("host")):
        return None
    channel = REGISTRY.get(websocket.query_params.get("token", ""))
    if channel is None or channel.state is None or not session_is_active(channel.session_id):
        return None
    return channel


def _run_command(channel_ref, command: str) -> None:
    """Play, Pause or Step on the tab's session (in a worker thread), then the new frame."""
    from playground.ui import actions
    channel = channel_ref()
    state = channel.state if channel is not None else None
    if state is None:
        return
    if command == "play":
        actions.play(state)
    elif command == "pause":
        state.trainer.stop(state, wait=True)
    elif command == "step_epoch":
        state.trainer.stop(state, wait=True)
        actions.step_epoch(state)
    elif command == "step_batch":
        state.trainer.stop(state, wait=True)
        actions.step_batch(state)
    channel.publish(force=True)


async def stream_endpoint(websocket) -> None:
    """``STREAM_PATH``: refuse a foreign origin or an unknown token before the handshake;
    then send frames as the board acknowledges them and carry out its commands."""
    from starlette.websockets import WebSocketDisconnect

    channel = _admit(websocket)
    if channel is None:
        await websocket.close(code=REFUSED)      # before accept: the handshake fails (403)
        return
    await websocket.accept()
    connection, wake = channel.attach(asyncio.get_running_loop())
    channel_ref = weakref.ref(channel)           # the socket never keeps a closed tab alive
    state = channel.state
    del channel
    if state is not None:
        state.trainer.heartbeat()
    loop = asyncio.get_running_loop()
    loop.run_in_executor(None, _publish_first, channel_ref)
    del state
    receiving = asyncio.ensure_future(websocket.receive())
    in_flight = False
    try:
        while True:
            waking = asyncio.ensure_future(wake.wait())
            done, _ = await asyncio.wait({receiving, waking},
                                         return_when=asyncio.FIRST_COMPLETED)
            if waking not in done:
                waking.cancel()
            channel = channel_ref()
            if channel is None:
                break
            if receiving in done:
                message = receiving.result()
                if message["type"] == "websocket.disconnect":
                    break
                try:
                    parsed = parse_message(message.get("text"))
                except BadMessage:
                    await websocket.close(code=REFUSED)
                    break
                if parsed["type"] == "ack":
                    in_flight = False
                    channel.acknowledged(connection, parsed["resync"])
                    state = channel.state
                    if state is not None:
                        state.trainer.heartbeat()
                    del state
                else:
                    state = channel.state
                    if state is not None and parsed["command"] != "play":
                        state.trainer.halt(state)     # now, not when a worker is free
                    del state
                    loop.run_in_executor(None, _run_command, channel_ref, parsed["command"])
                receiving = asyncio.ensure_future(websocket.receive())
            wake.clear()
            frame = channel.take(connection, in_flight)
            if frame is not None:
                await websocket.send_text(frame)
                in_flight = True
            del channel
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        receiving.cancel()
        channel = channel_ref()
        if channel is not None and channel.detach(connection):
            state = channel.state
            if state is not None and state.playing:
                state.playing = False       # nobody is watching: stop training


def _publish_first(channel_ref) -> None:
    channel = channel_ref()
    if channel is not None:
        channel.publish(force=True)


def plotly_url() -> str:
    """The page-relative URL of the plotly.js bundle; its digest in the query, so a browser
    may keep it for good (a new build gets a new URL)."""
    from playground.resources import PLOTLY_JS
    digest = hashlib.blake2b(PLOTLY_JS.read_bytes(), digest_size=6).hexdigest()
    return f"{PLOTLY_PATH.lstrip('/')}?v={digest}"


async def plotly_endpoint(request):
    """``PLOTLY_PATH``: the plotly.js bundle, cacheable for a year."""
    from starlette.responses import FileResponse

    from playground.resources import PLOTLY_JS
    return FileResponse(PLOTLY_JS, media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})


def stream_routes() -> list:
    """The extra routes for ``st.App``: the live stream and the plotly.js bundle (a plain
    route: a v1 component serving it cost the first visit about half a second)."""
    from starlette.routing import Route, WebSocketRoute
    return [WebSocketRoute(STREAM_PATH, stream_endpoint),
            Route(PLOTLY_PATH, plotly_endpoint, methods=["GET"])]

