"""The ladder's row model: what one price row shows (its key), and how columns are laid out.

Pure values and text; the Ladder widget keys its strip cache on RowKey, so a row is
repainted only when what it shows changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tui.core.prices import Scales

# (mine, bid qty, offer qty, best bid?, best offer?, last trade?, avg entry?, close P&L)
Mine = tuple[tuple[str, str], ...]  # (text, kind) with kind buy | sell | pending
RowKey = tuple[Mine, int | None, int | None, bool, bool, bool, bool, int | None]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One book and my orders, indexed by YES price; row keys are computed per visible row."""

    bids: dict[int, int]
    offers: dict[int, int]
    mine: dict[int, Mine]
    best_bid: int | None = None
    best_offer: int | None = None
    last: int | None = None
    net: int = 0  # my position, raw YES contracts
    cost: int = 0  # its cost basis, raw notional
    avg: int | None = None  # average entry as a YES price on the tick

    def key(self, price: int) -> RowKey:
        # what closing the whole position at this YES price would realise, raw notional
        pnl = self.net * price - self.cost if self.net else None
        return (self.mine.get(price, ()), self.bids.get(price), self.offers.get(price),
                price == self.best_bid, price == self.best_offer, price == self.last,
                price == self.avg, pnl)


EMPTY = Snapshot({}, {}, {})


@dataclass(frozen=True, slots=True)
class Columns:
    pad: int
    mine: int
    qty: int
    price: int
    pnl: int = 0  # the P&L-if-closed column; 0 when the ladder is too narrow for it

    @property
    def total(self) -> int:
        return self.mine + 2 * self.qty + 2 * self.price + 4 + (self.pnl + 1 if self.pnl else 0)


PNL_WIDTH = 9  # "+1,234.56"
PNL_FROM = 48  # ladder width from which the P&L column is shown


def columns_for(width: int, scales: Scales) -> Columns:
    price = len(scales.price_text(scales.max_price)) + 2
    pnl = PNL_WIDTH if width >= PNL_FROM else 0
    spare = max(0, width - 2 * price - 4 - (pnl + 1 if pnl else 0))
    qty = max(4, min(9, spare // 3))
    mine = max(4, min(12, spare - 2 * qty))
    cols = Columns(0, mine, qty, price, pnl)
    return Columns(max(0, (width - cols.total) // 2), mine, qty, price, pnl)


def pnl_text(raw: int, scales: Scales, width: int) -> str:
    """Raw notional as signed dollars with cents, rounded half away from zero."""
    unit = scales.price_scale * scales.qty_scale
    cents = (abs(raw) * 100 * 2 + unit) // (2 * unit)
    sign = "+" if raw > 0 else "-" if raw < 0 and cents else " "
    text = f"{sign}{cents // 100:,}.{cents % 100:02d}"
    return text if len(text) <= width else f"{sign}{cents // 100:,}"[:width]


def compact_qty(scales: Scales, raw: int, width: int) -> str:
    """Quantity text that fits ``width``: 12345 → 12.3k when it must."""
    text = scales.qty_text(raw)
    if len(text) <= width:
        return text
    value = scales.qty_to_decimal(raw)
    for div, suffix in ((Decimal(1_000_000), "M"), (Decimal(1_000), "k")):
        if value >= div:
            short = f"{(value / div).quantize(Decimal('0.1'))}{suffix}"
            return short if len(short) <= width else f"{(value / div):.0f}{suffix}"
    return text[:width]
