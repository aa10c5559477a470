"""What the desk knows: instruments, books, orders, positions, as plain values (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tui.core.enums import InstrumentState, OrderState, Side
from tui.core.prices import Intent, Outcome, Scales


@dataclass(slots=True)
class Instrument:
    symbol: str
    description: str
    scales: Scales
    state: InstrumentState = InstrumentState.OPEN
    category: str = ""


Level = tuple[int, int]  # (raw price, raw quantity)


@dataclass(slots=True)
class Book:
    """A full snapshot of one YES book; each gateway update replaces it whole."""

    symbol: str
    bids: list[Level] = field(default_factory=list)  # best (highest) first
    offers: list[Level] = field(default_factory=list)  # best (lowest) first
    last_trade_px: int | None = None
    last_trade_qty: int | None = None
    volume: int | None = None  # the session's shares traded, raw (None: not sent)
    open_px: int | None = None  # the session's opening price, raw YES
    transact_ns: int | None = None  # the exchange's time of this book, ns since the epoch
    received_at: float = 0.0  # monotonic time of the last message for this symbol

    @property
    def best_bid(self) -> int | None:
        return self.bids[0][0] if self.bids else None

    @property
    def best_offer(self) -> int | None:
        return self.offers[0][0] if self.offers else None


@dataclass(slots=True)
class Order:
    """An order as the venue reported it, plus what the trader meant when it was ours."""

    order_id: str
    clord_id: str
    symbol: str
    side: Side  # on the YES book
    price: int  # YES price, raw
    order_qty: int
    leaves_qty: int
    cum_qty: int = 0
    avg_px: int = 0
    state: OrderState = OrderState.PENDING_NEW
    intent: Intent | None = None  # set when this desk sent it; else derived from side
    reject_text: str = ""
    updated_at: float = 0.0
    inserted_ns: int | None = None  # the exchange's insert time, ns since the epoch

    @property
    def shown_intent(self) -> Intent:
        if self.intent is not None:
            return self.intent
        return Intent.BUY_YES if self.side is Side.BUY else Intent.SELL_YES

    def shown_price(self, scales: Scales) -> int:
        """The price in the outcome the trader traded: a NO order shows its NO price."""
        if self.shown_intent.outcome is Outcome.NO:
            return scales.complement(self.price)
        return self.price

    @property
    def is_pending(self) -> bool:
        return self.state in (OrderState.PENDING_NEW, OrderState.PENDING_CANCEL,
                              OrderState.PENDING_REPLACE)


@dataclass(slots=True)
class Position:
    symbol: str
    net: int  # raw YES contracts; negative = short YES = long NO
    qty_bought: int = 0
    qty_sold: int = 0
    cost: int = 0  # raw notional (price units x quantity units)
    realized: int = 0


@dataclass(slots=True)
class Balance:
    balance: Decimal
    buying_power: Decimal
    currency: str = "USD"


@dataclass(slots=True)
class Fill:
    exec_id: str
    order_id: str
    symbol: str
    side: Side
    price: int
    qty: int
    intent: Intent | None
    at: float


@dataclass(frozen=True, slots=True)
class Estimate:
    """A venue's estimate of an order if it were sent now (PreviewOrder)."""

    fill_qty: int  # raw quantity that would trade at once
    avg_px: int  # raw YES price of that fill (0 when nothing would fill)
    leaves_qty: int  # raw quantity that would rest (or expire, for IOC/FOK)
