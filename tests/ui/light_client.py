"""A light Streamlit client: one WebSocket per tab, speaking Streamlit's protobuf protocol,
no browser. For the soak benchmark and the memory tests against a real ``streamlit run``.

It does what the browser does for our page and nothing more: a full run on connect, the
board's "drawn" trigger (which asks for the next refresh while playing, or for the sidebar
on a tab's first run), and button clicks inside the live fragment. Every wait is bounded.
"""
from __future__ import annotations

import contextlib
import json
import time
from urllib.parse import urljoin

import requests

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

BOARD_EVENT = "drawn"          # live_board's trigger (``on_drawn_change``)
RERUN_FOLLOWS = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


class LightTab:
    """One tab: ``run()`` a full script run, ``click(key)``, ``refresh()`` the board.

    ``widgets`` maps a widget's user key (the end of its id) to (id, fragment id);
    ``board`` is the last payload the live board sent (status numbers, epoch, charts).
    """

    def __init__(self, url: str, timeout_s: float = 60.0) -> None:
        ws_url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.url = url.rstrip("/") + "/"
        self.timeout_s = timeout_s
        self._stack = contextlib.ExitStack()
        self._ws = self._stack.enter_context(connect(
            ws_url, subprotocols=["streamlit"], open_timeout=timeout_s, max_size=None,
            origin=url.rstrip("/")))
        self.widgets: dict[str, tuple[str, str]] = {}
        self.board: dict | None = None
        self.board_id: str | None = None          # the board component's element id
        self.board_fragment: str = ""
        self.exceptions: list[str] = []           # tracebacks the page showed, if any
        self.texts: list[str] = []                # markdown, captions and alerts, in order
        self.session_id: str | None = None
        self.stream: LightStream | None = None     # the live stream, if opened (closed too)

    # ---- talking -------------------------------------------------------------------
    def _send_rerun(self, fragment_id: str = "", widget_states: list | None = None) -> None:
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_script_hash = ""
        if fragment_id:
            msg.rerun_script.fragment_id = fragment_id
        for state in widget_states or []:
            msg.rerun_script.widget_states.widgets.append(state)
        self._ws.send(msg.SerializeToString())

    def _read_until_finished(self, until: str = "script_finished") -> ForwardMsg:
        """Read messages until the script (or fragment) run ends, or a message of kind
        ``until`` arrives (returned); bounded by timeout_s."""
        deadline = time.monotonic() + self.timeout_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {until} from the server in time")
            msg = ForwardMsg()
            msg.ParseFromString(self._ws.recv(timeout=left))
            kind = msg.WhichOneof("type")
            if kind == until and not (
                    kind == "script_finished" and msg.script_finished == RERUN_FOLLOWS):
                return msg      # a run that ended in st.rerun is followed by that rerun
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id or self.session_id
            elif kind == "delta":
                self._take_delta(msg.delta)

    def _take_delta(self, delta) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(element.exception.message)
            return
        if kind == "bidi_component" and element.bidi_component.component_name.endswith(
                "live_board"):
            self.board_id = element.bidi_component.id
            self.board_fragment = delta.fragment_id
            self.board = json.loads(element.bidi_component.json)[0]
            return
        if kind in ("markdown", "alert"):
            self.texts.append(getattr(element, kind).body)
        widget = getattr(element, kind, None) if kind else None
        widget_id = getattr(widget, "id", "") if widget is not None else ""
        if isinstance(widget_id, str) and widget_id:
            self.widgets[widget_id.rsplit("-", 1)[-1]] = (widget_id, delta.fragment_id)

    # ---- what a user does -------------------------------------------------------------
    query = ""

    def run(self, query: str = "") -> LightTab:
        """A full script run, as on page load (``query``: the URL's query string)."""
        self.query = query
        self._send_rerun()
        self._read_until_finished()
        return self

    def click(self, key: str) -> LightTab:
        """Press the button with user key ``key`` (reruns its fragment, as the browser does)."""
        widget_id, fragment = self.widgets[key]
        state = BackMsg().rerun_script.widget_states.widgets.add()
        state.id = widget_id
        state.trigger_value = True
        self._send_rerun(fragment, [state])
        self._read_until_finished()
        return self

    def refresh(self) -> LightTab:
        """What the board does once it has drawn: its trigger reruns its fragment (or, on
        the tab's first run, the page asks for the full run that draws the sidebar)."""
        if self.board_id is None:
            raise RuntimeError("the live board was never sent")
        state = BackMsg().rerun_script.widget_states.widgets.add()
        state.id = f"$$STREAMLIT_INTERNAL_KEY_{self.board_id}__events"
        state.json_trigger_value = json.dumps([{"event": BOARD_EVENT, "value": time.time()}])
        self._send_rerun(self.board_fragment, [state])
        self._read_until_finished()
        return self

    def upload(self, key: str, data: bytes, name: str) -> LightTab:
        """Upload ``data`` as file ``name`` into the file uploader with user key ``key``, as
        the browser does: ask for an upload URL, PUT the file there, then rerun the page
        with the uploader's new state."""
        widget_id, fragment = self.widgets[key]
        request = BackMsg()
        request.file_urls_request.request_id = f"upload-{time.monotonic_ns()}"
        request.file_urls_request.file_names.append(name)
        request.file_urls_request.session_id = self.session_id or ""
        self._ws.send(request.SerializeToString())
        urls = self._read_until_finished("file_urls_response").file_urls_response.file_urls[0]
        with requests.Session() as http:
            http.get(urljoin(self.url, "_stcore/health"), timeout=self.timeout_s)  # XSRF cookie
            token = http.cookies.get("_streamlit_xsrf", "")
            answer = http.put(urljoin(self.url, urls.upload_url),
                              files={"file": (name, data, "text/csv")},
                              headers={"X-Xsrftoken": token}, timeout=self.timeout_s)
        answer.raise_for_status()
        state = BackMsg().rerun_script.widget_states.widgets.add()
        state.id = widget_id
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.name, info.size, info.file_id = name, len(data), urls.file_id
        info.file_urls.CopyFrom(urls)
        self._send_rerun(fragment, [state])
        self._read_until_finished()
        return self

    @property
    def epoch(self) -> int:
        return int((self.board or {}).get("epoch", 0))

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
        self._stack.close()


class LightStream:
    """The board's live stream of one tab (``/live/stream``), as the browser uses it while
    playing: frames in, an acknowledgement after each (the browser's paint is immediate
    here), Play / Pause / Step commands out. ``frame`` is the last frame read."""

    def __init__(self, tab: LightTab, timeout_s: float | None = None) -> None:
        if not tab.board or "stream" not in tab.board:
            raise RuntimeError("the live board gave no stream")
        stream = tab.board["stream"]
        base = tab.url.replace("http://", "ws://")
        self.timeout_s = tab.timeout_s if timeout_s is None else timeout_s
        self._stack = contextlib.ExitStack()
        self._ws = self._stack.enter_context(connect(
            f"{base}{stream['path']}?token={stream['token']}", open_timeout=self.timeout_s,
            max_size=None, origin=tab.url.rstrip("/")))
        self.frame: dict = {}
        self.frames = 0

    def read(self, timeout_s: float | None = None) -> dict:
        """The next frame (acknowledged at once); TimeoutError if none comes in time."""
        message = self._ws.recv(timeout=self.timeout_s if timeout_s is None else timeout_s)
        frame = json.loads(message)
        self._ws.send(json.dumps({"type": "ack", "seq": frame.get("seq", 0)}))
        self.frame, self.frames = frame, self.frames + 1
        return frame

    def read_for(self, seconds: float) -> dict:
        """Read frames for ``seconds``; returns the last."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.read(timeout_s=left)
            except TimeoutError:
                break
        return self.frame

    def command(self, name: str) -> None:
        """Send "play", "pause", "step_epoch" or "step_batch", as the board's buttons do."""
        self._ws.send(json.dumps({"type": "command", "command": name}))

    def until(self, done, timeout_s: float | None = None) -> dict:
        """Read frames until ``done(frame)``; returns that frame (TimeoutError if none)."""
        deadline = time.monotonic() + (self.timeout_s if timeout_s is None else timeout_s)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the stream sent no such frame in time")
            frame = self.read(timeout_s=left)
            if done(frame):
                return frame

    @property
    def epoch(self) -> int:
        return int(self.frame.get("epoch", 0))

    def close(self) -> None:
        self._stack.close()
