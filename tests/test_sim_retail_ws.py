"""The embedded exchange's retail WebSockets (retail-api.md §8) over loopback sockets.

A real RFC 6455 client (websockets) signs the upgrade, subscribes and reads frames; the
exchange is driven by signed REST calls and a counterparty on the engine.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from nacl.signing import SigningKey
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosedError, InvalidStatus

from tests.conftest import DEMO_ACCOUNT, eventually
from tests.retail_kit import SLUG, SYMBOL, call, counterparty, order_body
from tui.core.enums import Side
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
from tui.sim.server import SimServer
from tui.venues.retail.signing import sign

AUTH = ("X-PM-Access-Key", "X-PM-Timestamp", "X-PM-Signature")


def _headers(path: str, secret: str = DEMO_RETAIL_SECRET, skew_ms: int = 0) -> dict[str, str]:
    signed = sign(secret, "GET", path, int(time.time() * 1000) + skew_ms,
                  key_id=DEMO_RETAIL_KEY_ID)
    return {k: signed[k] for k in AUTH}


@asynccontextmanager
async def socket(sim: SimServer, which: str, **kw: Any) -> AsyncIterator[ClientConnection]:
    path = f"/v1/ws/{which}"
    async with connect(f"ws://{sim.host}:{sim.rest_port}{path}",
                       additional_headers=_headers(path, **kw)) as ws:
        yield ws


async def frame(ws: ClientConnection, key: str, within: float = 10.0) -> dict[str, Any]:
    """The next frame carrying ``key`` (heartbeats and others skipped)."""
    async with asyncio.timeout(within):
        while True:
            msg = json.loads(await ws.recv())
            if key in msg:
                return msg


async def subscribe(ws: ClientConnection, rid: str, kind: str, slugs: list[str] | None = None
                    ) -> None:
    body: dict[str, Any] = {"requestId": rid, "subscriptionType": kind}
    if slugs:
        body["marketSlugs"] = slugs
    await ws.send(json.dumps({"subscribe": body}))


async def subscribed(sim: SimServer, rid: str) -> None:
    """Until the exchange has read the subscribe ``rid`` (it subscribes as it reads, with no
    await in between): an event after this reaches the subscription."""
    await eventually(lambda: any(r.method == "WS" and json.loads(r.body).get("subscribe", {})
                                 .get("requestId") == rid for r in sim.retail.received),
                     what=f"the exchange to read the subscribe {rid}")


async def test_order_executions_arrive_with_the_spec_fields(quiet_sim: SimServer) -> None:
    async with socket(quiet_sim, "private") as ws:
        await subscribe(ws, "ord-1", "SUBSCRIPTION_TYPE_ORDER")
        await subscribed(quiet_sim, "ord-1")  # the subscribe is read before the order goes in
        order_id = (await call(quiet_sim, "POST", "/v1/orders", order_body("0.40", 3)))["id"]
        new = await frame(ws, "orderSubscriptionUpdate")
        assert new["requestId"] == "ord-1"
        assert new["subscriptionType"] == "SUBSCRIPTION_TYPE_ORDER"
        execution = new["orderSubscriptionUpdate"]["execution"]
        assert execution["type"] == "EXECUTION_TYPE_NEW" and execution["lastShares"] == "0"
        assert execution["order"]["id"] == order_id
        assert execution["order"]["state"] == "ORDER_STATE_NEW"
        counterparty(quiet_sim, Side.SELL, 40, 2)  # the counterparty takes 2 of 3
        fill = (await frame(ws, "orderSubscriptionUpdate"))["orderSubscriptionUpdate"][
            "execution"]
    [report] = [e for e in quiet_sim.exchange.executions(DEMO_ACCOUNT) if e.last_shares]
    assert fill["id"] == report.exec_id and fill["tradeId"] == report.trade_id != ""
    assert fill["type"] == "EXECUTION_TYPE_PARTIAL_FILL"
    assert fill["lastShares"] == "2" and fill["aggressor"] is False
    assert fill["lastPx"] == {"value": "0.40", "currency": "USD"}
    assert fill["order"]["state"] == "ORDER_STATE_PARTIALLY_FILLED"
    assert (fill["order"]["cumQuantity"], fill["order"]["leavesQuantity"]) == (2, 1)
    assert fill["transactTime"].endswith("Z")
    # what the client sent is captured at the exchange
    sent = [r for r in quiet_sim.retail.received if r.method == "WS"]
    assert [(r.path, json.loads(r.body)["subscribe"]["requestId"]) for r in sent] == [
        ("/v1/ws/private", "ord-1")]


async def test_reject_and_snapshot(quiet_sim: SimServer) -> None:
    resting = (await call(quiet_sim, "POST", "/v1/orders", order_body("0.35", 1)))["id"]
    async with socket(quiet_sim, "private") as ws:
        await subscribe(ws, "ord", "SUBSCRIPTION_TYPE_ORDER")
        await subscribe(ws, "snap", "SUBSCRIPTION_TYPE_ORDER_SNAPSHOT")
        snap = await frame(ws, "orderSubscriptionSnapshot")
        assert snap["requestId"] == "snap"
        assert snap["subscriptionType"] == "SUBSCRIPTION_TYPE_ORDER_SNAPSHOT"
        assert snap["orderSubscriptionSnapshot"]["eof"] is True
        assert [o["id"] for o in snap["orderSubscriptionSnapshot"]["orders"]] == [resting]
        await call(quiet_sim, "POST", "/v1/orders", order_body("45", 1))  # not 0.45
        rejected = (await frame(ws, "orderSubscriptionUpdate"))["orderSubscriptionUpdate"][
            "execution"]
    assert rejected["type"] == "EXECUTION_TYPE_REJECTED"
    assert rejected["orderRejectReason"].startswith("ORD_REJECT_REASON_")
    assert rejected["order"]["state"] == "ORDER_STATE_REJECTED"


async def test_positions_and_balances(quiet_sim: SimServer) -> None:
    async with socket(quiet_sim, "private") as ws:
        await subscribe(ws, "bal", "SUBSCRIPTION_TYPE_ACCOUNT_BALANCE")
        first = await frame(ws, "accountBalancesSnapshot")
        [balance] = first["accountBalancesSnapshot"]["balances"]
        assert balance["currentBalance"] == 100000 and first["requestId"] == "bal"
        await subscribe(ws, "pos", "SUBSCRIPTION_TYPE_POSITION", [SLUG])
        await subscribed(quiet_sim, "pos")
        counterparty(quiet_sim, Side.SELL, 40, 2)
        await call(quiet_sim, "POST", "/v1/orders", order_body("0.40", 2))
        seen: dict[str, dict[str, Any]] = {}  # two subscriptions: either may come first
        async with asyncio.timeout(10):
            while len(seen) < 2:
                msg = json.loads(await ws.recv())
                for key in ("positionSubscription", "accountBalancesUpdate"):
                    if key in msg:
                        seen.setdefault(key, msg)
        pos, update = seen["positionSubscription"], seen["accountBalancesUpdate"]
    body = pos["positionSubscription"]
    assert pos["requestId"] == "pos" and body["beforePosition"] is None
    assert (body["afterPosition"]["netPosition"], body["afterPosition"]["netPositionDecimal"]
            ) == ("2", "2")
    assert body["entryType"] == "LEDGER_ENTRY_TYPE_ORDER_EXECUTION" and body["tradeId"]
    change = update["accountBalancesUpdate"]["balanceChange"]
    assert change["beforeBalance"]["currentBalance"] == 100000
    assert change["afterBalance"]["currentBalance"] == 99999.2  # 2 × $0.40 paid


async def test_market_data_and_trades(quiet_sim: SimServer) -> None:
    async with socket(quiet_sim, "markets") as ws:
        await subscribe(ws, "md", "SUBSCRIPTION_TYPE_MARKET_DATA", [SLUG])
        await subscribe(ws, "tr", "SUBSCRIPTION_TYPE_TRADE", [SLUG])
        empty = await frame(ws, "marketData")
        assert empty["requestId"] == "md" and empty["marketData"]["bids"] == []
        assert empty["marketData"]["stats"]["sharesTraded"] == "0"
        counterparty(quiet_sim, Side.SELL, 47, 5)
        await call(quiet_sim, "POST", "/v1/orders", order_body("0.47", 2))
        trade: dict[str, Any] = {}
        traded = empty
        async with asyncio.timeout(10):  # two subscriptions: either may come first
            while not trade or traded["marketData"]["stats"]["sharesTraded"] == "0":
                msg = json.loads(await ws.recv())
                trade = msg if "trade" in msg else trade
                traded = msg if "marketData" in msg else traded
    assert trade["requestId"] == "tr" and trade["subscriptionType"] == "SUBSCRIPTION_TYPE_TRADE"
    t = trade["trade"]
    assert (t["marketSlug"], t["price"]["value"], t["quantity"]["value"]) == (SLUG, "0.47", "2")
    assert t["taker"]["side"] == "ORDER_SIDE_BUY" and t["maker"]["side"] == "ORDER_SIDE_SELL"
    stats = traded["marketData"]["stats"]
    assert (stats["sharesTraded"], stats["lastTradeQty"]) == ("2", "2")
    assert stats["lastTradePx"] == {"value": "0.47", "currency": "USD"}
    assert traded["marketData"]["offers"] == [
        {"px": {"value": "0.47", "currency": "USD"}, "qty": "3"}]


async def test_heartbeats_on_both_sockets(quiet_sim: SimServer) -> None:
    async with socket(quiet_sim, "private") as private, socket(quiet_sim, "markets") as markets:
        began = time.monotonic()
        for ws in (private, markets):
            assert await frame(ws, "heartbeat", within=5.0) == {"heartbeat": {}}
        assert time.monotonic() - began >= quiet_sim.heartbeat * 0.8


async def test_bad_subscriptions_get_error_frames(quiet_sim: SimServer) -> None:
    async with socket(quiet_sim, "markets") as ws:
        await subscribe(ws, "a", "SUBSCRIPTION_TYPE_ORDER", [SLUG])  # a private type
        await subscribe(ws, "b", "SUBSCRIPTION_TYPE_MARKET_DATA", ["no-such-market"])
        await subscribe(ws, "c", "SUBSCRIPTION_TYPE_TRADE", [SLUG] * 101)
        errors = [await frame(ws, "error") for _ in range(3)]
    assert [e["requestId"] for e in errors] == ["a", "b", "c"]
    assert "SUBSCRIPTION_TYPE_ORDER" in errors[0]["error"]
    assert "no-such-market" in errors[1]["error"] and "100" in errors[2]["error"]


@pytest.mark.parametrize("fault", ["signature", "stale"])
async def test_bad_upgrade_is_refused_with_401(quiet_sim: SimServer, fault: str) -> None:
    wrong = base64.b64encode(bytes(SigningKey.generate())).decode()
    kw: dict[str, Any] = {"secret": wrong} if fault == "signature" else {"skew_ms": -31_000}
    with pytest.raises(InvalidStatus) as refused:
        async with socket(quiet_sim, "private", **kw):
            pass
    assert refused.value.response.status_code == 401
    assert json.loads(refused.value.response.body)["status"] == 401


async def test_drop_streams_breaks_retail_sockets_without_a_close(quiet_sim: SimServer) -> None:
    async with socket(quiet_sim, "private") as private, socket(quiet_sim, "markets") as markets:
        await subscribe(markets, "md", "SUBSCRIPTION_TYPE_MARKET_DATA", [SLUG])
        await frame(markets, "marketData")
        assert quiet_sim.drop_streams() == 2
        for ws in (private, markets):
            with pytest.raises(ConnectionClosedError) as closed:
                async with asyncio.timeout(10):
                    while True:
                        await ws.recv()
            assert closed.value.rcvd is None  # no close frame: a network fault
    assert quiet_sim.retail_ws.connections == set()
    assert not quiet_sim.hub.market  # its subscriber left the Hub
    assert SYMBOL in quiet_sim.exchange.instruments


async def test_an_order_for_an_unknown_market_leaves_the_order_stream_alive(
        quiet_sim: SimServer) -> None:
    async with socket(quiet_sim, "private") as ws:
        await subscribe(ws, "ord", "SUBSCRIPTION_TYPE_ORDER")
        await subscribed(quiet_sim, "ord")
        bogus = (await call(quiet_sim, "POST", "/v1/orders",
                            order_body("0.40", 1, slug="no-such-market")))["id"]
        rejected = (await frame(ws, "orderSubscriptionUpdate"))["orderSubscriptionUpdate"][
            "execution"]
        good = (await call(quiet_sim, "POST", "/v1/orders", order_body("0.40", 1)))["id"]
        new = (await frame(ws, "orderSubscriptionUpdate"))["orderSubscriptionUpdate"][
            "execution"]
    assert rejected["order"]["id"] == bogus and rejected["type"] == "EXECUTION_TYPE_REJECTED"
    assert rejected["orderRejectReason"] == "ORD_REJECT_REASON_UNKNOWN_MARKET"
    assert rejected["order"]["marketSlug"] == "no-such-market"
    assert new["order"]["id"] == good and new["type"] == "EXECUTION_TYPE_NEW"


async def test_a_failing_pump_drops_the_socket_so_the_client_reconnects(
        quiet_sim: SimServer, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(event: object) -> dict[str, Any]:
        raise ZeroDivisionError("a bug in the exchange")

    monkeypatch.setattr(quiet_sim.retail, "execution_json", broken)  # an exchange fault
    async with socket(quiet_sim, "private") as ws:
        await subscribe(ws, "ord", "SUBSCRIPTION_TYPE_ORDER")
        await subscribed(quiet_sim, "ord")
        await call(quiet_sim, "POST", "/v1/orders", order_body("0.40", 1))
        with pytest.raises(ConnectionClosedError) as closed:
            async with asyncio.timeout(10):  # heartbeats alone must not keep it open
                while True:
                    await ws.recv()
    assert closed.value.rcvd is None  # dropped like a network fault: the client reconnects
    assert "a bug in the exchange" in caplog.text
    await eventually(lambda: quiet_sim.retail_ws.connections == set(), what="socket gone")
