"""The embedded exchange's CLOB WebSockets and heartbeat (docs/spec/global-clob.md §5, §6.9,
§6.10), over loopback as a CLOB client meets them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import websockets

from tests.clob_kit import ClobKit, logged_in
from tests.conftest import eventually
from tests.desk_kit import BOB, place
from tui.core.clob_sign import BUY
from tui.core.enums import Side
from tui.sim.clob.markets import ClobMarket
from tui.sim.server import SimServer

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"
MARKET = ClobMarket.of(SYMBOL)


@pytest.fixture
async def kit(quiet_sim: SimServer) -> AsyncIterator[ClobKit]:
    async with logged_in(quiet_sim) as kit:
        yield kit


def ws_url(sim: SimServer, path: str) -> str:
    return sim.rest_url.replace("http", "ws") + path


async def frames_until(ws: Any, wanted: Any, within: float = 5.0) -> list[Any]:
    """Every JSON event read until one satisfies ``wanted`` (arrays flattened)."""
    seen: list[Any] = []
    async with asyncio.timeout(within):
        while True:
            text = await ws.recv()
            events = json.loads(text) if text != "PONG" else ["PONG"]
            for event in events if isinstance(events, list) else [events]:
                seen.append(event)
                if wanted(event):
                    return seen


async def test_the_market_channel_dumps_books_then_sends_mirrored_level_changes(
        kit: ClobKit) -> None:
    async with websockets.connect(ws_url(kit.sim, "/ws/market")) as ws:
        await ws.send(json.dumps({"type": "market", "initial_dump": True,
                                  "assets_ids": [MARKET.yes_token, MARKET.no_token]}))
        first = json.loads(await ws.recv())
        assert sorted(b["asset_id"] for b in first) == sorted([MARKET.yes_token,
                                                               MARKET.no_token])
        assert all(b["event_type"] == "book" and b["bids"] == [] for b in first)
        place(kit.sim, BOB, SYMBOL, Side.BUY, 40, 7)  # YES bid 0.40: NO offered at 0.60
        seen = await frames_until(ws, lambda e: e.get("event_type") == "price_change")
        changes = {(c["asset_id"], c["side"], c["price"], c["size"])
                   for c in seen[-1]["price_changes"]}
        assert changes == {(MARKET.yes_token, "BUY", "0.4", "7"),
                           (MARKET.no_token, "SELL", "0.6", "7")}
        await ws.send("PING")
        assert "PONG" in await frames_until(ws, lambda e: e == "PONG")


async def test_the_user_channel_follows_an_order_and_its_trade_to_confirmed(
        kit: ClobKit) -> None:
    assert kit.creds is not None
    async with websockets.connect(ws_url(kit.sim, "/ws/user")) as ws:
        await ws.send(json.dumps({"type": "user", "markets": [], "auth": {
            "apiKey": kit.creds.api_key, "secret": kit.creds.secret,
            "passphrase": kit.creds.passphrase}}))
        await asyncio.sleep(0.1)  # the subscription is in before the order goes
        placed = (await kit.place(kit.order(MARKET, False, BUY, "0.55", "5", "0.01"))).json()
        seen = await frames_until(ws, lambda e: e.get("type") == "PLACEMENT")
        assert seen[-1]["id"] == placed["orderID"] and seen[-1]["asset_id"] == MARKET.no_token
        place(kit.sim, BOB, SYMBOL, Side.BUY, 45, 5)  # meets the NO bid at 0.55: a mint
        statuses: list[str] = []
        await frames_until(ws, lambda e: e.get("event_type") == "trade" and statuses.append(
            e["status"]) is None and e["status"] == "CONFIRMED")
        assert statuses == ["MATCHED", "MINED", "CONFIRMED"]


async def test_a_wrong_secret_on_the_user_channel_is_refused(kit: ClobKit) -> None:
    assert kit.creds is not None
    async with websockets.connect(ws_url(kit.sim, "/ws/user")) as ws:
        await ws.send(json.dumps({"type": "user", "auth": {
            "apiKey": kit.creds.api_key, "secret": "guess", "passphrase": "guess"}}))
        assert json.loads(await ws.recv()) == {"error": "Unauthorized/Invalid api key"}
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)


async def test_a_silent_desk_has_its_orders_cancelled_by_the_heartbeat_rule(
        kit: ClobKit) -> None:
    kit.sim.clob.heartbeats.timeout = 0.6
    beat = (await kit.call("POST", "/v1/heartbeats", {"heartbeat_id": ""})).json()
    stale = await kit.call("POST", "/v1/heartbeats", {"heartbeat_id": "not-it"})
    assert stale.status_code == 400
    assert stale.json()["heartbeat_id"] == beat["heartbeat_id"]  # the current id, to resync
    placed = (await kit.place(kit.order(MARKET, True, BUY, "0.30", "5", "0.01"))).json()
    wallet = kit.sim.clob.auth.wallet(kit.wallet.address)
    assert wallet is not None
    assert kit.sim.exchange.open_orders([wallet.account])
    await eventually(lambda: not kit.sim.exchange.open_orders([wallet.account]),
                     what="the heartbeat rule to cancel the silent key's orders")
    listed = (await kit.call("GET", f"/data/order/{placed['orderID']}")).json()
    assert listed["status"] == "CANCELED"
    again = await kit.call("POST", "/heartbeats", {"heartbeat_id": beat["heartbeat_id"]})
    assert again.status_code == 200, "a tripped switch is re-armed by the next beat"


async def test_a_trade_can_be_made_to_fail_settlement(kit: ClobKit) -> None:
    kit.sim.clob.fail_trades = 1
    place(kit.sim, BOB, SYMBOL, Side.SELL, 45, 5)
    placed = (await kit.place(kit.order(MARKET, True, BUY, "0.45", "5", "0.01"))).json()
    trade_id = placed["tradeIDs"][0]

    async def status() -> str:
        trades = (await kit.call("GET", "/data/trades", params={"id": trade_id})).json()
        return str(trades["data"][0]["status"])

    assert await status() == "MATCHED"
    records = kit.sim.clob.orders.records
    await eventually(lambda: records.trades[trade_id].status == "FAILED",
                     what="the trade to fail settlement")
    assert await status() == "FAILED"
