"""The embedded exchange's retail discovery routes (retail-api.md §7.5): events, series,
sports, teams, search and a market's settlement, public (no key), each checked against the
instruments' metadata and the engine's state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.conftest import DEMO_ACCOUNT
from tests.retail_kit import SLUG, SYMBOL, call, counterparty, order_body
from tui.core.enums import InstrumentState, OrderState, Side
from tui.sim.server import SimServer

BTC = "AEC-CRY-BTC-150K-2026-12-31"


async def public(sim: SimServer, path: str, code: int = 200, **params: Any) -> Any:
    async with httpx.AsyncClient(base_url=sim.rest_url) as http:
        reply = await http.get(path, params=params)  # no key: these routes are public
    assert reply.status_code == code, reply.text
    return reply.json()


def slugs_of(event: dict[str, Any]) -> list[str]:
    return [m["slug"] for m in event["markets"]]


async def test_events_list_every_market_once_grouped_by_game(quiet_sim: SimServer) -> None:
    events = (await public(quiet_sim, "/v1/events"))["events"]
    instruments = quiet_sim.exchange.instruments
    listed = [s for e in events for s in slugs_of(e)]
    assert sorted(listed) == sorted(s.lower() for s in instruments)
    for event in events:
        metas = [instruments[s.upper()].metadata for s in slugs_of(event)]
        # one game (or one market) an event; its series and tags are its metadata's
        assert len({m.get("game_id") or s for m, s in zip(metas, slugs_of(event),
                                                              strict=True)}) == 1
        series = metas[0].get("event_series")
        assert (event["series"] or {}).get("slug") == (series.lower() if series else None)
        league = metas[0].get("sports_game_league")
        tags = [t["slug"] for t in event["tags"]]
        assert (league.lower() in tags) if league else len(tags) == 1
        assert event["active"] and not event["closed"]
    kc = next(e for e in events if SLUG in slugs_of(e))
    assert kc["title"] == "Kansas City Chiefs vs Buffalo Bills"
    assert kc["startTime"] == "2026-11-29T00:00:00Z"
    # by id and by slug: the same event
    assert (await public(quiet_sim, f"/v1/events/{kc['id']}"))["event"] == kc
    assert (await public(quiet_sim, f"/v1/events/slug/{kc['slug']}"))["event"] == kc
    missing = await public(quiet_sim, "/v1/events/slug/no-such-event", 404)
    assert missing == {"status": 404, "message": "unknown event no-such-event"}


async def test_events_filters_follow_the_metadata(quiet_sim: SimServer) -> None:
    instruments = quiet_sim.exchange.instruments
    sports = (await public(quiet_sim, "/v1/events", categories="SPR"))["events"]
    assert sorted(s for e in sports for s in slugs_of(e)) == sorted(
        s.lower() for s, i in instruments.items() if i.metadata["event_category"] == "SPR")
    crypto = (await public(quiet_sim, "/v1/events", tagSlug="crypto"))["events"]
    assert sorted(s for e in crypto for s in slugs_of(e)) == sorted(
        s.lower() for s, i in instruments.items() if i.metadata["event_category"] == "CRY")
    game = (await public(quiet_sim, "/v1/events", gameId="KC-BUF-20261129"))["events"]
    assert [slugs_of(e) for e in game] == [[SLUG]]
    page = (await public(quiet_sim, "/v1/events", limit=2, offset=1, orderBy="slug",
                         orderDirection="desc"))["events"]
    every = sorted((e["slug"] for e in (await public(quiet_sim, "/v1/events"))["events"]),
                   reverse=True)
    assert [e["slug"] for e in page] == every[1:3]
    bad = await public(quiet_sim, "/v1/events", 400, active="yes")
    assert bad["message"] == "active must be true or false"


async def test_series_and_sports_are_the_metadatas(quiet_sim: SimServer) -> None:
    instruments = quiet_sim.exchange.instruments.values()
    series = (await public(quiet_sim, "/v1/series"))["series"]
    assert sorted(s["slug"] for s in series) == sorted(
        {i.metadata["event_series"].lower() for i in instruments})
    senate = next(s for s in series if s["slug"] == "us-senate-2026")
    assert senate["title"] == "US Senate 2026"
    assert [e["slug"] for e in senate["events"]] == ["pol-sen-ga-2026"]
    one = await public(quiet_sim, f"/v1/series/id/{senate['id']}")
    assert one == {"series": senate}
    await public(quiet_sim, "/v1/series/id/999999", 404)
    # events of one series: by the series id the events carry
    nfl = next(s for s in series if s["slug"] == "nfl-2026")
    events = (await public(quiet_sim, "/v1/events", seriesId=nfl["id"]))["events"]
    assert sorted(s for e in events for s in slugs_of(e)) == sorted(
        i.symbol.lower() for i in instruments if i.metadata["event_series"] == "NFL-2026")
    sports = (await public(quiet_sim, "/v1/sports"))["sports"]
    leagues = {lg["name"] for s in sports for lg in s["leagues"]}
    assert leagues == {i.metadata["sports_game_league"] for i in instruments
                       if "sports_game_league" in i.metadata}
    assert {s["name"]: [lg["slug"] for lg in s["leagues"]] for s in sports} == {
        "Football": ["nfl"], "Basketball": ["nba"]}


async def test_teams_by_league_and_provider_id(quiet_sim: SimServer) -> None:
    teams = (await public(quiet_sim, "/v1/sports/teams/provider", league="nfl"))["teams"]
    assert sorted(teams) == ["nfl-buf", "nfl-dal", "nfl-kc", "nfl-phi"]
    assert teams["nfl-kc"]["name"] == "Kansas City Chiefs"
    assert isinstance(teams["nfl-kc"]["id"], int)
    one = (await public(quiet_sim, "/v1/sports/teams/provider", teamIds="nba-bos"))["teams"]
    assert list(one) == ["nba-bos"] and one["nba-bos"]["abbreviation"] == "BOS"
    other = await public(quiet_sim, "/v1/sports/teams/provider", provider="elsewhere")
    assert other == {"teams": {}}


async def test_search_finds_the_market_whose_words_match(quiet_sim: SimServer) -> None:
    found = (await public(quiet_sim, "/v1/search", query="bitcoin"))["events"]
    assert [slugs_of(e) for e in found] == [[BTC.lower()]]
    chiefs = (await public(quiet_sim, "/v1/search", query="Kansas city"))["events"]
    assert [slugs_of(e) for e in chiefs] == [[SLUG]]
    nfl = (await public(quiet_sim, "/v1/search", query="nfl"))["events"]
    assert sorted(s for e in nfl for s in slugs_of(e)) == sorted(
        s.lower() for s, i in quiet_sim.exchange.instruments.items()
        if i.metadata.get("sports_game_league") == "NFL")
    # every word must match: a word no market has finds nothing
    assert (await public(quiet_sim, "/v1/search", query="bitcoin chiefs"))["events"] == []
    assert (await public(quiet_sim, "/v1/search", query="zebra"))["events"] == []
    crypto_page = (await public(quiet_sim, "/v1/search", query="crypto", limit=1,
                                page=2))["events"]
    assert [e["slug"] for e in crypto_page] == ["cry-eth-5k-2026-12-31"]
    refused = await public(quiet_sim, "/v1/search", 400, query="btc", status="soon")
    assert refused["message"] == "status must be one of active, closed, upcoming"
    await public(quiet_sim, "/v1/search", 400)  # no words to search for


async def test_settlement_after_the_operator_settles(quiet_sim: SimServer) -> None:
    unsettled = await public(quiet_sim, f"/v1/markets/{SLUG}/settlement", 404)
    assert unsettled["message"] == f"market {SLUG} has not settled"
    await public(quiet_sim, "/v1/markets/no-such-market/settlement", 404)
    # a long YES of 4 bought at 0.40, and an order still working
    counterparty(quiet_sim, Side.SELL, 40, 4)
    await call(quiet_sim, "POST", "/v1/orders", order_body("0.40", 4))
    resting = (await call(quiet_sim, "POST", "/v1/orders", order_body("0.30", 2)))["id"]
    cash = quiet_sim.exchange.balance(DEMO_ACCOUNT).cash
    quiet_sim.settle_market(SLUG, Decimal(1))
    assert await public(quiet_sim, f"/v1/markets/{SLUG}/settlement") == {
        "slug": SLUG, "settlement": 1}
    assert quiet_sim.exchange.instruments[SYMBOL].state is InstrumentState.TERMINATED
    done = quiet_sim.exchange.order(resting)
    assert done is not None and done.state is OrderState.CANCELED
    held = quiet_sim.exchange.position(DEMO_ACCOUNT, SYMBOL)
    assert held.net_position == 0 and held.realized == 4 * 60  # (1.00 − 0.40) × 4, raw
    assert quiet_sim.exchange.balance(DEMO_ACCOUNT).cash == cash + 4  # $1 a contract
    market = (await public(quiet_sim, f"/v1/market/slug/{SLUG}"))["market"]
    assert market["status"] == "MARKET_STATUS_RESOLVED" and market["closed"]
    bbo = (await public(quiet_sim, f"/v1/markets/{SLUG}/bbo"))["marketData"]
    assert bbo["settlementPx"] == {"value": "1.00", "currency": "USD"}
    book = (await public(quiet_sim, f"/v1/markets/{SLUG}/book"))["marketData"]
    assert book["stats"]["settlementPx"] == {"value": "1.00", "currency": "USD"}  # §7.3
    event = (await public(quiet_sim, "/v1/events", gameId="KC-BUF-20261129"))["events"][0]
    assert event["closed"] and not event["active"]


async def test_settling_at_zero_pays_the_no_holder(quiet_sim: SimServer) -> None:
    # NO held: a YES sell (buy NO at 0.60 = YES 0.40), 3 contracts
    counterparty(quiet_sim, Side.BUY, 400, 3, symbol=BTC)  # 0.400 on a 1000 scale
    await call(quiet_sim, "POST", "/v1/orders",
               order_body("0.400", 3, "ORDER_INTENT_BUY_SHORT", slug=BTC.lower()))
    assert quiet_sim.exchange.position(DEMO_ACCOUNT, BTC).net_position == -3
    cash = quiet_sim.exchange.balance(DEMO_ACCOUNT).cash
    quiet_sim.settle_market(BTC, Decimal(0))
    assert await public(quiet_sim, f"/v1/markets/{BTC.lower()}/settlement") == {
        "slug": BTC.lower(), "settlement": 0}
    assert quiet_sim.exchange.balance(DEMO_ACCOUNT).cash == cash + 3  # NO pays $1
    assert quiet_sim.exchange.position(DEMO_ACCOUNT, BTC).net_position == 0
