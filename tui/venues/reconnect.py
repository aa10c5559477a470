"""The reconnect loop every stream and socket shares: connect, run until it breaks, say
why, wait with doubling backoff and jitter, and try again, for as long as the desk runs."""

from __future__ import annotations

import asyncio
import random

from tui.core.state import DeskState, LinkState

BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
STOP_WAIT = 2.0  # seconds a stopping worker may take


class Reconnecting:
    def __init__(self, name: str, state: DeskState, silence_timeout: float) -> None:
        self.name = name
        self.state = state
        self.silence_timeout = silence_timeout  # a silence longer than this ends a session
        self.connects = 0  # sessions that got data; a working one resets the backoff
        self._task: asyncio.Task[None] | None = None

    async def _session(self) -> str | None:
        """One connection; returns why it ended, in words (None: a clean end)."""
        raise NotImplementedError

    def start(self) -> None:
        self.state.stream(self.name)
        self._task = asyncio.create_task(self._run(), name=f"{self.name} stream")

    async def _end(self) -> None:
        """Cancel the loop and wait for it, bounded: a stop must never hang the desk."""
        if self._task is None:
            return
        self._task.cancel()
        await asyncio.wait([self._task], timeout=STOP_WAIT)
        self._task = None
        self.state.set_link(self.name, LinkState.DOWN, "stopped")

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
