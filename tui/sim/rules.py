"""Order validation for the embedded exchange: what a venue refuses, in plain words.

Each check returns None or (reason, text). Reasons are OrdRejectReason; a cancel-replace
maps them onto CxlRejReason by name (the enums share the names that apply to both).
"""

from __future__ import annotations

from decimal import Decimal

from tui.core.enums import (
    CxlRejReason,
    InstrumentState,
    OrderType,
    OrdRejectReason,
    Side,
    TimeInForce,
)
from tui.core.vetting import state_words
from tui.matching.book import OrderBook
from tui.sim.model import SimInstrument, SimOrder

Problem = tuple[OrdRejectReason, str]

POST_ONLY_CROSS = "post-only order would cross"
NO_BUYING_POWER = "insufficient buying power"  # checked by the exchange, on the ledger


def market_problem(inst: SimInstrument | None, symbol: str) -> Problem | None:
    if inst is None:
        return OrdRejectReason.UNKNOWN_SYMBOL, f"unknown market {symbol!r}"
    if inst.state is not InstrumentState.OPEN:  # the state named: halted, suspended, ...
        return (OrdRejectReason.EXCHANGE_CLOSED,
                f"market {symbol} is {state_words(inst.state)}, not open for trading")
    return None


def shape_problem(order_type: OrderType, side: Side) -> Problem | None:
    if order_type is not OrderType.LIMIT:
        return OrdRejectReason.INCORRECT_ORDER_TYPE, "only limit orders are accepted"
    if side not in (Side.BUY, Side.SELL):
        return OrdRejectReason.EXCHANGE_OPTION, "side must be buy or sell"
    return None


def qty_problem(inst: SimInstrument, qty: int, filled: int = 0) -> Problem | None:
    scales = inst.scales
    if qty <= 0:
        return OrdRejectReason.INCORRECT_QUANTITY, "quantity must be more than zero"
    if qty < scales.min_qty:
        return (OrdRejectReason.INCORRECT_QUANTITY,
                f"quantity must be at least {scales.qty_text(scales.min_qty)}")
    if inst.max_qty is not None and qty > inst.max_qty:
        return (OrdRejectReason.INCORRECT_QUANTITY,
                f"quantity must be at most {scales.qty_text(inst.max_qty)}")
    if qty <= filled:
        return (OrdRejectReason.INCORRECT_QUANTITY,
                f"quantity must be more than the {scales.qty_text(filled)} already filled")
    return None


def price_problem(inst: SimInstrument, price: int) -> Problem | None:
    scales = inst.scales
    if not scales.in_bounds(price):
        # say the raw number too: an out-of-range price may not be printable on this grid
        shown = scales.to_decimal(price)
        return OrdRejectReason.PRICE_OUT_OF_BOUNDS, f"price {shown} is outside 0.01–0.99"
    if not scales.on_tick(price):
        return (OrdRejectReason.INVALID_PRICE_INCREMENT,
                f"price {scales.to_decimal(price)} is not on this market's "
                f"{inst.tick_size} tick")
    return None


def as_cancel_reason(reason: OrdRejectReason) -> CxlRejReason:
    return CxlRejReason.__members__.get(reason.name, CxlRejReason.EXCHANGE_OPTION)


def dollars(inst: SimInstrument, notional: int) -> str:
    """Raw notional (px × qty units) as dollars in words: "$12.50", "$0.005"."""
    amount = Decimal(notional) / (inst.scales.price_scale * inst.scales.qty_scale)
    cents = amount.quantize(Decimal("0.01"))
    return f"${cents if cents == amount else amount.normalize():f}"


def cash_problem(order: SimOrder, inst: SimInstrument, asked_qty: int) -> Problem | None:
    """Why a cash-quantity order is refused; ``order.order_qty`` is what its cash buys and
    ``asked_qty`` the quantity the request gave besides (0 when it gave none)."""
    scales, cash = inst.scales, order.cash_order_qty
    if cash <= 0:
        return OrdRejectReason.INCORRECT_QUANTITY, "cash amount must be more than zero"
    if order.side is not Side.BUY:
        return OrdRejectReason.INCORRECT_QUANTITY, "a cash amount is for buy orders only"
    if asked_qty:
        return (OrdRejectReason.INCORRECT_QUANTITY,
                "give a quantity or a cash amount, not both")
    problem = price_problem(inst, order.price)
    if problem is None and order.order_qty < scales.min_qty:
        return (OrdRejectReason.INCORRECT_QUANTITY,
                f"{dollars(inst, cash)} buys less than the minimum quantity of "
                f"{scales.qty_text(scales.min_qty)} at {scales.price_text(order.price)}")
    return problem or qty_problem(inst, order.order_qty)


def insert_problem(order: SimOrder, inst: SimInstrument | None, book: OrderBook | None,
                   now: float, *, known_account: bool, asked_qty: int) -> Problem | None:
    """Why a new order is refused, checked in the order a trader would fix things.

    ``asked_qty`` is the quantity the request gave; it differs from ``order.order_qty`` only
    when a cash amount sized the order.
    """
    if not known_account:
        return OrdRejectReason.EXCHANGE_OPTION, f"unknown account {order.account!r}"
    problem = market_problem(inst, order.symbol) or shape_problem(order.type, order.side)
    if problem or inst is None or book is None:
        return problem
    if order.tif is TimeInForce.GOOD_TILL_TIME and (
            order.good_till_time is None or order.good_till_time <= now):
        return OrdRejectReason.EXCHANGE_OPTION, "good-till-time needs a future expiry time"
    if order.cash_order_qty:
        problem = cash_problem(order, inst, asked_qty)
    else:
        problem = qty_problem(inst, order.order_qty) or price_problem(inst, order.price)
    if problem is None and order.participate_dont_initiate and book.would_cross(
            order.side, order.price):
        problem = OrdRejectReason.EXCHANGE_OPTION, POST_ONLY_CROSS
    return problem


def replace_problem(old: SimOrder | None, inst: SimInstrument | None, book: OrderBook | None,
                    price: int, qty: int, *, clord_taken: bool, new: SimOrder | None = None,
                    now: float = 0.0) -> tuple[CxlRejReason, str] | None:
    """Why a cancel-replace is refused; ``old`` is None when the order is not working.

    ``new`` is the replacement when the replace changes its terms (tif, post-only, expiry):
    they are checked as an insert's are."""
    if old is None or inst is None or book is None:
        return CxlRejReason.UNKNOWN_ORDER, "order is not working (unknown, done, or not yours)"
    terms = new or old
    problem = (market_problem(inst, old.symbol) or qty_problem(inst, qty, old.cum_qty)
               or price_problem(inst, price))
    if problem is None and new is not None and new.tif is TimeInForce.GOOD_TILL_TIME and (
            new.good_till_time is None or new.good_till_time <= now):
        problem = OrdRejectReason.EXCHANGE_OPTION, "good-till-time needs a future expiry time"
    if problem is None and new is not None and new.tif is not TimeInForce.GOOD_TILL_TIME and (
            new.good_till_time is not None):
        problem = OrdRejectReason.EXCHANGE_OPTION, "an expiry time is for good-till-time orders"
    if problem is None and terms.participate_dont_initiate and book.would_cross(old.side,
                                                                                 price):
        problem = OrdRejectReason.EXCHANGE_OPTION, POST_ONLY_CROSS
    if problem is None and clord_taken:
        problem = OrdRejectReason.EXCHANGE_OPTION, "clord_id already used"
    return (as_cancel_reason(problem[0]), problem[1]) if problem else None
