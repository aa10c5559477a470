"""Fan-out of exchange events to stream subscribers, coalescing market data per subscriber.

Market data is not queued per tick: a subscriber keeps a set of dirty symbols and sends
each one's current book when it wakes, so a slow reader gets the latest, never a backlog.
Order and position events are queued in order: every execution matters.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from tui.sim.exchange import Exchange
from tui.sim.model import BookChanged, CancelRejectReport, ExecReport, PositionChanged, TradePrint


@dataclass(eq=False)
class Subscriber:
    symbols: frozenset[str] | None  # None = every symbol
    accounts: frozenset[str] = frozenset()
    dirty: set[str] = field(default_factory=set)
    queue: asyncio.Queue[object] = field(default_factory=asyncio.Queue)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    dropped: bool = False

    def wants(self, symbol: str) -> bool:
        return self.symbols is None or symbol in self.symbols


class Hub:
    def __init__(self, exchange: Exchange) -> None:
        self.market: set[Subscriber] = set()
        self.orders: set[Subscriber] = set()
        self.positions: set[Subscriber] = set()
        exchange.add_listener(self._on_event)

    def _on_event(self, event: object) -> None:
        if isinstance(event, BookChanged | TradePrint):
            for sub in self.market:
                if sub.wants(event.symbol):
                    sub.dirty.add(event.symbol)
                    sub.wake.set()
        elif isinstance(event, ExecReport):
            self._queue(self.orders, event.order.account, event.order.symbol, event)
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
        for subs in (self.market, self.orders, self.positions):
            for sub in subs:
                sub.dropped = True
                sub.wake.set()
                count += 1
        return count

    @property
    def stream_count(self) -> int:
        return len(self.market) + len(self.orders) + len(self.positions)
