"""The gateway's HTTP errors reach the trader in plain words, told apart by what was asked.

The real embedded exchange answers what it can (wrong password, an expired session, a
refused participant or account, an unknown path); the rest (a missing scope, 5xx, the load
balancer's 464) comes from a tiny Starlette app on loopback: the client is tested at the
socket, never by calling the word function directly.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.conftest import DEMO_ACCOUNT, logged_in
from tests.desk_kit import cent_symbols, expire_tokens, quote
from tui.core.venue import VenueError
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim.server import SimServer
from tui.venues.gateway.rest import GatewayRest

INSERT = tr_pb.InsertOrderRequest(symbol="X", side=1, type=2, order_qty=1, price=1,
                                  clord_id="c1", account=DEMO_ACCOUNT)


async def _logged_in(sim: SimServer) -> GatewayRest:
    """No client-side pacing: what is under test is the exchange's answer."""
    rest = await logged_in(sim)
    rest.limiter = None
    return rest


async def test_a_wrong_password_is_a_refused_login(quiet_sim: SimServer) -> None:
    rest = GatewayRest(quiet_sim.rest_url)
    try:
        with pytest.raises(VenueError, match="login was refused: wrong user or password"):
            await rest.login("demo", "not-the-password")
    finally:
        await rest.close()


async def test_an_expired_session_is_said_to_have_expired() -> None:
    sim = SimServer(flow=False, heartbeat=0.5)
    await sim.start()
    rest = await _logged_in(sim)
    try:
        expire_tokens(sim)
        with pytest.raises(VenueError, match=r"^The session expired") as err:
            await rest.whoami()
        assert "login was refused" not in str(err.value)
        rest.tokens.refresh = "not-a-refresh-token"
        with pytest.raises(VenueError, match="could not be renewed; log in again"):
            await rest.refresh()
    finally:
        await rest.close()
        await sim.stop()


async def test_refusals_name_the_participant_or_the_account(quiet_sim: SimServer) -> None:
    rest = await _logged_in(quiet_sim)
    try:
        with pytest.raises(VenueError, match="may not use the account firms/OTHER/acc") as e:
            await rest.balance("firms/OTHER/accounts/acc")
        assert not e.value.uncertain
        rest.participant_id = "firms/DEMO/users/someone-else"
        with pytest.raises(VenueError, match="refused the participant id") as e:
            await rest.insert_order(INSERT)
        assert not e.value.uncertain
        with pytest.raises(VenueError, match="has no /v1/no-such-thing: check the REST"):
            await rest._send("GET", "/v1/no-such-thing")
    finally:
        await rest.close()


# --- what the embedded exchange cannot produce: a stand-in gateway on loopback -----------
ANSWERS: dict[str, tuple[int, dict[str, object] | None]] = {
    "/v1/trading/orders": (500, {"code": 13, "message": "internal", "details": []}),
    "/v1/trading/orders/cancel": (503, None),
    "/v1/positions/balance": (503, {"code": 14, "message": "upstream unavailable",
                                    "details": []}),
    "/v1/trading/orders/replace": (403, {"code": 7, "message": "permission denied: missing "
                                         "required scope write:orders", "details": []}),
    "/v1/refdata/instruments": (464, None),
    "/v1/whoami": (404, {"code": 5, "message": "user not found", "details": []}),
}


async def _answer(request: Request) -> Response:
    status, body = ANSWERS[request.url.path]
    if body is None:
        return PlainTextResponse("", status_code=status)
    return JSONResponse(body, status_code=status)


@pytest.fixture
async def stand_in() -> AsyncIterator[str]:
    app = Starlette(routes=[Route(p, _answer, methods=["GET", "POST"]) for p in ANSWERS])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="off"))
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, no event
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait([task], timeout=5)


async def test_5xx_on_a_command_may_or_may_not_have_taken_effect(stand_in: str) -> None:
    rest = GatewayRest(stand_in)
    rest.limiter = None
    try:
        with pytest.raises(VenueError, match=r"internal error .*HTTP 500.*may or may not have "
                                             "taken effect") as e:
            await rest.insert_order(INSERT)
        assert e.value.uncertain
        with pytest.raises(VenueError, match=r"unavailable .*HTTP 503.*may or may not") as e:
            await rest.cancel_order(tr_pb.CancelOrderRequest(order_id="1", symbol="X"))
        assert e.value.uncertain
        with pytest.raises(VenueError, match="unavailable .*nothing changed, try again "
                                             r"shortly \(upstream unavailable\)"):
            await rest.balance(DEMO_ACCOUNT)
    finally:
        await rest.close()


async def test_403_names_the_missing_scope_and_other_codes_say_what_to_check(
        stand_in: str) -> None:
    rest = GatewayRest(stand_in)
    rest.limiter = None
    try:
        with pytest.raises(VenueError, match="lacks the permission write:orders") as e:
            await rest.replace_order(tr_pb.CancelReplaceOrderRequest(order_id="1"))
        assert not e.value.uncertain
        with pytest.raises(VenueError, match="refused the Host header"):
            await rest.instruments()
        with pytest.raises(VenueError, match=r"does not know that \(/v1/whoami\) \(user not"):
            await rest.whoami()
    finally:
        await rest.close()


async def test_a_refused_post_only_says_it_would_have_taken_liquidity(
        quiet_sim: SimServer) -> None:
    """A 400 is a request the exchange refused, not a malformed one; a post-only order that
    would cross says so in the trader's words."""
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol)  # offered at 0.45
    rest = await _logged_in(quiet_sim)
    crossing = tr_pb.InsertOrderRequest(symbol=symbol, side=1, type=2, order_qty=10, price=45,
                                        clord_id="p1", account=DEMO_ACCOUNT,
                                        participate_dont_initiate=True)
    try:
        with pytest.raises(VenueError) as err:
            await rest.preview_order(crossing)
        assert str(err.value) == ("The exchange refused it: post-only would have crossed the "
                                  "book and taken liquidity.")
        empty = tr_pb.InsertOrderRequest(symbol=symbol, side=1, type=2, order_qty=0, price=40,
                                         clord_id="p2", account=DEMO_ACCOUNT)
        with pytest.raises(VenueError) as err:
            await rest.preview_order(empty)
        assert str(err.value) == ("The exchange refused the request (quantity must be more "
                                  "than zero).")
    finally:
        await rest.close()
