"""Commands to the retail API: insert, preview, modify, cancel (one, many, everything).

A 200 with an id is not acceptance (§5.1): the private socket decides what happened.
Retail orders carry no client order id, so the desk keeps its own for each insert and
links it to the exchange's id when the answer comes; executions that outrun that answer
wait for it. Nothing whose outcome is unknown is sent again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any

from tui.core import words
from tui.core.enums import OrderState, Side
from tui.core.model import Estimate, Instrument, Order
from tui.core.prices import Intent
from tui.core.state import DeskState, LinkState
from tui.core.ticket import OrderRequest
from tui.core.venue import VenueError
from tui.venues.order_marks import OrderMarks
from tui.venues.refusals import preview_refusal
from tui.venues.retail import convert
from tui.venues.retail.rest import RetailRest
from tui.venues.retail.signing import json_text
from tui.venues.tasks import Tasks

log = logging.getLogger(__name__)
ORDER_STREAM = "orders"
SETTLE_AFTER = 3.0  # seconds a cancel or modify may take before the desk asks how it went
SETTLE_TRIES = 3  # reads of that order before the desk says it could not ask


class RetailCommands(OrderMarks):
    state: DeskState
    rest: RetailRest
    _clords: dict[str, str]  # exchange order id → the desk's own id for it
    _intents: dict[str, Intent]  # the desk's id → what the trader meant
    _inflight: dict[str, asyncio.Future[str]]  # the desk's id → the exchange's answer
    _early: dict[str, list[dict[str, Any]]]  # executions of ids not yet answered
    tasks: Tasks  # look-ups and the like, held while they run

    def _apply_execution(self, execution: dict[str, Any]) -> None: ...
    def _upsert(self, order: Order) -> None: ...

    def _instrument(self, symbol: str) -> Instrument:
        inst = self.state.instruments.get(symbol)
        if inst is None:
            raise VenueError(f"{symbol} is not a market this desk knows.")
        return inst

    def _require_order_stream(self) -> None:
        link = self.state.streams.get(ORDER_STREAM)
        if link is None or link.state is not LinkState.LIVE:
            # without the private socket the desk could not see the fill or the reject
            raise VenueError("The order stream is not live, so nothing was sent.")

    async def submit(self, request: OrderRequest) -> None:
        self._require_order_stream()
        inst = self._instrument(request.symbol)
        self._intents[request.clord_id] = request.intent
        pending = Order(order_id="", clord_id=request.clord_id, symbol=request.symbol,
                        side=request.yes_side, price=request.yes_price, order_qty=request.qty,
                        leaves_qty=request.qty, state=OrderState.PENDING_NEW,
                        intent=request.intent, updated_at=time.monotonic())
        self.state.upsert_order(pending)
        before = set(self.state.orders)  # what the socket shows after this may be this one
        answered: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._inflight[request.clord_id] = answered
        try:
            order_id = await self.rest.create_order(convert.order_body(request, inst.scales))
            answered.set_result(order_id)
            del self._inflight[request.clord_id]
            self._link(order_id, pending)  # before any waiting execution is replayed
        except VenueError as exc:
            answered.set_exception(exc)
            answered.exception()  # retrieved here, so an unawaited future logs nothing
            if self.state.find_order(clord_id=request.clord_id) is pending:
                if exc.uncertain:  # it may be working: the open orders will tell
                    pending.reject_text = "no answer; looking for it in the open orders"
                    self.tasks.spawn(self._look_for(pending, before), "lookup")
                else:
                    pending.state = OrderState.REJECTED
                    pending.reject_text = str(exc)
                self.state.upsert_order(pending)
            raise
        finally:
            self._inflight.pop(request.clord_id, None)
            self._replay_early()

    def _link(self, order_id: str, pending: Order) -> None:
        """The exchange named our order: key it by that id, then apply what already came."""
        self._clords[order_id] = pending.clord_id
        known = self.state.orders.get(order_id)
        if known is not None and known is not pending:
            # a reconnect's open-order snapshot listed it first: that copy is the truth
            known.clord_id = pending.clord_id
            known.intent = known.intent or pending.intent
            self._upsert(known)  # keyed by the exchange id now, and kept in the store
        elif self.state.find_order(clord_id=pending.clord_id) is pending:
            pending.order_id = order_id
            self.state.upsert_order(pending, pending_key=pending.clord_id)
        for execution in self._early.pop(order_id, []):
            self._apply_execution(execution)

    def _replay_early(self) -> None:
        """With no insert left unanswered, executions still waiting are other orders'."""
        if self._inflight:
            return
        early, self._early = self._early, {}
        for executions in early.values():
            for execution in executions:
                self._apply_execution(execution)

    async def _look_for(self, pending: Order, before: set[str]) -> None:
        """An insert whose answer was lost: adopt the order the private socket showed
        (one that filled at once is never among the open orders) or a matching open
        order, else say it could not be found. Orders known before it was sent
        (`before`) are someone else's."""
        for _ in range(3):
            await asyncio.sleep(1.0)
            if not self._unanswered(pending) or self._adopt_seen(pending, before):
                return
            try:
                listed = await self.rest.open_orders([pending.symbol])
            except VenueError:
                continue
            if not self._unanswered(pending) or self._adopt_seen(pending, before):
                return  # the socket told while the read was on its way: that is newer
            scales = self._instrument(pending.symbol).scales
            for data in listed:
                try:
                    order = convert.order(data, scales, clord_id=pending.clord_id)
                except (ValueError, KeyError, TypeError):
                    continue  # one unreadable order must not end the search
                if order.order_id not in before and self._same(order, pending):
                    self._link(order.order_id, pending)
                    if (self.state.orders.get(order.order_id) is pending
                            and pending.state is OrderState.PENDING_NEW):
                        # nothing came on the socket meanwhile: the listing is newest
                        order.intent = order.intent or pending.intent
                        self._upsert(order)
                    return
        if self._unanswered(pending) and not self._adopt_seen(pending, before):
            # retail cannot look an order up without its id: unknown, never "rejected"
            # (which reads as safe to send again); ended, so it jams no cancel or flatten
            pending.state = OrderState.EXPIRED
            pending.reject_text = ("no answer, and not among the open orders: it may have "
                                   "filled (check positions) or never reached the book; "
                                   "not sent again")
            self._upsert(pending)
            self.state.notify(f"{words.describe(self.state, pending)}: no answer, and not "
                              "among the open orders. It may have filled: check positions "
                              "before sending it again.", "warning")

    def _unanswered(self, pending: Order) -> bool:
        return (self.state.find_order(clord_id=pending.clord_id) is pending
                and not pending.order_id)

    @staticmethod
    def _same(order: Order, pending: Order) -> bool:
        return (order.symbol == pending.symbol and order.side is pending.side
                and order.price == pending.price and order.order_qty == pending.order_qty)

    def _adopt_seen(self, pending: Order, before: set[str]) -> bool:
        """The private socket may have shown the order already, as no one's (its insert
        was unanswered): make it ours, and say a fill it already had."""
        for order in list(self.state.orders.values()):
            if (order.order_id and not order.clord_id and order.order_id not in before
                    and order.order_id not in self._clords and self._same(order, pending)):
                self._link(order.order_id, pending)
                if order.cum_qty:
                    self.state.notify(f"Filled {words.quantity(self.state, order, order.cum_qty)} "
                                      f"{words.describe(self.state, order)}.")
                return True
        return False

    def wire_text(self, request: OrderRequest) -> str:
        """Exactly the insert this desk would send: path and JSON body."""
        body = convert.order_body(request, self._instrument(request.symbol).scales)
        return f"POST /v1/orders\n{json_text(body)}"

    async def preview(self, request: OrderRequest) -> Estimate:
        scales = self._instrument(request.symbol).scales
        data = await self.rest.preview(convert.order_body(request, scales))
        order = convert.order(data, scales)
        if order.state is OrderState.REJECTED:  # refused, and the preview cannot say why
            raise VenueError(preview_refusal(request, self.state.books.get(request.symbol)))
        return Estimate(fill_qty=order.cum_qty, avg_px=order.avg_px, leaves_qty=order.leaves_qty)

    @property
    def answer_timeout(self) -> float:
        return self.rest.timeout

    async def cancel(self, order: Order) -> None:
        current = await self._acknowledged(order)
        if current is None:
            return
        self._mark(current, OrderState.PENDING_CANCEL)
        try:
            await self.rest.cancel(current.order_id, current.symbol)
        except VenueError as exc:
            self._unmark(current, exc, OrderState.PENDING_CANCEL)
            if exc.uncertain:  # the mark stays: look it up, or it shows cancelling forever
                self._settle_later(current)
            raise
        self._settle_later(current)

    async def replace(self, order: Order, *, price: int | None = None,
                      qty: int | None = None) -> None:
        """Modify (§5.3): the exchange cancel-replaces; the old order ends REPLACED."""
        self._require_order_stream()
        current = await self._acknowledged(order)
        if current is None:
            raise VenueError("That order is no longer working.")
        body = convert.modify_body(current, self._instrument(current.symbol).scales,
                                   price=price, qty=qty)
        self._mark(current, OrderState.PENDING_REPLACE)
        try:
            await self.rest.modify(current.order_id, body)
        except VenueError as exc:
            self._unmark(current, exc, OrderState.PENDING_REPLACE)
            if exc.uncertain:  # the mark stays: look it up, or it shows changing forever
                self._settle_later(current)
            raise
        self._settle_later(current)

    def _settle_later(self, order: Order) -> None:
        self.tasks.spawn(self._settle(order), "settle")

    async def _settle(self, order: Order) -> None:
        """A refused cancel sends nothing on the socket (§5.4): if the order still shows
        as cancelling after a while, ask the exchange what it is."""
        await asyncio.sleep(SETTLE_AFTER)
        for attempt in range(SETTLE_TRIES):
            if attempt:
                await asyncio.sleep(1.0)
            current = self.state.find_order(order_id=order.order_id)
            if current is None or current.state not in (OrderState.PENDING_CANCEL,
                                                        OrderState.PENDING_REPLACE):
                return
            try:
                data = await self.rest.order(order.order_id)
                settled = convert.order(data, self._instrument(order.symbol).scales,
                                        clord_id=order.clord_id)
            except VenueError:
                continue  # one failed read must not leave it marked for good
            except (ValueError, KeyError, TypeError):
                log.warning("the order %s could not be read", order.order_id)
                continue
            break
        else:
            self._unknown_outcome(order)
            return
        current = self.state.find_order(order_id=order.order_id)
        if current is None or current.state not in (OrderState.PENDING_CANCEL,
                                                    OrderState.PENDING_REPLACE):
            return  # the socket told while the read was on its way: that is newer
        settled.intent = settled.intent or order.intent
        if settled.state.is_working:
            settled.reject_text = "the exchange kept the order as it was"
            self.state.notify(f"{words.describe(self.state, settled)}: the exchange kept "
                              "the order working.", "warning")
        self._before_cancel.pop(order.order_id, None)
        self._upsert(settled)  # and into the store: its last word must not be "cancelling"

    def _unknown_outcome(self, order: Order) -> None:
        """The exchange could not be asked: drop the mark, so a second cancel is sent
        rather than nothing (a stale cancel is refused), and say the first may yet act."""
        current = self.state.find_order(order_id=order.order_id)
        if current is None or current.state not in (OrderState.PENDING_CANCEL,
                                                    OrderState.PENDING_REPLACE):
            return
        current.state = self._before_cancel.pop(order.order_id, OrderState.NEW)
        current.reject_text = "no word on the cancel or change; it may still take effect"
        self._upsert(current)
        self.state.notify(f"{words.describe(self.state, current)}: the exchange could not be "
                          "asked how the cancel or change went; it is shown as it was.",
                          "warning")

    async def cancel_orders(self, orders: Iterable[Order]) -> int:
        """Cancel each (paced under the per-key limit); returns how many were asked."""
        targets = [o for o in orders if o.state.is_working]
        results = await asyncio.gather(*(self.cancel(o) for o in targets),
                                       return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            first = failures[0]
            raise VenueError(f"Some cancels were not sent: {first}",
                             uncertain=any(getattr(f, "uncertain", False) for f in failures))
        return len(targets)

    async def cancel_all(self, symbol: str | None = None, side: Side | None = None) -> int:
        return await self.cancel_orders(
            o for o in self.state.working_orders(symbol) if side is None or o.side is side)

    async def kill_switch(self) -> int:
        """Every open order of the key in every market (§5.5), and inserts in flight."""
        unacked = [o for o in self.state.working_orders() if not o.order_id]
        acked = [o for o in self.state.working_orders() if o.order_id]
        for order in acked:
            self._mark(order, OrderState.PENDING_CANCEL)
        try:
            cancelled = await self.rest.cancel_all()
        except VenueError as exc:
            for order in acked:
                self._unmark(order, exc, OrderState.PENDING_CANCEL)
            raise
        late = await asyncio.gather(*(self.cancel(o) for o in unacked), return_exceptions=True)
        if any(isinstance(r, BaseException) for r in late):
            # an insert whose answer was lost may have reached the book after the sweep
            # above: sweep once more now that every insert has had its answer
            cancelled += await self.rest.cancel_all()
        for order in acked:  # one the sweep did not end is looked up, not left "cancelling"
            self._settle_later(order)
        return len(cancelled) + sum(1 for r in late if not isinstance(r, BaseException))
