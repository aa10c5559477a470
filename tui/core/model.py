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
    # words a trader may find it by besides its name: its event, series, league, teams
    tags: tuple[str, ...] = ()


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
    settlement_px: int | None = None  # raw YES: what the market settled at, once it has

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


@dataclass(frozen=True, slots=True)
class Holding:
    """Contracts of one outcome held, and what they cost (raw integers, never float)."""

    qty: int = 0  # raw contracts of this outcome
    cost: int = 0  # raw notional paid for them: this outcome's raw price × raw qty


@dataclass(slots=True)
class Position:
    """What an account holds in one market, per outcome: YES and NO are held separately (the
    global CLOB holds two tokens, and a wallet may hold both at once). A YES and a NO held
    together are a pair worth exactly $1 at settlement.

    Today's venues report a net YES position; ``from_net`` turns it into one holding (a short
    of q YES is q NO held). ``net`` is YES − NO in YES contracts: what the ladder, tables,
    ticket and flatten read.
    """

    symbol: str
    yes: Holding = Holding()
    no: Holding = Holding()
    realized: int = 0  # raw notional already realised
    # YES contracts bought and sold as the venue counts them (recorded, not used for P&L)
    qty_bought: int = 0
    qty_sold: int = 0

    @classmethod
    def from_net(cls, symbol: str, net: int, qty_bought: int = 0, qty_sold: int = 0,
                 cost: int = 0, realized: int = 0, *, scales: Scales) -> Position:
        """A venue's net YES report (net raw YES contracts, negative = long NO; cost the signed
        raw YES notional, negative for a short) as the one holding it is. Selling q YES at y
        (cost −q·y) is holding q NO bought at $1 − y: their cost is q·$1 + cost, exactly."""
        if net > 0:
            return cls(symbol, yes=Holding(net, cost), realized=realized,
                       qty_bought=qty_bought, qty_sold=qty_sold)
        if net < 0:
            return cls(symbol, no=Holding(-net, -net * scales.price_scale + cost),
                       realized=realized, qty_bought=qty_bought, qty_sold=qty_sold)
        return cls(symbol, realized=realized, qty_bought=qty_bought, qty_sold=qty_sold)

    @property
    def net(self) -> int:
        """Raw YES contracts, YES − NO: negative is long NO (short YES)."""
        return self.yes.qty - self.no.qty

    @property
    def held(self) -> bool:
        """Something is held, of either outcome (a flat net may still hold pairs)."""
        return bool(self.yes.qty or self.no.qty)

    def holding(self, outcome: Outcome) -> Holding:
        return self.yes if outcome is Outcome.YES else self.no

    def net_cost(self, scales: Scales) -> int:
        """The signed raw YES notional of the same exposure (the net model's ``cost``): each
        NO held is a YES sold at $1 less what the NO cost, so pairs cancel at $1 apiece.
        ``from_net`` and this round-trip exactly."""
        return self.yes.cost + self.no.cost - self.no.qty * scales.price_scale

    def trade(self, outcome: Outcome, qty: int, price: int, fee: int = 0) -> None:
        """One outcome's contracts bought (qty > 0) or sold (qty < 0) at that outcome's raw
        price, by average cost within the outcome: a sale realises its proceeds less its share
        of the cost. Buying NO while holding YES holds both (as the global CLOB does). A fee
        (raw notional) on a buy is part of the cost; on a sale it comes off what it realises."""
        held = self.holding(outcome)
        if qty >= 0:
            after = Holding(held.qty + qty, held.cost + qty * price + fee)
        else:
            sold = -qty
            if sold > held.qty:
                raise ValueError(f"cannot sell {sold} {outcome.value}: {held.qty} held")
            removed = _share(held.cost, sold, held.qty)
            self.realized += sold * price - removed - fee
            after = Holding(held.qty - sold, held.cost - removed)
        if outcome is Outcome.YES:
            self.yes = after
        else:
            self.no = after


def _share(total: int, part: int, whole: int) -> int:
    """``total × part / whole`` truncated toward zero (the exchange's ledger rounds so)."""
    magnitude = abs(total) * part // whole
    return magnitude if total >= 0 else -magnitude


@dataclass(slots=True)
class Balance:
    balance: Decimal
    buying_power: Decimal
    currency: str = "USD"
    # what the exchange may spend of the balance (the CLOB's pUSD approval), when it is less
    # than unlimited; None where a venue has no such thing or it is unlimited
    allowance: Decimal | None = None


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
    # a synthetic fill for what a venue reported only as a total (cumulative quantity and
    # average price) with no trade ids: recorded so quantity and cost match, said so
    aggregate: bool = False
    fee: Decimal = Decimal(0)  # dollars the venue charged for it (the CLOB's taker fee)
    # the reversal of a fill whose trade failed to settle on chain (the global CLOB, §6.10):
    # its qty and fee negated, so a market's fills still sum to what is held and paid
    undone: bool = False


@dataclass(frozen=True, slots=True)
class Estimate:
    """A venue's estimate of an order if it were sent now (PreviewOrder)."""

    fill_qty: int  # raw quantity that would trade at once
    avg_px: int  # raw YES price of that fill (0 when nothing would fill)
    leaves_qty: int  # raw quantity that would rest (or expire, for IOC/FOK)
    fee: Decimal = Decimal(0)  # dollars the venue would charge for that fill
