"""A replay's clock: the recorded time it has reached, moving at its speed while it plays.

It is kept as an anchor (the recorded time at a real instant) rather than summed tick by
tick, so a pause, a new speed or a jump starts from exactly where it was, whatever the
event loop's delays.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

MIN_SPEED = 0.5  # the slowest and fastest the keys go (a faster --speed is kept as given)
MAX_SPEED = 16.0


def faster(speed: float) -> float:
    return min(speed * 2, max(MAX_SPEED, speed))


def slower(speed: float) -> float:
    return max(speed / 2, min(MIN_SPEED, speed))


class ReplayClock:
    def __init__(self, at: float, speed: float = 1.0,
                 now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._at, self._since = at, now()  # the recorded time at the real instant
        self.speed = speed
        self.paused = False

    def time(self) -> float:
        """The recorded time the replay has reached (seconds since the epoch)."""
        if self.paused:
            return self._at
        return self._at + (self._now() - self._since) * self.speed

    def _anchor(self) -> None:
        self._at, self._since = self.time(), self._now()

    def set_paused(self, paused: bool) -> None:
        self._anchor()
        self.paused = paused

    def set_speed(self, speed: float) -> None:
        self._anchor()
        self.speed = speed

    def seek(self, at: float) -> None:
        self._at, self._since = at, self._now()

    def real_seconds(self, at: float) -> float | None:
        """Real seconds until the clock reaches ``at``; None while paused."""
        if self.paused:
            return None
        return max(at - self.time(), 0.0) / self.speed

    def words(self, end: bool = False) -> str:
        """'▶ ×2 11-22 15:00:03 UTC': what the status bar says of the replay."""
        mark = "■ end" if end else ("❚❚ paused" if self.paused else "▶")
        shown = datetime.fromtimestamp(self.time(), UTC).strftime("%m-%d %H:%M:%S")
        return f"{mark} ×{self.speed:g} {shown} UTC"
