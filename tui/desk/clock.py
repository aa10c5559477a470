"""The desk's sense of time, passed in so its rules can be tested on a clock moved by hand."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from tui.core.listener import wait_event


class Clock(Protocol):
    def now(self) -> float:
        """Monotonic seconds: the repeat guard, the estimate's refresh."""

    def wall(self) -> float:
        """Epoch seconds: a GTD order's expiry."""

    async def sleep(self, seconds: float) -> None:
        """Let this much time pass (a debounce)."""

    async def wait(self, event: asyncio.Event, seconds: float) -> bool:
        """Until the event is set (True) or this much time has passed (False)."""


class SystemClock:
    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def wait(self, event: asyncio.Event, seconds: float) -> bool:
        return await wait_event(event, seconds)
