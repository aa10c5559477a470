"""The paper exchange: the desk's paper orders, their lifecycle, and their reports.

Each order is accepted with an id of its own (``PAPER-…``), then told as an exchange tells
it: working, filled, expired, cancelled, replaced. The reports come on the next turn of the
event loop, after the answer, as a venue's stream would. Fills come from the matching
engine (tui/matching/paper.py) as the live book moves.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from tui.core.enums import ExecType, OrderState, TimeInForce
from tui.core.listener import LinkState
from tui.core.model import Balance, Book, Fill, Instrument, Order
from tui.core.state import DeskState, is_feed
from tui.core.tape import Trade
from tui.core.ticket import OrderRequest, Terms, new_clord_id
from tui.core.venue import VenueError
from tui.matching.paper import PaperFill, PaperMarket, PaperOrder
from tui.venues.paper.account import PaperAccount

Report = Callable[[Order, ExecType, Fill | None], None]
ONCE = (TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL)


@dataclass(slots=True)
class _Working:
    order: Order  # as last reported
    paper: PaperOrder
    tif: TimeInForce
    notional: int = 0  # Σ raw px × raw qty filled: the average price comes from it
    expiry: asyncio.TimerHandle | None = None


@dataclass(frozen=True, slots=True)
class Change:
    order: Order
    price: int
    qty: int


class PaperExchange:
    def __init__(self, state: DeskState, account: PaperAccount, report: Report) -> None:
        self.state = state
        self.account = account
        self._report = report
        self.markets: dict[str, PaperMarket] = {}
        self._working: dict[str, _Working] = {}
        self._clords: dict[str, str] = {}  # the desk's id -> the paper order id
        self._session = uuid.uuid4().hex[:6]  # ids stay unique in the paper database
        self._ids = itertools.count(1)
        self._execs = itertools.count(1)

    # --- what an order may do ---------------------------------------------------------
    def _instrument(self, symbol: str) -> Instrument:
        inst = self.state.instruments.get(symbol)
        if inst is None:
            raise VenueError(f"{symbol} is not a market this desk knows.")
        return inst

    def _live_book(self, symbol: str) -> Book:
        feeds = [s for s in self.state.streams.values() if is_feed(s.name)]
        if not feeds or any(s.state is not LinkState.LIVE for s in feeds):
            raise VenueError("PAPER: the price feed is not live, so nothing was matched: a "
                             "paper order against a frozen book would fill where the market "
                             "is not.")
        book = self.state.books.get(symbol)
        if book is None:
            raise VenueError(f"PAPER: no live book for {symbol} yet; a paper order is "
                             "matched against the venue's book.")
        return book

    def check(self, request: OrderRequest) -> None:
        """Refuse, in words, what the paper account cannot take (nothing is shown)."""
        sc = self._instrument(request.symbol).scales
        self._live_book(request.symbol)
        qty = self._qty(request)
        if qty <= 0:
            raise VenueError("PAPER: the live book shows nothing to buy with that cash.")
        cost = self.account.cost(request.symbol, request.yes_side, request.yes_price, qty, sc)
        free = self.balance().buying_power
        if cost > free:
            raise VenueError(f"PAPER: not enough paper cash: this order could cost "
                             f"${cost:,.2f} and ${free:,.2f} is free.")

    def _qty(self, request: OrderRequest) -> int:
        """The order's size; a cash market buy's is what that cash takes from the book."""
        if not request.is_cash:
            return request.qty
        assert request.cash_qty is not None
        left, qty = request.cash_qty, 0
        market = self.market(request.symbol)
        for px, size in market.available(request.yes_side, request.yes_price, 1 << 40):
            take = min(size, left // px) if px else 0
            qty, left = qty + take, left - take * px
            if take < size:
                break
        return qty

    def held_back(self) -> Decimal:
        """Cash working orders may take if they fill."""
        total = Decimal(0)
        for w in self._working.values():
            sc = self._instrument(w.order.symbol).scales
            total += self.account.cost(w.order.symbol, w.order.side, w.order.price,
                                       w.order.leaves_qty, sc)
        return total

    def balance(self) -> Balance:
        return self.account.balance(self.held_back())

    # --- orders -------------------------------------------------------------------------
    def accept(self, request: OrderRequest) -> str:
        order_id = f"PAPER-{self._session}-{next(self._ids)}"
        self._clords[request.clord_id] = order_id
        qty = self._qty(request)
        order = Order(order_id=order_id, clord_id=request.clord_id, symbol=request.symbol,
                      side=request.yes_side, price=request.yes_price, order_qty=qty,
                      leaves_qty=qty, state=OrderState.NEW, intent=request.intent,
                      updated_at=time.monotonic(), inserted_ns=time.time_ns())
        asyncio.get_running_loop().call_soon(self._open, order, request.tif,
                                             request.post_only, request.expire_at)
        return order_id

    def _open(self, order: Order, tif: TimeInForce, post_only: bool,
              expire_at: float | None) -> None:
        market = self.market(order.symbol)
        market.live = self.state.books.get(order.symbol) or market.live
        if post_only and market.would_cross(order.side, order.price):
            self._tell(replace(order, state=OrderState.REJECTED, leaves_qty=0,
                               reject_text="post-only, and it would have taken the live book"),
                       ExecType.REJECTED)
            return
        if tif is TimeInForce.FILL_OR_KILL:
            shown = sum(q for _px, q in market.available(order.side, order.price,
                                                         order.order_qty))
            if shown < order.order_qty:
                self._tell(replace(order, state=OrderState.EXPIRED, leaves_qty=0,
                                   reject_text="fill-or-kill: the live book showed only "
                                               f"{shown} of it"), ExecType.EXPIRED)
                return
        paper = PaperOrder(order.order_id, order.side, order.price, order.order_qty)
        working = _Working(order, paper, tif)
        self._working[order.order_id] = working
        self._tell(order, ExecType.NEW)
        for fill in market.arrive(paper, post_only=post_only):
            self._fill(working, fill)
        if order.order_id not in self._working:
            return  # filled in full
        if tif in ONCE:
            self._end(order.order_id, OrderState.EXPIRED, ExecType.EXPIRED,
                      "immediate-or-cancel: the rest was not left working")
            return
        market.rest(paper)
        self._expire_at(working, expire_at)

    def _expire_at(self, working: _Working, expire_at: float | None) -> None:
        if working.tif is TimeInForce.GOOD_TILL_TIME and expire_at is not None:
            working.expiry = asyncio.get_running_loop().call_later(
                max(expire_at - time.time(), 0.0), self._end, working.order.order_id,
                OrderState.EXPIRED, ExecType.EXPIRED, "its good-till time passed")

    def _fill(self, working: _Working, got: PaperFill) -> None:
        o = working.order
        working.notional += got.price * got.qty
        cum = o.cum_qty + got.qty
        leaves = o.leaves_qty - got.qty
        order = replace(o, cum_qty=cum, leaves_qty=leaves,
                        avg_px=(2 * working.notional + cum) // (2 * cum),  # half up
                        state=OrderState.FILLED if leaves == 0 else OrderState.PARTIALLY_FILLED,
                        updated_at=time.monotonic())
        fill = Fill(exec_id=f"{o.order_id}-F{next(self._execs)}", order_id=o.order_id,
                    symbol=o.symbol, side=o.side, price=got.price, qty=got.qty,
                    intent=o.intent, at=time.time())
        sc = self._instrument(o.symbol).scales
        position = self.account.apply(fill, sc)
        working.order = order
        if leaves == 0:
            self._forget(o.order_id)
        self.state.set_positions([position], snapshot=False)
        self._tell(order, ExecType.FILL if leaves == 0 else ExecType.PARTIAL_FILL, fill)

    def _tell(self, order: Order, kind: ExecType, fill: Fill | None = None) -> None:
        self._report(order, kind, fill)

    def _forget(self, order_id: str) -> _Working | None:
        working = self._working.pop(order_id, None)
        if working is not None:
            if working.expiry is not None:
                working.expiry.cancel()
            market = self.markets.get(working.order.symbol)
            if market is not None:
                market.remove(order_id)
        return working

    def _end(self, order_id: str, state: OrderState, kind: ExecType, why: str) -> None:
        working = self._forget(order_id)
        if working is not None:
            self._tell(replace(working.order, state=state, leaves_qty=0, reject_text=why,
                               updated_at=time.monotonic()), kind)

    def cancel(self, order_id: str) -> None:
        """Ended on the next turn, as a venue's report comes after its answer; an order
        already ended is left as its last report said."""
        if order_id in self._working:
            asyncio.get_running_loop().call_soon(
                self._end, order_id, OrderState.CANCELED, ExecType.CANCELED, "")

    def end_all(self, why: str) -> None:
        for order_id in list(self._working):
            self._end(order_id, OrderState.CANCELED, ExecType.CANCELED, why)

    def replace_check(self, order: Order, price: int | None, qty: int | None) -> Change:
        working = self._working.get(order.order_id)
        if working is None:
            raise VenueError("That order is no longer working.")
        current = working.order
        new_price = current.price if price is None else price
        new_qty = current.order_qty if qty is None else qty
        if new_qty <= current.cum_qty:
            raise VenueError(f"PAPER: {current.cum_qty} of it has filled already; a new size "
                             "must be more than that.")
        sc = self._instrument(current.symbol).scales
        extra = (self.account.cost(current.symbol, current.side, new_price,
                                   new_qty - current.cum_qty, sc)
                 - self.account.cost(current.symbol, current.side, current.price,
                                     current.leaves_qty, sc))
        if extra > self.balance().buying_power:
            raise VenueError("PAPER: not enough paper cash for that change.")
        return Change(current, new_price, new_qty)

    def replace(self, order: Order, change: Change, terms: Terms | None) -> str:
        """A cancel-replace, as the venues do it: the old order ends REPLACED, its successor
        works on with the rest. Same price and no more size keeps its place in line."""
        old = self._working.get(order.order_id)
        if old is None:
            raise VenueError("That order is no longer working.")
        keep_place = (change.price == old.order.price and change.qty <= old.order.order_qty
                      and terms is None)
        ahead = old.paper.ahead
        self._forget(order.order_id)
        self._tell(replace(old.order, state=OrderState.REPLACED, leaves_qty=0,
                           updated_at=time.monotonic()), ExecType.REPLACE)
        clord = new_clord_id()
        successor = replace(old.order, order_id=f"PAPER-{self._session}-{next(self._ids)}",
                            clord_id=clord, price=change.price,
                            order_qty=change.qty - old.order.cum_qty,
                            leaves_qty=change.qty - old.order.cum_qty, cum_qty=0, avg_px=0,
                            state=OrderState.NEW, updated_at=time.monotonic(),
                            inserted_ns=time.time_ns())
        self._clords[clord] = successor.order_id
        tif = terms.tif if terms is not None else old.tif
        post_only = terms.post_only if terms is not None else False
        expire_at = terms.expire_at if terms is not None else None
        if keep_place:
            market = self.market(successor.symbol)
            paper = PaperOrder(successor.order_id, successor.side, successor.price,
                               successor.leaves_qty)
            working = _Working(successor, paper, tif)
            self._working[successor.order_id] = working
            market.resting.add(paper)
            paper.ahead = ahead
            self._tell(successor, ExecType.NEW)
        else:
            asyncio.get_running_loop().call_soon(self._open, successor, tif, post_only,
                                                 expire_at)
        return successor.order_id

    # --- the live market ----------------------------------------------------------------
    def market(self, symbol: str) -> PaperMarket:
        market = self.markets.get(symbol)
        if market is None:
            market = self.markets[symbol] = PaperMarket(symbol, live=self.state.books.get(symbol))
        return market

    def on_book(self, book: Book, trade: Trade | None) -> None:
        market = self.markets.get(book.symbol)
        if market is None or not (len(market.resting) or market.taken):
            if market is not None:
                market.live = book
            return
        fills = market.on_trade(trade) if trade is not None else []
        self._apply(fills + market.on_book(book))

    def on_trade(self, trade: Trade) -> None:
        market = self.markets.get(trade.symbol)
        if market is not None and len(market.resting):
            self._apply(market.on_trade(trade))

    def _apply(self, fills: list[PaperFill]) -> None:
        for got in fills:
            working = self._working.get(got.order_id)
            if working is not None:
                self._fill(working, got)

    # --- lookups ------------------------------------------------------------------------
    def by_clord(self, clord_id: str) -> Order | None:
        working = self._working.get(self._clords.get(clord_id, ""))
        return working.order if working is not None else None

    def working(self, symbols: list[str] | None) -> list[Order]:
        return [w.order for w in self._working.values()
                if symbols is None or w.order.symbol in symbols]
