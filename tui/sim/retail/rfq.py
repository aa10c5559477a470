"""Retail RFQ trades (retail-api.md §6.4, §8.4): the anonymous tape of RFQ fills.

The spec publishes no REST call that creates an RFQ (SDK 2.4.1 has only
``GET /v1/rfqs/trades``), so an RFQ here is an operator's act: ``RfqDesk.execute`` (the
server's ``retail.rfq``) asks for a quote on a user's behalf and the book answers it: the
request becomes that user's immediate-or-cancel order at its limit on the engine, filled by
whatever rests there (the synthetic market makers' quotes when the flow runs), and each fill
is a real engine trade and one print on the tape. Nothing of it rests (restRemainder false).

The tape answers to every key with RFQ access, newest first, anonymously; RFQ subscribers
on the private socket get rfqCreated, an rfqTrade per fill, then rfqClosed, live only.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import Route

from tui.core.enums import Side, TimeInForce
from tui.sim.auth import SimUser
from tui.sim.retail.wire import (
    RetailError,
    px_amount,
    qty_text,
    raw_price,
    raw_qty,
    rfc3339,
    rfc3339_in,
)

if TYPE_CHECKING:
    from tui.sim.retail.api import RetailApi

PAGE = 100  # the docs: omitted or 0 is 100, otherwise 1 to 100
QUEUED = 1000  # events held for a subscriber that is not reading; beyond it, it is dropped
Event = dict[str, Any]


def time_in(query: Any, name: str) -> float | None:
    """An optional time bound of the query string; absent or empty is no bound."""
    text = query.get(name)
    return rfc3339_in(text, name) if text else None


class RfqDesk:
    """RFQs executed on the engine, the tape of their fills and its live listeners."""

    def __init__(self, api: RetailApi) -> None:
        self.api = api
        self.trades: list[tuple[float, Event]] = []  # (executed, RFQTrade), oldest first
        self._listeners: set[asyncio.Queue[Event]] = set()
        self._ids = itertools.count(1)

    # --- the operator's act -------------------------------------------------------------
    def execute(self, user: SimUser, slug: str, side: Side, quantity: Decimal,
                limit: Decimal | None = None) -> list[Event]:
        """Ask for a quote for ``quantity`` of YES on ``user``'s behalf; the book answers up
        to ``limit`` (default: any price). Returns the RFQTrades it made (maybe none)."""
        inst = self.api.known_market(slug)
        sc, exchange = inst.scales, self.api.exchange
        price = (raw_price(limit, sc) if limit is not None
                 else sc.max_price if side is Side.BUY else sc.min_price)
        rfq_id, now = f"rfq-{next(self._ids)}", exchange.clock()
        rfq = {"id": rfq_id, "symbol": inst.symbol.lower(), "rfqCreatorUserId": user.username,
               "createdTime": rfc3339(now), "restRemainder": False, "status": "RFQ_STATUS_OPEN",
               "updatedTime": rfc3339(now), "comboLegs": [],
               "qtyDecimal": qty_text(raw_qty(quantity, sc), sc)}
        self._publish({"rfqCreated": {"rfq": rfq}})
        account = self.api.account(user)
        order_id = exchange.insert_order(
            account=account, participant=user.participant_id, symbol=inst.symbol, side=side,
            price=price, order_qty=raw_qty(quantity, sc), tif=TimeInForce.IMMEDIATE_OR_CANCEL)
        self.api.remember(order_id, "ORDER_INTENT_BUY_LONG" if side is Side.BUY
                          else "ORDER_INTENT_SELL_LONG", "ORDER_TYPE_LIMIT")
        made = []
        for e in exchange.executions(account):
            if e.order.order_id != order_id or not e.last_shares:
                continue
            trade = {"tradeId": e.trade_id, "symbol": inst.symbol.lower(),
                     "price": px_amount(e.last_px, sc)["value"],
                     "qtyDecimal": qty_text(e.last_shares, sc),
                     "aggressorSide": "SIDE_BUY" if side is Side.BUY else "SIDE_SELL",
                     "executedTime": rfc3339(e.transact_time)}
            self.trades.append((e.transact_time, trade))
            self._publish({"rfqTrade": {"trade": trade}})
            made.append(trade)
        closed = exchange.clock()
        self._publish({"rfqClosed": {"rfq": rfq | {"status": "RFQ_STATUS_CLOSED",
                                                   "updatedTime": rfc3339(closed)}}})
        return made

    # --- the private socket's RFQ subscription (§8.4) ---------------------------------
    def listen(self) -> asyncio.Queue[Event]:
        """A new subscriber's queue, registered now so nothing after this is missed."""
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUED)
        self._listeners.add(queue)
        return queue

    async def pump(self, queue: asyncio.Queue[Event],
                   send: Callable[[Event], Awaitable[None]], env: Event) -> None:
        try:
            while True:
                await send(env | {"rfqEvent": await queue.get()})
        finally:
            self._listeners.discard(queue)

    def _publish(self, event: Event) -> None:
        for queue in list(self._listeners):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:  # best effort (§8.4): a reader that stopped is let go
                self._listeners.discard(queue)

    # --- GET /v1/rfqs/trades (§6.4) -------------------------------------------------------
    def routes(self) -> list[Route]:
        return [self.api.signed("/v1/rfqs/trades", self._trades, "GET")]

    def _trades(self, request: Request, user: SimUser, body: Any) -> Event:
        key = self.api.keys.get(request.headers.get("X-PM-Access-Key", ""))
        if key is None or not key.rfq:
            raise RetailError(403, "this API key has no RFQ access")
        query = request.query_params
        limit_text, cursor = query.get("limit") or "0", query.get("cursor") or "0"
        if not limit_text.isdigit() or int(limit_text) > PAGE:
            raise RetailError(400, f"limit must be 0 to {PAGE} (0 or none: {PAGE})")
        if not cursor.isdigit():
            raise RetailError(400, "cursor is not one this exchange issued")
        start, end = time_in(query, "startTime"), time_in(query, "endTime")
        symbol = query.get("symbol") or ""
        found = [t for when, t in sorted(self.trades, key=lambda p: (p[0], p[1]["tradeId"]),
                                         reverse=True)  # newest first, then trade id
                 if (start is None or when >= start) and (end is None or when < end)
                 and (not symbol or t["symbol"] == symbol)]
        offset, limit = int(cursor), int(limit_text) or PAGE
        more = offset + limit < len(found)
        return {"trades": found[offset:offset + limit],
                "cursor": str(offset + limit) if more else ""}
