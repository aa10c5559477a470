"""The desk's retail venue against the embedded exchange: what it sends (checked against
the spec's own field names), recovery across a socket outage, and `pmdesk check` on a
retail profile, step by step, including the failures a trader meets first."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import DEMO_ACCOUNT, eventually, live, make_retail_venue, start_live
from tests.desk_kit import ALICE, BOB, cent_symbols, place
from tests.desk_kit import mine as _mine
from tests.desk_kit import quote as _quote
from tests.specs import RETAIL_SPEC
from tui.cli.main import main
from tui.core.enums import OrderState, Side
from tui.core.prices import Intent
from tui.core.profiles import ENV_VAR
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET, slug_of
from tui.sim.retail.wire import position_json
from tui.sim.server import SimServer
from tui.store import db_path
from tui.venues.retail.rest import RetailRest
from tui.venues.retail.venue import RetailVenue

SPEC = RETAIL_SPEC


def _section(title: str) -> str:
    text = SPEC.read_text(encoding="utf-8")
    start = text.index(title)
    return text[start:text.index("\n### ", start + len(title))]


def _table_names(title: str) -> set[str]:
    """The first-column `names` of a section's field table."""
    return set(re.findall(r"^\| `(\w+)`", _section(title), flags=re.M))


async def test_bodies_and_frames_use_the_specs_names(quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    async with live(make_retail_venue(quiet_sim)) as venue:
        slug = slug_of(symbol)
        inst = venue.state.instruments[slug]
        await venue.submit(build_order(inst, Intent.BUY_NO, 60, 3))  # rests as SELL YES 0.40
        await eventually(lambda: _mine(quiet_sim) == [(Side.SELL, 40, 3)], what="resting")
        order = await eventually(lambda: next((o for o in venue.state.working_orders(slug)
                                               if o.order_id), None), what="acknowledged")
        await venue.replace(order, price=42)  # type: ignore[arg-type]
        await eventually(lambda: _mine(quiet_sim) == [(Side.SELL, 42, 3)], what="modified")
        moved = await eventually(lambda: next((o for o in venue.state.working_orders(slug)
                                               if o.price == 42 and o.order_id), None),
                                 what="the new order on the desk")
        await venue.cancel(moved)  # type: ignore[arg-type]
        await eventually(lambda: _mine(quiet_sim) == [], what="cancelled")

    posts = {r.path.split("/")[-1] if "/order/" in r.path else r.path: json.loads(r.body)
             for r in quiet_sim.retail.received if r.method == "POST"}
    create = posts["/v1/orders"]
    assert set(create) <= _table_names("### 5.1"), set(create) - _table_names("### 5.1")
    assert create["intent"] == "ORDER_INTENT_BUY_SHORT"  # §9.1: buy NO
    assert create["price"] == {"value": "0.40", "currency": "USD"}  # §10: the YES price
    assert create["quantity"] == 3 and create["type"] == "ORDER_TYPE_LIMIT"
    modify_names = set(re.findall(r"`(\w+)`", _section("### 5.3").split("Response")[0]))
    assert set(posts["modify"]) <= modify_names and posts["modify"]["marketSlug"] == slug
    assert posts["modify"]["price"] == {"value": "0.42", "currency": "USD"}
    assert posts["cancel"] == {"marketSlug": slug}  # §5.4, exactly

    frames = [json.loads(r.body) for r in quiet_sim.retail.received if r.method == "WS"]
    kinds = {f["subscribe"]["subscriptionType"] for f in frames if "subscribe" in f}
    assert kinds == {"SUBSCRIPTION_TYPE_MARKET_DATA", "SUBSCRIPTION_TYPE_TRADE",
                     "SUBSCRIPTION_TYPE_ORDER",
                     "SUBSCRIPTION_TYPE_ORDER_SNAPSHOT", "SUBSCRIPTION_TYPE_POSITION",
                     "SUBSCRIPTION_TYPE_ACCOUNT_BALANCE"}
    for frame in frames:  # §8.2's keys, camelCase; at most 100 markets a subscription
        assert set(frame) == {"subscribe"}
        assert set(frame["subscribe"]) <= {"requestId", "subscriptionType", "marketSlugs"}
        assert len(frame["subscribe"].get("marketSlugs", [])) <= 100


async def test_an_order_that_fills_while_the_sockets_are_down(quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    async with live(make_retail_venue(quiet_sim)) as venue:
        slug = slug_of(symbol)
        await venue.submit(build_order(venue.state.instruments[slug], Intent.BUY_YES, 40, 5))
        await eventually(lambda: any(o.order_id and o.state is OrderState.NEW
                                     for o in venue.state.working_orders(slug)),
                         what="working")
        assert quiet_sim.drop_streams() >= 2
        # while the desk is reconnecting, someone sells into the bid
        place(quiet_sim, ALICE, symbol, Side.SELL, 40, 5)
        await eventually(lambda: any(o.state is OrderState.FILLED and o.cum_qty == 5
                                     for o in venue.state.orders.values() if o.symbol == slug),
                         what="the order shown filled after the outage")
        await eventually(lambda: venue.state.positions.get(slug) is not None
                         and venue.state.positions[slug].net == 5, what="the position")
        await eventually(lambda: all(w.connects >= 2 for w in venue._workers),
                         what="both sockets back")


async def test_the_tape_takes_each_reported_trade_once_with_its_taker(
        quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    async with live(make_retail_venue(quiet_sim)) as venue:
        slug = slug_of(symbol)
        place(quiet_sim, ALICE, symbol, Side.BUY, 44, 6)
        place(quiet_sim, BOB, symbol, Side.SELL, 44, 4)  # bob hits alice's bid
        await eventually(lambda: venue.state.tapes.get(slug) is not None
                         and venue.state.tapes[slug].volume_at == {44: 4}, what="the trade")
        await eventually(lambda: venue.state.books[slug].volume == 4, what="the book's total")
        # the books after it must not count it again: one more book, with no trade, has come
        # on the same socket by the time a new bid shows
        place(quiet_sim, ALICE, symbol, Side.BUY, 30, 1)
        await eventually(lambda: 30 in dict(venue.state.books[slug].bids), what="a later book")
        assert [(t.px, t.qty, t.aggressor) for t in venue.state.trades
                if t.symbol == slug] == [(44, 4, Side.SELL)]
        assert venue.state.tapes[slug].volume_at == {44: 4}
        assert venue.state.tapes[slug].explicit  # taken from the trade feed, not inferred


def _retail_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rest: str,
                    key_id: str = DEMO_RETAIL_KEY_ID, mode: int = 0o600) -> None:
    key = tmp_path / "retail.key"
    key.write_text(DEMO_RETAIL_SECRET + "\n", encoding="ascii")
    key.chmod(mode)
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(f'[profiles.r]\nvenue = "retail"\nenvironment = "custom"\n'
                        f'rest = "{rest}"\nkey_id_env = "PMDESK_TEST_KEY_ID"\n'
                        f'key_file = "{key}"\n', encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(profiles))
    monkeypatch.setenv("PMDESK_TEST_KEY_ID", key_id)


async def _check(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = await asyncio.to_thread(main, ["check", "--profile", "r"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out


async def test_check_walks_every_retail_step(quiet_sim: SimServer, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _retail_profile(tmp_path, monkeypatch, quiet_sim.rest_url)
    code, out = await _check(capsys)
    assert code == 0, out
    for step in ("credentials", "public REST", "signed request", "private socket",
                 "markets socket"):
        assert f"✓ {step}" in out
    assert DEMO_RETAIL_SECRET not in out


async def test_check_names_each_retail_failure(quiet_sim: SimServer, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _retail_profile(tmp_path, monkeypatch, quiet_sim.rest_url, mode=0o644)
    code, out = await _check(capsys)
    assert code == 1 and "✗ credentials" in out and "chmod 600" in out

    _retail_profile(tmp_path, monkeypatch, quiet_sim.rest_url,
                    key_id="00000000-0000-4000-8000-000000000000")
    code, out = await _check(capsys)
    assert code == 1 and "✓ public REST" in out and "✗ signed request" in out
    assert "refused the API key" in out and "· private socket: skipped" in out

    stopped = f"http://127.0.0.1:{quiet_sim.rest_port}"
    await quiet_sim.stop()
    _retail_profile(tmp_path, monkeypatch, stopped)
    code, out = await _check(capsys)
    assert code == 1 and "✗ public REST" in out and "nothing is listening there" in out


async def test_the_local_database_keeps_the_retail_sessions_orders_fills_and_commands(
        quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    slug = slug_of(symbol)

    def venue() -> RetailVenue:
        return make_retail_venue(quiet_sim, profile="retail")

    async with live(venue()) as first:
        place(quiet_sim, ALICE, symbol, Side.SELL, 45, 5)
        await first.submit(build_order(first.state.instruments[slug], Intent.BUY_YES, 45, 5))
        await eventually(lambda: len(first.state.fills) == 1, what="the fill")
    with sqlite3.connect(db_path("retail", first.account)) as db:
        (request,), = db.execute("SELECT request FROM journal "
                                 "WHERE kind = 'command'").fetchall()
    sent = json.loads(request)
    assert sent["path"] == "/v1/orders" and sent["body"]["intent"] == "ORDER_INTENT_BUY_LONG"

    second = venue()  # the next session brings the fill and the filled order back
    await start_live(second)
    try:
        assert [(f.price, f.qty) for f in second.state.fills] == [(45, 5)]
        assert [(o.state, o.cum_qty) for o in second.state.history] == [(OrderState.FILLED, 5)]
    finally:
        await second.stop()


async def _hang_up_server() -> tuple[asyncio.Server, str]:
    """A peer that reads a request and drops the connection without a word: the request
    may well have been acted on (the real API behind a load balancer can do this)."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def test_an_insert_whose_answer_is_lost_is_uncertain_never_rejected() -> None:
    server, url = await _hang_up_server()
    try:
        async with RetailRest(url, DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET) as rest:
            with pytest.raises(VenueError) as lost:
                await rest.create_order({"marketSlug": "m", "intent": "ORDER_INTENT_BUY_LONG"})
            assert lost.value.uncertain and "broke the connection" in str(lost.value)
            with pytest.raises(VenueError) as read:  # a read is simply not answered
                await rest.balances()
            assert not read.value.uncertain
    finally:
        server.close()
    async with RetailRest(url, DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET) as rest:
        with pytest.raises(VenueError) as refused:  # nobody there: surely not sent
            await rest.create_order({"marketSlug": "m"})
        assert not refused.value.uncertain and "nothing is listening" in str(refused.value)


def test_a_malformed_secret_in_the_environment_is_one_sentence(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('[profiles.r]\nvenue = "retail"\nenvironment = "custom"\n'
                        'rest = "http://127.0.0.1:9"\nkey_id_env = "PMDESK_TEST_KEY_ID"\n'
                        'secret_env = "PMDESK_TEST_SECRET"\n', encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(profiles))
    monkeypatch.setenv("PMDESK_TEST_KEY_ID", DEMO_RETAIL_KEY_ID)
    monkeypatch.setenv("PMDESK_TEST_SECRET", "not-base64!!")
    assert main(["--profile", "r"]) == 2
    err = capsys.readouterr().err
    assert "$PMDESK_TEST_SECRET: the retail secret key is not base64" in err
    assert "Traceback" not in err and "not-base64" not in err


def test_a_balance_with_an_empty_currency_is_the_usd_one() -> None:
    """The SDK's own fixture sends "currency": "" (and null metadata elsewhere)."""
    from decimal import Decimal

    from tui.venues.retail import convert

    balance = convert.balance([{"currentBalance": Decimal("12.5"), "currency": "",
                                "buyingPower": 10}])
    assert (balance.balance, balance.buying_power) == (Decimal("12.5"), Decimal(10))


async def test_the_clients_other_endpoints_read_what_the_exchange_holds(
        quiet_sim: SimServer) -> None:
    """Close position, get order, positions, activities, market, book and BBO (§5–§7)."""
    symbol = cent_symbols(quiet_sim)[0]
    slug = slug_of(symbol)
    _quote(quiet_sim, symbol)
    async with RetailRest(quiet_sim.rest_url, DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET) as rest:
        market = await rest.market(slug)
        assert market["slug"] == slug
        book = await rest.book(slug)
        assert book["bids"][0]["px"] == {"value": "0.40", "currency": "USD"}
        assert (await rest.bbo(slug))["bestAsk"]["value"] == "0.45"
        order_id = await rest.create_order({
            "marketSlug": slug, "type": "ORDER_TYPE_LIMIT", "intent": "ORDER_INTENT_BUY_LONG",
            "price": {"value": "0.45", "currency": "USD"}, "quantity": 3,
            "tif": "TIME_IN_FORCE_IMMEDIATE_OR_CANCEL"})
        await eventually(lambda: ex_net(quiet_sim, symbol) == 3, what="bought 3")
        assert (await rest.order(order_id))["state"] == "ORDER_STATE_FILLED"
        assert (await rest.positions())[slug]["netPositionDecimal"] in ("3", "3.00")
        (trade,) = [a for a in await rest.activities(market_slug=slug)
                    if a["type"] == "ACTIVITY_TYPE_TRADE"]
        assert trade["trade"]["price"]["value"] == "0.45"
        assert await rest.close_position(slug)
        await eventually(lambda: ex_net(quiet_sim, symbol) == 0, what="closed")


def ex_net(sim: SimServer, symbol: str) -> int:
    return sim.exchange.position(DEMO_ACCOUNT, symbol).net_position


async def test_a_position_change_without_market_metadata_reads_the_positions_again(
        quiet_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """§3: marketMetadata may be null; the change names no market, so the desk asks."""
    import tui.sim.retail.ws as ws

    def unnamed(p: object, inst: object) -> dict[str, object]:
        return {**position_json(p, inst), "marketMetadata": None}  # type: ignore[arg-type]

    monkeypatch.setattr(ws, "position_json", unnamed)
    symbol = cent_symbols(quiet_sim)[0]
    slug = slug_of(symbol)
    _quote(quiet_sim, symbol)
    async with live(make_retail_venue(quiet_sim)) as venue:
        reads = len([r for r in quiet_sim.retail.received if r.path.endswith("/positions")])
        await venue.submit(build_order(venue.state.instruments[slug], Intent.BUY_YES, 45, 5))
        await eventually(lambda: venue.state.positions.get(slug) is not None
                         and venue.state.positions[slug].net == 5, what="the position")
        assert len([r for r in quiet_sim.retail.received
                    if r.path.endswith("/positions")]) > reads
