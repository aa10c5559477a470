"""Retail modify (retail-api.md §5.3, §5.8): a cancel-replace of price, size and terms.

One entry's parse and its engine call, shared by POST /v1/order/{id}/modify and every entry
of POST /v1/orders/batched/modify. A request the spec calls malformed is a 400 here; what
the exchange refuses for this order (a post-only price that would cross, an expiry already
past or on an order that is not good-till-date, a good-till-date order with no expiry) is a
reject on the order stream, as §5.3 says a modify's outcome arrives; the single route and a
batch entry therefore answer alike, and the engine's rules are the one place that decides.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tui.core.enums import TimeInForce
from tui.sim.model import SimInstrument, SimOrder
from tui.sim.retail.api import RetailApi
from tui.sim.retail.wire import (
    TIFS,
    RetailError,
    amount_in,
    decimal_in,
    raw_price,
    raw_qty,
    rfc3339_in,
)


@dataclass(frozen=True, slots=True)
class ModifyArgs:
    """A ModifyOrderRequest's changes; None leaves that term as it is."""

    price: Decimal | None
    quantity: Decimal | None
    tif: TimeInForce | None
    pdi: bool | None
    good_till: float | None


def parse_modify(body: dict[str, Any], what: str = "") -> ModifyArgs:
    """The changes a modify asks for; RetailError 400 for a malformed field."""
    price = (amount_in(body["price"], f"{what}price")
             if body.get("price") is not None else None)
    qty = (decimal_in(body["quantity"], f"{what}quantity")
           if body.get("quantity") is not None else None)
    tif_name = body.get("tif")
    if tif_name is not None and tif_name not in TIFS:
        raise RetailError(400, f"{what}tif must be one of {', '.join(TIFS)}")
    pdi = body.get("participateDontInitiate")
    if pdi is not None and not isinstance(pdi, bool):
        raise RetailError(400, f"{what}participateDontInitiate must be true or false")
    good_till = (rfc3339_in(body["goodTillTime"], f"{what}goodTillTime")
                 if body.get("goodTillTime") is not None else None)
    tif = TIFS[tif_name] if tif_name is not None else None
    if good_till is not None and tif not in (None, TimeInForce.GOOD_TILL_TIME):
        raise RetailError(400, f"{what}goodTillTime is only for TIME_IN_FORCE_GOOD_TILL_DATE")
    return ModifyArgs(price, qty, tif, pdi, good_till)


def apply_modify(api: RetailApi, order: SimOrder, inst: SimInstrument,
                 args: ModifyArgs) -> None:
    """Send the cancel-replace to the engine; the new order keeps the old one's intent."""
    sc = inst.scales
    clord_id = f"rtl-{uuid.uuid4().hex[:20]}"  # the engine's cancel-replace needs one
    api.exchange.replace_order(
        account=order.account, order_id=order.order_id, clord_id=clord_id,
        price=raw_price(args.price, sc) if args.price is not None else None,
        order_qty=raw_qty(args.quantity, sc) if args.quantity is not None else None,
        tif=args.tif, participate_dont_initiate=args.pdi, good_till_time=args.good_till)
    new = api.exchange.order_by_clord(order.account, clord_id)
    known = api.intent_of(order.order_id)
    if new is not None and new.order_id != order.order_id and known is not None:
        api.remember(new.order_id, *known)
