"""Books over REST while the price stream is down.

While the gateway's market-data stream is not live (a gRPC outage), the books of the markets
on screen (``DeskState.watched``, else the first few listed) are read with GetOrderBook until
it is back. The stream's link stays down on the status bar and the ladders stay marked
stale: a read book carries the exchange's time of the read and its own arrival (the book's
age), and never touches the stream's state. One read at a time, each drawing on the
exchange's GetOrderBook limit (12 a minute per firm, spec §11.7): rounds come once a second
while that burst lasts, then as the limit refills. The link is checked before each read and
after its answer: once the stream is live again nothing is asked, nor applied (its books
are newer).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from tui.core.state import DeskState
from tui.core.venue import VenueError
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import orderbook_pb2 as ob_pb
from tui.venues.gateway.rest import GatewayRest

log = logging.getLogger(__name__)

PRICES = "prices"  # the venue's market-data stream
POLL_EVERY = 1.0  # seconds from one round of reads to the next, at most once a second
POLL_AFTER = 2.0  # seconds the stream must have been away: a reconnect at once is no outage
POLLED_MAX = 3  # markets read: every one costs a read of the firm's 12 a minute
POLL_DEPTH = 10  # GetOrderBook's deepest (spec §7.3)
BOOK_LIMIT = "GetOrderBook"  # the limiter's bucket the reads draw on

DOWN_WORDS = ("Prices stream down: the books on screen are read over REST until it is back "
              "(about once a second while the exchange's limit of 12 reads a minute allows, "
              "then less often); each book's age says how fresh it is.")
BACK_WORDS = "Prices stream back: the books on screen come from it again."


def book_update(resp: ob_pb.GetOrderBookResponse, symbol: str) -> md_pb.MarketDataUpdate:
    """GetOrderBook's answer in the stream's shape (the same fields, spec §7.3)."""
    update = md_pb.MarketDataUpdate(symbol=resp.symbol or symbol, bids=resp.bids,
                                    offers=resp.offers, state=resp.state)
    if resp.HasField("stats"):
        update.stats.CopyFrom(resp.stats)
    if resp.HasField("transact_time"):
        update.transact_time.CopyFrom(resp.transact_time)
    return update


class BookPoller:
    """Reads the books on screen while ``stream`` is not live; ``apply`` takes each one as
    the stream's updates are taken."""

    def __init__(self, state: DeskState, rest: GatewayRest,
                 apply: Callable[[md_pb.MarketDataUpdate], None], *, stream: str = PRICES,
                 every: float = POLL_EVERY, after: float = POLL_AFTER) -> None:
        self.state = state
        self.rest = rest
        self.apply = apply
        self.stream = stream
        self.every = every
        self.after = after
        self.polling = False  # the trader was told the books come over REST
        self.reads = 0  # books read and applied
        self._away_since: float | None = None

    def markets(self) -> list[str]:
        """The markets on screen that are listed, else the first listed; a few at most."""
        listed = self.state.instruments
        watched = [s for s in dict.fromkeys(self.state.watched) if s in listed]
        return (watched or list(listed))[:POLLED_MAX]

    def live(self) -> bool:
        return self.state.is_live(self.stream)

    async def run(self) -> None:
        """For as long as the venue runs: a cheap look at the link once a second."""
        while True:
            started = time.monotonic()
            if self._due(started):
                await self._round()
                if self.live():
                    continue  # back during the round: said now, not a second later
            await asyncio.sleep(max(0.0, self.every - (time.monotonic() - started)))

    def _due(self, now: float) -> bool:
        """Whether to read now; said once as reading starts, once as the stream is back."""
        if self.live():
            self._away_since = None
            if self.polling:
                self.polling = False
                self.state.notify(BACK_WORDS)
            return False
        if self._away_since is None:
            self._away_since = now
        if now - self._away_since < self.after:
            return False
        if not self.polling:
            self.polling = True
            self.state.notify(DOWN_WORDS, "warning")
        return True

    async def _round(self) -> None:
        for symbol in self.markets():
            if not await self._read(symbol):
                return

    async def _paced(self) -> bool:
        """Wait until the exchange's limit allows a read (the read itself draws on it, as
        every call does); False as soon as the stream is live: the link is looked at each
        second of a long wait, and no read is spent on it."""
        limiter = self.rest.limiter
        bucket = limiter.bucket_named(BOOK_LIMIT) if limiter is not None else None
        while not self.live():
            wait = bucket.delay() if bucket is not None else 0.0
            if wait <= 0:
                return True
            await asyncio.sleep(min(wait, self.every))
        return False

    async def _read(self, symbol: str) -> bool:
        """One book read and applied; False once the stream is live (stop reading)."""
        if not await self._paced():
            return False
        try:
            resp = await self.rest.order_book(symbol, POLL_DEPTH)
        except VenueError as exc:  # quiet: the ladder's age and the link already tell
            log.info("book of %s not read over REST: %s", symbol, exc)
            return True
        except Exception:  # one bad answer must not end the reads
            log.exception("book of %s not read over REST", symbol)
            return True
        if self.live():
            return False  # the stream's snapshot came meanwhile: it is the newer book
        self.apply(book_update(resp, symbol))
        self.reads += 1
        return True
