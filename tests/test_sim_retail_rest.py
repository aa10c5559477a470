"""The embedded exchange's retail REST routes beyond create/cancel, over loopback sockets.

Modify, preview, cancel all, close position, get order, positions, activities (§5, §6)
and the public markets, book and BBO routes (§7), each checked against the engine.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import DEMO_ACCOUNT
from tests.retail_kit import SLUG, SYMBOL, call, counterparty, order_body
from tui.core.enums import OrderState, Side
from tui.sim.server import SimServer

PARTIAL = "AEC-NFL-PHI-DAL-2026-11-26"  # hundredths of a contract
HALF = "AEC-POL-SEN-GA-2026"  # half-cent ticks


async def public(sim: SimServer, path: str, status: int = 200, **params: Any) -> Any:
    async with httpx.AsyncClient(base_url=sim.rest_url) as http:
        reply = await http.get(path, params=params)  # no key: these routes are public
    assert reply.status_code == status, reply.text
    return reply.json()


async def test_modify_is_a_cancel_replace_on_the_engine(quiet_sim: SimServer) -> None:
    created = await call(quiet_sim, "POST", "/v1/orders", order_body("0.40", 3))
    old_id = created["id"]
    assert await call(quiet_sim, "POST", f"/v1/order/{old_id}/modify",
                      {"marketSlug": SLUG, "price": {"value": "0.42", "currency": "USD"},
                       "quantity": 5}) == {}
    old = quiet_sim.exchange.order(old_id)
    assert old is not None and old.state is OrderState.REPLACED
    [new] = quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])
    assert (new.price, new.order_qty, new.parent_order_id) == (42, 5, old_id)
    listed = (await call(quiet_sim, "GET", "/v1/orders/open"))["orders"]
    assert [(o["id"], o["price"]["value"], o["quantity"], o["intent"]) for o in listed] == [
        (new.order_id, "0.42", 5, "ORDER_INTENT_BUY_LONG")]
    # the wrong market is a 404; an expiry on an order that is not good-till-date is the
    # engine's reject on the stream (§5.3), as the same batched entry is
    await call(quiet_sim, "POST", f"/v1/order/{new.order_id}/modify",
               {"marketSlug": PARTIAL.lower(), "quantity": 1}, status=404)
    assert await call(quiet_sim, "POST", f"/v1/order/{new.order_id}/modify",
                      {"marketSlug": SLUG, "goodTillTime": "2099-01-01T00:00:00Z"}) == {}
    refused = quiet_sim.exchange.order_log[-1]
    assert (refused.kind, refused.outcome) == ("replace", "rejected")
    still = quiet_sim.exchange.order(new.order_id)
    assert still is not None and still.state is OrderState.NEW


async def test_preview_walks_the_book_and_inserts_nothing(quiet_sim: SimServer) -> None:
    counterparty(quiet_sim, Side.SELL, 45, 2)
    counterparty(quiet_sim, Side.SELL, 47, 10)
    reply = await call(quiet_sim, "POST", "/v1/order/preview",
                       {"request": order_body("0.46", 5)})
    order = reply["order"]
    assert order["id"] == "" and order["state"] == "ORDER_STATE_PARTIALLY_FILLED"
    assert (order["cumQuantity"], order["leavesQuantity"]) == (2, 3)
    assert order["avgPx"] == {"value": "0.45", "currency": "USD"}
    assert order["intent"] == "ORDER_INTENT_BUY_LONG" and order["side"] == "ORDER_SIDE_BUY"
    assert quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]) == []
    assert quiet_sim.exchange.stats(SYMBOL).volume == 0


async def test_cancel_all_with_and_without_slugs(quiet_sim: SimServer) -> None:
    here = (await call(quiet_sim, "POST", "/v1/orders", order_body("0.30", 1)))["id"]
    there = (await call(quiet_sim, "POST", "/v1/orders",
                        order_body("0.30", 0.5, slug=PARTIAL.lower())))["id"]
    only = await call(quiet_sim, "POST", "/v1/orders/open/cancel",
                      {"slugs": [PARTIAL.lower()]})
    assert only == {"canceledOrderIds": [there]}
    assert [o.order_id for o in quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])] == [here]
    assert await call(quiet_sim, "POST", "/v1/orders/open/cancel", {}) == {
        "canceledOrderIds": [here]}
    assert quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]) == []


async def test_close_position_sells_a_long_and_buys_back_a_short(quiet_sim: SimServer) -> None:
    await call(quiet_sim, "POST", "/v1/order/close-position", {"marketSlug": SLUG},
               status=400)  # nothing held
    counterparty(quiet_sim, Side.SELL, 50, 4)
    await call(quiet_sim, "POST", "/v1/orders", order_body("0.50", 4))
    assert quiet_sim.exchange.position(DEMO_ACCOUNT, SYMBOL).net_position == 4
    counterparty(quiet_sim, Side.BUY, 48, 10)
    reply = await call(quiet_sim, "POST", "/v1/order/close-position",
                       {"marketSlug": SLUG, "synchronousExecution": True})
    closing = quiet_sim.exchange.order(reply["id"])
    assert closing is not None and closing.side is Side.SELL and closing.cum_qty == 4
    assert quiet_sim.exchange.position(DEMO_ACCOUNT, SYMBOL).net_position == 0
    new, fill = reply["executions"]  # synchronous: what the order did on entry
    assert new["type"] == "EXECUTION_TYPE_NEW"
    assert fill["type"] == "EXECUTION_TYPE_FILL" and fill["lastShares"] == "4"
    assert fill["lastPx"] == {"value": "0.48", "currency": "USD"}
    assert fill["order"]["intent"] == "ORDER_INTENT_SELL_LONG"
    # short YES (NO held): closing buys YES back
    await call(quiet_sim, "POST", "/v1/orders", order_body("0.48", 2,
                                                          "ORDER_INTENT_BUY_SHORT"))
    assert quiet_sim.exchange.position(DEMO_ACCOUNT, SYMBOL).net_position == -2
    counterparty(quiet_sim, Side.SELL, 55, 5)
    reply = await call(quiet_sim, "POST", "/v1/order/close-position", {"marketSlug": SLUG})
    closing = quiet_sim.exchange.order(reply["id"])
    assert closing is not None and closing.side is Side.BUY and closing.cum_qty == 2
    assert quiet_sim.exchange.position(DEMO_ACCOUNT, SYMBOL).net_position == 0


async def test_get_order_is_the_users_own_only(quiet_sim: SimServer) -> None:
    mine = (await call(quiet_sim, "POST", "/v1/orders", order_body("0.33", 2)))["id"]
    got = (await call(quiet_sim, "GET", f"/v1/order/{mine}"))["order"]
    assert got["id"] == mine and got["state"] == "ORDER_STATE_NEW"
    assert got["price"] == {"value": "0.33", "currency": "USD"} and got["quantity"] == 2
    theirs = counterparty(quiet_sim, Side.BUY, 20, 1)
    missing = await call(quiet_sim, "GET", f"/v1/order/{theirs}", status=404)
    assert missing["status"] == 404 and missing["message"]
    await call(quiet_sim, "GET", "/v1/order/no-such-order", status=404)


async def test_positions_and_activities(quiet_sim: SimServer) -> None:
    counterparty(quiet_sim, Side.SELL, 40, 3)
    await call(quiet_sim, "POST", "/v1/orders", order_body("0.40", 3))
    counterparty(quiet_sim, Side.SELL, 60, 50, symbol=PARTIAL)
    await call(quiet_sim, "POST", "/v1/orders", order_body("0.60", 0.5,
                                                          slug=PARTIAL.lower()))
    counterparty(quiet_sim, Side.BUY, 45, 1)
    await call(quiet_sim, "POST", "/v1/orders", order_body("0.45", 1,
                                                          "ORDER_INTENT_SELL_LONG"))
    reply = await call(quiet_sim, "GET", "/v1/portfolio/positions")
    assert reply["eof"] is True and reply["nextCursor"] == ""
    kc = reply["positions"][SLUG]
    assert (kc["netPosition"], kc["netPositionDecimal"]) == ("2", "2")
    assert (kc["qtyBought"], kc["qtySold"]) == ("3", "1")
    assert kc["cost"] == {"value": "0.8", "currency": "USD"}  # 2 left at 0.40
    assert kc["realized"] == {"value": "0.05", "currency": "USD"}  # 1 sold 0.05 higher
    phi = reply["positions"][PARTIAL.lower()]
    assert (phi["netPosition"], phi["netPositionDecimal"]) == ("1", "0.50")  # rounded
    only = await call(quiet_sim, "GET", "/v1/portfolio/positions",
                      params={"market": PARTIAL.lower()})
    assert list(only["positions"]) == [PARTIAL.lower()]
    paged = await call(quiet_sim, "GET", "/v1/portfolio/positions", params={"limit": 1})
    assert len(paged["positions"]) == 1 and paged["eof"] is False
    rest = await call(quiet_sim, "GET", "/v1/portfolio/positions",
                      params={"limit": 1, "cursor": paged["nextCursor"]})
    assert set(rest["positions"]) | set(paged["positions"]) == {SLUG, PARTIAL.lower()}

    acts = (await call(quiet_sim, "GET", "/v1/portfolio/activities"))["activities"]
    assert [a["type"] for a in acts] == ["ACTIVITY_TYPE_TRADE"] * 3
    newest = acts[0]["trade"]  # descending by default
    assert (newest["marketSlug"], newest["price"]["value"], newest["qtyDecimal"]) == (
        SLUG, "0.45", "1")
    assert newest["isAggressor"] is True
    assert newest["realizedPnl"] == {"value": "0.05", "currency": "USD"}
    oldest = await call(quiet_sim, "GET", "/v1/portfolio/activities",
                        params={"sortOrder": "SORT_ORDER_ASCENDING", "limit": 1,
                                "marketSlug": SLUG})
    assert oldest["eof"] is False and oldest["nextCursor"] == "1"
    [first] = oldest["activities"]
    assert (first["trade"]["price"]["value"], first["trade"]["qty"]) == ("0.40", "3")


async def test_public_markets_book_and_bbo(quiet_sim: SimServer) -> None:
    markets = (await public(quiet_sim, "/v1/markets"))["markets"]
    by_slug = {m["slug"]: m for m in markets}
    assert set(by_slug) == {s.lower() for s in quiet_sim.exchange.instruments}
    kc = by_slug[SLUG]
    assert kc["active"] is True and kc["closed"] is False
    assert kc["status"] == "MARKET_STATUS_OPEN" and kc["question"] == kc["title"]
    assert (kc["orderPriceMinTickSize"], kc["minimumTradeQty"]) == (0.01, 1)
    assert [s["long"] for s in kc["marketSides"]] == [True, False]
    assert kc["marketSides"][0]["description"] == "KC"
    assert by_slug[PARTIAL.lower()]["minimumTradeQty"] == 0.01
    assert by_slug[HALF.lower()]["orderPriceMinTickSize"] == 0.005
    one = await public(quiet_sim, f"/v1/market/slug/{SLUG}")
    assert one["market"]["id"] == kc["id"]
    assert (await public(quiet_sim, f"/v1/market/id/{kc['id']}"))["market"]["slug"] == SLUG
    gone = await public(quiet_sim, "/v1/market/slug/no-such-market", status=404)
    assert gone["status"] == 404 and "no-such-market" in gone["message"]
    await public(quiet_sim, "/v1/markets/no-such-market/book", status=404)

    counterparty(quiet_sim, Side.BUY, 41, 5)
    counterparty(quiet_sim, Side.BUY, 43, 2)
    counterparty(quiet_sim, Side.SELL, 47, 7)
    await call(quiet_sim, "POST", "/v1/orders", order_body("0.47", 3))  # trades 3 @ 0.47
    book = (await public(quiet_sim, f"/v1/markets/{SLUG}/book"))["marketData"]
    assert book["marketSlug"] == SLUG and book["state"] == "MARKET_STATE_OPEN"
    assert book["bids"] == [{"px": {"value": "0.43", "currency": "USD"}, "qty": "2"},
                            {"px": {"value": "0.41", "currency": "USD"}, "qty": "5"}]
    assert book["offers"] == [{"px": {"value": "0.47", "currency": "USD"}, "qty": "4"}]
    stats = book["stats"]
    assert stats["lastTradePx"] == {"value": "0.47", "currency": "USD"}
    assert (stats["lastTradeQty"], stats["sharesTraded"]) == ("3", "3")
    assert stats["openPx"] == {"value": "0.47", "currency": "USD"}
    assert book["transactTime"].endswith("Z")
    bbo = (await public(quiet_sim, f"/v1/markets/{SLUG}/bbo"))["marketData"]
    assert bbo["bestBid"] == {"value": "0.43", "currency": "USD"}
    assert bbo["bestAsk"] == {"value": "0.47", "currency": "USD"}
    assert bbo["shortQuote"] == {"value": "0.57", "currency": "USD"}  # buy NO at 1 − bid
    assert (bbo["bidDepth"], bbo["askDepth"], bbo["bidShares"], bbo["askShares"]) == (
        2, 1, "7", "4")
    assert bbo["sharesTraded"] == "3"


async def test_a_synchronous_order_for_an_unknown_market_answers_its_reject(
        quiet_sim: SimServer) -> None:
    reply = await call(quiet_sim, "POST", "/v1/orders",
                       order_body("0.40", 1, slug="no-such-market", synchronousExecution=True))
    [rejected] = reply["executions"]
    assert rejected["order"]["id"] == reply["id"]
    assert rejected["type"] == "EXECUTION_TYPE_REJECTED"
    assert rejected["orderRejectReason"] == "ORD_REJECT_REASON_UNKNOWN_MARKET"
    assert rejected["lastShares"] == "0" and rejected["lastPx"] is None
