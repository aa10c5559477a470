"""Fat-finger limits: a hard limit refuses a request, a soft one asks the trader to confirm.

Limits are kept in the trader's units (contracts, dollars, ticks) and compared with a
request per instrument, so one config serves markets of any price or quantity scale.
The per-order ones are checked here; the account-level ones (position, working exposure,
open orders, daily loss) need the account's state and are checked in tui/core/risk.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal, localcontext

from tui.core.enums import Side
from tui.core.model import Book, Instrument
from tui.core.money import dollars, raw_dollars
from tui.core.prices import Outcome, Scales
from tui.core.ticket import (
    OrderRequest,
    half_price_words,
    price_words,
    qty_words,
)
from tui.core.tradable import MAX_RAW, untradable

# wide enough that a sendable request's sums are exact: int64 sizes times scales up to 10^18
WIDE = Context(prec=80)
UNSENDABLE = "unsendable"


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit: ``value`` in the limit's own unit; ``hard`` refuses, soft asks."""

    value: Decimal
    hard: bool

    def __post_init__(self) -> None:
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise TypeError("a limit is an int or a Decimal, never a float")
        value = Decimal(value)
        if not value.is_finite() or value <= 0:
            raise ValueError("a limit must be more than zero")
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "hard", bool(self.hard))

    @property
    def mode(self) -> str:
        return "hard" if self.hard else "soft"


@dataclass(frozen=True, slots=True)
class Breach:
    """A limit a request goes over; ``words`` name the numbers for the trader."""

    name: str  # the config's key: max_qty, max_notional, ..., max_open_orders
    hard: bool
    words: str


@dataclass(frozen=True, slots=True)
class Limits:
    max_qty: Limit | None = None  # contracts
    max_notional: Limit | None = None  # dollars
    max_ticks_from_mid: Limit | None = None  # ticks of the instrument
    # account-level (tui/core/risk.py): the account as it would stand after the order
    max_position: Limit | None = None  # contracts net per market, working orders counted
    max_working_exposure: Limit | None = None  # dollars at risk in working orders
    max_open_orders: Limit | None = None  # working orders across markets
    max_daily_loss: Limit | None = None  # dollars lost this UTC day: hard fires the kill

    def check(self, request: OrderRequest, instrument: Instrument,
              book: Book | None) -> list[Breach]:
        """Every limit the request goes over, hard ones first; empty when it is within all.

        A request no order could carry (bad scales, a size past int64, a price off the
        tick) is one hard breach that says so: refused in words, never an exception."""
        scales = instrument.scales
        problem = unsendable(request, scales)
        if problem is not None:
            return [Breach(UNSENDABLE, True, problem)]
        with localcontext(WIDE):
            found = [b for b in (self._qty(request, scales), self._notional(request, scales),
                                 self._mid(request, scales, book, instrument.symbol)) if b]
        return sorted(found, key=lambda b: not b.hard)

    def _qty(self, request: OrderRequest, scales: Scales) -> Breach | None:
        limit = self.max_qty
        if limit is None:
            return None
        if request.cash_qty is not None:
            if request.reference_yes_price is None:
                return None
            best = _outcome_price(request, request.reference_yes_price, scales)
            if best <= 0:
                return None
            most = request.cash_qty // best  # the most raw quantity the cash could buy
            cash = raw_dollars(request.cash_qty, scales, exact=True)
            what = (f"Quantity up to {qty_words(most, scales)} "
                    f"({cash} at {price_words(best, scales)})")
        else:
            most = request.qty
            what = f"Quantity {qty_words(most, scales)}"
        if scales.qty_to_decimal(most) <= limit.value:
            return None
        return Breach("max_qty", limit.hard,
                      f"{what} is over your {limit.mode} limit of "
                      f"{_number(limit.value)}{_confirm(limit)}.")

    def _notional(self, request: OrderRequest, scales: Scales) -> Breach | None:
        limit = self.max_notional
        if limit is None:
            return None
        cost = notional(request, scales)
        if cost <= limit.value:
            return None
        return Breach("max_notional", limit.hard,
                      f"Notional {dollars(cost, exact=True)} is over your {limit.mode} limit of "
                      f"{dollars(limit.value, exact=True)}{_confirm(limit)}.")

    def _mid(self, request: OrderRequest, scales: Scales, book: Book | None,
             symbol: str) -> Breach | None:
        limit = self.max_ticks_from_mid
        if limit is None:
            return None
        bid = book.best_bid if book is not None and book.symbol == symbol else None
        offer = book.best_offer if book is not None and book.symbol == symbol else None
        if bid is None or offer is None:
            # no mid to measure from: a band the trader set cannot be checked, so say so
            return Breach("max_ticks_from_mid", limit.hard,
                          f"There is no mid to check your {limit.mode} "
                          f"{_number(limit.value)}-tick band against (the book is "
                          f"{'empty' if bid is None and offer is None else 'one-sided'})"
                          f"{_confirm(limit)}.")
        twice_mid = bid + offer  # YES mid, doubled so it stays an integer
        ticks = Decimal(abs(2 * request.yes_price - twice_mid)) / Decimal(2 * scales.tick)
        if ticks <= limit.value:
            return None
        if request.intent.outcome is Outcome.NO:  # the same distance, in the trader's terms
            twice_mid = 2 * scales.price_scale - twice_mid
        unit = "tick" if ticks == 1 else "ticks"
        return Breach("max_ticks_from_mid", limit.hard,
                      f"Price {price_words(request.price, scales)} is {_number(ticks)} {unit} "
                      f"from the mid {half_price_words(twice_mid, scales)}; your {limit.mode} "
                      f"limit is {_number(limit.value)}{_confirm(limit)}.")


def unsendable(request: OrderRequest, scales: Scales) -> str | None:
    """Why no order could carry this request, or None: checked before any sum on it."""
    reason = untradable(scales)
    if reason is not None:
        return reason
    for price in (request.yes_price, request.price):
        if not (_whole(price) and scales.in_bounds(price) and scales.on_tick(price)):
            return "The order's price is not a valid price on this market's tick."
    if request.cash_qty is not None:
        if not _whole(request.cash_qty) or not 0 < request.cash_qty <= MAX_RAW:
            return "The cash amount is not one an order can carry."
        if request.reference_yes_price is not None and not _whole(request.reference_yes_price):
            return "The order's reference price is not a number of price units."
    if not _whole(request.qty) or not 0 <= request.qty <= MAX_RAW:
        return "The quantity is not one an order can carry."
    return None


def notional(request: OrderRequest, scales: Scales) -> Decimal:
    """Worst-case dollars at risk: the collateral of the YES-book side, or the cash amount.

    A YES buy at p risks p; a YES sell at p (selling YES, or buying NO at 1 - p) risks 1 - p.
    So SELL NO 0.05 (a YES buy at 0.95) risks 0.95 a contract, not the 0.05 premium.
    """
    if request.cash_qty is not None:
        raw = request.cash_qty
    else:
        per = (request.yes_price if request.yes_side is Side.BUY
               else scales.price_scale - request.yes_price)
        raw = request.qty * per
    return Decimal(raw) / Decimal(scales.price_scale * scales.qty_scale)


def hard(breaches: list[Breach]) -> list[Breach]:
    """The breaches that refuse the request."""
    return [b for b in breaches if b.hard]


def soft(breaches: list[Breach]) -> list[Breach]:
    """The breaches the trader may confirm past."""
    return [b for b in breaches if not b.hard]


def _outcome_price(request: OrderRequest, yes_price: int, scales: Scales) -> int:
    if request.intent.outcome is Outcome.NO:
        return scales.complement(yes_price)
    return yes_price


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Decimal) -> str:
    with localcontext() as ctx:  # exact: a limit of 30 digits is not shown rounded to 28
        ctx.prec = max(ctx.prec, len(value.as_tuple().digits))
        return f"{value.normalize():,f}"


def _confirm(limit: Limit) -> str:
    return "" if limit.hard else " (confirm to send)"
