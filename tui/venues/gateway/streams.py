"""A gRPC server-stream worker that never gives up: reconnect with backoff, re-snapshot.

Each (re)connect opens a fresh stream whose first message is a snapshot, so no delta is
ever applied to a stale picture (spec §11.1, §11.3, §11.5).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from tui.core.state import DeskState, LinkState
from tui.venues.gateway.connection import DIRECT, Connection
from tui.venues.reconnect import Reconnecting

log = logging.getLogger(__name__)

Metadata = list[tuple[str, str]]


class StreamWorker(Reconnecting):
    def __init__(
        self,
        name: str,
        state: DeskState,
        open_stream: Callable[[Metadata], Any],
        handle: Callable[[Any], None],
        metadata: Callable[[], Awaitable[Metadata]],
        on_unauthenticated: Callable[[str], Awaitable[None]],
        *,
        silence_timeout: float = 180.0,
    ) -> None:
        super().__init__(name, state, silence_timeout)
        self._open = open_stream
        self._handle = handle
        self._metadata = metadata
        self._on_unauthenticated = on_unauthenticated
        self._call: Any = None  # the open RPC, so stop() can cancel it directly
        self.on_refused: Callable[[], None] | None = None  # the request itself was refused

    async def stop(self) -> None:
        if self._task is not None and self._call is not None:
            self._call.cancel()  # the RPC first: a read blocked inside grpc ends with it
        await self._end()

    async def _session(self) -> str | None:
        """One connection; returns why it ended (None = a clean end after data)."""
        call = None
        token = ""
        try:
            metadata = await self._metadata()
            token = dict(metadata).get("authorization", "")
            call = self._call = self._open(metadata)
            got_data = False
            while True:
                msg = await asyncio.wait_for(call.read(), timeout=self.silence_timeout)
                if msg is grpc.aio.EOF:
                    return None if got_data else "stream closed by the exchange"
                if not got_data:
                    got_data = True
                    self.connects += 1
                    self.state.set_link(self.name, LinkState.LIVE)
                self.state.touch_stream(self.name, heartbeat=_is_heartbeat(msg))
                self._handle(msg)
        except TimeoutError:
            return f"no message for {self.silence_timeout:.0f} s"
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
                try:
                    await self._on_unauthenticated(token.removeprefix("Bearer "))
                except Exception as refresh_exc:  # noqa: BLE001 - reported, then retried
                    return f"login refused: {refresh_exc}"
            if exc.code() == grpc.StatusCode.INVALID_ARGUMENT and self.on_refused is not None:
                self.on_refused()  # e.g. a resume token this exchange does not know
            return _rpc_words(exc)
        except Exception as exc:
            log.exception("stream %s failed", self.name)
            return f"stream error: {type(exc).__name__}"
        finally:
            if call is not None:
                call.cancel()
            self._call = None


def open_channel(target: str, *, tls: bool | None = None,
                 connection: Connection | None = None) -> grpc.aio.Channel:
    """A channel with the spec's keepalive; TLS unless the target is this machine and no
    CA file is given (§1.2); PrivateLink's authority when the connection names one."""
    return (connection or DIRECT).channel(target, tls=tls)


def _rpc_words(exc: grpc.aio.AioRpcError) -> str:
    code = exc.code()
    if code == grpc.StatusCode.UNAVAILABLE:
        if "CERTIFICATE_VERIFY_FAILED" in (exc.details() or ""):
            return "the exchange's TLS certificate is not trusted (check ca_file)"
        return "exchange unreachable or stream reset"
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return "session expired; logging in again"
    if code == grpc.StatusCode.PERMISSION_DENIED:  # e.g. a scope this login lacks
        return f"not permitted ({exc.details()})" if exc.details() else "not permitted"
    return f"{code.name.lower().replace('_', ' ')}: {exc.details() or ''}".strip()


def _is_heartbeat(msg: object) -> bool:
    """Every gateway stream's response is a oneof ``event`` whose heartbeat is an empty
    message; the quiet before one tells how long this venue lets a stream stay silent."""
    try:
        return msg.WhichOneof("event") == "heartbeat"  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False
