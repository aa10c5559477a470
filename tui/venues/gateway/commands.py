"""Commands to the gateway: insert, preview, cancel (one, a list, everything), replace.

An HTTP 200 means "received"; the order stream decides what happened. The lifecycle around
each (pending, marks, uncertain answers) is the venue base's; this is only the wire.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from tui.core.enums import OrderType
from tui.core.model import Estimate, Order
from tui.core.prices import Intent
from tui.core.state import DeskState
from tui.core.ticket import OrderRequest, Terms, new_clord_id
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.venues.base import VenueBase
from tui.venues.gateway import convert
from tui.venues.gateway.rest import INSERT_PATH, GatewayRest, json_body

MANUAL = 1  # MANUAL_ORDER_INDICATOR_MANUAL: a person pressed the key
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


class Commands(VenueBase):
    """The gateway's wire for the venue base's hooks (tui/venues/base.py)."""

    state: DeskState
    rest: GatewayRest
    account: str
    cancel_batch = LIST_MAX
    _intents: dict[str, Intent]

    def _insert_sender(self, request: OrderRequest) -> Callable[[], Awaitable[str]]:
        msg = insert_msg(request, self.account)

        async def send() -> str:
            return (await self.rest.insert_order(msg)).order_id
        return send

    def wire_text(self, request: OrderRequest) -> str:
        """Exactly the insert this desk would send for the request: path and JSON body."""
        body = json_body(insert_msg(request, self.account))
        return f"POST {INSERT_PATH}\n{json.dumps(body, indent=2)}"

    async def preview(self, request: OrderRequest) -> Estimate:
        """The exchange's estimate of this order right now; nothing is sent to the book."""
        order = await self.rest.preview_order(insert_msg(request, self.account))
        return Estimate(fill_qty=order.cum_qty, avg_px=order.avg_px,
                        leaves_qty=order.leaves_qty)

    async def _send_cancels(self, orders: list[Order]) -> None:
        asked = [tr_pb.CancelOrderRequest(order_id=o.order_id, clord_id=o.clord_id,
                                          symbol=o.symbol) for o in orders]
        if len(asked) == 1:
            await self.rest.cancel_order(asked[0])
        else:  # a list request, up to 20 (spec §6)
            await self.rest.cancel_order_list(asked)

    def _replace_sender(self, order: Order, price: int | None, qty: int | None,
                        terms: Terms | None = None) -> Callable[[], Awaitable[object]]:
        """A cancel-replace: the successor gets a desk id of its own, and the same intent;
        new terms go as its time in force, participate-don't-initiate and good-till time."""
        clord = new_clord_id()
        if order.intent is not None:
            self._intents[clord] = order.intent
        msg = tr_pb.CancelReplaceOrderRequest(
            order_id=order.order_id, clord_id=clord, symbol=order.symbol,
            price=order.price if price is None else price,
            order_qty=order.order_qty if qty is None else qty)
        if terms is not None:
            msg.time_in_force = int(terms.tif)
            msg.participate_dont_initiate = terms.post_only
            if terms.expire_at is not None:
                msg.good_till_time.FromNanoseconds(int(terms.expire_at * 1e9))
        return lambda: self.rest.replace_order(msg)

    async def _list_open(self, symbols: list[str] | None) -> list[Order]:
        """The account's open orders (in these markets), as the exchange lists them."""
        return [self._ours(convert.order(o))
                for o in await self.rest.open_orders([self.account], symbols or [])]
