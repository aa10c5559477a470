"""Batched order calls and modify with terms (retail-api.md §5.3, §5.8): a mixin of RetailRest.

A batch holds 1 to 20 entries; one malformed entry makes the exchange refuse the whole
batch (HTTP 400), so the shape is checked here first, in words. The exchange answers a
batch with ids only: created ids are real orders, whose acceptance comes on the order
stream; cancel and modify answers echo the ids asked for, never confirmation (§5.8).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tui.core.enums import TimeInForce
from tui.core.venue import VenueError

Json = dict[str, Any]
MAX_BATCH = 20
TIF_NAMES: dict[TimeInForce, str] = {
    TimeInForce.DAY: "TIME_IN_FORCE_DAY",
    TimeInForce.GOOD_TILL_CANCEL: "TIME_IN_FORCE_GOOD_TILL_CANCEL",
    TimeInForce.GOOD_TILL_TIME: "TIME_IN_FORCE_GOOD_TILL_DATE",  # retail's spelling (§9.2)
    TimeInForce.IMMEDIATE_OR_CANCEL: "TIME_IN_FORCE_IMMEDIATE_OR_CANCEL",
    TimeInForce.FILL_OR_KILL: "TIME_IN_FORCE_FILL_OR_KILL",
}


@dataclass(frozen=True, slots=True)
class ModifyEntry:
    """One cancel-replace (§5.3): what is None stays as the order has it."""

    order_id: str
    market_slug: str
    price: Decimal | None = None  # the YES price in dollars (§10)
    quantity: Decimal | None = None  # the order's new total, in contracts
    tif: TimeInForce | None = None
    post_only: bool | None = None  # participateDontInitiate
    good_till: float | None = None  # epoch seconds; only for good-till-date orders

    def body(self) -> Json:
        """The ModifyOrderRequest fields, without the order id."""
        if self.good_till is not None and self.tif not in (None, TimeInForce.GOOD_TILL_TIME):
            raise VenueError("An expiry time is only for a good-till-date order.")
        body: Json = {"marketSlug": self.market_slug}
        if self.price is not None:
            body["price"] = {"value": f"{self.price:f}", "currency": "USD"}
        if self.quantity is not None:
            body["quantity"] = self.quantity
        if self.tif is not None:
            body["tif"] = TIF_NAMES[self.tif]
        if self.post_only is not None:
            body["participateDontInitiate"] = self.post_only
        if self.good_till is not None:
            when = datetime.fromtimestamp(self.good_till, UTC)
            body["goodTillTime"] = when.isoformat(timespec="milliseconds").replace(
                "+00:00", "Z")
        return body


def batch_size(entries: Sequence[object], what: str) -> None:
    if not entries:
        raise VenueError(f"Nothing to {what}: a batch needs at least one order.")
    if len(entries) > MAX_BATCH:
        raise VenueError(f"A batch takes at most {MAX_BATCH} orders; this one has "
                         f"{len(entries)}. Send it in parts.")


def _ids(reply: Json, key: str) -> list[str]:
    ids = reply.get(key)
    if not isinstance(ids, list):
        raise VenueError(f"The exchange answered the batch without {key}; check open "
                         "orders before sending it again.", uncertain=True)
    return [str(i) for i in ids]


class BatchCalls:
    """The batched routes and the full modify, over RetailRest's signed transport."""

    async def _call(self, method: str, path: str, *, body: Json | None = None,
                    params: list[tuple[str, str]] | None = None, public: bool = False
                    ) -> Json:
        raise NotImplementedError  # RetailRest's

    async def modify_order(self, entry: ModifyEntry) -> None:
        """POST /v1/order/{id}/modify with any of price, quantity, tif, post-only and expiry;
        the outcome (a replace or a reject) comes on the order stream (§5.3)."""
        await self._call("POST", f"/v1/order/{entry.order_id}/modify", body=entry.body())

    async def create_orders(self, bodies: Sequence[Json]) -> list[str]:
        """POST /v1/orders/batched: CreateOrderRequests (§5.1); their ids in request order."""
        batch_size(bodies, "send")
        reply = await self._call("POST", "/v1/orders/batched", body={"orders": list(bodies)})
        ids = _ids(reply, "createdOrderIds")
        if len(ids) != len(bodies):
            raise VenueError(f"The exchange answered {len(ids)} ids for {len(bodies)} orders; "
                             "check open orders before sending any again.", uncertain=True)
        return ids

    async def cancel_orders(self, orders: Sequence[tuple[str, str]]) -> list[str]:
        """POST /v1/orders/batched/cancel for (order id, market slug) pairs; the answer
        echoes the ids asked for (unknown ones are passed over): the stream says which
        were canceled."""
        batch_size(orders, "cancel")
        reply = await self._call("POST", "/v1/orders/batched/cancel", body={"orders": [
            {"orderId": order_id, "marketSlug": slug} for order_id, slug in orders]})
        return _ids(reply, "canceledOrderIds")

    async def modify_orders(self, entries: Sequence[ModifyEntry]) -> list[str]:
        """POST /v1/orders/batched/modify: each entry a cancel-replace; the answer echoes the
        ids asked for, the stream says what became of each."""
        batch_size(entries, "modify")
        orders = [{"orderId": e.order_id, **e.body()} for e in entries]
        reply = await self._call("POST", "/v1/orders/batched/modify", body={"orders": orders})
        return _ids(reply, "modifiedOrderIds")
