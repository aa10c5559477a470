"""The embedded exchange's batched order routes and modify's terms (retail-api.md §5.3, §5.8),
over loopback sockets, each answer checked against the engine's orders."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from tests.conftest import DEMO_ACCOUNT
from tests.retail_kit import SLUG, SYMBOL, call, counterparty, order_body
from tui.core.enums import OrderState, Side, TimeInForce
from tui.sim.model import SimOrder
from tui.sim.server import SimServer

PARTIAL = "AEC-NFL-PHI-DAL-2026-11-26"  # hundredths of a contract


def working(sim: SimServer) -> list[SimOrder]:
    return sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])


def stamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


async def modify(sim: SimServer, order_id: str, status: int = 200, **fields: Any
                 ) -> dict[str, Any]:
    return await call(sim, "POST", f"/v1/order/{order_id}/modify",
                      {"marketSlug": SLUG, **fields}, status=status)


async def test_batch_create_puts_each_order_at_the_engine(quiet_sim: SimServer) -> None:
    batch = [order_body("0.30", 2), order_body("0.70", 3, "ORDER_INTENT_BUY_SHORT"),
             order_body("0.41", 0.5, slug=PARTIAL.lower())]
    reply = await call(quiet_sim, "POST", "/v1/orders/batched", {"orders": batch})
    ids = reply["createdOrderIds"]
    assert len(ids) == 3
    got = [quiet_sim.exchange.order(i) for i in ids]  # in request order
    assert [(o.symbol, o.side, o.price, o.order_qty, o.state) for o in got if o] == [
        (SYMBOL, Side.BUY, 30, 2, OrderState.NEW),
        (SYMBOL, Side.SELL, 70, 3, OrderState.NEW),  # buy NO = sell YES at the YES price
        (PARTIAL, Side.BUY, 41, 50, OrderState.NEW)]  # 0.5 of a hundredths market
    listed = (await call(quiet_sim, "GET", "/v1/orders/open"))["orders"]
    assert {o["id"]: o["intent"] for o in listed}[ids[1]] == "ORDER_INTENT_BUY_SHORT"


async def test_batch_create_is_refused_whole_for_one_bad_entry(quiet_sim: SimServer) -> None:
    bad = {"marketSlug": SLUG, "type": "ORDER_TYPE_LIMIT", "quantity": 1,
           "price": {"value": "0.30", "currency": "USD"}}  # no intent
    refused = await call(quiet_sim, "POST", "/v1/orders/batched",
                         {"orders": [order_body("0.30", 1), bad]}, status=400)
    assert refused["message"].startswith("orders[1]:") and "intent" in refused["message"]
    too_many = await call(quiet_sim, "POST", "/v1/orders/batched",
                          {"orders": [order_body("0.30", 1)] * 21}, status=400)
    assert "20" in too_many["message"]
    await call(quiet_sim, "POST", "/v1/orders/batched", {"orders": []}, status=400)
    assert working(quiet_sim) == []  # nothing of a refused batch reached the engine


async def test_batch_create_unknown_market_gets_an_id_and_a_reject(quiet_sim: SimServer) -> None:
    reply = await call(quiet_sim, "POST", "/v1/orders/batched", {"orders": [
        order_body("0.30", 1), order_body("0.30", 1, slug="no-such-market")]})
    good, bad = (quiet_sim.exchange.order(i) for i in reply["createdOrderIds"])
    assert good is not None and good.state is OrderState.NEW
    assert bad is not None and bad.state is OrderState.REJECTED


async def test_batch_cancel_leaves_none_working(quiet_sim: SimServer) -> None:
    ids = (await call(quiet_sim, "POST", "/v1/orders/batched", {"orders": [
        order_body("0.20", 1), order_body("0.21", 1), order_body("0.22", 1)]}))["createdOrderIds"]
    theirs = counterparty(quiet_sim, Side.BUY, 10, 1)
    asked = [{"orderId": i, "marketSlug": SLUG} for i in ids] + [
        {"orderId": "no-such-order", "marketSlug": SLUG},  # unknown: passed over
        {"orderId": theirs, "marketSlug": SLUG}]  # another firm's: passed over
    reply = await call(quiet_sim, "POST", "/v1/orders/batched/cancel", {"orders": asked})
    assert reply == {"canceledOrderIds": [*ids, "no-such-order", theirs]}  # an echo
    assert working(quiet_sim) == []
    assert all(o.state is OrderState.CANCELED
               for o in (quiet_sim.exchange.order(i) for i in ids) if o)
    still = quiet_sim.exchange.order(theirs)
    assert still is not None and still.state is OrderState.NEW


async def test_batch_cancel_needs_both_fields(quiet_sim: SimServer) -> None:
    mine = (await call(quiet_sim, "POST", "/v1/orders", order_body("0.20", 1)))["id"]
    refused = await call(quiet_sim, "POST", "/v1/orders/batched/cancel", {"orders": [
        {"orderId": mine, "marketSlug": SLUG}, {"orderId": mine}]}, status=400)
    assert refused["message"] == "orders[1].marketSlug is required"
    assert [o.order_id for o in working(quiet_sim)] == [mine]  # all or nothing


async def test_batch_modify_replaces_each_with_its_terms(quiet_sim: SimServer) -> None:
    a, b = (await call(quiet_sim, "POST", "/v1/orders/batched", {"orders": [
        order_body("0.20", 1), order_body("0.25", 2)]}))["createdOrderIds"]
    until = time.time() + 3600
    reply = await call(quiet_sim, "POST", "/v1/orders/batched/modify", {"orders": [
        {"orderId": a, "marketSlug": SLUG, "price": {"value": "0.23", "currency": "USD"},
         "quantity": 4},
        {"orderId": b, "marketSlug": SLUG, "tif": "TIME_IN_FORCE_GOOD_TILL_DATE",
         "goodTillTime": stamp(until), "participateDontInitiate": True},
        {"orderId": "no-such-order", "marketSlug": SLUG, "quantity": 9}]})
    assert reply == {"modifiedOrderIds": [a, b, "no-such-order"]}
    new = {o.parent_order_id: o for o in working(quiet_sim)}
    assert set(new) == {a, b}
    assert (new[a].price, new[a].order_qty, new[a].tif) == (23, 4, TimeInForce.GOOD_TILL_CANCEL)
    assert new[b].tif is TimeInForce.GOOD_TILL_TIME and new[b].participate_dont_initiate
    assert new[b].good_till_time is not None and abs(new[b].good_till_time - until) < 0.001
    assert (new[b].price, new[b].order_qty) == (25, 2)
    refused = await call(quiet_sim, "POST", "/v1/orders/batched/modify", {"orders": [
        {"orderId": new[a].order_id, "marketSlug": SLUG, "tif": "TIME_IN_FORCE_SOMETIMES"}]},
        status=400)
    assert refused["message"].startswith("orders[0].tif must be one of")


async def test_modify_changes_tif_post_only_and_expiry(quiet_sim: SimServer) -> None:
    first = (await call(quiet_sim, "POST", "/v1/orders", order_body("0.40", 3)))["id"]
    until = time.time() + 600
    assert await modify(quiet_sim, first, tif="TIME_IN_FORCE_GOOD_TILL_DATE",
                        goodTillTime=stamp(until)) == {}
    [gtd] = working(quiet_sim)
    assert gtd.parent_order_id == first and gtd.tif is TimeInForce.GOOD_TILL_TIME
    assert gtd.good_till_time is not None and abs(gtd.good_till_time - until) < 0.001
    assert (gtd.price, gtd.order_qty) == (40, 3)  # untouched
    shown = (await call(quiet_sim, "GET", f"/v1/order/{gtd.order_id}"))["order"]
    assert shown["tif"] == "TIME_IN_FORCE_GOOD_TILL_DATE"
    assert shown["goodTillTime"].startswith(stamp(until)[:19])
    # a new expiry alone; then post-only; then back to good-till-cancel, expiry dropped
    later = until + 600
    await modify(quiet_sim, gtd.order_id, goodTillTime=stamp(later))
    [moved] = working(quiet_sim)
    assert moved.good_till_time is not None and abs(moved.good_till_time - later) < 0.001
    await modify(quiet_sim, moved.order_id, participateDontInitiate=True)
    [post] = working(quiet_sim)
    assert post.participate_dont_initiate and post.tif is TimeInForce.GOOD_TILL_TIME
    await modify(quiet_sim, post.order_id, tif="TIME_IN_FORCE_GOOD_TILL_CANCEL")
    [gtc] = working(quiet_sim)
    assert gtc.tif is TimeInForce.GOOD_TILL_CANCEL and gtc.good_till_time is None
    assert gtc.participate_dont_initiate


async def test_modify_post_only_that_would_cross_is_the_engines_reject(
        quiet_sim: SimServer) -> None:
    counterparty(quiet_sim, Side.SELL, 45, 5)
    mine = (await call(quiet_sim, "POST", "/v1/orders", order_body("0.40", 2)))["id"]
    # post-only and a price through the offer: the exchange refuses it, the order stays
    await modify(quiet_sim, mine, participateDontInitiate=True,
                 price={"value": "0.46", "currency": "USD"})
    [still] = working(quiet_sim)
    assert still.order_id == mine and still.price == 40 and not still.participate_dont_initiate
    # an IOC modify works at once: it crosses the offer and the rest expires
    await modify(quiet_sim, mine, tif="TIME_IN_FORCE_IMMEDIATE_OR_CANCEL",
                 price={"value": "0.45", "currency": "USD"}, quantity=7)
    assert working(quiet_sim) == []
    assert quiet_sim.exchange.position(DEMO_ACCOUNT, SYMBOL).net_position == 5


async def test_modify_refuses_what_the_spec_refuses(quiet_sim: SimServer) -> None:
    mine = (await call(quiet_sim, "POST", "/v1/orders", order_body("0.40", 2)))["id"]
    pdi = await modify(quiet_sim, mine, 400, participateDontInitiate="yes")
    assert pdi["message"] == "participateDontInitiate must be true or false"
    when = await modify(quiet_sim, mine, 400, tif="TIME_IN_FORCE_GOOD_TILL_DATE",
                        goodTillTime="tomorrow")
    assert when["message"] == "goodTillTime must be an RFC 3339 time"
    bare = await modify(quiet_sim, mine, 400, tif="TIME_IN_FORCE_GOOD_TILL_DATE",
                        goodTillTime="2099-01-01T00:00:00")  # no offset: as create says
    assert bare["message"] == "goodTillTime must give its UTC offset (e.g. Z)"
    [same] = working(quiet_sim)
    assert same.order_id == mine and same.tif is TimeInForce.GOOD_TILL_CANCEL


async def test_modify_terms_the_order_cannot_take_are_rejects_single_or_batched(
        quiet_sim: SimServer) -> None:
    """§5.3: a modify's outcome is a replace or a reject on the stream; the same entry
    answers alike on the single route and in a batch."""
    mine = (await call(quiet_sim, "POST", "/v1/orders", order_body("0.40", 2)))["id"]
    until = stamp(time.time() + 600)
    batched = "/v1/orders/batched/modify"
    for terms, text in (({"tif": "TIME_IN_FORCE_GOOD_TILL_DATE"},
                         "good-till-time needs a future expiry time"),
                        ({"goodTillTime": until},  # a good-till-cancel order's expiry
                         "an expiry time is for good-till-time orders")):
        assert await modify(quiet_sim, mine, **terms) == {}
        assert quiet_sim.exchange.order_log[-1].outcome == "rejected"
        assert quiet_sim.exchange.order_log[-1].text == text
        await call(quiet_sim, "POST", batched, {"orders": [
            {"orderId": mine, "marketSlug": SLUG, **terms}]})
        assert quiet_sim.exchange.order_log[-1].outcome == "rejected"
        assert quiet_sim.exchange.order_log[-1].text == text
    [same] = working(quiet_sim)
    assert same.order_id == mine and same.tif is TimeInForce.GOOD_TILL_CANCEL


async def test_every_time_sent_needs_its_offset(quiet_sim: SimServer) -> None:
    """One RFC 3339 parser: create, modify and the RFQ tape's bounds refuse alike."""
    create = await call(quiet_sim, "POST", "/v1/orders", order_body(
        "0.40", 2, tif="TIME_IN_FORCE_GOOD_TILL_DATE", goodTillTime="2099-01-01T00:00:00"),
        status=400)
    assert create["message"] == "goodTillTime must give its UTC offset (e.g. Z)"
    tape = await call(quiet_sim, "GET", "/v1/rfqs/trades",
                      params={"endTime": "2099-01-01T00:00:00"}, status=400)
    assert tape["message"] == "endTime must give its UTC offset (e.g. Z)"
    assert working(quiet_sim) == []
