"""The CLOB heartbeat as the trader's dead-man's switch (docs/spec/global-clob.md §6.9): from
the start of the session the desk beats every few seconds, each beat carrying the id the last
answer gave. If the desk goes silent (killed, frozen, cut off) for the venue's timeout, the
CLOB cancels every open order of the key: a desk that cannot watch its orders does not leave
them working.

Its state is a stream on the status bar ("heartbeat"). A beat that fails is said at once,
with what it means; when beats come back after a silence longer than the timeout, the desk
says the exchange will have cancelled its orders (the user channel and the reconnect's
lookups then show each one cancelled).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

from tui.core.state import LinkState
from tui.core.venue import VenueError

if TYPE_CHECKING:
    from tui.venues.clob.venue import ClobVenue

log = logging.getLogger(__name__)
STREAM = "heartbeat"
EVERY = 5.0  # seconds between beats (§6.9: the venue's advice)
TIMEOUT = 10.0  # the venue cancels after this long without a beat


class Heartbeat:
    def __init__(self, venue: ClobVenue, every: float = EVERY, timeout: float = TIMEOUT) -> None:
        self.venue = venue
        self.every = every
        self.timeout = timeout
        self.heartbeat_id = ""
        self.last_ok: float | None = None  # monotonic time of the last beat answered
        self.missed = 0  # beats in a row that failed
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.venue.state.stream(STREAM)
        self._task = asyncio.create_task(self._run(), name="clob heartbeat")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.beat()
            except Exception:  # the switch must keep beating, whatever broke
                log.exception("heartbeat failed")
            await asyncio.sleep(self.every)

    async def beat(self) -> None:
        state = self.venue.state
        try:
            self.heartbeat_id, counted = await self.venue.rest.heartbeat(self.heartbeat_id)
            if not counted:  # a stale id: the answer gave the current one; beat with it now
                self.heartbeat_id, counted = await self.venue.rest.heartbeat(
                    self.heartbeat_id)
            if not counted:
                raise VenueError("the CLOB did not take the heartbeat's id")
        except VenueError as exc:
            self.missed += 1
            state.set_link(STREAM, LinkState.DOWN, str(exc))
            if self.missed == 1:  # said at once, once an outage
                state.notify(f"Heartbeat missed ({exc}). The CLOB cancels every open order "
                             f"{self.timeout:.0f} s after the last heartbeat.", "error")
            return
        now = time.monotonic()
        if self.last_ok is not None and now - self.last_ok > self.timeout:
            state.notify(f"The heartbeat was silent for {now - self.last_ok:.0f} s: the CLOB "
                         "cancels every open order after "
                         f"{self.timeout:.0f} s without one, so orders that were working "
                         "have been cancelled by the exchange.", "error")
        self.last_ok, self.missed = now, 0
        state.set_link(STREAM, LinkState.LIVE)
        state.touch_stream(STREAM, heartbeat=True)
