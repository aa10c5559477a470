"""One CLOB WebSocket (docs/spec/global-clob.md §5) that never gives up: connect, subscribe,
read, and keep it alive with the text PING the venue answers PONG (§5.1). A socket silent
past its timeout is dropped and opened again, and every reconnect subscribes again (the
venue's initial dump then brings fresh books; the venue reads what the user channel missed).

The socket is live once the venue has answered something: a PING goes right after the
subscription, so the user channel (quiet until an order moves) goes live in one round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
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
PING_EVERY = 10.0  # §5.1: the venue's advice
SILENCE = 30.0  # no PONG nor event for this long: the socket is dead (the Rust SDK's rule)
Event = dict[str, Any]


class ClobSocket(Reconnecting):
    def __init__(self, name: str, state: DeskState, url: str,
                 subscriptions: Callable[[], list[Event]], handle: Callable[[Event], None], *,
                 on_open: Callable[[], Awaitable[None]] | None = None,
                 ping_every: float = PING_EVERY, silence_timeout: float = SILENCE,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(name, state, silence_timeout)
        self.url = url
        self._subscriptions = subscriptions
        self._handle = handle
        self._on_open = on_open
        self._ping_every = ping_every
        self._ssl = ssl_context
        self._ws: ClientConnection | None = None
        self._opened: asyncio.Task[None] | None = None

    async def stop(self) -> None:
        if self._task is None:
            return
        if self._ws is not None:
            ws, self._ws = self._ws, None
            with contextlib.suppress(TimeoutError, WebSocketException, OSError):
                await asyncio.wait_for(ws.close(1000, "OK"), STOP_WAIT)
        self._cancel_opened()
        await self._end()

    async def _session(self) -> str | None:
        pinger: asyncio.Task[None] | None = None
        try:
            tls = {"ssl": self._ssl} if self._ssl is not None and self.url.startswith(
                "wss://") else {}
            async with connect(self.url, open_timeout=OPEN_TIMEOUT, close_timeout=1.0,
                               max_size=16 * 1024 * 1024, **tls) as ws:
                self._ws = ws
                for frame in self._subscriptions():
                    await ws.send(json.dumps(frame, separators=(",", ":")))
                pinger = asyncio.create_task(self._ping(ws), name=f"ping-{self.name}")
                live = False
                while True:
                    raw = await asyncio.wait_for(ws.recv(), timeout=self.silence_timeout)
                    if not live:
                        live = True
                        self.connects += 1
                        self.state.set_link(self.name, LinkState.LIVE)
                        if self._on_open is not None:  # after subscribing: nothing between
                            self._opened = asyncio.create_task(self._on_open())
                    self.state.touch_stream(self.name, heartbeat=raw == "PONG")
                    for event in decode(raw):
                        if "error" in event and "event_type" not in event:
                            return f"the exchange refused it: {event['error']}"
                        self._handle(event)
        except TimeoutError:
            return f"no message for {self.silence_timeout:.0f} s"
        except InvalidStatus as exc:
            return f"the exchange refused the connection (HTTP {exc.response.status_code})"
        except ConnectionClosed as exc:
            return f"connection closed ({exc.rcvd.code if exc.rcvd else 'no close frame'})"
        except (OSError, WebSocketException) as exc:
            return f"exchange unreachable ({type(exc).__name__})"
        except Exception as exc:
            log.exception("socket %s failed", self.name)
            return f"socket error: {type(exc).__name__}"
        finally:
            self._ws = None
            if pinger is not None:
                pinger.cancel()
            self._cancel_opened()

    async def _ping(self, ws: ClientConnection) -> None:
        with contextlib.suppress(ConnectionClosed, WebSocketException, OSError):
            while True:
                await ws.send("PING")
                await asyncio.sleep(self._ping_every)

    def _cancel_opened(self) -> None:
        if self._opened is not None:
            self._opened.cancel()
            self._opened = None


def decode(raw: str | bytes) -> list[Event]:
    """A frame's events: one object or an array of them (§5.1); PONG and junk are none."""
    if raw in ("PONG", b"PONG"):
        return []
    try:
        data = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        log.warning("a frame that is not JSON was ignored")
        return []
    items = data if isinstance(data, list) else [data]
    return [item for item in items if isinstance(item, dict)]
