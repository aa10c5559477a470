"""Walking the book without touching it: cash-quantity sizing and order previews.

Nothing here changes a book, an order or an id. ``walk`` answers "what would an order take
right now", the same way ``OrderBook.match`` would take it (best price first, then arrival
order), skipping good-till-time orders that are already due: the exchange expires those
before it matches anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.enums import OrderState, OrdRejectReason, Side, TimeInForce
from tui.matching.book import OrderBook
from tui.sim.model import SimOrder, avg_price

_IMMEDIATE = (TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL)
FOK_EXPIRED = "fill-or-kill could not fill in full"
IOC_EXPIRED = "unfilled rest of an IOC expired"


@dataclass(frozen=True, slots=True)
class Walk:
    qty: int  # raw quantity an incoming order would take now
    notional: int  # Σ raw px × raw qty of those fills


def walk(book: OrderBook, side: Side, limit: int, now: float, *, qty: int | None = None,
         cash: int | None = None) -> Walk:
    """What an order on ``side`` limited at ``limit`` would take now.

    Stops at ``qty`` (raw quantity) or when ``cash`` (raw notional) buys no more.
    """
    taken = spent = 0
    for resting in book.orders(side.opposite):
        px = resting.price
        if px > limit if side is Side.BUY else px < limit:
            break
        if resting.good_till_time is not None and resting.good_till_time <= now:
            continue  # due: the exchange expires it before matching
        want = resting.leaves_qty
        if qty is not None:
            want = min(want, qty - taken)
        if cash is not None:
            want = min(want, (cash - spent) // px)
        if want <= 0:
            break  # quantity reached, or the cash buys nothing here nor at worse prices
        taken += want
        spent += want * px
    return Walk(taken, spent)


def cash_quantity(book: OrderBook, limit: int, cash: int, now: float) -> int:
    """Raw quantity ``cash`` buys: what the book sells up to ``limit`` now, and with what
    is left, as much as can rest at ``limit``. Never costs more than ``cash``."""
    now_fill = walk(book, Side.BUY, limit, now, cash=cash)
    return now_fill.qty + (cash - now_fill.notional) // limit


@dataclass(frozen=True, slots=True)
class OrderPreview:
    """An order as the exchange would leave it if it were inserted now (never inserted).

    ``cum_qty``/``avg_px`` are the fill it would get at once; ``leaves_qty`` is what would be
    left of it, whether that rests (state NEW or PARTIALLY_FILLED) or expires at once (an
    IOC's or FOK's rest: state EXPIRED). A REJECTED preview has no fill and leaves nothing.
    """

    order: SimOrder  # order_id is "": a preview is never given an id
    reject_reason: OrdRejectReason | None = None  # set when the order would be rejected
    text: str = ""  # the reject reason or why the rest expired, in words

    @property
    def rejected(self) -> bool:
        return self.reject_reason is not None

    @property
    def state(self) -> OrderState:
        return self.order.state

    @property
    def order_qty(self) -> int:
        return self.order.order_qty

    @property
    def cum_qty(self) -> int:
        return self.order.cum_qty

    @property
    def avg_px(self) -> int:
        return self.order.avg_px

    @property
    def leaves_qty(self) -> int:
        return self.order.leaves_qty

    @property
    def notional(self) -> int:
        """Raw notional (px × qty) of the estimated fill."""
        return self.order.filled_notional


def estimate(order: SimOrder, book: OrderBook | None, now: float,
             problem: tuple[OrdRejectReason, str] | None) -> OrderPreview:
    """What inserting ``order`` (validated, with ``problem`` if refused) would do now."""
    est = order.snapshot()
    if problem is not None or book is None:
        reason, text = problem or (OrdRejectReason.UNKNOWN_SYMBOL, "unknown market")
        est.state, est.leaves_qty = OrderState.REJECTED, 0
        return OrderPreview(est, reason, text)
    fill = walk(book, order.side, order.price, now, qty=order.leaves_qty)
    if order.tif is TimeInForce.FILL_OR_KILL and fill.qty < order.leaves_qty:
        est.state = OrderState.EXPIRED
        return OrderPreview(est, text=FOK_EXPIRED)
    est.cum_qty, est.filled_notional = fill.qty, fill.notional
    est.avg_px = avg_price(fill.notional, fill.qty)
    est.leaves_qty -= fill.qty
    est.state = (OrderState.FILLED if not est.leaves_qty
                 else OrderState.PARTIALLY_FILLED if fill.qty else OrderState.NEW)
    if est.leaves_qty and order.tif in _IMMEDIATE:
        est.state = OrderState.EXPIRED
        return OrderPreview(est, text=IOC_EXPIRED)
    return OrderPreview(est)
