"""Estimated queue position of my resting orders, deliberately pessimistic.

No venue says where an order stands in its price level. The estimate: the size shown at
the level when the order joined (less my own orders already there), reduced by each trade
at that price, and never more than the size shown now less my own. A trade at the price of
my resting buy can only have hit the bids there (an offer at that price would have crossed
me), so no aggressor guess is needed.
"""

from __future__ import annotations

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


class QueueEstimates:
    """Raw quantity ahead of each of my resting orders, by order id."""

    def __init__(self) -> None:
        self._ahead: dict[str, int] = {}
        self._price: dict[str, int] = {}  # the price each estimate is for

    def ahead(self, order_id: str) -> int | None:
        return self._ahead.get(order_id)

    def on_order(self, order: Order, book: Book | None, mine: list[Order]) -> None:
        """An order was reported: start its estimate when it first rests, drop it when done."""
        if not order.order_id:
            return
        if not order.state.is_working:
            self._ahead.pop(order.order_id, None)
            self._price.pop(order.order_id, None)
            return
        if self._price.get(order.order_id) == order.price or order.is_pending:
            return  # already estimated (a new price, by a replace, joins the back again)
        shown = level_qty(book, order.side, order.price)
        if shown is None:
            return  # past the shown depth: unknown until the level comes into view
        # my own orders that were there before this one are not ahead of it twice
        before = sum(o.leaves_qty for o in mine if o.order_id in self._ahead
                     and o.order_id != order.order_id and o.side is order.side
                     and o.price == order.price)
        self._ahead[order.order_id] = max(0, shown - before)
        self._price[order.order_id] = order.price

    def on_book(self, book: Book, mine: list[Order], trade: Trade | None) -> None:
        """A new book: trades at my price move me up; the level's size caps what is ahead."""
        by_level: dict[tuple[Side, int], list[Order]] = {}
        for order in mine:
            if order.order_id:
                by_level.setdefault((order.side, order.price), []).append(order)
        for (side, price), orders in by_level.items():
            shown = level_qty(book, side, price)
            own = sum(o.leaves_qty for o in orders)
            for order in orders:
                if self._price.get(order.order_id) != price:
                    if shown is not None and not order.is_pending:
                        self.on_order(order, book, mine)
                    continue
                ahead = self._ahead[order.order_id]
                if trade is not None and trade.px == price:
                    ahead = max(0, ahead - trade.qty)  # merged volume: price unknown
                if shown is not None:
                    ahead = min(ahead, max(0, shown - own))
                self._ahead[order.order_id] = ahead

    def forget_missing(self, live_ids: set[str]) -> None:
        for order_id in [k for k in self._ahead if k not in live_ids]:
            del self._ahead[order_id]
            self._price.pop(order_id, None)
