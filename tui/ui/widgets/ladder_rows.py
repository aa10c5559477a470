"""The ladder's row model: what one price row shows (its key), and how columns are laid out.

Pure values and text; the Ladder widget keys its strip cache on RowKey, so a row is
repainted only when what it shows changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from tui.core.model import Position
from tui.core.money import dollars
from tui.core.pnl import close_pnl
from tui.core.prices import Scales

Mine = tuple[tuple[str, str], ...]  # (text, kind) with kind buy | sell | pending


class RowKey(NamedTuple):
    mine: Mine
    bid: int | None  # size shown (or cumulative size, in cumulative mode)
    offer: int | None
    best_bid: bool
    best_offer: bool
    last: str  # "" | "up" | "down" | "flat": the last trade was here, and its direction
    avg: bool  # my average entry is here
    pnl: Decimal | None  # dollars closing the whole position here would realise
    vol: int | None  # session volume traded here (raw)
    ltq: int | None  # size of the latest trade here (raw)
    ahead: int | None  # estimated size ahead of my best-placed order here (raw)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One book and my orders, indexed by YES price; row keys are computed per visible row."""

    bids: dict[int, int]
    offers: dict[int, int]
    mine: dict[int, Mine]
    best_bid: int | None = None
    best_offer: int | None = None
    last: int | None = None
    last_dir: str = "flat"
    held: Position | None = None  # my open position here (a copy), None when flat
    scales: Scales | None = None
    avg: int | None = None  # average entry as a YES price on the tick
    vol: dict[int, int] = field(default_factory=dict)
    ltq: dict[int, int] = field(default_factory=dict)
    ahead: dict[int, int] = field(default_factory=dict)

    def key(self, price: int) -> RowKey:
        pnl = (close_pnl(self.held, self.scales, price)
               if self.held is not None and self.scales is not None else None)
        return RowKey(self.mine.get(price, ()), self.bids.get(price), self.offers.get(price),
                      price == self.best_bid, price == self.best_offer,
                      self.last_dir if price == self.last else "", price == self.avg, pnl,
                      self.vol.get(price), self.ltq.get(price), self.ahead.get(price))


EMPTY = Snapshot({}, {}, {})


def cumulative(levels: list[tuple[int, int]]) -> dict[int, int]:
    """Size available from the inside out to each level (best first in ``levels``)."""
    total, out = 0, {}
    for price, qty in levels:
        total += qty
        out[price] = total
    return out


# the optional columns, in their place left to right; the trader's order says which fit first
OPTIONAL = ("no", "vol", "ltq", "ahead", "pnl")
DEFAULT_ORDER = ("no", "ahead", "vol", "pnl", "ltq")  # v rotates it
TITLES = {"no": "NO", "vol": "vol", "ltq": "last", "ahead": "qpos", "pnl": "if closed"}
WIDTHS = {"vol": 5, "ltq": 5, "ahead": 4, "pnl": 9}  # "12.3k", "12k", "+1,234.56"
MINE_MIN, QTY_MIN = 6, 5  # "BN 100" must fit before any optional column


@dataclass(frozen=True, slots=True)
class Columns:
    pad: int
    mine: int
    qty: int
    price: int
    shown: tuple[str, ...] = ()  # optional columns shown, in canonical order
    widths: dict[str, int] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.shown


def _fixed(mine: int, qty: int, price: int) -> int:
    return mine + 1 + qty + 1 + price + 1 + qty  # mine ◆ bid YES offer, with spaces


def columns_for(width: int, scales: Scales, order: tuple[str, ...] = DEFAULT_ORDER
                ) -> Columns:
    """Fit the core columns, then optional ones in the trader's order, then grow sizes."""
    price = len(scales.price_text(scales.max_price)) + 1
    widths = {"no": price, **WIDTHS}
    used = _fixed(MINE_MIN, QTY_MIN, price)
    shown: list[str] = []
    for name in order:
        if used + widths[name] + 1 <= width:
            shown.append(name)
            used += widths[name] + 1
    spare = max(0, width - used)
    if spare >= 2 + (2 if "no" in shown else 0):  # breathing room around the prices
        price += 1
        spare -= 2 if "no" in shown else 1
        widths["no"] = price
    grow_qty = min(9 - QTY_MIN, spare // 3)
    spare -= 2 * grow_qty
    grow_mine = min(12 - MINE_MIN, spare)
    spare -= grow_mine
    canonical = tuple(n for n in OPTIONAL if n in shown)
    return Columns(spare // 2, MINE_MIN + grow_mine, QTY_MIN + grow_qty, price, canonical,
                   widths)


def titles_line(c: Columns, cumulative: bool) -> str:
    """Column headings aligned with the rows (the header's second line)."""
    bid, offer = ("Σbid", "Σoffer") if cumulative else ("bid", "offer")
    text = (" " * c.pad + "mine".rjust(c.mine) + " " + bid[:c.qty].rjust(c.qty) + " "
            + "YES".center(c.price))
    if c.has("no"):
        text += " " + "NO".center(c.price)
    text += " " + offer[:c.qty].ljust(c.qty)
    for name in c.shown:
        if name != "no":
            text += " " + TITLES[name].rjust(c.widths[name])
    return text


def pnl_text(amount: Decimal, width: int) -> str:
    """Signed dollars with cents ('+1,234.56'); whole dollars when that does not fit."""
    text = dollars(amount, signed=True, symbol=False)
    return text if len(text) <= width else text.rsplit(".", 1)[0][:width]


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
