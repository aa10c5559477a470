"""RFQ trades at the embedded exchange (retail-api.md §6.4, §8.4): an operator's RFQ,
answered by the book, prints real engine trades on the anonymous tape that
GET /v1/rfqs/trades pages newest first, and on the private socket's RFQ subscription."""

from __future__ import annotations

import time
from decimal import Decimal

import httpx
from nacl.signing import SigningKey

from tests.conftest import DEMO_ACCOUNT
from tests.retail_kit import SLUG, SYMBOL, call, counterparty
from tests.test_sim_retail_ws import frame, socket, subscribe
from tui.core.enums import OrderState, Side
from tui.sim.server import SimServer
from tui.venues.retail.signing import sign

NO_RFQ_KEY = "6d1e4c2a-0000-4000-8000-0000000000f0"
NO_RFQ_SEED = bytes(range(32))


def rfq(sim: SimServer, side: Side, qty: str, limit: str | None = None) -> list[dict[str, str]]:
    return sim.retail.rfq.execute(sim.auth.users["demo"], SLUG, side, Decimal(qty),
                                  Decimal(limit) if limit is not None else None)


async def test_an_rfq_fills_on_the_engine_and_prints_on_the_tape(quiet_sim: SimServer) -> None:
    counterparty(quiet_sim, Side.SELL, 45, 3)
    counterparty(quiet_sim, Side.SELL, 47, 2)
    counterparty(quiet_sim, Side.SELL, 49, 5)  # beyond the limit: left alone
    made = rfq(quiet_sim, Side.BUY, "6", limit="0.47")
    fills = [e for e in quiet_sim.exchange.executions(DEMO_ACCOUNT) if e.last_shares]
    assert [(t["tradeId"], t["price"], t["qtyDecimal"]) for t in made] == [
        (e.trade_id, f"0.{e.last_px}", str(e.last_shares)) for e in fills]
    assert [(t["price"], t["qtyDecimal"]) for t in made] == [("0.45", "3"), ("0.47", "2")]
    assert quiet_sim.exchange.position(DEMO_ACCOUNT, SYMBOL).net_position == 5
    order = quiet_sim.exchange.order(fills[0].order.order_id)
    assert order is not None and order.state is OrderState.EXPIRED  # nothing rests
    tape = await call(quiet_sim, "GET", "/v1/rfqs/trades")
    newest_first = sorted(made, key=lambda t: (t["executedTime"], t["tradeId"]),
                          reverse=True)
    assert tape == {"trades": newest_first, "cursor": ""}
    assert all(t["aggressorSide"] == "SIDE_BUY" and t["symbol"] == SLUG for t in made)


async def test_the_tape_pages_and_filters(quiet_sim: SimServer) -> None:
    counterparty(quiet_sim, Side.BUY, 52, 1)
    counterparty(quiet_sim, Side.BUY, 51, 1)
    counterparty(quiet_sim, Side.BUY, 50, 1)
    made = rfq(quiet_sim, Side.SELL, "3")
    assert len(made) == 3 and all(t["aggressorSide"] == "SIDE_SELL" for t in made)
    seen, cursor = [], ""
    for _ in range(5):
        page = await call(quiet_sim, "GET", "/v1/rfqs/trades",
                          params={"limit": 2, **({"cursor": cursor} if cursor else {})})
        seen += page["trades"]
        cursor = page["cursor"]
        if not cursor:
            break
    assert sorted(t["tradeId"] for t in seen) == sorted(t["tradeId"] for t in made)
    other = await call(quiet_sim, "GET", "/v1/rfqs/trades",
                       params={"symbol": "aec-pol-sen-ga-2026"})
    assert other == {"trades": [], "cursor": ""}
    later = await call(quiet_sim, "GET", "/v1/rfqs/trades",
                       params={"startTime": "2099-01-01T00:00:00Z"})
    assert later["trades"] == []
    refused = await call(quiet_sim, "GET", "/v1/rfqs/trades", params={"limit": 101},
                         status=400)
    assert refused["message"] == "limit must be 0 to 100 (0 or none: 100)"


async def test_the_tape_needs_a_signed_request_with_rfq_access(quiet_sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        unsigned = await http.get("/v1/rfqs/trades")
    assert unsigned.status_code == 401
    quiet_sim.retail.keys.register(NO_RFQ_KEY, bytes(SigningKey(NO_RFQ_SEED).verify_key),
                                   "demo", rfq=False)
    headers = sign(NO_RFQ_SEED, "GET", "/v1/rfqs/trades", int(time.time() * 1000),
                   key_id=NO_RFQ_KEY)
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        denied = await http.get("/v1/rfqs/trades", headers=headers)
    assert denied.status_code == 403
    assert denied.json() == {"status": 403, "message": "this API key has no RFQ access"}


async def test_rfq_subscribers_hear_it_live(quiet_sim: SimServer) -> None:
    counterparty(quiet_sim, Side.SELL, 44, 2)
    async with socket(quiet_sim, "private") as ws:
        await subscribe(ws, "rfqs", "SUBSCRIPTION_TYPE_RFQ")
        await frame(ws, "heartbeat")  # the subscription is in before the RFQ
        [trade] = rfq(quiet_sim, Side.BUY, "2")
        created = await frame(ws, "rfqEvent")
        assert created["requestId"] == "rfqs"
        assert created["subscriptionType"] == "SUBSCRIPTION_TYPE_RFQ"
        assert created["rfqEvent"]["rfqCreated"]["rfq"]["status"] == "RFQ_STATUS_OPEN"
        printed = await frame(ws, "rfqEvent")
        assert printed["rfqEvent"] == {"rfqTrade": {"trade": trade}}
        closed = await frame(ws, "rfqEvent")
        assert closed["rfqEvent"]["rfqClosed"]["rfq"]["status"] == "RFQ_STATUS_CLOSED"
