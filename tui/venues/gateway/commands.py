"""Commands to the gateway: insert, preview, cancel (one, a list, everything), replace.

An HTTP 200 means "received"; the order stream decides what happened. Nothing here
re-sends a command whose outcome is unknown.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tui.core.enums import OrderState, OrderType, Side
from tui.core.model import Estimate, Order
from tui.core.prices import Intent
from tui.core.state import DeskState, LinkState
from tui.core.ticket import OrderRequest, new_clord_id
from tui.core.venue import VenueError
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.venues.gateway import convert
from tui.venues.gateway.rest import INSERT_PATH, GatewayRest, json_body
from tui.venues.order_marks import OrderMarks
from tui.venues.tasks import Tasks

MANUAL = 1  # MANUAL_ORDER_INDICATOR_MANUAL: a person pressed the key
ORDER_STREAM = "orders"
LIST_MAX = 20  # operations per list request (spec §6)


def insert_msg(request: OrderRequest, account: str) -> tr_pb.InsertOrderRequest:
    """The wire request for a ticket; a market order is an IOC limit at its worst price."""
    msg = tr_pb.InsertOrderRequest(
        type=int(OrderType.LIMIT), side=int(request.yes_side), order_qty=request.qty,
        symbol=request.symbol, price=request.yes_price, time_in_force=int(request.tif),
        clord_id=request.clord_id, account=account, manual_order_indicator=MANUAL,
        participate_dont_initiate=request.post_only,
    )
    if request.cash_qty is not None:
        msg.order_qty = 0
        msg.cash_order_qty = request.cash_qty
    if request.expire_at is not None:
        msg.good_till_time.CopyFrom(convert.timestamp(request.expire_at))
    return msg


class Commands(OrderMarks):
    state: DeskState
    rest: GatewayRest
    account: str
    _intents: dict[str, Intent]
    _inflight: dict[str, asyncio.Future[str]]
    _before_cancel: dict[str, OrderState]
    tasks: Tasks

    if TYPE_CHECKING:  # from Recovery
        async def _resolve_uncertain(self, clord_id: str) -> None: ...

    def _require_order_stream(self) -> None:
        link = self.state.streams.get(ORDER_STREAM)
        if link is None or link.state is not LinkState.LIVE:
            # without the order stream the desk could not see the fill or the reject
            raise VenueError("The order stream is not live, so nothing was sent.")

    async def submit(self, request: OrderRequest) -> None:
        self._require_order_stream()
        self._intents[request.clord_id] = request.intent
        pending = Order(order_id="", clord_id=request.clord_id, symbol=request.symbol,
                        side=request.yes_side, price=request.yes_price, order_qty=request.qty,
                        leaves_qty=request.qty, state=OrderState.PENDING_NEW,
                        intent=request.intent, updated_at=time.monotonic())
        self.state.upsert_order(pending)
        answered: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._inflight[request.clord_id] = answered
        try:
            resp = await self.rest.insert_order(insert_msg(request, self.account))
            answered.set_result(resp.order_id)
        except VenueError as exc:
            answered.set_exception(exc)
            answered.exception()  # retrieved here, so an unawaited future logs nothing
            if self.state.find_order(clord_id=request.clord_id) is pending:
                if exc.uncertain:
                    # it may be working at the exchange: stay pending, and ask by clord_id
                    pending.reject_text = "no answer yet; looking it up by its id"
                    self.tasks.spawn(self._resolve_uncertain(request.clord_id), "lookup")
                else:
                    pending.state = OrderState.REJECTED
                    pending.reject_text = str(exc)
                self.state.upsert_order(pending)
            raise
        finally:
            del self._inflight[request.clord_id]
        # the stream may have reported the order already; only fill in the id if not
        if self.state.find_order(clord_id=request.clord_id) is pending and resp.order_id:
            pending.order_id = resp.order_id
            self.state.upsert_order(pending, pending_key=request.clord_id)

    def wire_text(self, request: OrderRequest) -> str:
        """Exactly the insert this desk would send for the request: path and JSON body."""
        body = json_body(insert_msg(request, self.account))
        return f"POST {INSERT_PATH}\n{json.dumps(body, indent=2)}"

    async def preview(self, request: OrderRequest) -> Estimate:
        """The exchange's estimate of this order right now; nothing is sent to the book."""
        order = await self.rest.preview_order(insert_msg(request, self.account))
        return Estimate(fill_qty=order.cum_qty, avg_px=order.avg_px,
                        leaves_qty=order.leaves_qty)

    @property
    def answer_timeout(self) -> float:
        return self.rest.timeout

    async def cancel(self, order: Order) -> None:
        current = await self._acknowledged(order)
        if current is None:
            return
        self._mark(current, OrderState.PENDING_CANCEL)
        try:
            await self.rest.cancel_order(tr_pb.CancelOrderRequest(
                order_id=current.order_id, clord_id=current.clord_id, symbol=current.symbol))
        except VenueError as exc:
            self._unmark(current, exc, OrderState.PENDING_CANCEL)
            raise

    async def replace(self, order: Order, *, price: int | None = None,
                      qty: int | None = None) -> None:
        """Move a working order to a YES price and/or a new total quantity (cancel-replace)."""
        self._require_order_stream()
        current = await self._acknowledged(order)
        if current is None:
            raise VenueError("That order is no longer working.")
        clord = new_clord_id()
        if current.intent is not None:
            self._intents[clord] = current.intent
        msg = tr_pb.CancelReplaceOrderRequest(
            order_id=current.order_id, clord_id=clord, symbol=current.symbol,
            price=current.price if price is None else price,
            order_qty=current.order_qty if qty is None else qty)
        self._mark(current, OrderState.PENDING_REPLACE)
        try:
            await self.rest.replace_order(msg)
        except VenueError as exc:
            self._unmark(current, exc, OrderState.PENDING_REPLACE)
            raise

    async def cancel_orders(self, orders: Iterable[Order], *, again: bool = False) -> int:
        """Cancel these orders with list requests of up to 20; returns how many were asked.

        Orders whose insert is still unanswered are cancelled once the answer comes (never
        skipped). again: also re-send for orders already marked cancelling (kill switch: a
        cancel whose answer was lost must not leave an order working).
        """
        orders = [o for o in orders if o.state.is_working]
        unacked = [o for o in orders if not o.order_id]
        targets = [o for o in orders if o.order_id
                   and (again or o.state is not OrderState.PENDING_CANCEL)]
        failures: list[VenueError] = []
        for start in range(0, len(targets), LIST_MAX):
            batch = targets[start:start + LIST_MAX]
            for order in batch:
                self._mark(order, OrderState.PENDING_CANCEL)
            try:
                await self.rest.cancel_order_list([
                    tr_pb.CancelOrderRequest(order_id=o.order_id, clord_id=o.clord_id,
                                             symbol=o.symbol) for o in batch])
            except VenueError as exc:
                failures.append(exc)
                for order in batch:
                    self._unmark(order, exc, OrderState.PENDING_CANCEL)
        results = await asyncio.gather(*(self.cancel(o) for o in unacked),
                                       return_exceptions=True)
        failures += [r for r in results if isinstance(r, VenueError)]
        if failures:
            raise VenueError(f"Some cancels were not sent: {failures[0]}",
                             uncertain=any(f.uncertain for f in failures))
        return len(targets) + len(unacked)

    async def cancel_all(self, symbol: str | None = None, side: Side | None = None) -> int:
        """Cancel my working orders (in one market; on one YES side); returns how many."""
        return await self.cancel_orders(
            o for o in self.state.working_orders(symbol) if side is None or o.side is side)

    async def kill_switch(self) -> int:
        """Cancel every open order of the account in every market, as the exchange lists them."""
        listed = await self.rest.open_orders([self.account])
        known = [self.state.find_order(order_id=o.id) or convert.order(o) for o in listed]
        # and inserts still in flight, which the exchange may not list yet
        unacked = [o for o in self.state.working_orders() if not o.order_id]
        return await self.cancel_orders(known + unacked, again=True)
