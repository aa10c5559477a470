"""Retail batched order routes (retail-api.md §5.8): create, cancel and modify many.

At most 20 entries each. Validation of the request's shape is all-or-nothing: one bad entry
is a 400 for the whole batch and nothing reaches the engine. The entries are then processed
one by one, as the exchange does: each create gets its real id (a bad price or an unknown
market is the engine's reject on the stream, as for a single create); a cancel or modify
of an order that is not the key's own working order in that market is passed over, and the
answer echoes the ids asked for, not what became of them.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui.sim.auth import SimUser
from tui.sim.retail.api import RetailApi
from tui.sim.retail.modify import apply_modify, parse_modify
from tui.sim.retail.orders import OrderArgs, RetailOrders
from tui.sim.retail.wire import RetailError

MAX_ENTRIES = 20


def entries(body: Any) -> list[dict[str, Any]]:
    """The batch's `orders`: 1 to 20 JSON objects, or a 400 for the whole batch."""
    orders = body.get("orders") if isinstance(body, dict) else None
    if not isinstance(orders, list) or not orders:
        raise RetailError(400, "orders must be a list of 1 to 20 entries")
    if len(orders) > MAX_ENTRIES:
        raise RetailError(400, f"a batch takes at most {MAX_ENTRIES} orders; "
                               f"this one has {len(orders)}")
    for i, entry in enumerate(orders):
        if not isinstance(entry, dict):
            raise RetailError(400, f"orders[{i}] must be a JSON object")
    return orders


def addressed(entry: dict[str, Any], i: int) -> tuple[str, str]:
    """A cancel or modify entry's orderId and marketSlug, both required (§5.8)."""
    order_id, slug = entry.get("orderId"), entry.get("marketSlug")
    if not isinstance(order_id, str) or not order_id:
        raise RetailError(400, f"orders[{i}].orderId is required")
    if not isinstance(slug, str) or not slug:
        raise RetailError(400, f"orders[{i}].marketSlug is required")
    return order_id, slug


class RetailBatch:
    def __init__(self, api: RetailApi) -> None:
        self.api = api
        self.exchange = api.exchange
        self.orders = RetailOrders(api)

    def routes(self) -> list[Route]:
        s = self.api.signed
        return [
            s("/v1/orders/batched", self._create, "POST"),
            s("/v1/orders/batched/cancel", self._cancel, "POST"),
            s("/v1/orders/batched/modify", self._modify, "POST"),
        ]

    def _create(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        batch = entries(body)
        parsed: list[OrderArgs] = []
        for i, entry in enumerate(batch):  # every entry parsed before any is sent
            try:
                parsed.append(self.orders.parse(entry))
            except RetailError as exc:
                raise RetailError(exc.status, f"orders[{i}]: {exc.message}") from None
        ids = [self.orders.insert(user, args, entry)["id"]
               for args, entry in zip(parsed, batch, strict=True)]
        return {"createdOrderIds": ids}

    def _cancel(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        asked = [addressed(entry, i) for i, entry in enumerate(entries(body))]
        for order_id, slug in asked:
            found = self.orders.order_in_market(user, order_id, slug)
            if found is not None:  # a finished one gets the engine's cancel reject
                self.exchange.cancel_order(account=found[0].account, order_id=order_id)
        return {"canceledOrderIds": [order_id for order_id, _ in asked]}

    def _modify(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        batch = entries(body)
        asked = [(*addressed(entry, i), parse_modify(entry, f"orders[{i}]."))
                 for i, entry in enumerate(batch)]
        for order_id, slug, args in asked:
            found = self.orders.order_in_market(user, order_id, slug)
            if found is not None:  # the engine replaces it or rejects it on the stream
                apply_modify(self.api, found[0], found[1], args)
        return {"modifiedOrderIds": [order_id for order_id, _, _ in asked]}
