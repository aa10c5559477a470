"""Estimated queue position of my resting orders, deliberately pessimistic.

No venue says where an order stands in its price level. The estimate starts from the size
shown at the level when the order joined, goes down by each trade of known size at that
price that the exchange's clock puts after the order's insert, and is never more than the
size shown now, less those of my own orders the book is known to include (its exchange
time is at or after their insert). It must never say less is ahead than really is: a
trader leans on it to decide whether to stay in line.
A trade at the price of my resting buy can only have hit the bids there (an offer at that
price would have crossed me), so no aggressor guess is needed. A fill of my order means
the queue ahead of it is gone (price-time priority).
"""

from __future__ import annotations

import itertools

from tui.core.enums import Side
from tui.core.model import Book, Order
from tui.core.tape import Trade


def level_qty(book: Book | None, side: Side, price: int) -> int | None:
    """Size shown at a price on one side; None when the price is past the shown depth."""
    if book is None:
        return None
    levels = book.bids if side is Side.BUY else book.offers
    if not levels:
        return None
    worst = levels[-1][0]
    inside = price >= worst if side is Side.BUY else price <= worst
    if not inside:
        return None
    return next((qty for px, qty in levels if px == price), 0)


def included(book: Book, order: Order) -> bool:
    """Is this book known to be from after the order joined (so its size counts it)?"""
    return (book.transact_ns is not None and order.inserted_ns is not None
            and book.transact_ns >= order.inserted_ns)


def _joined(order: Order) -> tuple[int, str]:
    return (order.inserted_ns if order.inserted_ns is not None else 1 << 62, order.order_id)


class QueueEstimates:
    """Raw quantity ahead of each of my resting orders, by order id."""

    def __init__(self) -> None:
        self._ahead: dict[str, int] = {}
        self._price: dict[str, int] = {}  # the price each estimate is for

    def ahead(self, order_id: str) -> int | None:
        return self._ahead.get(order_id)

    def _drop(self, order_id: str) -> None:
        self._ahead.pop(order_id, None)
        self._price.pop(order_id, None)

    def on_order(self, order: Order, book: Book | None, mine: list[Order]) -> None:
        """An order was reported: start its estimate when it first rests, drop it when done."""
        if not order.order_id:
            return
        if not order.state.is_working:
            self._drop(order.order_id)
            return
        if order.cum_qty > 0 and self._price.get(order.order_id) == order.price:
            self._ahead[order.order_id] = 0  # it trades: nothing is ahead of it any more
            return
        if self._price.get(order.order_id) == order.price or order.is_pending:
            return  # already estimated (a new price, by a replace, joins the back again)
        shown = level_qty(book, order.side, order.price)
        if shown is None or book is None:
            return  # past the shown depth: unknown until the level comes into view
        own = sum(o.leaves_qty for o in mine if o.side is order.side
                  and o.price == order.price and included(book, o))
        self._ahead[order.order_id] = max(0, shown - own)
        self._price[order.order_id] = order.price
        self._keep_order(order.side, order.price, mine)

    def on_book(self, book: Book, mine: list[Order], trade: Trade | None) -> None:
        """A new book: trades at my price move me up; the level's size caps what is ahead."""
        by_level: dict[tuple[Side, int], list[Order]] = {}
        for order in mine:
            if order.order_id:
                by_level.setdefault((order.side, order.price), []).append(order)
        for (side, price), orders in by_level.items():
            shown = level_qty(book, side, price)
            own = sum(o.leaves_qty for o in orders if included(book, o))
            for order in orders:
                if self._price.get(order.order_id) != price:
                    if shown is not None and not order.is_pending:
                        self.on_order(order, book, mine)
                    continue
                ahead = self._ahead[order.order_id]
                # only a trade of known size, known to be from after the order joined (a
                # report may arrive after the ack while the trade happened before it)
                if trade is not None and trade.px == price and trade.exact \
                        and included(book, order):
                    ahead = max(0, ahead - trade.qty)
                if shown is not None:
                    ahead = min(ahead, max(0, shown - own))
                self._ahead[order.order_id] = ahead
            self._keep_order(side, price, orders)

    def _keep_order(self, side: Side, price: int, mine: list[Order]) -> None:
        """My later order at a level has at least my earlier one, and its size, ahead."""
        line = sorted((o for o in mine if o.side is side and o.price == price
                       and o.order_id in self._ahead), key=_joined)
        for before, after in itertools.pairwise(line):
            floor = self._ahead[before.order_id] + before.leaves_qty
            if self._ahead[after.order_id] < floor:
                self._ahead[after.order_id] = floor

    def forget_missing(self, live_ids: set[str]) -> None:
        for order_id in [k for k in self._ahead if k not in live_ids]:
            self._drop(order_id)
