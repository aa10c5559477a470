"""A CLOB market's tick as it changes near the ends of the range (docs/spec/global-clob.md §6.5):
a cent-tick market trades in tenths of a cent while its price is above 0.96 or below 0.04, and
in cents again when it comes back inside.

The engine keeps one fixed tick per instrument, so a market that changes is one whose engine
tick is the finer one; the CLOB enforces the coarser tick in the middle of the range, and the
synthetic traders quote on the CLOB's grid (``raw_tick``). The tick follows the book: the best
bid above 0.96 or the best offer below 0.04 makes it fine. Resting orders are left where they
are when it widens (the spec leaves their fate open); new ones off the grid are refused.
"""

from __future__ import annotations

from decimal import Decimal

from tui.sim.exchange import Exchange
from tui.sim.model import SimInstrument

# the demo's market whose tick changes; its engine tick is 0.001
DYNAMIC = frozenset({"AEC-CUL-OSCARS-STREAMER-2027"})
COARSE, FINE = Decimal("0.01"), Decimal("0.001")
LOW, HIGH = Decimal("0.04"), Decimal("0.96")


class ClobTicks:
    def __init__(self, exchange: Exchange, dynamic: frozenset[str] = DYNAMIC) -> None:
        self._ex = exchange
        self.dynamic = frozenset(s for s in dynamic if s in exchange.instruments)
        for symbol in self.dynamic:
            if exchange.instruments[symbol].tick_size != FINE:
                raise ValueError(f"{symbol}: a market whose tick changes needs an engine tick "
                                 f"of {FINE}")

    def tick(self, symbol: str) -> Decimal:
        """The market's tick now, in dollars."""
        inst = self._ex.instruments[symbol]
        if symbol not in self.dynamic:
            return inst.tick_size
        bid, ask = self._ex.best(symbol)
        sc = inst.scales
        if ((bid is not None and sc.to_decimal(bid) > HIGH)
                or (ask is not None and sc.to_decimal(ask) < LOW)):
            return FINE
        return COARSE

    def raw_tick(self, inst: SimInstrument) -> int:
        """The tick in the engine's price units: the grid the synthetic traders quote on."""
        if inst.symbol not in self.dynamic:  # asked per quote: a fixed tick needs no Decimal
            return inst.scales.tick
        return int(self.tick(inst.symbol) * inst.scales.price_scale)
