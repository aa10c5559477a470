"""The real client against the real embedded exchange, over REST and gRPC on loopback."""

from __future__ import annotations

import grpc
import httpx
import pytest

from tests.conftest import DEMO_ACCOUNT, eventually, make_venue
from tests.desk_kit import ALICE, expire_tokens, markets, place
from tui.core.enums import OrderState, Side
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import marketdatasubscription_pb2_grpc as md_grpc
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim.auth import DEMO_PASSWORD, AuthError
from tui.sim.server import SimServer
from tui.venues.gateway.rest import GatewayRest
from tui.venues.gateway.venue import GatewayVenue


async def test_login_refdata_and_balance_over_rest(quiet_sim: SimServer) -> None:
    rest = GatewayRest(quiet_sim.rest_url)
    try:
        await rest.login("demo", DEMO_PASSWORD)
        who = await rest.whoami()
        assert who.user == "firms/DEMO/users/demo"
        rest.participant_id = who.user
        instruments = await rest.instruments()
        assert len(instruments) >= 5
        assert {i.price_scale for i in instruments} >= {100, 1000}
        balance = await rest.balance(DEMO_ACCOUNT)
        assert balance.balance == "100000.00"
    finally:
        await rest.close()


async def test_rest_json_is_proto3_json(quiet_sim: SimServer) -> None:
    """int64 as strings, enum names, camelCase out; snake_case and camelCase both accepted in."""
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        login = (await http.post("/auth/v1beta1/login",
                                 json={"username": "demo", "password": DEMO_PASSWORD})).json()
        assert set(login) >= {"accessToken", "accessExpirationTime", "refreshToken"}
        headers = {"authorization": f"Bearer {login['accessToken']}",
                   "x-participant-id": "firms/DEMO/users/demo"}
        inst = (await http.post("/v1/refdata/instruments", json={"pageSize": 2},
                                headers=headers)).json()
        first = inst["instruments"][0]
        assert isinstance(first["priceScale"], str) and first["state"] == "INSTRUMENT_STATE_OPEN"
        symbol = first["symbol"]
        scale = int(first["priceScale"])
        for body in (
            {"type": "ORDER_TYPE_LIMIT", "side": "SIDE_BUY", "order_qty": 3, "symbol": symbol,
             "price": scale * 10 // 100, "time_in_force": "TIME_IN_FORCE_GOOD_TILL_CANCEL",
             "clord_id": "snake-1", "account": DEMO_ACCOUNT},
            {"type": 2, "side": 1, "orderQty": "4", "symbol": symbol,
             "price": str(scale * 11 // 100), "timeInForce": 2, "clordId": "camel-1"},
        ):
            resp = await http.post("/v1/trading/orders", json=body, headers=headers)
            assert resp.status_code == 200, resp.text
            assert resp.json()["orderId"]
        opened = (await http.get("/v1/trading/orders/open", headers=headers)).json()["orders"]
        assert {(o["clordId"], o["orderQty"], o["side"]) for o in opened} == {
            ("snake-1", "3", "SIDE_BUY"), ("camel-1", "4", "SIDE_BUY")}


async def test_account_scoped_call_needs_participant_id(quiet_sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        login = (await http.post("/auth/v1beta1/login",
                                 json={"username": "demo", "password": DEMO_PASSWORD})).json()
        resp = await http.get("/v1/trading/orders/open",
                              headers={"authorization": f"Bearer {login['accessToken']}"})
        assert resp.status_code == 403
        assert resp.json()["code"] == 7


async def test_expired_token_is_refused_by_rest_and_by_streams() -> None:
    sim = SimServer(flow=False, heartbeat=0.5)
    await sim.start()
    rest = GatewayRest(sim.rest_url)
    try:
        await rest.login("demo", DEMO_PASSWORD)
        assert (await rest.whoami()).user  # fresh token works
        expire_tokens(sim)
        with pytest.raises(VenueError, match="session expired"):
            await rest.whoami()
        async with grpc.aio.insecure_channel(sim.grpc_target) as channel:
            stub = md_grpc.MarketDataSubscriptionAPIStub(channel)
            call = stub.CreateMarketDataSubscription(
                md_pb.CreateMarketDataSubscriptionRequest(),
                metadata=[("authorization", f"Bearer {rest.tokens.access}")])
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await call.read()
            assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
        await rest.refresh()  # the refresh token mints a working access token again
        assert (await rest.whoami()).user == "firms/DEMO/users/demo"
    finally:
        await rest.close()
        await sim.stop()


async def test_market_data_stream_snapshots_every_book(venue: GatewayVenue,
                                                       quiet_sim: SimServer) -> None:
    await eventually(lambda: set(venue.state.books) == set(quiet_sim.exchange.instruments),
                     what="a book per instrument")


async def test_buy_yes_rests_at_its_price_and_cancels(venue: GatewayVenue,
                                                      quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    inst = venue.state.instruments[symbol]
    await venue.submit(build_order(inst, Intent.BUY_YES, 20, 5))  # 0.20 at scale 100
    orders = await eventually(lambda: quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]),
                              what="the order at the exchange")
    (order,) = orders  # type: ignore[misc]
    assert (order.side, order.price, order.order_qty) == (Side.BUY, 20, 5)
    # pending until the order stream says NEW (the REST answer may come first)
    local = await eventually(lambda: (o := venue.state.find_order(order_id=order.order_id))
                             and o.state is OrderState.NEW and o,
                             what="NEW on the client's order stream")

    await venue.cancel(local)  # type: ignore[arg-type]
    await eventually(lambda: not quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]),
                     what="the cancel at the exchange")
    await eventually(lambda: venue.state.orders[order.order_id].state is OrderState.CANCELED,
                     what="the CANCELED execution on the stream")


async def test_buy_no_is_a_yes_sell_at_the_complement(venue: GatewayVenue,
                                                      quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim, 1000)[0]
    inst = venue.state.instruments[symbol]
    await venue.submit(build_order(inst, Intent.BUY_NO, 400, 7))  # NO at 0.400
    (order,) = await eventually(  # type: ignore[misc]
        lambda: quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]), what="the order")
    assert (order.side, order.price) == (Side.SELL, 600)  # YES offer at 0.600
    local = await eventually(lambda: venue.state.find_order(order_id=order.order_id),
                             what="the order on the stream")
    assert local.shown_intent is Intent.BUY_NO  # type: ignore[union-attr]
    assert local.shown_price(inst.scales) == 400  # type: ignore[union-attr]


async def test_fill_updates_orders_positions_and_fills(venue: GatewayVenue,
                                                       quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    inst = venue.state.instruments[symbol]
    await venue.submit(build_order(inst, Intent.BUY_NO, 45, 10))  # YES offer at 0.55
    await eventually(lambda: quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]),
                     what="the resting order")
    # another trader lifts 6 of it with a YES buy at 0.55
    place(quiet_sim, ALICE, symbol, Side.BUY, 55, 6)
    await eventually(lambda: symbol in venue.state.positions
                     and venue.state.positions[symbol].net == -6, what="position of 6 NO")
    # the fill and the order's new state come on the order stream, in no set order with
    # the position stream's update
    await eventually(lambda: venue.state.fills and any(
        o.cum_qty for o in venue.state.working_orders(symbol)), what="the fill on the order")
    (fill,) = list(venue.state.fills)
    assert (fill.price, fill.qty, fill.intent) == (55, 6, Intent.BUY_NO)
    order = venue.state.working_orders(symbol)[0]
    assert (order.state, order.cum_qty, order.leaves_qty) == (
        OrderState.PARTIALLY_FILLED, 6, 4)
    assert quiet_sim.exchange.position(DEMO_ACCOUNT, symbol).net_position == -6


async def test_off_tick_order_is_rejected_with_reason_in_words(
        venue: GatewayVenue, quiet_sim: SimServer) -> None:
    """The client's own check stops this first; here a raw request proves the exchange does too."""
    symbol = next(s for s, i in venue.state.instruments.items() if i.scales.tick > 1)
    assert venue.state.instruments[symbol].scales.tick == 5  # the 0.005 market at scale 1000
    await venue.rest.insert_order(tr_pb.InsertOrderRequest(
        type=2, side=1, order_qty=1, symbol=symbol, price=500 + 1, time_in_force=2,
        clord_id="off-tick-1", account=DEMO_ACCOUNT))
    order = await eventually(lambda: venue.state.find_order(clord_id="off-tick-1"),
                              what="the reject on the stream")
    assert order.state is OrderState.REJECTED  # type: ignore[union-attr]
    assert order.reject_text == "price is not on the tick"  # type: ignore[union-attr]


async def test_streams_reconnect_and_resnapshot_after_a_drop(
        venue: GatewayVenue, quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    before = {w.name: w.connects for w in venue._workers}
    await eventually(lambda: quiet_sim.hub.stream_count == 4, what="every stream subscribed")
    assert quiet_sim.drop_streams() == 4
    # while the order stream is down, an order is placed at the exchange directly by REST
    await venue.rest.insert_order(tr_pb.InsertOrderRequest(
        type=2, side=1, order_qty=2, symbol=symbol, price=30, time_in_force=2,
        clord_id="while-away", account=DEMO_ACCOUNT))
    await eventually(lambda: all(w.connects > before[w.name] for w in venue._workers),
                     what="every stream to reconnect")
    await eventually(lambda: venue.state.find_order(clord_id="while-away"),
                     what="the order in the new snapshot")
    assert all(s.state.value == "live" for s in venue.state.streams.values())


async def test_stopped_exchange_is_reported_in_words() -> None:
    v = make_venue(SimServer(flow=False))  # never started: nothing listens on port 0
    v.rest = GatewayRest("http://127.0.0.1:9")
    with pytest.raises(VenueError, match="Cannot reach the exchange"):
        await v.start()
    await v.rest.close()


async def test_background_refresh_keeps_a_short_lived_session_trading() -> None:
    sim = SimServer(flow=False, access_ttl=1.0, heartbeat=0.5)
    await sim.start()
    v = make_venue(sim)
    try:
        await v.start()
        first = v.rest.tokens.access

        def dead(token: str) -> bool:
            try:
                sim.auth.check(token)
            except AuthError:
                return True
            return False

        await eventually(lambda: dead(first), within=5.0, what="the first token expired")
        # renewed in the background (due after 1 s); the desk's first balance refresh, 10 s
        # after start, would renew it on a 401 instead, so the waits stay well short of that
        await eventually(lambda: v.rest.tokens.access != first, within=5.0,
                         what="the token renewed in the background")
        symbol = markets(sim)[0]
        await v.submit(build_order(v.state.instruments[symbol], Intent.BUY_YES, 20, 1))
        await eventually(lambda: sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]),
                         what="an order sent on a refreshed token")
        # streams opened after the first token died still authenticate
        before = {w.name: w.connects for w in v._workers}
        sim.drop_streams()
        await eventually(lambda: all(w.connects > before[w.name] for w in v._workers),
                         what="reconnects on a fresh token")
    finally:
        await v.stop()
        await sim.stop()
