"""The embedded exchange's façade: commands in, execution reports and market events out.

Its state and read-only queries live in state.ExchangeState; this adds the commands.

Pure and synchronous. Every command runs to completion, then its events are delivered to
the listeners in order (see bus). Business errors never raise: they become REJECTED
reports or cancel rejects (spec §11.4). ``preview`` answers what an insert would do now
without doing it (see quote).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import count
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
from tui.sim import intake, quote, rules
from tui.sim.bus import EventBus
from tui.sim.crossing import Crossing
from tui.sim.instrument_states import InstrumentStates, cancel_refusal
from tui.sim.model import (
    BookChanged,
    CancelRejectReport,
    ExecReport,
    LoggedCommand,
    PositionChanged,
    SimInstrument,
    SimOrder,
    TradePrint,
)
from tui.sim.quote import OrderPreview
from tui.sim.state import ExchangeState

_IMMEDIATE = (TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL)


class Exchange(InstrumentStates, Crossing, ExchangeState, EventBus):
    def __init__(self, instruments: list[SimInstrument], *,
                 clock: Callable[[], float] = time.time, id_prefix: str | None = None) -> None:
        ExchangeState.__init__(self, instruments)
        EventBus.__init__(self)
        self.clock = clock
        # wall-clock seconds plus random bits: ids from a restarted exchange never collide
        self._prefix = id_prefix if id_prefix is not None else (
            f"{time.time_ns() // 1_000_000_000:x}{secrets.token_hex(4)}")
        self._counters = {kind: count(1) for kind in "OETX"}  # X: a cross's host id
        self._gtd: dict[str, SimOrder] = {}  # working good-till-time orders
        self.order_log: list[LoggedCommand] = []
        self._dirty_books: dict[str, None] = {}  # dicts as ordered sets
        self._dirty_positions: dict[tuple[str, str], str] = {}  # → the latest trade id
        self._touched: list[SimOrder] = []

    @property
    def session_id(self) -> str:
        """Names this exchange's life: a resume token from another one means nothing here."""
        return self._prefix

    # --- commands -------------------------------------------------------------------------
    def insert_order(self, *, account: str, participant: str, symbol: str, side: Side,
                     price: int, order_qty: int, order_type: OrderType = OrderType.LIMIT,
                     tif: TimeInForce = TimeInForce.GOOD_TILL_CANCEL, clord_id: str = "",
                     participate_dont_initiate: bool = False,
                     good_till_time: float | None = None, cash_order_qty: int = 0) -> str:
        """Insert an order; its outcome is reported to the listeners. Returns its order id.

        A buy with ``cash_order_qty`` (raw notional, px × qty units, and no order_qty) spends
        at most that cash: its order_qty becomes what the cash buys walking the book up to
        its limit now plus, with what is left, what can rest at the limit (an IOC's unfilled
        rest expires; a FOK needs the whole amount to fill now).
        """
        now = self.clock()
        params: dict[str, Any] = dict(
            account=account, participant=participant, symbol=symbol, side=side, price=price,
            order_qty=order_qty, order_type=order_type, tif=tif, clord_id=clord_id,
            participate_dont_initiate=participate_dont_initiate, good_till_time=good_till_time,
            cash_order_qty=cash_order_qty)
        existing = self._by_clord.get((account, clord_id)) if clord_id else None
        if existing is not None:
            # a retried insert must never create a second order: answer with the first one
            self._log("insert", now, params, existing, "duplicate", "clord_id already used")
            return existing
        self._expire(now)
        order = self._new_order(self._next_id("O"), now, params)
        self._register(order)
        problem = self._refusal(order, order_qty, now)
        if problem is not None:
            self._rejected(order, now, params, problem)
        else:
            self._accepted(order, now, params)
            self._ledger.hold(order)
            self._work(order, now)
        self._finish()
        return order.order_id

    def _rejected(self, order: SimOrder, now: float, params: dict[str, Any],
                  problem: rules.Problem) -> None:
        """An insert refused: the order ends REJECTED with the reason, reported and logged."""
        reason, text = problem
        self._end(order, OrderState.REJECTED, now)
        self._report(order, ExecType.REJECTED, now, reject_reason=reason, text=text)
        self._log("insert", now, params, order.order_id, "rejected", text)

    def _accepted(self, order: SimOrder, now: float, params: dict[str, Any]) -> None:
        self._report(order, ExecType.NEW, now)
        self._log("insert", now, params, order.order_id, "accepted")

    def preview(self, *, account: str, participant: str, symbol: str, side: Side,
                price: int, order_qty: int, order_type: OrderType = OrderType.LIMIT,
                tif: TimeInForce = TimeInForce.GOOD_TILL_CANCEL, clord_id: str = "",
                participate_dont_initiate: bool = False, good_till_time: float | None = None,
                cash_order_qty: int = 0) -> OrderPreview:
        """What ``insert_order`` with these arguments would do now, changing nothing.

        Validated as an insert is (buying power and post-only crossing included); the fill is
        the book walked as it stands. A clord_id already used is refused: an insert with it
        would create no order.
        """
        now = self.clock()
        params: dict[str, Any] = dict(
            account=account, participant=participant, symbol=symbol, side=side, price=price,
            order_qty=order_qty, order_type=order_type, tif=tif, clord_id=clord_id,
            participate_dont_initiate=participate_dont_initiate, good_till_time=good_till_time,
            cash_order_qty=cash_order_qty)
        order = self._new_order("", now, params)
        problem: rules.Problem | None = None
        if clord_id and (account, clord_id) in self._by_clord:
            problem = OrdRejectReason.EXCHANGE_OPTION, "clord_id already used"
        problem = problem or self._refusal(order, order_qty, now)
        return quote.estimate(order, self._books.get(symbol), now, problem)

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
        frozen = cancel_refusal(self._instruments[order.symbol]) if order else None
        if order is None or frozen:
            reason, text = frozen or (CxlRejReason.UNKNOWN_ORDER,
                                      "order is not working (unknown, already done, or not yours)")
            self._emit(CancelRejectReport(account, order_id, clord_id, reason, text, False, now))
            self._log("cancel", now, params, order_id, "rejected", text)
        else:
            self._books[order.symbol].remove(order.order_id)
            self._dirty_books[order.symbol] = None
            self._end(order, OrderState.CANCELED, now)
            self._report(order, ExecType.CANCELED, now)
            self._log("cancel", now, params, order.order_id, "accepted")
        self._finish()

    def replace_order(self, *, account: str, order_id: str, clord_id: str,
                      price: int | None = None, order_qty: int | None = None,
                      tif: TimeInForce | None = None,
                      participate_dont_initiate: bool | None = None,
                      good_till_time: float | None = None) -> None:
        """Cancel-replace: the old order ends REPLACED and a new order id takes over.

        Reported twice, both REPLACE: the old order, REPLACED and done; then the new one
        (new ids, parent_order_id = the old id, fills carried over) that works on. The new
        one has a quantity, never a cash amount: it may spend what its size costs. Terms
        left None stay as they were; an expiry is kept only by a GOOD_TILL_TIME order.
        """
        now = self.clock()
        params = dict(order_id=order_id, clord_id=clord_id, price=price, order_qty=order_qty,
                      account=account)
        asked = (("tif", tif), ("participate_dont_initiate", participate_dont_initiate),
                 ("good_till_time", good_till_time))
        terms: dict[str, Any] = {k: v for k, v in asked if v is not None}
        params.update(terms)  # only what was asked: the log of a plain replace is unchanged
        self._expire(now)
        old = self._find(order_id, "", account)
        new_price = price if price is not None else (old.price if old else 0)
        new_qty = order_qty if order_qty is not None else (old.order_qty if old else 0)
        new = replace(old, price=new_price, order_qty=new_qty, cash_order_qty=0,
                      leaves_qty=new_qty - old.cum_qty, **terms) if old else None
        if (new is not None and new.tif is not TimeInForce.GOOD_TILL_TIME
                and good_till_time is None):
            new.good_till_time = None  # the old expiry goes with its tif; an asked one is checked
        problem = rules.replace_problem(
            old, self._instruments[old.symbol] if old else None,
            self._books[old.symbol] if old else None, new_price, new_qty,
            clord_taken=bool(old and clord_id and clord_id != old.clord_id
                             and (old.account, clord_id) in self._by_clord),
            new=new if terms else None, now=now)
        if problem is None and new and not self._ledger.can_fund(new, new.order_id):
            problem = CxlRejReason.EXCHANGE_OPTION, rules.NO_BUYING_POWER
        if problem is not None:
            reason, text = problem
            self._emit(CancelRejectReport(account, order_id, clord_id, reason, text, True, now))
            self._log("replace", now, params, order_id, "rejected", text)
            self._finish()
            return
        assert old is not None and new is not None
        new = replace(new, order_id=self._next_id("O"), clord_id=clord_id or old.clord_id,
                      insert_time=now, last_transact_time=now, parent_order_id=old.order_id)
        # time priority survives only an unchanged price with no more quantity to work
        keep_place = (new.price == old.price and new.leaves_qty <= old.leaves_qty
                      and new.tif not in _IMMEDIATE)  # an IOC/FOK works now, never rests
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

    def settle_market(self, symbol: str, price: int) -> None:
        """Resolve a market at ``price`` (raw, 0 to $1): it is TERMINATED (its resting orders
        canceled, see instrument_states) and every position in it is paid out at that price."""
        inst = self._instruments[symbol]
        if symbol in self._settlements or not 0 <= price <= inst.scales.price_scale:
            raise ValueError(f"{symbol} cannot settle at raw {price}: settled already, or "
                             "the price is not between 0 and $1")
        self._settlements[symbol] = (price, self.clock())
        # in the stats too: every market-data update and book read carries them
        self._stats[symbol].settlement_px = price
        self._change_state(symbol, InstrumentState.TERMINATED)
        for account in self._ledger.settle(symbol, price, inst.scales, self.clock()):
            self._dirty_positions[(account, symbol)] = ""
        self._finish()  # one delivery: the state change, its cancels and the payouts

    def expire_due(self, now: float) -> None:
        """Expire good-till-time orders whose time has come."""
        self._expire(now)
        self._finish()

    # --- order life -----------------------------------------------------------------------
    def _work(self, order: SimOrder, now: float) -> None:
        """Match an accepted order, then rest it or expire what is left."""
        book = self._books[order.symbol]
        if order.tif is TimeInForce.FILL_OR_KILL and book.available(
                order.side, order.price, order.leaves_qty) < order.leaves_qty:
            self._end(order, OrderState.EXPIRED, now)
            self._report(order, ExecType.EXPIRED, now, text=quote.FOK_EXPIRED)
            return
        for resting, qty in book.match(order.side, order.price, order.leaves_qty):
            self._trade(order, resting, qty, now)
            self._dirty_books[order.symbol] = None
        if not order.leaves_qty:
            return
        if order.tif in _IMMEDIATE:
            self._end(order, OrderState.EXPIRED, now)
            self._report(order, ExecType.EXPIRED, now, text=quote.IOC_EXPIRED)
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
        # stats first: the print carries them as of this trade (a sweep makes several);
        # record() has just set open/high/low, the `else px` only narrows their Optional type
        stats = self._stats[aggressor.symbol]
        stats.record(px, qty)
        self._emit(TradePrint(aggressor.symbol, px, qty, aggressor.side, trade_id, now,
                              volume=stats.volume, notional=stats.notional,
                              open_px=stats.open_px if stats.open_px is not None else px,
                              high_px=stats.high_px if stats.high_px is not None else px,
                              low_px=stats.low_px if stats.low_px is not None else px))
        for order in (aggressor, resting):
            self._ledger.fill(order, qty, px, now)
            self._dirty_positions[(order.account, order.symbol)] = trade_id

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

    def _new_order(self, order_id: str, now: float, params: dict[str, Any]) -> SimOrder:
        symbol = params["symbol"]
        return intake.new_order(order_id, now, params, self._instruments.get(symbol),
                                self._books.get(symbol))

    def _refusal(self, order: SimOrder, asked_qty: int, now: float) -> rules.Problem | None:
        return intake.refusal(order, asked_qty, self._instruments.get(order.symbol),
                              self._books.get(order.symbol), self._ledger, now)

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
        kept = order.account not in self._quiet
        report = ExecReport(self._next_id("E"), order.snapshot(), kind, now,
                            seq=len(self._executions) + 1 if kept else 0, **kw)
        self._touched.append(order)
        if kept:
            self._executions.append(report)
        self._emit(report)

    def _log(self, kind: str, now: float, params: dict[str, Any], order_id: str, outcome: str,
             text: str = "") -> None:
        order = self._orders.get(order_id)
        if (order.account if order else params.get("account")) not in self._quiet:
            self.order_log.append(LoggedCommand(kind, now, params, order_id, outcome, text))

    def _finish(self) -> None:
        """End a command: coalesced position and book events, then deliver everything."""
        for (account, symbol), trade_id in self._dirty_positions.items():
            # a copy only where a listener keeps it: the synthetic flow's would be thrown away
            kept = self._ledger.position(account, symbol) if self.keeps_history(account) \
                else None
            self._emit(PositionChanged(account, symbol, trade_id, kept))
        for symbol in self._dirty_books:
            self._emit(BookChanged(symbol))
        self._dirty_positions.clear()
        self._dirty_books.clear()
        for order in self._touched:
            # synthetic flow history would grow without bound; forget its finished orders
            if order.account in self._quiet and order.state.is_terminal:
                self._orders.pop(order.order_id, None)
        self._touched.clear()
        self._deliver()
