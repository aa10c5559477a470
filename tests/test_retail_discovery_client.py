"""The desk's retail client (tui/venues/retail: batch, discovery, rfq) against the embedded
exchange: typed results checked against the engine, refusals as VenueErrors in words."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from nacl.signing import SigningKey

from tests.conftest import DEMO_ACCOUNT
from tests.retail_kit import SLUG, SYMBOL, counterparty, order_body
from tui.core.enums import OrderState, Side, TimeInForce
from tui.core.venue import VenueError
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
from tui.sim.server import SimServer
from tui.venues.retail.batch import ModifyEntry
from tui.venues.retail.rest import RetailRest, opens_risk

BTC = "AEC-CRY-BTC-150K-2026-12-31"


@pytest.fixture
async def rest(quiet_sim: SimServer) -> AsyncIterator[RetailRest]:
    async with RetailRest(quiet_sim.rest_url, DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET) as client:
        yield client


async def test_events_series_sports_and_teams(quiet_sim: SimServer, rest: RetailRest) -> None:
    instruments = quiet_sim.exchange.instruments
    events = await rest.events()
    assert sorted(s for e in events for s in e.market_slugs) == sorted(
        s.lower() for s in instruments)
    games = await rest.events(game_id="KC-BUF-20261129")
    [kc] = games
    assert kc.market_slugs == (SLUG,) and kc.title == "Kansas City Chiefs vs Buffalo Bills"
    assert kc.series is not None and kc.series.slug == "nfl-2026"
    assert [t.slug for t in kc.tags] == ["sports", "nfl"]
    assert await rest.event(kc.id) == kc and await rest.event_by_slug(kc.slug) == kc
    series = await rest.series_list()
    assert sorted(s.slug for s in series) == sorted(
        {i.metadata["event_series"].lower() for i in instruments.values()})
    assert await rest.series(kc.series.id) == next(s for s in series if s.slug == "nfl-2026")
    in_series = await rest.events(series_ids=[kc.series.id])
    assert sorted(s for e in in_series for s in e.market_slugs) == sorted(
        s.lower() for s, i in instruments.items() if i.metadata["event_series"] == "NFL-2026")
    sports = await rest.sports()
    assert {(s.name, tuple(lg.name for lg in s.leagues)) for s in sports} == {
        ("Football", ("NFL",)), ("Basketball", ("NBA",))}
    teams = await rest.teams(league="nba")
    assert {k: (t.abbreviation, t.name) for k, t in teams.items()} == {
        "nba-bos": ("BOS", "Boston Celtics"), "nba-lal": ("LAL", "Los Angeles Lakers")}
    with pytest.raises(VenueError, match="Not found: unknown event no-such"):
        await rest.event_by_slug("no-such")


async def test_search_and_its_refusals(rest: RetailRest) -> None:
    found = await rest.search("ethereum")
    assert [e.market_slugs for e in found] == [("aec-cry-eth-5k-2026-12-31",)]
    assert await rest.search("ethereum chiefs") == []
    closed = await rest.search("ethereum", status="closed")
    assert closed == []  # it trades: not closed
    with pytest.raises(VenueError, match="Give some words"):
        await rest.search("  ")
    with pytest.raises(VenueError, match="one of active, closed, upcoming"):
        await rest.search("eth", status="later")


async def test_settlement_before_and_after(quiet_sim: SimServer, rest: RetailRest) -> None:
    with pytest.raises(VenueError, match="has not settled"):
        await rest.settlement(SLUG)
    quiet_sim.settle_market(SYMBOL, Decimal(1))
    settled = await rest.settlement(SLUG)
    assert settled.slug == SLUG and settled.price == 1
    [event] = await rest.events(game_id="KC-BUF-20261129")
    assert event.closed and not event.active


async def test_batch_create_modify_cancel(quiet_sim: SimServer, rest: RetailRest) -> None:
    ids = await rest.create_orders([order_body("0.30", 2), order_body("0.31", 1),
                                    order_body("0.320", 4, slug=BTC.lower())])
    got = [quiet_sim.exchange.order(i) for i in ids]
    assert [(o.symbol, o.price, o.order_qty) for o in got if o] == [
        (SYMBOL, 30, 2), (SYMBOL, 31, 1), (BTC, 320, 4)]
    until = time.time() + 900
    echoed = await rest.modify_orders([
        ModifyEntry(ids[0], SLUG, price=Decimal("0.33"), quantity=Decimal(5)),
        ModifyEntry(ids[1], SLUG, tif=TimeInForce.GOOD_TILL_TIME, good_till=until,
                    post_only=True)])
    assert echoed == ids[:2]
    new = {o.parent_order_id: o for o in quiet_sim.exchange.open_orders(
        accounts=[DEMO_ACCOUNT])}
    assert (new[ids[0]].price, new[ids[0]].order_qty) == (33, 5)
    assert new[ids[1]].tif is TimeInForce.GOOD_TILL_TIME
    assert new[ids[1]].participate_dont_initiate
    assert new[ids[1]].good_till_time is not None
    assert abs(new[ids[1]].good_till_time - until) < 0.001
    working = quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])
    pairs = [(o.order_id, o.symbol.lower()) for o in working]
    assert await rest.cancel_orders(pairs) == [p[0] for p in pairs]
    assert quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]) == []
    with pytest.raises(VenueError, match="at most 20 orders"):
        await rest.create_orders([order_body("0.30", 1)] * 21)
    with pytest.raises(VenueError, match="Nothing to cancel"):
        await rest.cancel_orders([])
    with pytest.raises(VenueError, match=r"refused the request \(HTTP 400\): orders\[0\]: intent"):
        await rest.create_orders([{"marketSlug": SLUG, "quantity": 1}])


async def test_modify_order_with_terms(quiet_sim: SimServer, rest: RetailRest) -> None:
    [order_id] = await rest.create_orders([order_body("0.40", 3)])
    await rest.modify_order(ModifyEntry(order_id, SLUG, tif=TimeInForce.DAY, post_only=True))
    [day] = quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])
    assert day.parent_order_id == order_id and day.tif is TimeInForce.DAY
    assert day.participate_dont_initiate and (day.price, day.order_qty) == (40, 3)
    # good-till-date with no expiry: the engine's reject on the stream (§5.3), not a 400
    await rest.modify_order(ModifyEntry(day.order_id, SLUG, tif=TimeInForce.GOOD_TILL_TIME))
    assert quiet_sim.exchange.order_log[-1].outcome == "rejected"
    with pytest.raises(VenueError, match="only for a good-till-date order"):
        await rest.modify_order(ModifyEntry(day.order_id, SLUG, tif=TimeInForce.DAY,
                                            good_till=time.time() + 60))
    still = quiet_sim.exchange.order(day.order_id)
    assert still is not None and still.state is OrderState.NEW


async def test_rfq_trades_page_and_access(quiet_sim: SimServer, rest: RetailRest) -> None:
    counterparty(quiet_sim, Side.SELL, 45, 2)
    counterparty(quiet_sim, Side.SELL, 46, 2)
    made = quiet_sim.retail.rfq.execute(quiet_sim.auth.users["demo"], SLUG, Side.BUY,
                                        Decimal(4))
    trades = await rest.all_rfq_trades()
    assert sorted((t.trade_id, t.price, t.qty) for t in trades) == sorted(
        (m["tradeId"], Decimal(m["price"]), Decimal(m["qtyDecimal"])) for m in made)
    assert {t.aggressor for t in trades} == {Side.BUY}
    first = await rest.rfq_trades(limit=1)
    assert len(first.trades) == 1 and first.cursor
    assert (await rest.rfq_trades(symbol="aec-pol-sen-ga-2026")).trades == []
    seed = bytes(range(1, 33))
    quiet_sim.retail.keys.register("no-rfq-key", bytes(SigningKey(seed).verify_key), "demo",
                                   rfq=False)
    async with RetailRest(quiet_sim.rest_url, "no-rfq-key", seed) as other:
        with pytest.raises(VenueError, match=r"not allowed to do that \(this API key has no "
                                             r"RFQ access"):
            await other.rfq_trades()


def test_the_kill_switch_holds_batched_orders_and_modifies_not_cancels() -> None:
    assert opens_risk("POST", "/v1/orders/batched")
    assert opens_risk("POST", "/v1/orders/batched/modify")
    assert not opens_risk("POST", "/v1/orders/batched/cancel")
