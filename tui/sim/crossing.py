"""Crosses (OrderEntryAPI.InsertOrderCross, spec §6): a caller's buy and sell traded with
each other at one price, off the book.

The spec gives the request's shape (legs, ``cross_type``, ``cross_id``,
``cross_prioritized_side``) and one cross type, CROSS_TYPE_ALL_OR_NONE, but no rules. These
follow FIX's NewOrderCross with CrossType 1 ("executed completely or not; both sides are
treated in the same manner"), the model those fields come from:

* one buy and one sell of one symbol, at one price and one quantity, for two different
  accounts: they trade with each other in full or not at all, never with the book;
* each leg is checked as an insert is (market open, price on the grid, quantity, buying
  power, clord_id unused); if one is refused both are REJECTED, the other one saying so;
* a cross may not trade through the book: a resting offer below its price, or bid above
  it, has priority there and refuses the cross;
* the prioritized side is the trade's aggressor (with none named, the first leg is);
* both legs carry the client's cross_id and the exchange's host_cross_id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from tui.core.enums import OrdRejectReason, Side
from tui.matching.book import OrderBook
from tui.sim.model import SimOrder
from tui.sim.rules import Problem

if TYPE_CHECKING:
    from tui.sim.exchange import Exchange

OTHER_LEG = "cross refused: its other leg was refused"


def _leg_problem(order: SimOrder, clord_taken: bool) -> Problem | None:
    if clord_taken:
        return OrdRejectReason.EXCHANGE_OPTION, "clord_id already used"
    if order.cash_order_qty:
        return OrdRejectReason.INCORRECT_QUANTITY, "a cross leg needs a quantity, not cash"
    return None


def _cross_problem(buy: SimOrder, sell: SimOrder, book: OrderBook) -> Problem | None:
    """Why the two legs, each acceptable alone, cannot cross with each other."""
    if buy.account == sell.account:
        return OrdRejectReason.EXCHANGE_OPTION, "a cross needs two different accounts"
    if buy.price != sell.price:
        return OrdRejectReason.EXCHANGE_OPTION, "a cross's two legs must have one price"
    if buy.order_qty != sell.order_qty:
        return (OrdRejectReason.INCORRECT_QUANTITY,
                "an all-or-none cross's two legs must have one quantity")
    offer, bid = book.best_offer, book.best_bid
    if (offer is not None and offer < buy.price) or (bid is not None and bid > buy.price):
        return OrdRejectReason.EXCHANGE_OPTION, "a cross may not trade through the book"
    return None


class Crossing:
    """The Exchange's cross command (a mixin of ``Exchange``)."""

    def insert_cross(self, legs: Sequence[dict[str, Any]], *, cross_id: str = "",
                     prioritized: Side = Side.UNDEFINED) -> list[str]:
        """Cross two legs (insert arguments, as ``insert_order`` takes them): both fill in
        full against each other, or both are REJECTED. Returns their order ids in order."""
        if len(legs) != 2 or {p["side"] for p in legs} != {Side.BUY, Side.SELL} or (
                legs[0]["symbol"] != legs[1]["symbol"]):
            raise ValueError("a cross is one buy and one sell of one symbol")
        ex = cast("Exchange", self)
        now = ex.clock()
        ex._expire(now)
        host = ex._next_id("X")
        orders: list[SimOrder] = []
        problems: list[Problem | None] = []
        for params in legs:
            order = ex._new_order(ex._next_id("O"), now, params)
            order.cross_id, order.host_cross_id = cross_id, host
            taken = bool(order.clord_id) and (order.account, order.clord_id) in ex._by_clord
            if taken:
                ex._orders[order.order_id] = order  # the clord_id stays its first order's
            else:
                ex._register(order)
            orders.append(order)
            problems.append(_leg_problem(order, taken)
                            or ex._refusal(order, params["order_qty"], now))
        buy, sell = sorted(orders, key=lambda o: o.side is not Side.BUY)
        shared = None if any(problems) else _cross_problem(buy, sell, ex._books[buy.symbol])
        refused = any(problems) or shared is not None
        for order, own, params in zip(orders, problems, legs, strict=True):
            logged = dict(params, cross_id=cross_id)
            if refused:
                ex._rejected(order, now, logged,
                             own or shared or (OrdRejectReason.EXCHANGE_OPTION, OTHER_LEG))
            else:
                ex._accepted(order, now, logged)
        if not refused:
            first = next((o for o in orders if o.side is prioritized), orders[0])
            other = orders[1] if first is orders[0] else orders[0]
            ex._trade(first, other, first.leaves_qty, now)
        ex._finish()
        return [o.order_id for o in orders]
