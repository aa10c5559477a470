"""The reconnect loop every stream and socket shares: connect, run until it breaks, say
why, wait with doubling backoff and jitter, and try again, for as long as the desk runs."""

from __future__ import annotations

import asyncio
import random

from tui.core.state import DeskState, LinkState

BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0


class Reconnecting:
    name: str
    state: DeskState
    connects: int  # sessions that got data; a working one resets the backoff

    async def _session(self) -> str | None:
        """One connection; returns why it ended, in words (None: a clean end)."""
        raise NotImplementedError

    async def _run(self) -> None:
        backoff = BACKOFF_FIRST
        while True:
            self.state.set_link(self.name, LinkState.CONNECTING)
            connects = self.connects
            detail = await self._session()
            if self.connects > connects:  # that session worked: the next outage starts fresh
                backoff = BACKOFF_FIRST
            self.state.set_link(self.name, LinkState.DOWN, detail or "stream ended")
            # jitter, so many desks do not all come back in the same instant
            await asyncio.sleep(backoff * (0.8 + 0.4 * random.random()))
            backoff = min(backoff * 2, BACKOFF_MAX)
