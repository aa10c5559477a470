"""The embedded exchange's tape: every trade in every market, synthetic flow's too, as
(time ns, px, qty), for GetTradeStats over a time window.

The execution journal cannot serve it: it keeps only accounts with history, and trade
statistics are market-wide. One tape per exchange (``tape_of``), started when the first
front end is built, before anything trades. Bounded per symbol so a long-running exchange
with synthetic flow does not grow without end: a window reaching back past the oldest kept
print covers the kept ones only (whole-session totals come from the exchange's own stats).
"""

from __future__ import annotations

from collections import deque
from weakref import WeakKeyDictionary

from tui.sim.exchange import Exchange
from tui.sim.model import TradePrint
from tui.sim.report_time import ns

MAX_PRINTS = 200_000  # per symbol
Print = tuple[int, int, int]  # (epoch ns, raw px, raw qty)


class Tape:
    def __init__(self, exchange: Exchange) -> None:
        self.since_ns = ns(exchange.clock())  # when it started listening
        self._prints: dict[str, deque[Print]] = {}
        exchange.add_listener(self._on_event)

    def _on_event(self, event: object) -> None:
        if isinstance(event, TradePrint):
            kept = self._prints.setdefault(event.symbol, deque(maxlen=MAX_PRINTS))
            kept.append((ns(event.time), event.px, event.qty))

    def prints(self, symbol: str, lo: int, hi: int) -> list[Print]:
        """The symbol's trades with lo <= time < hi, in trade order."""
        return [p for p in self._prints.get(symbol, ()) if lo <= p[0] < hi]


# the exchange → its tape; weak, so a stopped exchange (and its tape) can go
_TAPES: WeakKeyDictionary[Exchange, Tape] = WeakKeyDictionary()


def tape_of(exchange: Exchange) -> Tape:
    tape = _TAPES.get(exchange)
    if tape is None:
        tape = _TAPES[exchange] = Tape(exchange)
    return tape
