"""A recorded session's market data played back from the local database, as a Venue.

The ladder, the watchlist and the tape see the books as they were recorded (at most four a
second a market), paced by their recorded times divided by the speed. Nothing is ever
sent anywhere: every trading command is refused in words.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable, Iterator
from typing import Protocol

from tui.core.cancels import CancelReport
from tui.core.enums import Side
from tui.core.model import Book, Estimate, Instrument, Level, Order
from tui.core.state import DeskState, LinkState
from tui.core.ticket import OrderRequest, Terms
from tui.core.venue import VenueError

FEED = "replay prices"  # a price feed by name: the stale rules apply to it
REFUSED = "This is a replay of recorded market data: nothing is sent."
MAX_GAP = 5.0  # seconds of recorded silence played at most (at speed 1)


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

    def close(self) -> None: ...


class ReplayVenue:
    def __init__(self, store: Recording, *, speed: float = 1.0, since: float | None = None,
                 until: float | None = None, symbol: str | None = None,
                 state: DeskState | None = None) -> None:
        self.state = state or DeskState()
        self.state.venue = "replay"
        self.store = store
        self.speed = max(speed, 0.01)
        self.since, self.until, self.symbol = since, until, symbol
        self.played = 0
        self.done = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

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

    async def _play(self) -> None:
        self.state.set_link(FEED, LinkState.LIVE)
        rows = self.store.books(self.symbol, self.since, self.until)
        previous: float | None = None
        for row in rows:
            if previous is not None:
                gap = min(row.at - previous, MAX_GAP)
                if gap > 0:
                    await asyncio.sleep(gap / self.speed)
            previous = row.at
            self.state.touch_stream(FEED)
            self.state.replace_book(Book(row.symbol, list(row.bids), list(row.offers),
                                         received_at=time.monotonic()))
            self.played += 1
        self.state.set_link(FEED, LinkState.DOWN, "end of the recording")
        self.state.notify(f"End of the recording: {self.played} books played.")
        self.done.set()

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
