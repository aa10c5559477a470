"""A recorded session's market data played back from the local database, as a Venue.

The ladder, the watchlist and the tape see the books as they were recorded (at most four a
second a market), on a replay clock (replay_clock.py) the trader steers: pause, a speed
from ×0.5 to ×16, a jump a minute either way or to either end (tui/ui/replay_keys.py binds
the keys). The status bar names the clock's state and time. Nothing is ever sent anywhere:
every trading command is refused in words.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Protocol

from tui.core.cancels import CancelReport
from tui.core.enums import Side
from tui.core.listener import wait_event
from tui.core.model import Book, Estimate, Instrument, Level, Order
from tui.core.state import DeskState, LinkState
from tui.core.ticket import OrderRequest, Terms
from tui.core.venue import VenueError
from tui.venues.replay_clock import ReplayClock, faster, slower

FEED = "replay prices"  # a price feed by name: the stale rules apply to it
REFUSED = "This is a replay of recorded market data: nothing is sent."
MAX_GAP = 5.0  # seconds of recorded silence played at most (at speed 1)
TICK = 0.25  # real seconds between looks at the clock: the status bar's time keeps moving

Wait = Callable[[asyncio.Event, float | None], Awaitable[object]]


class RecordedBook(Protocol):
    @property
    def symbol(self) -> str: ...
    @property
    def bids(self) -> tuple[Level, ...]: ...
    @property
    def offers(self) -> tuple[Level, ...]: ...
    @property
    def at(self) -> float: ...


class Recording(Protocol):
    """What a replay reads (tui.store.Store is one, opened by the caller)."""

    def load_instruments(self) -> list[Instrument]: ...

    def books(self, symbol: str | None, since: float | None,
              until: float | None) -> Iterator[RecordedBook]: ...

    def book_span(self, symbol: str | None, since: float | None,
                  until: float | None) -> tuple[float, float] | None: ...

    def books_at(self, at: float, symbols: list[str]) -> Sequence[RecordedBook]: ...

    def close(self) -> None: ...


class ReplayVenue:
    def __init__(self, store: Recording, *, speed: float = 1.0, since: float | None = None,
                 until: float | None = None, symbol: str | None = None,
                 state: DeskState | None = None, now: Callable[[], float] = time.monotonic,
                 wait: Wait = wait_event) -> None:
        self.state = state or DeskState()
        self.state.venue = "replay"
        self.store = store
        self.since, self.until, self.symbol = since, until, symbol
        self.clock = ReplayClock(since or 0.0, max(speed, 0.01), now)
        self.first: float | None = None  # the recording's first and last book, once started
        self.last: float | None = None
        self.paused = False  # the trader's pause (the clock also stops at the end)
        self.ended = False
        self.played = 0
        self.done = asyncio.Event()
        self._steered = asyncio.Event()  # a key moved the clock: look again now
        self._jump: float | None = None
        self._wait = wait
        self._task: asyncio.Task[None] | None = None

    @property
    def speed(self) -> float:
        return self.clock.speed

    async def start(self) -> None:
        instruments = self.store.load_instruments()
        if not instruments:
            raise VenueError("This database holds no markets to replay.")
        self.state.set_instruments(instruments)
        self.state.user = "replay"
        self._task = asyncio.create_task(self._play(), name="replay")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await asyncio.to_thread(self.store.close)

    # --- steering: the replay keys call these -------------------------------------------
    def toggle_pause(self) -> None:
        self.paused = not self.paused
        if not self.ended:
            self.clock.set_paused(self.paused)
        self._steer()

    def faster(self) -> None:
        self.clock.set_speed(faster(self.clock.speed))
        self._steer()

    def slower(self) -> None:
        self.clock.set_speed(slower(self.clock.speed))
        self._steer()

    def jump_by(self, seconds: float) -> None:
        """From where a jump not yet made lands, so two quick presses go two minutes."""
        self.jump_to((self.clock.time() if self._jump is None else self._jump) + seconds)

    def jump_to(self, at: float) -> None:
        if self.first is None or self.last is None:
            return  # not started: nothing to jump within
        self._jump = min(max(at, self.first), self.last)
        self._steer()

    def jump_to_start(self) -> None:
        self.jump_to(float("-inf"))

    def jump_to_end(self) -> None:
        self.jump_to(float("inf"))

    def _steer(self) -> None:
        self._say()
        self._steered.set()

    def _say(self) -> None:
        """The status bar's venue: the replay's state and time, when it changed."""
        words = f"replay {self.clock.words(end=self.ended)}"
        if words != self.state.venue:
            self.state.venue = words
            self.state.status_version += 1

    # --- playing ------------------------------------------------------------------------
    async def _play(self) -> None:
        span = self.store.book_span(self.symbol, self.since, self.until)
        nothing = self.since if self.since is not None else time.time()
        self.first, self.last = span or (nothing, nothing)
        self.clock.seek(self.first)
        self.state.set_link(FEED, LinkState.LIVE)
        if span is None:
            self._end()
            return
        at = self.first
        while True:
            if await self._play_from(at):
                self._end()
                while self._jump is None:
                    self._steered.clear()
                    await self._wait(self._steered, None)
            at = self._land()

    async def _play_from(self, at: float) -> bool:
        """The books from ``at`` on, each at its time; False when a jump cuts it short."""
        for row in self.store.books(self.symbol, at, self.until):
            if not await self._reach(row.at):
                return False
            self._show(row)
        return True

    async def _reach(self, at: float) -> bool:
        """Wait until the clock reaches ``at`` (paused, it does not); False on a jump."""
        clock = self.clock
        while self._jump is None:
            self._steered.clear()
            if not clock.paused and at - clock.time() > MAX_GAP:
                clock.seek(at - MAX_GAP)  # recorded silence is cut short
            real = clock.real_seconds(at)
            if real == 0.0:
                return True
            if real is None:  # paused: the feed is not stale, it is held
                self.state.touch_stream(FEED)
            await self._wait(self._steered, TICK if real is None else min(real, TICK))
            self._say()
        return False

    def _show(self, row: RecordedBook) -> None:
        self.state.touch_stream(FEED)
        self.state.replace_book(Book(row.symbol, list(row.bids), list(row.offers),
                                     received_at=time.monotonic()))
        self.played += 1  # the status bar's time moves with the clock's looks (_reach)

    def _end(self) -> None:
        self.ended = True
        self.clock.seek(self.last if self.last is not None else self.clock.time())
        self.clock.set_paused(True)
        self.state.set_link(FEED, LinkState.DOWN, "end of the recording")
        self.state.notify(f"End of the recording: {self.played} books played.")
        self.done.set()
        self._say()

    def _land(self) -> float:
        """Make the jump asked for: each market's book as it was at that moment."""
        at, self._jump = self._jump if self._jump is not None else self.clock.time(), None
        if self.ended:
            self.ended = False
            self.done.clear()
            self.state.set_link(FEED, LinkState.LIVE)
        self.clock.seek(at)
        self.clock.set_paused(self.paused)
        symbols = [self.symbol] if self.symbol else list(self.state.instruments)
        found = {row.symbol: row for row in self.store.books_at(at, symbols)}
        for symbol in symbols:
            if symbol in found:
                self._show(found[symbol])
            elif symbol in self.state.books:  # not yet recorded at that moment
                self.state.replace_book(Book(symbol, [], [], received_at=time.monotonic()))
        self._say()
        return at

    # --- trading: refused, in words -------------------------------------------------------
    async def submit(self, request: OrderRequest) -> None:
        raise VenueError(REFUSED)

    async def cancel(self, order: Order) -> None:
        raise VenueError(REFUSED)

    async def replace(self, order: Order, *, price: int | None = None,
                      qty: int | None = None, terms: Terms | None = None) -> None:
        raise VenueError(REFUSED)

    async def cancel_orders(self, orders: Iterable[Order]) -> CancelReport:
        raise VenueError(REFUSED)

    async def cancel_all(self, symbol: str | None = None,
                         side: Side | None = None) -> CancelReport:
        raise VenueError(REFUSED)

    async def kill_switch(self, why: str = "", *, account: str | None = None) -> CancelReport:
        raise VenueError(REFUSED)

    @property
    def latched(self) -> bool:
        return False  # nothing is ever sent: there is nothing to hold back

    def rearm(self) -> None:
        pass

    async def switch_account(self, account: str) -> None:
        raise VenueError(REFUSED)

    def wire_text(self, request: OrderRequest) -> str:
        return REFUSED

    async def preview(self, request: OrderRequest) -> Estimate:
        raise VenueError(REFUSED)
