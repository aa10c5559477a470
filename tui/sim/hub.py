"""Fan-out of exchange events to stream subscribers, coalescing market data per subscriber.

Book changes are not queued per tick: a subscriber keeps a set of dirty symbols and sends
each one's current book when it wakes, so a slow reader gets the latest, never a backlog.
Trades are queued, in order, because a client builds its tape and volume from one update
per trade; the queue is bounded (oldest dropped) so a slow reader never grows it without
end and the matching engine never waits. Order and position events are queued in order:
every execution matters. Drop-copy subscribers get no queue, only a wake: they read the
exchange's execution journal from their own cursor, so replay and live are one path.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from tui.sim.dropcopy_journals import Journals
from tui.sim.exchange import Exchange
from tui.sim.model import (
    BookChanged,
    CancelRejectReport,
    ExecReport,
    PositionChanged,
    TradePrint,
    firm_of,
)
from tui.sim.options import MD_INTERVAL

# pending trade prints per market-data subscriber; past this the oldest are dropped and the
# client sees a shares_traded jump larger than last_trade_qty (unattributed volume)
MAX_PENDING_TRADES = 1000


def _trade_queue() -> deque[TradePrint]:
    return deque(maxlen=MAX_PENDING_TRADES)


@dataclass(eq=False)
class Subscriber:
    symbols: frozenset[str] | None  # None = every symbol
    accounts: frozenset[str] = frozenset()
    firm: str = ""  # drop copy: the firm whose executions wake it
    dirty: set[str] = field(default_factory=set)
    trades: deque[TradePrint] = field(default_factory=_trade_queue)
    trades_dropped: int = 0  # prints lost to the bound, for tests and diagnostics
    queue: asyncio.Queue[object] = field(default_factory=asyncio.Queue)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    dropped: bool = False

    def wants(self, symbol: str) -> bool:
        return self.symbols is None or symbol in self.symbols

    def add_trade(self, trade: TradePrint) -> None:
        if self.trades.maxlen is not None and len(self.trades) >= self.trades.maxlen:
            self.trades_dropped += 1  # the deque drops the oldest on append
        self.trades.append(trade)
        self.dirty.add(trade.symbol)

    def take_market(self) -> tuple[list[TradePrint], list[str]]:
        """Pending trades in trade order and the dirty symbols (sorted); both emptied.

        Build every message from one take before the next await: then the current stats
        read for the dirty symbols include exactly the trades taken, never a later one.
        """
        trades = list(self.trades)
        self.trades.clear()
        dirty, self.dirty = self.dirty, set()
        return trades, sorted(dirty)


class Hub:
    def __init__(self, exchange: Exchange, md_interval: float = MD_INTERVAL) -> None:
        self.md_interval = md_interval
        self.market: set[Subscriber] = set()
        self.orders: set[Subscriber] = set()
        self.positions: set[Subscriber] = set()
        self.dropcopy: set[Subscriber] = set()
        # trades, position and state changes kept for their DropCopyAPI streams (their own
        # subscribers, woken by the journals)
        self.journals = Journals(exchange)
        exchange.add_listener(self._on_event)

    def _on_event(self, event: object) -> None:
        if isinstance(event, TradePrint):
            for sub in self.market:
                if sub.wants(event.symbol):
                    sub.add_trade(event)
                    sub.wake.set()
        elif isinstance(event, BookChanged):
            for sub in self.market:
                if sub.wants(event.symbol):
                    sub.dirty.add(event.symbol)
                    sub.wake.set()
        elif isinstance(event, ExecReport):
            self._queue(self.orders, event.order.account, event.order.symbol, event)
            if event.seq:  # journalled: drop copy reads it from the journal
                firm = firm_of(event.account)
                for sub in self.dropcopy:
                    if sub.firm == firm and sub.wants(event.symbol):
                        sub.wake.set()
        elif isinstance(event, CancelRejectReport):
            self._queue(self.orders, event.account, None, event)
        elif isinstance(event, PositionChanged):
            self._queue(self.positions, event.account, event.symbol, event)

    @staticmethod
    def _queue(subs: set[Subscriber], account: str, symbol: str | None, event: object) -> None:
        for sub in subs:
            if account in sub.accounts and (symbol is None or sub.wants(symbol)):
                sub.queue.put_nowait(event)
                sub.wake.set()

    def add(self, kind: set[Subscriber], sub: Subscriber) -> Subscriber:
        kind.add(sub)
        return sub

    def drop_all(self) -> int:
        """Break every open stream (as a network fault would); returns how many."""
        count = 0
        for subs in (self.market, self.orders, self.positions, self.dropcopy,
                     *self.journals.subscriber_sets):
            for sub in subs:
                sub.dropped = True
                sub.wake.set()
                count += 1
        return count

    @property
    def stream_count(self) -> int:
        return (len(self.market) + len(self.orders) + len(self.positions) + len(self.dropcopy)
                + sum(len(subs) for subs in self.journals.subscriber_sets))
