"""The embedded exchange's façade: commands in, execution reports and market events out.

Pure and synchronous. Every command runs to completion, then its events are delivered to
the listeners in order. Events raised while listeners run (a listener may send a command)
queue behind the ones being delivered, so every listener sees one global order.
Business errors never raise: they become REJECTED reports or cancel rejects (spec §11.4).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from itertools import count
from types import MappingProxyType
from typing import Any

from tui.core.enums import (
    CxlRejReason,
    ExecType,
    InstrumentState,
    OrderState,
    OrderType,
    OrdRejectReason,
    Side,
    TimeInForce,
)
from tui.core.prices import Intent, yes_order
from tui.sim import rules
from tui.sim.book import OrderBook
from tui.sim.ledger import Ledger
from tui.sim.model import (
    BookChanged,
    CancelRejectReport,
    ExecReport,
    LoggedCommand,
    PositionChanged,
    SimBalance,
    SimInstrument,
    SimOrder,
    SimPosition,
    SimStats,
    TradePrint,
)

log = logging.getLogger(__name__)

Listener = Callable[[object], None]
_IMMEDIATE = (TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL)


class Exchange:
    def __init__(self, instruments: list[SimInstrument], *,
                 clock: Callable[[], float] = time.time, id_prefix: str | None = None) -> None:
        self.clock = clock
        self._instruments = {i.symbol: i for i in instruments}
        self._books = {s: OrderBook(s) for s in self._instruments}
        self._stats = {s: SimStats(s) for s in self._instruments}
        # wall-clock seconds plus random bits: ids from a restarted exchange never collide
        self._prefix = id_prefix if id_prefix is not None else (
            f"{time.time_ns() // 1_000_000_000:x}{secrets.token_hex(4)}")
        self._counters = {kind: count(1) for kind in "OET"}
        self._orders: dict[str, SimOrder] = {}
        self._by_clord: dict[tuple[str, str], str] = {}
        self._gtd: dict[str, SimOrder] = {}  # working good-till-time orders
        self._ledger = Ledger()
        self._quiet = self._ledger.quiet  # accounts whose history is not kept (synthetic flow)
        self._executions: list[ExecReport] = []
        self.order_log: list[LoggedCommand] = []
        self._listeners: list[Listener] = []
        self._pending: deque[object] = deque()
        self._delivering = False
        self._dirty_books: dict[str, None] = {}  # dicts as ordered sets
        self._dirty_positions: dict[tuple[str, str], None] = {}
        self._touched: list[SimOrder] = []

    # --- accounts and instruments ---------------------------------------------------------
    def add_account(self, account: str, participant: str, cash: Decimal, *,
                    history: bool = True) -> None:
        """Open an account; history=False keeps no order/execution history (synthetic flow)."""
        self._ledger.open(account, participant, cash, history)

    @property
    def accounts(self) -> Mapping[str, str]:
        """account → participant."""
        return MappingProxyType(self._ledger.participants)

    @property
    def instruments(self) -> Mapping[str, SimInstrument]:
        """symbol → instrument."""
        return MappingProxyType(self._instruments)

    def set_instrument_state(self, symbol: str, state: InstrumentState) -> None:
        self._instruments[symbol].state = state

    # --- listeners ------------------------------------------------------------------------
    def add_listener(self, cb: Listener) -> None:
        self._listeners.append(cb)

    def remove_listener(self, cb: Listener) -> None:
        if cb in self._listeners:
            self._listeners.remove(cb)

    # --- commands -------------------------------------------------------------------------
    def insert_order(self, *, account: str, participant: str, symbol: str, side: Side,
                     price: int, order_qty: int, order_type: OrderType = OrderType.LIMIT,
                     tif: TimeInForce = TimeInForce.GOOD_TILL_CANCEL, clord_id: str = "",
                     participate_dont_initiate: bool = False,
                     good_till_time: float | None = None) -> str:
        now = self.clock()
        params: dict[str, Any] = dict(
            account=account, participant=participant, symbol=symbol, side=side, price=price,
            order_qty=order_qty, order_type=order_type, tif=tif, clord_id=clord_id,
            participate_dont_initiate=participate_dont_initiate, good_till_time=good_till_time)
        existing = self._by_clord.get((account, clord_id)) if clord_id else None
        if existing is not None:
            # a retried insert must never create a second order: answer with the first one
            self._log("insert", now, params, existing, "duplicate", "clord_id already used")
            return existing
        self._expire(now)
        inst = self._instruments.get(symbol)
        tif = TimeInForce(tif) or TimeInForce.DAY  # absent/zero means DAY (spec §6 Order)
        order = SimOrder(
            order_id=self._next_id("O"), clord_id=clord_id, account=account,
            participant=participant, symbol=symbol, side=side, type=order_type, tif=tif,
            price=price, order_qty=order_qty, leaves_qty=order_qty, insert_time=now,
            create_time=now, last_transact_time=now,
            good_till_time=good_till_time if tif is TimeInForce.GOOD_TILL_TIME else None,
            participate_dont_initiate=participate_dont_initiate,
            price_scale=inst.scales.price_scale if inst else 0,
            qty_scale=inst.scales.qty_scale if inst else 1)
        self._register(order)
        problem = rules.insert_problem(order, inst, self._books.get(symbol), now,
                                       known_account=account in self._ledger.participants)
        if problem is None and not self._ledger.can_fund(order):
            problem = OrdRejectReason.EXCHANGE_OPTION, rules.NO_BUYING_POWER
        if problem is not None:
            reason, text = problem
            self._end(order, OrderState.REJECTED, now)
            self._report(order, ExecType.REJECTED, now, reject_reason=reason, text=text)
            self._log("insert", now, params, order.order_id, "rejected", text)
        else:
            assert inst is not None
            self._report(order, ExecType.NEW, now)
            self._log("insert", now, params, order.order_id, "accepted")
            self._ledger.hold(order)
            self._work(order, now)
        self._finish()
        return order.order_id

    def insert_intent(self, *, intent: Intent, price: int, account: str, participant: str,
                      symbol: str, order_qty: int, **kw: Any) -> str:
        """Insert from a YES/NO intent; ``price`` is in the intent's outcome, raw."""
        inst = self._instruments.get(symbol)
        side, yes_price = (yes_order(intent, price, inst.scales) if inst
                           else (intent.yes_side, price))
        return self.insert_order(account=account, participant=participant, symbol=symbol,
                                 side=side, price=yes_price, order_qty=order_qty, **kw)

    def cancel_order(self, *, account: str, order_id: str = "", clord_id: str = "") -> None:
        """Cancel ``account``'s working order, by order id or else by clord_id."""
        now = self.clock()
        params = dict(order_id=order_id, clord_id=clord_id, account=account)
        self._expire(now)
        order = self._find(order_id, clord_id, account)
        if order is None:
            text = "order is not working (unknown, already done, or not yours)"
            self._emit(CancelRejectReport(account, order_id, clord_id,
                                          CxlRejReason.UNKNOWN_ORDER, text, False, now))
            self._log("cancel", now, params, order_id, "rejected", text)
        else:
            self._books[order.symbol].remove(order.order_id)
            self._dirty_books[order.symbol] = None
            self._end(order, OrderState.CANCELED, now)
            self._report(order, ExecType.CANCELED, now)
            self._log("cancel", now, params, order.order_id, "accepted")
        self._finish()

    def replace_order(self, *, account: str, order_id: str, clord_id: str,
                      price: int | None = None, order_qty: int | None = None) -> None:
        """Cancel-replace: the old order ends REPLACED and a new order id takes over.

        Reported twice, both REPLACE: the old order, REPLACED and done; then the new one
        (new ids, parent_order_id = the old id, fills carried over) that works on.
        """
        now = self.clock()
        params = dict(order_id=order_id, clord_id=clord_id, price=price, order_qty=order_qty,
                      account=account)
        self._expire(now)
        old = self._find(order_id, "", account)
        new_price = price if price is not None else (old.price if old else 0)
        new_qty = order_qty if order_qty is not None else (old.order_qty if old else 0)
        problem = rules.replace_problem(
            old, self._instruments[old.symbol] if old else None,
            self._books[old.symbol] if old else None, new_price, new_qty,
            clord_taken=bool(old and clord_id and clord_id != old.clord_id
                             and (old.account, clord_id) in self._by_clord))
        if problem is None and old is not None and not self._ledger.can_fund(
                replace(old, price=new_price, leaves_qty=new_qty - old.cum_qty), old.order_id):
            problem = CxlRejReason.EXCHANGE_OPTION, rules.NO_BUYING_POWER
        if problem is not None:
            reason, text = problem
            self._emit(CancelRejectReport(account, order_id, clord_id, reason, text, True, now))
            self._log("replace", now, params, order_id, "rejected", text)
            self._finish()
            return
        assert old is not None
        new = replace(old, order_id=self._next_id("O"), clord_id=clord_id or old.clord_id,
                      price=new_price, order_qty=new_qty, leaves_qty=new_qty - old.cum_qty,
                      insert_time=now, last_transact_time=now, parent_order_id=old.order_id)
        # time priority survives only an unchanged price with no more quantity to work
        keep_place = new.price == old.price and new.leaves_qty <= old.leaves_qty
        book = self._books[old.symbol]
        if keep_place:
            book.hand_over(old.order_id, new)
        else:
            book.remove(old.order_id)
        self._dirty_books[old.symbol] = None
        self._ledger.hand_over(old.order_id, new)  # the new order takes over its reservation
        self._end(old, OrderState.REPLACED, now)
        self._register(new)
        for order in (old, new):  # the old order's end first, then its successor
            self._report(order, ExecType.REPLACE, now, replaced_order_id=old.order_id)
        self._log("replace", now, params, new.order_id, "accepted")
        if keep_place:
            self._track_gtd(new)
        else:
            self._work(new, now)
        self._finish()

    def expire_due(self, now: float) -> None:
        """Expire good-till-time orders whose time has come."""
        self._expire(now)
        self._finish()

    # --- queries --------------------------------------------------------------------------
    def order(self, order_id: str) -> SimOrder | None:
        order = self._orders.get(order_id)
        return order.snapshot() if order else None

    def order_by_clord(self, account: str, clord_id: str) -> SimOrder | None:
        order_id = self._by_clord.get((account, clord_id))
        return self.order(order_id) if order_id else None

    def open_orders(self, accounts: Iterable[str] | None = None,
                    symbols: Iterable[str] | None = None) -> list[SimOrder]:
        want_accounts = set(accounts) if accounts is not None else None
        want_symbols = list(symbols) if symbols is not None else list(self._books)
        books = [self._books[s] for s in want_symbols if s in self._books]
        return [o.snapshot() for book in books for o in book.orders()
                if want_accounts is None or o.account in want_accounts]

    def book(self, symbol: str, depth: int = 10
             ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        return self._books[symbol].levels(depth)

    def best(self, symbol: str) -> tuple[int | None, int | None]:
        return self._books[symbol].best_bid, self._books[symbol].best_offer

    def positions(self, account: str) -> list[SimPosition]:
        return self._ledger.positions(account)

    def position(self, account: str, symbol: str) -> SimPosition:
        return self._ledger.position(account, symbol)

    def balance(self, account: str) -> SimBalance:
        return self._ledger.balance(account)

    def buying_power(self, account: str) -> Decimal:
        """Cash less what the account's working orders reserve (see ledger)."""
        return self._ledger.buying_power(account)

    def stats(self, symbol: str) -> SimStats:
        return replace(self._stats[symbol])

    def executions(self, account: str | None = None) -> list[ExecReport]:
        return [e for e in self._executions if account in (None, e.order.account)]

    # --- order life -----------------------------------------------------------------------
    def _work(self, order: SimOrder, now: float) -> None:
        """Match an accepted order, then rest it or expire what is left."""
        book = self._books[order.symbol]
        if order.tif is TimeInForce.FILL_OR_KILL and book.available(
                order.side, order.price, order.leaves_qty) < order.leaves_qty:
            self._end(order, OrderState.EXPIRED, now)
            self._report(order, ExecType.EXPIRED, now, text="fill-or-kill could not fill in full")
            return
        for resting, qty in book.match(order.side, order.price, order.leaves_qty):
            self._trade(order, resting, qty, now)
            self._dirty_books[order.symbol] = None
        if not order.leaves_qty:
            return
        if order.tif in _IMMEDIATE:
            self._end(order, OrderState.EXPIRED, now)
            self._report(order, ExecType.EXPIRED, now, text="unfilled rest of an IOC expired")
        else:
            book.add(order)
            self._dirty_books[order.symbol] = None
            self._track_gtd(order)

    def _trade(self, aggressor: SimOrder, resting: SimOrder, qty: int, now: float) -> None:
        px, trade_id = resting.price, self._next_id("T")  # trades at the resting price
        for order, is_aggressor in ((aggressor, True), (resting, False)):
            order.apply_fill(qty, px, trade_id, now)
            if order.state is OrderState.FILLED:
                self._gtd.pop(order.order_id, None)
                self._ledger.release(order.order_id)
            kind = ExecType.FILL if order.state is OrderState.FILLED else ExecType.PARTIAL_FILL
            self._report(order, kind, now, last_shares=qty, last_px=px, trade_id=trade_id,
                         aggressor=is_aggressor)
        self._emit(TradePrint(aggressor.symbol, px, qty, aggressor.side, trade_id, now))
        self._stats[aggressor.symbol].record(px, qty)
        for order in (aggressor, resting):
            self._ledger.fill(order, qty, px, now)
            self._dirty_positions[(order.account, order.symbol)] = None

    def _expire(self, now: float) -> None:
        for order in [o for o in self._gtd.values() if o.good_till_time is not None
                      and o.good_till_time <= now]:
            self._books[order.symbol].remove(order.order_id)
            self._dirty_books[order.symbol] = None
            self._end(order, OrderState.EXPIRED, now)
            self._report(order, ExecType.EXPIRED, now, text="good-till-time reached")

    # --- bookkeeping ----------------------------------------------------------------------
    def _next_id(self, kind: str) -> str:
        # zero-padded so ids also sort in issue order within a run
        return f"{self._prefix}-{kind}{next(self._counters[kind]):010d}"

    def _register(self, order: SimOrder) -> None:
        self._orders[order.order_id] = order
        if order.clord_id:
            self._by_clord[(order.account, order.clord_id)] = order.order_id

    def _find(self, order_id: str, clord_id: str, account: str) -> SimOrder | None:
        """The working order addressed, if it is ``account``'s: never another account's."""
        if not order_id and clord_id:
            order_id = self._by_clord.get((account, clord_id), "")
        order = self._orders.get(order_id)
        mine = order is not None and order.account == account and not order.state.is_terminal
        return order if mine else None

    def _track_gtd(self, order: SimOrder) -> None:
        if order.tif is TimeInForce.GOOD_TILL_TIME:
            self._gtd[order.order_id] = order

    def _end(self, order: SimOrder, state: OrderState, now: float) -> None:
        order.state = state
        order.leaves_qty = 0
        order.last_transact_time = now
        self._gtd.pop(order.order_id, None)
        self._ledger.release(order.order_id)

    def _report(self, order: SimOrder, kind: ExecType, now: float, **kw: Any) -> None:
        report = ExecReport(self._next_id("E"), order.snapshot(), kind, now, **kw)
        self._touched.append(order)
        if order.account not in self._quiet:
            self._executions.append(report)
        self._emit(report)

    def _log(self, kind: str, now: float, params: dict[str, Any], order_id: str, outcome: str,
             text: str = "") -> None:
        order = self._orders.get(order_id)
        if (order.account if order else params.get("account")) not in self._quiet:
            self.order_log.append(LoggedCommand(kind, now, params, order_id, outcome, text))

    def _emit(self, event: object) -> None:
        self._pending.append(event)

    def _finish(self) -> None:
        """End a command: coalesced position and book events, then deliver everything."""
        for account, symbol in self._dirty_positions:
            self._emit(PositionChanged(account, symbol))
        for symbol in self._dirty_books:
            self._emit(BookChanged(symbol))
        self._dirty_positions.clear()
        self._dirty_books.clear()
        for order in self._touched:
            # synthetic flow history would grow without bound; forget its finished orders
            if order.account in self._quiet and order.state.is_terminal:
                self._orders.pop(order.order_id, None)
        self._touched.clear()
        if self._delivering:
            return  # a listener sent this command; the outer loop delivers in order
        self._delivering = True
        try:
            while self._pending:
                event = self._pending.popleft()
                for cb in list(self._listeners):
                    try:
                        cb(event)
                    except Exception:
                        log.exception("exchange listener failed on %r", event)
        finally:
            self._delivering = False
