"""The embedded exchange's tape: every trade in every market, synthetic flow's too, as
(time ns, px, qty), for GetTradeStats over a time window.

The execution journal cannot serve it: it keeps only accounts with history, and trade
statistics are market-wide. One tape per exchange, the one TradeReports the server builds
before anything trades. Bounded per symbol so a long-running exchange with synthetic flow
does not grow without end: a window reaching back past the oldest kept print covers the
kept ones only (whole-session totals come from the exchange's own stats).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from itertools import islice

from tui.sim.exchange import Exchange
from tui.sim.model import TradePrint
from tui.sim.wire import ns

MAX_PRINTS = 200_000  # per symbol
Print = tuple[int, int, int]  # (epoch ns, raw px, raw qty)


def print_time(p: Print) -> int:
    return p[0]


class Tape:
    def __init__(self, exchange: Exchange) -> None:
        self.since_ns = ns(exchange.clock())  # when it started listening
        self._prints: dict[str, deque[Print]] = {}
        exchange.add_listener(self._on_event)

    def _on_event(self, event: object) -> None:
        if isinstance(event, TradePrint):
            kept = self._prints.setdefault(event.symbol, deque(maxlen=MAX_PRINTS))
            # times never go back along a symbol's tape (a wall clock stepped back is held
            # at the last print's time), so a window is found by binary search
            when = max(ns(event.time), kept[-1][0]) if kept else ns(event.time)
            kept.append((when, event.px, event.qty))

    def prints(self, symbol: str, lo: int, hi: int) -> list[Print]:
        """The symbol's trades with lo <= time < hi, in trade order."""
        kept = self._prints.get(symbol)
        if not kept:
            return []
        first = bisect_left(kept, lo, key=print_time)
        end = bisect_left(kept, hi, lo=first, key=print_time)
        return list(islice(kept, first, end))
