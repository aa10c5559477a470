"""Prices and quantities as integers; Decimal only at the edges. Never float.

The gateway sends int64 prices scaled by each instrument's ``price_scale`` (a divisor:
raw 550 with scale 1000 is $0.550). A binary market has one book, the YES book; a NO
price is ``1 - YES`` and buying NO at X is selling YES at 1 - X.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

from tui.core.enums import Side

PRICE_MIN = Decimal("0.01")
PRICE_MAX = Decimal("0.99")


class Outcome(Enum):
    YES = "YES"
    NO = "NO"

    @property
    def other(self) -> Outcome:
        return Outcome.NO if self is Outcome.YES else Outcome.YES


class Intent(Enum):
    """What the trader means; the venue's side and YES price are derived from it."""

    BUY_YES = ("BUY", Outcome.YES)
    SELL_YES = ("SELL", Outcome.YES)
    BUY_NO = ("BUY", Outcome.NO)
    SELL_NO = ("SELL", Outcome.NO)

    @property
    def is_buy(self) -> bool:
        return self.value[0] == "BUY"

    @property
    def outcome(self) -> Outcome:
        return self.value[1]

    @property
    def label(self) -> str:
        return f"{self.value[0]} {self.outcome.value}"

    @classmethod
    def of(cls, buy: bool, outcome: Outcome) -> Intent:
        return {
            (True, Outcome.YES): cls.BUY_YES,
            (False, Outcome.YES): cls.SELL_YES,
            (True, Outcome.NO): cls.BUY_NO,
            (False, Outcome.NO): cls.SELL_NO,
        }[(buy, outcome)]

    @property
    def yes_side(self) -> Side:
        """The side on the YES book: buying NO sells YES, selling NO buys YES."""
        buys_yes = self.is_buy == (self.outcome is Outcome.YES)
        return Side.BUY if buys_yes else Side.SELL


@dataclass(frozen=True, slots=True)
class Scales:
    """Scales: raw price = dollars × price_scale; raw qty = contracts × qty_scale."""

    price_scale: int
    tick: int  # raw price units per tick
    qty_scale: int = 1
    min_qty: int = 1  # raw quantity units

    @classmethod
    def from_refdata(
        cls, price_scale: int, tick_size: float | str | Decimal, qty_scale: int = 1,
        min_qty: int = 1,
    ) -> Scales:
        # tick_size is a proto double in dollars; go through its shortest repr, not its binary value
        tick_dollars = Decimal(repr(tick_size)) if isinstance(tick_size, float) else Decimal(
            str(tick_size))
        tick = tick_dollars * price_scale
        if tick != tick.to_integral_value() or tick <= 0:
            raise ValueError(f"tick size {tick_size} is not a whole number of price units "
                             f"at scale {price_scale}")
        return cls(price_scale=price_scale, tick=int(tick), qty_scale=max(qty_scale, 1),
                   min_qty=max(min_qty, 1))

    # --- prices -------------------------------------------------------------------
    @property
    def min_price(self) -> int:
        """The lowest price on the tick at or above 0.01 (exact: integers, never truncated)."""
        return _ceil_to(-(-self.price_scale // 100), max(self.tick, 1))

    @property
    def max_price(self) -> int:
        """The highest price on the tick at or below 0.99."""
        step = max(self.tick, 1)
        return (99 * self.price_scale // 100) // step * step

    def to_decimal(self, raw: int) -> Decimal:
        return Decimal(raw) / Decimal(self.price_scale)

    def to_raw(self, price: Decimal) -> int:
        """Exact conversion; raises ValueError when the price has more precision than the scale."""
        raw = price * self.price_scale
        if raw != raw.to_integral_value():
            raise ValueError(f"{price} is finer than this market's price scale")
        return int(raw)

    def on_tick(self, raw: int) -> bool:
        return self.tick > 0 and raw % self.tick == 0

    def in_bounds(self, raw: int) -> bool:
        """Within 0.01-0.99, compared in integers (exact at any scale)."""
        return self.price_scale <= 100 * raw <= 99 * self.price_scale

    def complement(self, raw: int) -> int:
        """The other outcome's price: NO = 1 - YES."""
        return self.price_scale - raw

    def price_text(self, raw: int) -> str:
        """The price to the tick's places, or more when it is off the tick (an order left
        behind by a tick that widened must not read as another price)."""
        value = self.to_decimal(raw)
        places = 2
        for exponent in (self.to_decimal(self.tick).normalize().as_tuple().exponent,
                         value.normalize().as_tuple().exponent):
            if isinstance(exponent, int):
                places = max(places, -exponent)
        return f"{value:.{places}f}"

    # --- quantities ---------------------------------------------------------------
    def qty_to_decimal(self, raw: int) -> Decimal:
        return Decimal(raw) / Decimal(self.qty_scale)

    def qty_to_raw(self, qty: Decimal) -> int:
        raw = qty * self.qty_scale
        if raw != raw.to_integral_value():
            raise ValueError(f"{qty} is finer than this market's quantity scale")
        return int(raw)

    def qty_text(self, raw: int) -> str:
        if self.qty_scale == 1:
            return str(raw)
        return f"{self.qty_to_decimal(raw).normalize():f}"


def _ceil_to(value: int, step: int) -> int:
    return -(-value // step) * step


def parse_decimal(text: str) -> Decimal | None:
    """A trader's typed number, or None when it is not one."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def yes_order(intent: Intent, price_raw: int, scales: Scales) -> tuple[Side, int]:
    """The YES-book side and YES price for a trader's intent at a price of the intent's outcome."""
    yes_price = price_raw if intent.outcome is Outcome.YES else scales.complement(price_raw)
    return intent.yes_side, yes_price
