"""Commands to the retail API: insert, preview, modify, cancel (one, many, everything).

A 200 with an id is not acceptance (§5.1): the private socket decides what happened.
Retail orders carry no client order id, so the desk keeps its own for each insert and
links it to the exchange's id when the answer comes; executions that outrun that answer
wait for it. An insert whose answer was lost can only be looked for among the open orders
(by market, side, price and size). The lifecycle around each command (pending, marks,
uncertain answers) is the venue base's; this is only the wire.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from tui.core import words
from tui.core.enums import OrderState
from tui.core.model import Estimate, Instrument, Order
from tui.core.prices import Intent
from tui.core.state import DeskState
from tui.core.ticket import OrderRequest, Terms
from tui.core.venue import VenueError
from tui.venues.base import VenueBase
from tui.venues.refusals import preview_refusal
from tui.venues.retail import convert
from tui.venues.retail.batch import MAX_BATCH, ModifyEntry
from tui.venues.retail.rest import RetailRest
from tui.venues.retail.signing import json_text
from tui.venues.sweep import Scope

log = logging.getLogger(__name__)
SETTLE_AFTER = 3.0  # seconds a cancel or modify may take before the desk asks how it went
LOOKUP_WAITS = (1.0, 1.0, 1.0)  # seconds between looks for an unanswered insert


class RetailCommands(VenueBase):
    """The retail API's wire for the venue base's hooks (tui/venues/base.py)."""

    state: DeskState
    rest: RetailRest
    client_ids = False  # the exchange never keeps the desk's id: looked for, not up
    settle_after = SETTLE_AFTER  # a refused cancel or modify is reported nowhere (§5.4)
    lookup_waits = LOOKUP_WAITS
    cancel_batch = MAX_BATCH  # the batched cancel route (§5) takes up to 20
    _clords: dict[str, str]  # exchange order id → the desk's own id for it
    _intents: dict[str, Intent]  # the desk's id → what the trader meant
    _early: dict[str, list[dict[str, Any]]]  # executions of ids not yet answered

    def _apply_execution(self, execution: dict[str, Any]) -> None: ...

    def _instrument(self, symbol: str) -> Instrument:
        inst = self.state.instruments.get(symbol)
        if inst is None:
            raise VenueError(f"{symbol} is not a market this desk knows.")
        return inst

    def _insert_sender(self, request: OrderRequest) -> Callable[[], Awaitable[str]]:
        body = convert.order_body(request, self._instrument(request.symbol).scales)
        return lambda: self.rest.create_order(body)

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

    def _named(self, order_id: str, pending: Order) -> None:
        """The exchange named our order: key it by that id, then apply what already came."""
        self._clords[order_id] = pending.clord_id
        known = self.state.home.orders.get(order_id)
        if known is not None and known is not pending:
            # a reconnect's open-order snapshot (or the socket) showed it first: that copy
            # is the truth, now known as the desk's
            known.clord_id = pending.clord_id
            known.intent = known.intent or pending.intent
            self._report(known)
        else:
            super()._named(order_id, pending)
        for execution in self._early.pop(order_id, []):
            self._apply_execution(execution)

    def _answered(self) -> None:
        """With no insert left unanswered, executions still waiting are other orders'."""
        if self._inflight:
            return
        early, self._early = self._early, {}
        for executions in early.values():
            for execution in executions:
                self._apply_execution(execution)

    @staticmethod
    def _same(order: Order, pending: Order) -> bool:
        return (order.symbol == pending.symbol and order.side is pending.side
                and order.price == pending.price and order.order_qty == pending.order_qty)

    def _seen(self, pending: Order, before: set[str]) -> Order | None:
        """The private socket may have shown the order already, as no one's (its insert
        was unanswered; one that filled at once is never among the open orders)."""
        for order in list(self.state.home.orders.values()):
            if (order.order_id and not order.clord_id and order.order_id not in before
                    and order.order_id not in self._clords and self._same(order, pending)):
                return order
        return None

    async def _find_sent(self, pending: Order, before: set[str]) -> Order | None:
        """A matching open order that was not there before the insert was sent."""
        listed = await self.rest.open_orders([pending.symbol])
        scales = self._instrument(pending.symbol).scales
        for data in listed:
            try:
                order = convert.order(data, scales, clord_id=pending.clord_id)
            except (ValueError, KeyError, TypeError):
                continue  # one unreadable order must not end the search
            if order.order_id not in before and self._same(order, pending):
                return order
        return None

    def _adopt(self, found: Order, pending: Order) -> None:
        super()._adopt(found, pending)
        if found.cum_qty:  # its fills came as no one's: say them now it is ours
            self.state.notify(f"Filled {words.quantity(self.state, found, found.cum_qty)} "
                              f"{words.order_words(self.state, found)}.")

    async def _fetch(self, order: Order) -> Order:
        data = await self.rest.order(order.order_id)
        try:
            return convert.order(data, self._instrument(order.symbol).scales,
                                 clord_id=order.clord_id)
        except (ValueError, KeyError, TypeError):
            log.warning("the order %s could not be read", order.order_id)
            raise VenueError("The exchange's copy of the order could not be read.") from None

    async def _send_cancels(self, orders: list[Order]) -> None:
        if len(orders) == 1:
            await self.rest.cancel(orders[0].order_id, orders[0].symbol)
        else:  # the kill switch's and a market's sweeps: up to 20 a request (§5)
            await self.rest.cancel_orders([(o.order_id, o.symbol) for o in orders])

    def _replace_sender(self, order: Order, price: int | None, qty: int | None,
                        terms: Terms | None = None) -> Callable[[], Awaitable[object]]:
        """Modify (§5.3): the exchange cancel-replaces; the old order ends REPLACED. New
        terms go as its tif, participateDontInitiate and goodTillTime."""
        body = convert.modify_body(order, self._instrument(order.symbol).scales,
                                   price=price, qty=qty)
        if terms is not None:
            body |= ModifyEntry(order.order_id, order.symbol, tif=terms.tif,
                                post_only=terms.post_only,
                                good_till=terms.expire_at).body()
        return lambda: self.rest.modify(order.order_id, body)

    async def _list_open(self, symbols: list[str] | None) -> list[Order]:
        """The key's open orders (in these markets), as the exchange lists them."""
        out = []
        for data in await self.rest.open_orders(symbols or ()):
            inst = self.state.instruments.get(str(data.get("marketSlug", "")))
            if inst is None:
                continue  # a market this desk does not trade: it cannot be shown either
            try:
                order = convert.order(data, inst.scales)
            except (ValueError, KeyError, TypeError):
                log.warning("an open order could not be read")
                continue
            order.clord_id = self._clords.get(order.order_id, "")
            out.append(self._ours(order))
        return out

    async def _sweep_send(self, orders: list[Order], scope: Scope, first: bool) -> list[str]:
        """A whole market or every market: the exchange-wide cancel (§5.5), which also takes
        an insert whose answer was lost (the exchange never keeps the desk's id); a side or
        a list of orders: one cancel per order the exchange has named."""
        if scope.side is None and scope.ids is None:
            if not (first or orders):
                return []
            slugs = [scope.symbol] if scope.symbol is not None else []
            try:
                return await self._bounded(self.rest.cancel_all(slugs))
            except VenueError:
                return []  # what is still listed goes again next round
        return await super()._sweep_send(orders, scope, first)
