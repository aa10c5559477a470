"""Self-match warning: would a new order trade against the trader's own resting order?

A binary market has one YES book, so BUY YES 0.60 and the trader's own BUY NO 0.40
(a SELL YES 0.60) are the same price and would trade with each other.
"""

from __future__ import annotations

from tui.core.enums import Side
from tui.core.model import Order
from tui.core.prices import Scales
from tui.core.ticket import OrderRequest, price_words


def self_match(request: OrderRequest, my_working_orders: list[Order],
               scales: Scales) -> Order | None:
    """My resting order the new one would trade against first (best-priced), or None."""
    buying = request.yes_side is Side.BUY
    opposite = request.yes_side.opposite

    def crosses(order: Order) -> bool:
        if order.symbol != request.symbol or order.side is not opposite:
            return False
        if not order.state.is_working or order.leaves_qty <= 0:
            return False
        if order.clord_id and order.clord_id == request.clord_id:
            return False
        if buying:
            return request.yes_price >= order.price
        return request.yes_price <= order.price

    hits = [o for o in my_working_orders if crosses(o)]
    if not hits:
        return None
    # the best price for the new order trades first: the lowest offer, the highest bid
    return min(hits, key=lambda o: (o.price if buying else -o.price, o.updated_at))


def self_match_words(request: OrderRequest, order: Order, scales: Scales) -> str:
    """The self-match in the trader's terms, naming both orders and their YES prices."""
    mine = (f"This {request.intent.label} {price_words(request.price, scales)} would trade "
            f"against your own {order.shown_intent.label} "
            f"{price_words(order.shown_price(scales), scales)}")
    if request.intent.outcome is order.shown_intent.outcome:
        return mine + "."
    if order.price == request.yes_price:
        return mine + " (the same price on the YES book)."
    return (f"{mine} (on the YES book, {request.yes_side.name} YES "
            f"{price_words(request.yes_price, scales)} meets {order.side.name} YES "
            f"{price_words(order.price, scales)}).")
