"""The embedded exchange's records: instruments, orders, reports, events, positions, cash.

Prices and quantities are raw integers in the instrument's price_scale / qty_scale (spec §3.2);
money is integer notional (raw px × raw qty) or Decimal dollars. Never float.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from tui.core.enums import (
    CxlRejReason,
    ExecType,
    InstrumentState,
    OrderState,
    OrderType,
    OrdRejectReason,
    Side,
    TimeInForce,
)
from tui.core.prices import Scales


@dataclass(slots=True)
class SimInstrument:
    """A YES instrument of a binary event market; the only instrument with a book."""

    symbol: str
    description: str
    scales: Scales
    tick_size: Decimal  # dollars, as refdata publishes it
    state: InstrumentState = InstrumentState.OPEN
    metadata: dict[str, str] = field(default_factory=dict)
    start_fair: Decimal = Decimal("0.50")  # where the synthetic flow starts its fair value
    max_qty: int | None = None  # raw; None = no upper order size limit

    def __post_init__(self) -> None:
        # the two spellings of the tick must agree or validation and refdata would disagree
        if self.tick_size * self.scales.price_scale != self.scales.tick:
            raise ValueError(f"{self.symbol}: tick_size {self.tick_size} does not match "
                             f"{self.scales.tick} raw at scale {self.scales.price_scale}")

    @classmethod
    def make(cls, symbol: str, description: str, *, price_scale: int, tick_size: str,
             qty_scale: int = 1, min_qty: int = 1, **kw: Any) -> SimInstrument:
        scales = Scales.from_refdata(price_scale, tick_size, qty_scale, min_qty)
        return cls(symbol, description, scales, Decimal(tick_size), **kw)


@dataclass(slots=True)
class SimOrder:
    order_id: str
    clord_id: str
    account: str
    participant: str
    symbol: str
    side: Side
    type: OrderType
    tif: TimeInForce
    price: int
    order_qty: int
    cum_qty: int = 0
    leaves_qty: int = 0
    avg_px: int = 0  # raw, volume-weighted, rounded half up to an integer
    state: OrderState = OrderState.NEW
    insert_time: float = 0.0
    create_time: float = 0.0
    last_transact_time: float = 0.0
    good_till_time: float | None = None
    participate_dont_initiate: bool = False
    price_scale: int = 0
    qty_scale: int = 1
    last_trade_id: str = ""
    filled_notional: int = 0  # Σ raw px × raw qty over fills; avg_px derives from it
    parent_order_id: str = ""  # on a replacement: the order id it took over from
    # a buy sized by cash (raw notional, px × qty units): it spends at most this much
    cash_order_qty: int = 0
    cross_id: str = ""  # a cross's legs: the client's cross id and the exchange's
    host_cross_id: str = ""

    def snapshot(self) -> SimOrder:
        return replace(self)

    def apply_fill(self, qty: int, px: int, trade_id: str, when: float) -> None:
        self.cum_qty += qty
        self.leaves_qty -= qty
        self.filled_notional += qty * px
        self.avg_px = avg_price(self.filled_notional, self.cum_qty)
        self.state = OrderState.FILLED if self.leaves_qty == 0 else OrderState.PARTIALLY_FILLED
        self.last_trade_id = trade_id
        self.last_transact_time = when


def avg_price(notional: int, qty: int) -> int:
    """Volume-weighted raw price of ``qty`` bought for ``notional``, rounded half up."""
    return (2 * notional + qty) // (2 * qty) if qty else 0


@dataclass(frozen=True, slots=True)
class ExecReport:
    exec_id: str
    order: SimOrder  # a snapshot: the order as of this execution
    type: ExecType
    transact_time: float
    last_shares: int = 0
    last_px: int = 0
    trade_id: str = ""
    aggressor: bool = False
    reject_reason: OrdRejectReason = OrdRejectReason.EXCHANGE_OPTION
    text: str = ""
    # on REPLACE (both reports: the old order's and the new one's): the replaced order id
    replaced_order_id: str = ""
    # place in the exchange's execution journal, from 1 (0: not kept, synthetic flow); drop
    # copy resume tokens and report page tokens are positions in it
    seq: int = 0

    @property
    def account(self) -> str:
        return self.order.account

    @property
    def symbol(self) -> str:
        return self.order.symbol


def firm_of(account: str) -> str:
    """The firm segment of an account or participant name (``firms/<firm>/...``)."""
    parts = account.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "firms" else ""


@dataclass(frozen=True, slots=True)
class Trade:
    """One trade: the two fills one match made, the aggressor's first (see Journals)."""

    trade_id: str
    aggressor: ExecReport
    passive: ExecReport

    @property
    def fills(self) -> tuple[ExecReport, ExecReport]:
        return self.aggressor, self.passive

    @property
    def host_cross_id(self) -> str:
        """The exchange's id of the cross this trade executed ("" if not a cross)."""
        return self.aggressor.order.host_cross_id


@dataclass(frozen=True, slots=True)
class CancelRejectReport:
    account: str
    order_id: str
    clord_id: str
    reason: CxlRejReason
    text: str
    is_replace: bool
    transact_time: float


@dataclass(frozen=True, slots=True)
class BookChanged:
    symbol: str


@dataclass(frozen=True, slots=True)
class TradePrint:
    """One trade, with the symbol's session statistics right after it (raw ints).

    Events are delivered after the whole command, when the live stats already include any
    later trades of the same sweep; so each print carries its own copy of them.
    """

    symbol: str
    px: int
    qty: int
    aggressor_side: Side
    trade_id: str
    time: float
    volume: int  # cumulative raw quantity traded this session, this trade included
    notional: int  # cumulative raw px × raw qty, this trade included
    open_px: int
    high_px: int
    low_px: int

    def stats_dict(self) -> dict[str, int | None]:
        """InstrumentStats as of this trade, named as SimStats.as_dict names them."""
        return {"open_px": self.open_px, "high_px": self.high_px, "low_px": self.low_px,
                "last_trade_px": self.px, "last_trade_qty": self.qty,
                "shares_traded": self.volume, "notional_traded": self.notional}


@dataclass(frozen=True, slots=True)
class PositionChanged:
    account: str
    symbol: str
    trade_id: str = ""  # the trade that moved it last (retail's position frame names it)
    # the position as this command left it (a listener's own command may move it again);
    # None for an account whose history is not kept (the synthetic flow's): no copy is made
    position: SimPosition | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class InstrumentStateChanged:
    """An operator moved a market to another state (halted, expired, ...)."""

    symbol: str
    old: InstrumentState
    new: InstrumentState
    time: float


@dataclass(slots=True)
class SimPosition:
    """Net YES position by the average-cost method.

    cost is the signed YES cost basis of the open position (long +, short −) and realized the
    closed P&L, both in notional units (raw px × raw qty); dollars = value / (ps × qs).
    A short YES position is |n| NO contracts held: their cash outlay is |n| × ps + cost
    (1 − p per contract), so realized P&L always equals the cash a round trip made.
    """

    account: str
    symbol: str
    net_position: int = 0
    qty_bought: int = 0
    qty_sold: int = 0
    cost: int = 0
    realized: int = 0
    update_time: float = 0.0

    def apply(self, signed_qty: int, px: int, when: float) -> None:
        if signed_qty > 0:
            self.qty_bought += signed_qty
        else:
            self.qty_sold -= signed_qty
        if self.net_position and (self.net_position > 0) != (signed_qty > 0):
            closed = min(abs(signed_qty), abs(self.net_position))
            # share of the basis that leaves with the closed quantity; all of it when flat
            removed = _share(self.cost, closed, abs(self.net_position))
            step = closed if signed_qty > 0 else -closed
            self.realized += -step * px - removed
            self.cost -= removed
            self.net_position += step
            signed_qty -= step
        self.cost += signed_qty * px
        self.net_position += signed_qty
        self.update_time = when

    def avg_cost(self) -> Decimal | None:
        """Average open price in raw price units, or None when flat."""
        if not self.net_position:
            return None
        return Decimal(self.cost) / Decimal(self.net_position)


def _share(total: int, part: int, whole: int) -> int:
    # truncate toward zero so a long's and a short's basis round the same way
    magnitude = abs(total) * part // whole
    return magnitude if total >= 0 else -magnitude


@dataclass(slots=True)
class SimBalance:
    account: str
    cash: Decimal
    starting_cash: Decimal


@dataclass(slots=True)
class SimStats:
    """Session statistics for one symbol; raw ints, None until the first trade (the
    settlement price: until the market settles)."""

    symbol: str
    last_px: int | None = None
    last_qty: int | None = None
    open_px: int | None = None
    high_px: int | None = None
    low_px: int | None = None
    volume: int = 0  # raw quantity traded this session
    notional: int = 0  # raw px × raw qty traded this session
    trades: int = 0
    settlement_px: int | None = None  # set once, by Exchange.settle_market

    def record(self, px: int, qty: int) -> None:
        if self.open_px is None:
            self.open_px = px
        self.high_px = px if self.high_px is None else max(self.high_px, px)
        self.low_px = px if self.low_px is None else min(self.low_px, px)
        self.last_px, self.last_qty = px, qty
        self.volume += qty
        self.notional += px * qty
        self.trades += 1

    def as_dict(self) -> dict[str, int | None]:
        """The gateway's InstrumentStats field names (spec §5)."""
        return {"open_px": self.open_px, "high_px": self.high_px, "low_px": self.low_px,
                "last_trade_px": self.last_px, "last_trade_qty": self.last_qty,
                "shares_traded": self.volume, "notional_traded": self.notional,
                "settlement_px": self.settlement_px}


@dataclass(frozen=True, slots=True)
class LoggedCommand:
    """One command as the exchange received it, and what became of it."""

    kind: str  # "insert" | "cancel" | "replace"
    time: float
    params: dict[str, Any]
    order_id: str  # the order it created or addressed ("" if none)
    outcome: str  # "accepted" | "rejected" | "duplicate"
    text: str = ""
