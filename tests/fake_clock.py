"""One clock moved by hand, for every test where time must pass without waiting for it: the
embedded exchange's engine calls it, the desk asks it the time (now, wall), sleeps on it and
waits on it, a rate limiter sleeps on it (each sleep is kept, to check how it paced)."""

from __future__ import annotations

import asyncio


class FakeClock:
    def __init__(self, now: float = 1_000.0, wall: float = 1_750_000_000.0) -> None:
        self.t, self.wall_t = now, wall
        self.sleeps: list[float] = []

    def __call__(self) -> float:  # the engine's clock is a plain callable
        return self.t

    def now(self) -> float:
        return self.t

    def wall(self) -> float:
        return self.wall_t

    def advance(self, seconds: float) -> None:
        self.t += seconds
        self.wall_t += seconds

    async def sleep(self, seconds: float) -> None:
        """Time passes at once; the event loop runs what is ready."""
        self.sleeps.append(seconds)
        self.advance(seconds)
        await asyncio.sleep(0)

    async def wait(self, event: asyncio.Event, seconds: float) -> bool:
        """True if the event is set by what is already on its way; else the time passes
        and it times out."""
        for _ in range(5):  # what is already on its way may set it
            if event.is_set():
                return True
            await asyncio.sleep(0)
        self.advance(seconds)
        return event.is_set()
