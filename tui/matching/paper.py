"""Paper orders matched against a live book that does not know them.

A paper order never reaches the venue, so the live book and its trades go on as if it were
not there. It fills only where the real market shows it could have, pessimistically:

- An order that crosses on arrival takes the live levels it reaches, best first, at their
  prices and up to their shown sizes (the engine's own ``match`` over those levels).
- An order that rests joins the back of its level: the live size shown there is ahead of
  it (at a price past the shown depth, the size there when the level first shows). A trade
  printed at its price takes that queue first and the order after it; a sale printed
  through a paper bid's price (a purchase through a paper offer's) would have met it first.
  The size ahead never grows, and never exceeds what the level shows now. A trade whose
  taker the venue did not say fills nothing: it cannot say which side it met.
- When the live book crosses a resting order (an offer shown at or below a paper bid), the
  queue ahead must be gone: the order trades at its own price, up to the size shown there.
  Not while the live book is itself locked or crossed: its queue is plainly still there.
- A venue that sends its trades apart from its books may send the book first: a level that
  shrank is then already out of the queue when the trade that took it is printed. What the
  book took off the queue that way is owed to the next prints at that price (for a few
  seconds), so one trade never both empties the queue and fills the order.
- Live size a paper order took stays taken while that level shows it: the venue never saw
  the paper trade, so the same offer must not fill twice.

Trades whose size the venue did not say (a jump in volume only) fill nothing. Paper orders
never trade with each other. Prices are raw YES prices; quantities raw.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tui.core.enums import Side
from tui.core.model import Book
from tui.core.queue import level_qty
from tui.core.tape import Trade
from tui.matching.book import OrderBook

OWED_FOR = 3.0  # seconds a trade may trail the book that already showed it


@dataclass(slots=True)
class PaperOrder:
    order_id: str
    side: Side  # on the YES book
    price: int  # YES, raw
    leaves_qty: int
    ahead: int | None = 0  # live size ahead of it in its level (raw); None: not yet seen
    # size the book took off the queue before a trade said so (see above), and when
    owed: int = 0
    owed_at: float = 0.0


@dataclass(frozen=True, slots=True)
class PaperFill:
    order_id: str
    price: int  # YES, raw: a live level's price (taken) or the order's own (rested)
    qty: int
    taker: bool  # it crossed on arrival (else it rested and was met)


@dataclass(slots=True)
class _Shown:
    """One live level, as a resting order the engine can match against."""

    order_id: str
    side: Side
    price: int
    leaves_qty: int


@dataclass(slots=True)
class PaperMarket:
    """One market's paper orders and the live book they are matched against."""

    symbol: str
    live: Book | None = None
    resting: OrderBook[PaperOrder] = field(init=False)
    # live size paper orders have taken, by (live side, price): not there to take again
    taken: dict[tuple[Side, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.resting = OrderBook[PaperOrder](self.symbol)

    # --- orders arriving and leaving ---------------------------------------------------
    def available(self, side: Side, price: int, up_to: int) -> list[tuple[int, int]]:
        """(price, qty) an order on ``side`` limited at ``price`` could take now, best first,
        without taking it (a preview)."""
        return [(px, qty) for px, qty in self._match(side, price, up_to, keep=False)]

    def arrive(self, order: PaperOrder, *, post_only: bool = False) -> list[PaperFill]:
        """A new order: what it takes now (nothing if post-only), the rest left to the caller
        to rest with ``rest`` or to end (IOC/FOK)."""
        if post_only:
            return []
        fills = [PaperFill(order.order_id, px, qty, taker=True)
                 for px, qty in self._match(order.side, order.price, order.leaves_qty,
                                            keep=True)]
        order.leaves_qty -= sum(f.qty for f in fills)
        return fills

    def would_cross(self, side: Side, price: int) -> bool:
        book = self.live
        if book is None:
            return False
        best = book.best_offer if side is Side.BUY else book.best_bid
        return best is not None and (price >= best if side is Side.BUY else price <= best)

    def rest(self, order: PaperOrder) -> None:
        """Join the back of the live level at the order's price."""
        order.ahead = level_qty(self.live, order.side, order.price)
        self.resting.add(order)

    def remove(self, order_id: str) -> PaperOrder | None:
        return self.resting.remove(order_id)

    # --- the live market moving ---------------------------------------------------------
    def on_trade(self, trade: Trade) -> list[PaperFill]:
        """A trade the venue printed: the resting orders it would have met first."""
        if not trade.exact or trade.qty <= 0:
            return []
        fills = []
        if trade.aggressor is Side.SELL:  # a sale: it hit bids at or above its price
            fills += self._met_by_print(Side.BUY, trade.px, trade.qty)
        if trade.aggressor is Side.BUY:  # a purchase: it lifted offers at or below
            fills += self._met_by_print(Side.SELL, trade.px, trade.qty)
        return fills

    def on_book(self, book: Book) -> list[PaperFill]:
        """The live book now: queues capped by what shows, orders it crosses filled."""
        self.live = book
        for (side, px), qty in list(self.taken.items()):
            shown = level_qty(book, side, px)
            if shown is None:  # past the depth shown now: what was taken is still taken
                continue
            if shown < qty:  # it shrank: what is left is presumed to be what was taken
                if shown:
                    self.taken[(side, px)] = shown
                else:
                    del self.taken[(side, px)]
        for order in list(self.resting.orders()):
            shown = level_qty(book, order.side, order.price)
            if shown is not None and order.ahead is None:  # its level came into view
                order.ahead = shown
            elif shown is not None and order.ahead is not None and shown < order.ahead:
                self._owe(order, order.ahead - shown)
                order.ahead = shown
        fills: list[PaperFill] = []
        if book.best_bid is not None and book.best_offer is not None and (
                book.best_bid >= book.best_offer):
            return fills  # a locked or crossed feed: the queues it shows are still there
        for side in (Side.BUY, Side.SELL):  # live levels crossing paper orders, best first
            live_side = side.opposite
            levels = book.offers if side is Side.BUY else book.bids
            for px, _qty in levels:
                if not self.resting.would_cross(live_side, px):
                    break
                free = self._free(live_side, px)
                if free <= 0:
                    continue
                for order, qty in self.resting.match(live_side, px, free):
                    fills.append(self._met(order, qty))
                    self._take(live_side, px, qty)
            best = levels[0][0] if levels else None
            for order in self.resting.orders(side):  # what is still crossed has no queue
                if best is None or (order.price < best if side is Side.BUY
                                    else order.price > best):
                    break  # best first: the rest are not crossed either
                self._owe(order, order.ahead or 0)
                order.ahead = 0
        return fills

    # --- internals ----------------------------------------------------------------------
    def _free(self, live_side: Side, px: int) -> int:
        shown = level_qty(self.live, live_side, px) or 0
        return shown - self.taken.get((live_side, px), 0)

    def _take(self, live_side: Side, px: int, qty: int) -> None:
        self.taken[(live_side, px)] = self.taken.get((live_side, px), 0) + qty

    def _match(self, side: Side, price: int, qty: int, *, keep: bool) -> list[tuple[int, int]]:
        """The engine's match of an incoming order against the live levels still free."""
        book = self.live
        if book is None or qty <= 0:
            return []
        shown = OrderBook[_Shown](self.symbol)
        for px, _size in (book.offers if side is Side.BUY else book.bids):
            free = self._free(side.opposite, px)
            if free > 0:
                shown.add(_Shown(f"live:{px}", side.opposite, px, free))
        taken = [(level.price, qty) for level, qty in shown.match(side, price, qty)]
        if keep:
            for px, got in taken:
                self._take(side.opposite, px, got)
        return taken

    def _met(self, order: PaperOrder, qty: int) -> PaperFill:
        order.leaves_qty -= qty
        self._owe(order, order.ahead or 0)  # price-time priority: what was ahead is gone
        order.ahead = 0
        return PaperFill(order.order_id, order.price, qty, taker=False)

    @staticmethod
    def _owe(order: PaperOrder, qty: int) -> None:
        if qty > 0:
            fresh = time.monotonic() - order.owed_at <= OWED_FOR
            order.owed = (order.owed if fresh else 0) + qty
            order.owed_at = time.monotonic()

    def _met_by_print(self, side: Side, px: int, qty: int) -> list[PaperFill]:
        """Resting orders on ``side`` a print at ``px`` of ``qty`` would have met: those
        priced through it first (priority), then those at it, after their queue."""
        through = px + 1 if side is Side.BUY else px - 1
        fills = [self._met(order, got) for order, got in self.resting.match(
            side.opposite, through, qty)]
        left = qty - sum(f.qty for f in fills)
        paper_before = 0
        now = time.monotonic()
        for order in self.resting.level_orders(side, px):
            if left <= 0:
                break
            paid = 0  # of this print, what the book already took off its queue
            if order.owed and now - order.owed_at <= OWED_FOR:
                paid = min(order.owed, left)
                order.owed -= paid
            here = left - paid
            if order.ahead is None:  # its queue never seen: no print can be known to reach it
                continue
            got = min(max(here - order.ahead - paper_before, 0), order.leaves_qty)
            order.ahead = max(order.ahead - here, 0)
            if got:
                self.resting.take(order.order_id, got)
                order.leaves_qty -= got
                fills.append(PaperFill(order.order_id, order.price, got, taker=False))
            paper_before += got
        return fills
