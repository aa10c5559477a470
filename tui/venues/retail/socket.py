"""One retail WebSocket (retail-api.md §8) that never gives up.

Connect with freshly signed upgrade headers (§2.4), send the subscriptions, read frames,
and watch the heartbeats: a socket silent for longer than it may be is closed and opened
again. After every reconnect the subscriptions are sent again and the venue re-reads what
has no snapshot on the socket (positions), so no change is lost across an outage.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from tui.core.state import DeskState, LinkState
from tui.venues.reconnect import STOP_WAIT, Reconnecting

log = logging.getLogger(__name__)
OPEN_TIMEOUT = 10.0
Frame = dict[str, Any]
UNTRUSTED = ("its TLS certificate is not trusted (set ca_file to the CA that issued it, or "
             "check the host name)")


class SocketWorker(Reconnecting):
    def __init__(self, name: str, state: DeskState, url: str, path: str,
                 headers: Callable[[str], dict[str, str]],
                 subscriptions: Callable[[], list[Frame]],
                 handle: Callable[[Frame], None], *,
                 silence_timeout: float = 60.0,
                 on_open: Callable[[], Awaitable[None]] | None = None,
                 refused_words: Callable[[int, str], str] | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(name, state, silence_timeout)
        self._ssl = ssl_context  # a profile's CA file (None: the system's roots)
        self.url = url.rstrip("/") + path  # wss://host/v1/ws/private
        self.path = path
        self._headers = headers  # signs the upgrade: GET and the socket's path
        self._subscriptions = subscriptions
        self._handle = handle
        self._on_open = on_open
        self._refused_words = refused_words
        self._ws: ClientConnection | None = None
        self._opened: asyncio.Task[None] | None = None  # on_open of this connection
        self._stopping = False  # a connection made while stopping starts no on_open

    async def stop(self) -> None:
        self._stopping = True
        if self._task is None:
            return
        if self._ws is not None:
            # close before cancelling: a cancelled `async with connect` closes with 1011
            ws, self._ws = self._ws, None
            try:  # the SDK closes with 1000 "OK" (§8.1)
                await asyncio.wait_for(ws.close(1000, "OK"), STOP_WAIT)
            except (TimeoutError, WebSocketException, OSError):
                pass
        self._cancel_opened()
        await self._end()

    async def _session(self) -> str | None:
        """One connection; returns why it ended, in words."""
        try:
            tls = {"ssl": self._ssl} if self._ssl is not None and self.url.startswith(
                "wss://") else {}
            async with connect(self.url, additional_headers=self._headers(self.path),
                               open_timeout=OPEN_TIMEOUT, close_timeout=1.0,
                               max_size=16 * 1024 * 1024, **tls) as ws:
                self._ws = ws
                for frame in self._subscriptions():
                    await ws.send(json.dumps(frame, separators=(",", ":")))
                if self._stopping:  # the venue is closing its REST client: read nothing
                    return "stopped"
                if self._on_open is not None:
                    # started after subscribing, so nothing falls in between; in the
                    # background, so a slow read does not hold the socket (and trading) back
                    self._opened = asyncio.create_task(self._on_open(),
                                                       name=f"on-open-{self.name}")
                    self._opened.add_done_callback(_log_failure)
                live = False
                while True:
                    raw = await asyncio.wait_for(ws.recv(), timeout=self.silence_timeout)
                    frame = _decode(raw)
                    if frame is None:
                        continue
                    if not live:
                        live = True
                        self.connects += 1
                        self.state.set_link(self.name, LinkState.LIVE)
                    self.state.touch_stream(self.name, heartbeat="heartbeat" in frame)
                    if "heartbeat" not in frame:
                        self._handle(frame)
        except TimeoutError:
            return f"no message for {self.silence_timeout:.0f} s"
        except InvalidStatus as exc:
            status = exc.response.status_code
            body = exc.response.body.decode("utf-8", "replace") if exc.response.body else ""
            if self._refused_words is not None:
                return self._refused_words(status, _message(body))
            return f"the exchange refused the connection (HTTP {status})"
        except ConnectionClosed as exc:
            return f"connection closed ({exc.rcvd.code if exc.rcvd else 'no close frame'})"
        except (OSError, WebSocketException) as exc:
            if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                return UNTRUSTED
            return f"exchange unreachable ({type(exc).__name__})"
        except Exception as exc:
            log.exception("socket %s failed", self.name)
            return f"socket error: {type(exc).__name__}"
        finally:
            self._ws = None
            self._cancel_opened()  # the next connection reads again

    def _cancel_opened(self) -> None:
        if self._opened is not None:
            self._opened.cancel()
            self._opened = None


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("after connecting: %s", task.get_name(), exc_info=task.exception())


def _decode(raw: str | bytes) -> dict[str, Any] | None:
    """A frame as JSON (binary frames are UTF-8 too, §8.1); numbers as exact decimals."""
    try:
        data = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        log.warning("a frame that is not JSON was ignored")
        return None
    return data if isinstance(data, dict) else None


def _message(body: str) -> str:
    try:
        data = json.loads(body)
        return str(data.get("message") or data.get("error") or body)
    except (ValueError, AttributeError):
        return body or "no reason given"
