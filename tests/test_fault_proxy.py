"""The fault suite's own instruments, checked before anything is measured with them: the
proxy loses an answer only after the exchange acted on the request, refuses without
passing it on, delays, cuts gRPC and WebSocket streams, goes dark (connects refused); and
the reconciliation sees an order the desk did not ask for."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import DEMO_ACCOUNT, eventually, streams_live
from tests.desk_kit import cent_symbols, my_commands
from tests.faults.proxy import ExchangeLink, Rules
from tests.faults.reconcile import duplicate_orders
from tests.simkit import limit_body
from tui.core.enums import Side
from tui.core.state import LinkState
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
from tui.sim.server import SimServer
from tui.venues.gateway.rest import INSERT_PATH
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.retail.venue import RetailVenue


@pytest.fixture
async def link(quiet_sim: SimServer) -> AsyncIterator[ExchangeLink]:
    opened = await ExchangeLink.open((quiet_sim.host, quiet_sim.rest_port),
                                     (quiet_sim.host, quiet_sim.grpc_port))
    yield opened
    await opened.close()


async def _insert(link: ExchangeLink, sim: SimServer, clord_id: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=link.rest_url, timeout=5.0) as http:
        login = await http.post("/auth/v1beta1/login",
                                json={"username": "demo", "password": DEMO_PASSWORD})
        headers = {"authorization": f"Bearer {login.json()['accessToken']}",
                   "x-participant-id": "firms/DEMO/users/demo"}
        body = limit_body(cent_symbols(sim)[0], "buy", 40, 1, clord_id,
                          account=DEMO_ACCOUNT)
        return await http.post(INSERT_PATH, json=body, headers=headers)


def _inserts_only(**shares: float) -> Rules:
    return Rules(applies=lambda method, path: path == INSERT_PATH, **shares)


async def test_a_lost_answer_was_acted_on_and_never_arrives(
        quiet_sim: SimServer, link: ExchangeLink) -> None:
    link.http.rules = _inserts_only(lose=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        await _insert(link, quiet_sim, "lost-1")
    assert [c.outcome for c in my_commands(quiet_sim, "insert")] == ["accepted"]
    assert link.http.counts.lost == 1


async def test_a_refused_request_never_reaches_the_exchange(
        quiet_sim: SimServer, link: ExchangeLink) -> None:
    link.http.rules = _inserts_only(refuse=1.0)
    assert (await _insert(link, quiet_sim, "refused-1")).status_code == 503
    assert my_commands(quiet_sim, "insert") == []


async def test_a_delayed_answer_comes_late(quiet_sim: SimServer, link: ExchangeLink) -> None:
    link.http.rules = _inserts_only(delay=1.0)
    link.http.rules.delay_s = 0.4
    started = time.monotonic()
    assert (await _insert(link, quiet_sim, "late-1")).status_code == 200
    assert time.monotonic() - started >= 0.4


async def test_streams_through_the_proxy_are_cut_and_come_back(
        quiet_sim: SimServer, link: ExchangeLink) -> None:
    gateway = GatewayVenue(rest_url=link.rest_url, grpc_target=link.grpc_target,
                           username="demo", password=DEMO_PASSWORD, silence_timeout=5.0)
    retail = RetailVenue(rest_url=link.rest_url, key_id=DEMO_RETAIL_KEY_ID,
                         secret=DEMO_RETAIL_SECRET, silence_timeout=5.0)
    try:
        for venue, count in ((gateway, 4), (retail, 2)):
            await venue.start()
            await eventually(lambda v=venue, n=count: streams_live(v.state, n),
                             what="every stream live through the proxy")
        assert link.grpc.cut() == 1  # the channel's one connection: its four streams
        assert link.http.cut("/v1/ws/private") == 1
        await eventually(lambda: gateway.state.streams["orders"].state is not LinkState.LIVE
                         and retail.state.streams["orders"].state is not LinkState.LIVE,
                         what="both order streams down")
        assert retail.state.streams["prices"].state is LinkState.LIVE  # only one was cut
        await eventually(lambda: streams_live(gateway.state, 4) and streams_live(
            retail.state, 2), what="every stream back")
    finally:
        await gateway.stop()
        await retail.stop()


async def test_an_outage_refuses_connects_until_it_ends(
        quiet_sim: SimServer, link: ExchangeLink) -> None:
    async def dark() -> None:
        async with httpx.AsyncClient(base_url=link.rest_url) as http:
            with pytest.raises(httpx.ConnectError):
                await http.get("/v1/markets")

    outage = asyncio.create_task(link.http.outage(0.5))
    await asyncio.sleep(0)  # the outage starts: its port closes before its first wait
    await dark()
    await outage
    async with httpx.AsyncClient(base_url=link.rest_url) as http:
        assert (await http.get("/v1/markets")).status_code < 500


def test_an_order_nobody_asked_for_counts_as_a_duplicate(quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    ex = quiet_sim.exchange
    ex.insert_order(account=DEMO_ACCOUNT, participant="firms/DEMO/users/demo", symbol=symbol,
                    side=Side.BUY, price=40, order_qty=3, clord_id="c-1")
    asked = [(symbol, Side.BUY, 40, 3)]
    assert duplicate_orders(ex, DEMO_ACCOUNT, asked) == 0
    ex.insert_order(account=DEMO_ACCOUNT, participant="firms/DEMO/users/demo", symbol=symbol,
                    side=Side.BUY, price=40, order_qty=3, clord_id="c-2")
    assert duplicate_orders(ex, DEMO_ACCOUNT, asked) == 1
