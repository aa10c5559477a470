"""The CLOB's dead-man's switch at the embedded exchange (docs/spec/global-clob.md §6.9): once a
key has sent its first heartbeat, a silence longer than the timeout cancels every live order
of that key. Each answer carries a new id the next beat must bring; a stale id is answered
400 with the id that is current, so a client can resync. The timeout is the venue's 10 s by
default and configurable, so a test need not wait for it.

Served on both paths the sources name (`/v1/heartbeats` from the SDKs, `/heartbeats` from the
docs) with both answer keys (§10: the docs' {"status": "ok"} and the SDK's heartbeat_id).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from tui.sim.clob.auth import ClobKey

TIMEOUT = 10.0  # seconds of silence before a key's orders are cancelled (§6.9)


@dataclass(slots=True)
class Beat:
    heartbeat_id: str
    at: float  # when the last valid heartbeat came
    key: ClobKey


class Heartbeats:
    def __init__(self, clock: Callable[[], float], cancel_all: Callable[[ClobKey], list[str]],
                 timeout: float = TIMEOUT) -> None:
        self.clock = clock
        self.cancel_all = cancel_all
        self.timeout = timeout
        self.beats: dict[str, Beat] = {}  # api key -> its switch, armed
        self.tripped: list[tuple[str, list[str]]] = []  # (api key, orders it cancelled)

    def routes(self, signed: Callable[[Any], Any]) -> list[BaseRoute]:
        return [Route(path, signed(self._beat), methods=["POST"])
                for path in ("/v1/heartbeats", "/heartbeats")]

    def _beat(self, _request: Request, key: ClobKey, body: Any) -> JSONResponse:
        given = body.get("heartbeat_id", "") if isinstance(body, dict) else ""
        beat = self.beats.get(key.creds.api_key)
        if beat is not None and given != beat.heartbeat_id:
            return JSONResponse({"heartbeat_id": beat.heartbeat_id,
                                 "error_msg": "invalid heartbeat id"}, status_code=400)
        new = secrets.token_hex(16)
        self.beats[key.creds.api_key] = Beat(new, self.clock(), key)
        return JSONResponse({"heartbeat_id": new, "status": "ok"})

    def check(self) -> None:
        """Trip every switch silent past the timeout: its key's live orders are cancelled and
        the switch is disarmed until the key beats again (with any id, or none)."""
        now = self.clock()
        for api_key, beat in list(self.beats.items()):
            if now - beat.at > self.timeout:
                del self.beats[api_key]
                self.tripped.append((api_key, self.cancel_all(beat.key)))
