"""The trade tape, derived from market data.

The gateway's market data carries no trade messages (the retail API's trade feed does, and
then each trade is taken as reported, see MarketTape.on_trade): each update holds the book plus the
session's statistics (cumulative volume, last trade price and quantity). A rise in volume
between two updates of one market is a trade. When a feed merges several trades into one
update, only the last one's price is known; the rest is counted as volume without a price.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from tui.core.enums import Side
from tui.core.model import Book

BUCKET_SECONDS = 15.0  # one sparkline point per 15 s
BUCKETS_KEPT = 240  # an hour of points


@dataclass(frozen=True, slots=True)
class Trade:
    symbol: str
    px: int  # raw YES price
    qty: int  # raw quantity
    aggressor: Side | None  # BUY lifted the offer (up), SELL hit the bid (down); None: unknown
    at: float  # wall-clock seconds
    merged: int = 0  # other volume the feed merged into this update, price unknown
    exact: bool = True  # the venue said this trade's size (else: the whole volume jump)


@dataclass(slots=True)
class FeedGap:
    """A time the price feed was down: the tape and the sparklines draw a break there."""

    start: float  # wall-clock seconds
    end: float | None = None  # None while still down


def same_levels(a: Book, b: Book) -> bool:
    return a.bids == b.bids and a.offers == b.offers


def aggressor_of(px: int, before: Book | None, last_px: int | None,
                 last_side: Side | None = None) -> Side | None:
    """Who crossed the spread: judged against the book just before, else by the tick rule
    (a trade at the last price keeps the last trade's direction)."""
    if before is not None:
        if before.best_offer is not None and px >= before.best_offer:
            return Side.BUY
        if before.best_bid is not None and px <= before.best_bid:
            return Side.SELL
    if last_px is not None and px != last_px:
        return Side.BUY if px > last_px else Side.SELL
    return last_side if last_px is not None else None


class MarketTape:
    """One market's trades this session: volume and last size at each price, and history."""

    def __init__(self, symbol: str, *, explicit: bool = False) -> None:
        self.symbol = symbol
        self.volume_at: dict[int, int] = {}  # raw price -> raw quantity traded there
        self.last_qty_at: dict[int, int] = {}  # raw price -> size of the latest trade there
        self.last: Trade | None = None
        self.open_px: int | None = None  # the session's opening price, as the venue says
        self.session_volume = 0  # the venue's own total (includes what we did not see)
        self.last_seen_px: int | None = None  # the last price, from a trade or a book
        self.unplaced = 0  # volume seen only as a jump in the total: price unknown
        self._volume: int | None = None  # the total at the last update; None = rebase
        self._last_was_trade = False
        # the venue reports each trade itself (the retail trade feed): books then only move
        # the session's totals, so no trade is counted twice
        self.explicit = explicit
        self._points: deque[tuple[int, int]] = deque(maxlen=BUCKETS_KEPT)  # (bucket, px)

    def rebase(self) -> None:
        """The feed broke: the next update is a new baseline, not a trade of the gap's volume."""
        self._volume = None

    def on_book(self, before: Book | None, book: Book, now: float) -> Trade | None:
        """Apply one update; returns the trade it reveals, if any."""
        if book.open_px is not None:
            self.open_px = book.open_px
        if book.volume is None:
            return None  # no session total in this update: nothing to compare, keep the base
        known, self._volume = self._volume, book.volume
        self.session_volume = book.volume
        was_trade, self._last_was_trade = self._last_was_trade, False
        if known is None or book.volume < known:
            # a baseline (first update, after an outage, a new session): the price it
            # shows stands as the last, but the volume behind it is not one trade
            if book.last_trade_px is not None and book.last_trade_px != self.last_seen_px:
                self.last_seen_px = book.last_trade_px
                self._sample(now, book.last_trade_px)
            return None
        if self.explicit or book.volume == known or book.last_trade_px is None:
            return None
        delta = book.volume - known
        exact = bool(book.last_trade_qty) and book.last_trade_qty <= delta  # type: ignore[operator]
        qty = book.last_trade_qty if exact and book.last_trade_qty else delta
        px = book.last_trade_px
        # a feed may send one update per trade of a sweep, each with the book as it is
        # after the whole sweep: then the update before says nothing about this trade
        if before is not None and was_trade and same_levels(before, book):
            before = None
        last_side = self.last.aggressor if self.last is not None else None
        trade = Trade(book.symbol, px, qty,
                      aggressor_of(px, before, self.last_seen_px, last_side), now,
                      merged=delta - qty, exact=exact)
        self.volume_at[px] = self.volume_at.get(px, 0) + qty
        self.last_qty_at[px] = qty
        self.unplaced += delta - qty
        self.last = trade
        self.last_seen_px = px
        self._last_was_trade = True
        self._sample(now, px)
        return trade

    def on_trade(self, trade: Trade) -> None:
        """A trade the venue reported with its price, size and taker's side."""
        self.explicit = True
        self.volume_at[trade.px] = self.volume_at.get(trade.px, 0) + trade.qty
        self.last_qty_at[trade.px] = trade.qty
        self.last = trade
        self.last_seen_px = trade.px
        self._sample(trade.at, trade.px)

    def _sample(self, now: float, px: int) -> None:
        bucket = int(now // BUCKET_SECONDS)
        if self._points and self._points[-1][0] == bucket:
            self._points[-1] = (bucket, px)
        else:
            self._points.append((bucket, px))

    @property
    def last_px(self) -> int | None:
        return self.last_seen_px

    @property
    def change(self) -> int | None:
        """Last price minus the session's opening price (raw), when both are known."""
        last = self.last_px
        return None if last is None or self.open_px is None else last - self.open_px

    def history(self, now: float, count: int, gaps: list[FeedGap]) -> list[int | None]:
        """The last ``count`` points, oldest first: the last price in each 15 s bucket,
        carried forward through quiet buckets; None before any price and while the feed
        was down (a break, not a flat line)."""
        newest = int(now // BUCKET_SECONDS)
        first = newest - count + 1
        by_bucket = dict(self._points)
        carried = None
        for bucket, px in self._points:  # the price standing when the window opens
            if bucket < first:
                carried = px
        down = [(int(g.start // BUCKET_SECONDS),
                 int((g.end if g.end is not None else now) // BUCKET_SECONDS)) for g in gaps]
        out: list[int | None] = []
        for bucket in range(first, newest + 1):
            if bucket in by_bucket:
                carried = by_bucket[bucket]
                out.append(carried)
            elif any(a < bucket <= b for a, b in down):
                out.append(None)  # the feed was down for this whole bucket's span
            else:
                out.append(carried)
        return out


def spark(points: list[int | None], low: int | None = None, high: int | None = None) -> str:
    """Eight-level block sparkline; a space where there is no data (a break)."""
    bars = "▁▂▃▄▅▆▇█"
    known = [p for p in points if p is not None]
    if not known:
        return " " * len(points)
    lo = min(known) if low is None else low
    hi = max(known) if high is None else high
    span = hi - lo
    out = []
    for p in points:
        if p is None:
            out.append(" ")
        elif span <= 0:
            out.append(bars[3])
        else:
            out.append(bars[min(7, (p - lo) * 8 // span)])
    return "".join(out)
