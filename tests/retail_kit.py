"""The retail API at the embedded exchange, spoken by hand for the exchange's own retail
tests: signed REST calls as the demo key, order bodies as the SDK spells them, and a
counterparty of another firm trading on the engine."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import httpx

from tui.core.enums import Side
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
from tui.sim.server import SimServer
from tui.venues.retail.signing import sign

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"  # cent ticks, whole contracts
SLUG = SYMBOL.lower()
OTHER = ("firms/X/accounts/x-1", "firms/X/users/x")  # another firm, to trade against


async def call(sim: SimServer, method: str, path: str, body: Any = None,
               params: Any = None, status: int = 200) -> dict[str, Any]:
    """A REST call signed with the demo key; its answer must have this status."""
    headers = sign(DEMO_RETAIL_SECRET, method, path, int(time.time() * 1000),
                   key_id=DEMO_RETAIL_KEY_ID)
    async with httpx.AsyncClient(base_url=sim.rest_url) as http:
        reply = await http.request(method, path, headers=headers, json=body, params=params)
    assert reply.status_code == status, reply.text
    return reply.json()


def order_body(price: str, qty: float | int, intent: str = "ORDER_INTENT_BUY_LONG",
               slug: str = SLUG, **extra: Any) -> dict[str, Any]:
    """A limit order's create body (§5.1)."""
    return {"marketSlug": slug, "type": "ORDER_TYPE_LIMIT", "intent": intent,
            "price": {"value": price, "currency": "USD"}, "quantity": qty,
            "tif": "TIME_IN_FORCE_GOOD_TILL_CANCEL", **extra}


def counterparty(sim: SimServer, side: Side, price: int, qty: int,
                 symbol: str = SYMBOL) -> str:
    """An order of another firm's trader, straight into the engine (funded on first use)."""
    account, participant = OTHER
    if account not in sim.exchange.accounts:
        sim.exchange.add_account(account, participant, Decimal(100000))
    return sim.exchange.insert_order(account=account, participant=participant,
                                     symbol=symbol, side=side, price=price, order_qty=qty)
