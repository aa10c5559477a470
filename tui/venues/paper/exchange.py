"""The paper exchange: the desk's paper orders, their lifecycle, and their reports.

Each order is accepted with an id of its own (``PAPER-…``) and known at once (a cancel sent
the next moment finds it), then told as an exchange tells it: working, filled, expired,
cancelled, replaced. The reports come on the next turns of the event loop, after the answer,
in the order they happened, as a venue's stream would. Fills come from the matching engine
(tui/matching/paper.py) as the live book moves. A change keeps the order's terms (post-only,
its expiry) and its fills, as the embedded exchange's cancel-replace does.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from tui.core.enums import ExecType, OrderState, Side, TimeInForce
from tui.core.model import Balance, Book, Fill, Instrument, Order
from tui.core.money import notional_dollars
from tui.core.state import DeskState, is_feed
from tui.core.tape import Trade
from tui.core.ticket import OrderRequest, Terms, new_clord_id
from tui.core.venue import VenueError
from tui.matching.paper import PaperFill, PaperMarket, PaperOrder
from tui.venues.paper.account import PaperAccount
from tui.venues.paper.holds import held_back, new_cost

Report = Callable[[Order, ExecType, Fill | None], None]
ONCE = (TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL)


@dataclass(slots=True)
class _Working:
    order: Order  # as last reported
    paper: PaperOrder
    tif: TimeInForce
    post_only: bool = False
    expire_at: float | None = None
    notional: int = 0  # Σ raw px × raw qty filled: the average price comes from it
    expiry: asyncio.TimerHandle | None = None
    opened: bool = False  # in the book (or ended): accepted orders open on the next turn


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
        self.closed = False  # the session ended: nothing opens or reports after it
        self._settled: set[str] = set()  # markets settled (and paid out) this session

    # --- what an order may do ---------------------------------------------------------
    def _instrument(self, symbol: str) -> Instrument:
        inst = self.state.instruments.get(symbol)
        if inst is None:
            raise VenueError(f"{symbol} is not a market this desk knows.")
        return inst

    def _live_book(self, symbol: str) -> Book:
        feeds = [name for name in self.state.streams if is_feed(name)]
        if not feeds or not all(self.state.is_live(name) for name in feeds):
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
        cost = (notional_dollars(sc, request.cash_qty) if request.cash_qty is not None
                else None)  # a cash buy spends that cash, whatever the prices
        self._afford(request.symbol, request.yes_side, request.yes_price, qty, "this order",
                     cost=cost)

    def _afford(self, symbol: str, side: Side, price: int, qty: int, what: str, *,
                cost: Decimal | None = None, instead: str = "") -> None:
        """Refuse an order (or ``instead`` of that working order, its change) that could
        cost more paper cash than the other working orders leave free."""
        sc = self._instrument(symbol).scales
        others = [o for o in self._orders() if o.order_id != instead]
        if cost is None:
            cost = new_cost(self.account, others, symbol, side, price, qty, sc)
        free = self.account.balance(held_back(self.account, others, {
            o.symbol: self._instrument(o.symbol).scales for o in others})).buying_power
        if cost > free:
            raise VenueError(f"PAPER: not enough paper cash: {what} could cost "
                             f"${cost:,.2f} and ${free:,.2f} is free.")

    def _qty(self, request: OrderRequest) -> int:
        """The order's size; a cash market buy's is what that cash takes from the book."""
        if request.cash_qty is None:
            return request.qty
        left, qty = request.cash_qty, 0
        market = self.market(request.symbol)
        for px, size in market.available(request.yes_side, request.yes_price, 1 << 40):
            take = min(size, left // px) if px else 0
            qty, left = qty + take, left - take * px
            if take < size:
                break
        return qty

    def _orders(self) -> list[Order]:
        return [w.order for w in self._working.values()]

    def balance(self) -> Balance:
        scales = {s: self._instrument(s).scales for s in {o.symbol for o in self._orders()}}
        return self.account.balance(held_back(self.account, self._orders(), scales))

    # --- orders -------------------------------------------------------------------------
    def accept(self, request: OrderRequest) -> str:
        order_id = self._new_id()
        self._clords[request.clord_id] = order_id
        qty = self._qty(request)
        order = Order(order_id=order_id, clord_id=request.clord_id, symbol=request.symbol,
                      side=request.yes_side, price=request.yes_price, order_qty=qty,
                      leaves_qty=qty, state=OrderState.NEW, intent=request.intent,
                      updated_at=time.monotonic(), inserted_ns=time.time_ns())
        self._register(order, request.tif, request.post_only, request.expire_at)
        return order_id

    def _new_id(self) -> str:
        return f"PAPER-{self._session}-{next(self._ids)}"

    def _register(self, order: Order, tif: TimeInForce, post_only: bool,
                  expire_at: float | None, notional: int = 0) -> None:
        """Known from now on (a cancel finds it); opened on the next turn of the loop."""
        working = _Working(order, PaperOrder(order.order_id, order.side, order.price,
                                             order.leaves_qty), tif, post_only, expire_at,
                           notional)
        self._working[order.order_id] = working
        asyncio.get_running_loop().call_soon(self._open, working)

    def _open(self, working: _Working) -> None:
        order = working.order
        if self.closed or self._working.get(order.order_id) is not working:
            return
        working.opened = True
        market = self.market(order.symbol)
        if working.post_only and market.would_cross(order.side, order.price):
            self._end(order.order_id, OrderState.REJECTED, ExecType.REJECTED,
                      "post-only, and it would have taken the live book")
            return
        if working.tif is TimeInForce.FILL_OR_KILL:
            shown = sum(q for _px, q in market.available(order.side, order.price,
                                                         order.leaves_qty))
            if shown < order.leaves_qty:
                self._end(order.order_id, OrderState.EXPIRED, ExecType.EXPIRED,
                          f"fill-or-kill: the live book showed only {shown} of it")
                return
        self._tell(order, ExecType.NEW)
        for fill in market.arrive(working.paper, post_only=working.post_only):
            self._fill(working, fill)
        if order.order_id not in self._working:
            return  # filled in full
        if working.tif in ONCE:
            self._end(order.order_id, OrderState.EXPIRED, ExecType.EXPIRED,
                      "immediate-or-cancel: the rest was not left working")
            return
        market.rest(working.paper)
        self._arm_expiry(working)

    def _arm_expiry(self, working: _Working) -> None:
        if working.tif is TimeInForce.GOOD_TILL_TIME and working.expire_at is not None:
            working.expiry = asyncio.get_running_loop().call_later(
                max(working.expire_at - time.time(), 0.0), self._end,
                working.order.order_id, OrderState.EXPIRED, ExecType.EXPIRED,
                "its good-till time passed")

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
        position = self.account.apply(fill, self._instrument(o.symbol).scales)
        working.order = order
        if leaves == 0:
            self._forget(o.order_id)
        self.state.set_positions([position], snapshot=False)
        self._tell(order, ExecType.FILL if leaves == 0 else ExecType.PARTIAL_FILL, fill)

    def _tell(self, order: Order, kind: ExecType, fill: Fill | None = None) -> None:
        if not self.closed:
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
        """Ended on the next turn (after it opened, if it was just accepted), as a venue's
        report comes after its answer; an order already ended is left as it was told."""
        if order_id in self._working:
            asyncio.get_running_loop().call_soon(
                self._end, order_id, OrderState.CANCELED, ExecType.CANCELED, "")

    def end_all(self, why: str) -> None:
        """The session ends: every order ended and told, nothing opens after."""
        for order_id in list(self._working):
            self._end(order_id, OrderState.CANCELED, ExecType.CANCELED, why)
        self.closed = True

    def replace_check(self, order: Order, price: int | None, qty: int | None) -> Change:
        working = self._working.get(order.order_id)
        if working is not None and not working.opened:  # what the next turn would do, now
            self._open(working)
            working = self._working.get(order.order_id)
        if working is None:
            raise VenueError("That order is no longer working.")
        current = working.order
        new_price = current.price if price is None else price
        new_qty = current.order_qty if qty is None else qty
        if new_qty <= current.cum_qty:
            raise VenueError(f"PAPER: {current.cum_qty} of it has filled already; a new size "
                             "must be more than that.")
        self._afford(current.symbol, current.side, new_price, new_qty - current.cum_qty,
                     "that change", instead=current.order_id)
        return Change(current, new_price, new_qty)

    def replace(self, order: Order, change: Change, terms: Terms | None) -> str:
        """A cancel-replace, as the venues do it: the old order ends REPLACED, its successor
        works on with its fills and its terms (new ones if given). Same price and no more
        size keeps its place in line."""
        old = self._working.get(order.order_id)
        if old is None:
            raise VenueError("That order is no longer working.")
        o = old.order
        keep_place = change.price == o.price and change.qty <= o.order_qty and terms is None
        clord = new_clord_id()
        successor = replace(o, order_id=self._new_id(), clord_id=clord, price=change.price,
                            order_qty=change.qty, leaves_qty=change.qty - o.cum_qty,
                            state=OrderState.NEW, updated_at=time.monotonic(),
                            inserted_ns=time.time_ns())
        self._clords[clord] = successor.order_id
        tif = terms.tif if terms is not None else old.tif
        post_only = terms.post_only if terms is not None else old.post_only
        expire_at = terms.expire_at if terms is not None else old.expire_at
        market = self.market(o.symbol)
        if keep_place:  # its place, its queue and what the book owes it, handed over
            paper = replace(old.paper, order_id=successor.order_id,
                            leaves_qty=successor.leaves_qty)
            market.resting.hand_over(o.order_id, paper)
            self._working.pop(o.order_id)
            if old.expiry is not None:
                old.expiry.cancel()
            working = _Working(successor, paper, tif, post_only, expire_at, old.notional,
                               opened=True)
            self._working[successor.order_id] = working
            self._arm_expiry(working)
            self._tell(replace(o, state=OrderState.REPLACED, leaves_qty=0,
                               updated_at=time.monotonic()), ExecType.REPLACE)
            self._tell(successor, ExecType.NEW)
            return successor.order_id
        self._forget(o.order_id)
        self._tell(replace(o, state=OrderState.REPLACED, leaves_qty=0,
                           updated_at=time.monotonic()), ExecType.REPLACE)
        self._register(successor, tif, post_only, expire_at, old.notional)
        return successor.order_id

    # --- the live market ----------------------------------------------------------------
    def market(self, symbol: str) -> PaperMarket:
        market = self.markets.get(symbol)
        if market is None:
            market = self.markets[symbol] = PaperMarket(symbol, live=self.state.books.get(symbol))
        return market

    def on_book(self, book: Book, trade: Trade | None) -> None:
        if book.settlement_px is not None and book.symbol not in self._settled:
            self._settle(book.symbol, book.settlement_px)
        market = self.markets.get(book.symbol)
        if market is None or not (len(market.resting) or market.taken):
            if market is not None:
                market.live = book
            return
        fills = market.on_trade(trade) if trade is not None else []
        self._apply(fills + market.on_book(book))

    def _settle(self, symbol: str, yes_price: int) -> None:
        """A settled market: its paper orders end, its paper position is paid out."""
        self._settled.add(symbol)
        for order_id in [i for i, w in self._working.items() if w.order.symbol == symbol]:
            self._end(order_id, OrderState.CANCELED, ExecType.CANCELED, "the market settled")
        if symbol not in self.account.positions or not self.account.positions[symbol].held:
            return
        sc = self._instrument(symbol).scales
        position, paid = self.account.settle(symbol, yes_price, sc)
        self.state.set_positions([position], snapshot=False)
        self.state.set_balance(self.balance())
        self.state.notify(f"PAPER: {symbol} settled at {sc.price_text(yes_price)}; the paper "
                          f"position was paid ${paid:,.2f}.")

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
