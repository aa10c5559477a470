"""OrderEntryAPI's list inserts, crosses and list replaces at the embedded exchange (spec §6,
§11.4), over gRPC and their REST bindings: each answer held against the engine's state."""

from __future__ import annotations

from decimal import Decimal

import grpc
import pytest

from tests.conftest import eventually
from tests.desk_kit import ALICE, place
from tests.simkit import Wire, limit_body
from tui.core.enums import ExecType, OrderState, OrdRejectReason, Side
from tui.proto.polymarket.v1 import enums_pb2
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim.auth import DEMO_PASSWORD, SimUser
from tui.sim.crossing import OTHER_LEG
from tui.sim.server import SimServer

SYM = "AEC-NFL-KC-BUF-2026-11-29"  # price_scale 100, tick 0.01, whole contracts
ONE, TWO = "firms/DEMO/accounts/carol-1", "firms/DEMO/accounts/carol-2"
CAROL = "firms/DEMO/users/carol"


@pytest.fixture
def sim(quiet_sim: SimServer) -> SimServer:
    """The quiet exchange with a trader, carol, who holds two accounts (a cross needs two)."""
    quiet_sim.auth.users["carol"] = SimUser(
        username="carol", password=DEMO_PASSWORD, firm="DEMO", display_name="Carol",
        accounts=(ONE, TWO))
    for account in (ONE, TWO):
        quiet_sim.exchange.add_account(account, CAROL, Decimal("1000"))
    return quiet_sim


def order(side: Side, price: int, qty: int, clord_id: str, account: str = ONE,
          symbol: str = SYM) -> tr_pb.InsertOrderRequest:
    return tr_pb.InsertOrderRequest(
        type=enums_pb2.ORDER_TYPE_LIMIT, side=int(side), order_qty=qty, symbol=symbol,
        price=price, time_in_force=enums_pb2.TIME_IN_FORCE_GOOD_TILL_CANCEL,
        clord_id=clord_id, account=account)


def terms(sim: SimServer, order_id: str) -> tuple[object, ...]:
    o = sim.exchange.order(order_id)
    assert o is not None, order_id
    return o.account, o.symbol, o.side, o.price, o.order_qty, o.state


# --- InsertOrderList ------------------------------------------------------------------------

async def test_a_list_insert_puts_each_order_at_the_engine_and_a_refusal_stops_none(
        sim: SimServer) -> None:
    async with Wire(sim, "carol") as wire:
        resp = await wire.orders.InsertOrderList(tr_pb.InsertOrderListRequest(requests=[
            order(Side.BUY, 40, 3, "l-1"),
            order(Side.SELL, 150, 2, "l-2"),  # outside 0.01-0.99: the exchange refuses it
            order(Side.SELL, 60, 4, "l-3", account=TWO),
        ]), metadata=wire.metadata)
        ids = [r.order_id for r in resp.responses]
        assert len(ids) == 3 and len(set(ids)) == 3  # one answer per entry, in order
        assert terms(sim, ids[0]) == (ONE, SYM, Side.BUY, 40, 3, OrderState.NEW)
        assert terms(sim, ids[1]) == (ONE, SYM, Side.SELL, 150, 2, OrderState.REJECTED)
        assert terms(sim, ids[2]) == (TWO, SYM, Side.SELL, 60, 4, OrderState.NEW)
        assert sorted(o.order_id for o in sim.exchange.open_orders()) == sorted(
            [ids[0], ids[2]])
        # each report on the order stream (the two accounts' reports come in no set order)
        await eventually(lambda: [wire.types(order_id=i) for i in ids] == [
            [ExecType.NEW], [ExecType.REJECTED], [ExecType.NEW]], what="the three reports")
        (rejected,) = wire.executions(order_id=ids[1])
        assert rejected.order_reject_reason == OrdRejectReason.PRICE_OUT_OF_BOUNDS


@pytest.mark.parametrize("path", ["/v1/trading/orders/list", "/v1beta1/insert_order_list"])
async def test_a_list_insert_over_rest(sim: SimServer, path: str) -> None:
    async with Wire(sim, "carol") as wire:
        resp = await wire.post(path, {"requests": [
            limit_body(SYM, "buy", 30, 1, "r-1", account=ONE),
            limit_body(SYM, "sell", 70, 2, "r-2", account=TWO)]})
        assert resp.status_code == 200, resp.text
        ids = [r["orderId"] for r in resp.json()["responses"]]
        assert terms(sim, ids[0]) == (ONE, SYM, Side.BUY, 30, 1, OrderState.NEW)
        assert terms(sim, ids[1]) == (TWO, SYM, Side.SELL, 70, 2, OrderState.NEW)


async def test_a_list_the_gateway_refuses_inserts_nothing(sim: SimServer) -> None:
    async with Wire(sim, "carol") as wire:
        missing = order(Side.BUY, 40, 1, "m-2")
        missing.ClearField("symbol")
        cases = [
            ([order(Side.BUY, 40, 1, "m-1"), missing], grpc.StatusCode.INVALID_ARGUMENT,
             "order 2: symbol is required"),
            ([order(Side.BUY, 40, 1, "m-3"), order(Side.BUY, 41, 1, "m-4",
                                                   account=ALICE[0])],
             grpc.StatusCode.PERMISSION_DENIED, "order 2: no access to account"),
            ([order(Side.BUY, 40, 1, f"m-{n}") for n in range(21)],
             grpc.StatusCode.INVALID_ARGUMENT, "at most 20 orders per request"),
        ]
        for requests, code, words in cases:
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await wire.orders.InsertOrderList(tr_pb.InsertOrderListRequest(
                    requests=requests), metadata=wire.metadata)
            assert err.value.code() == code and words in (err.value.details() or "")
        assert sim.exchange.open_orders() == [] and sim.exchange.order_log == []
        over_rest = await wire.post("/v1/trading/orders/list", {"requests": [
            limit_body(SYM, "buy", 30, 1, "r-1", account=ONE), {"side": "SIDE_BUY"}]})
        assert over_rest.status_code == 400 and over_rest.json()["code"] == 3
        assert sim.exchange.order_log == []


# --- InsertOrderCross -----------------------------------------------------------------------

def cross(legs: list[tr_pb.InsertOrderRequest], prioritized: Side = Side.UNDEFINED
          ) -> tr_pb.InsertOrderCrossRequest:
    return tr_pb.InsertOrderCrossRequest(
        requests=legs, cross_type=enums_pb2.CROSS_TYPE_ALL_OR_NONE, cross_id="x-1",
        cross_prioritized_side=int(prioritized))


async def test_a_cross_trades_its_two_legs_with_each_other_in_full(sim: SimServer) -> None:
    resting = place(sim, ALICE, SYM, Side.SELL, 50, 10)  # the book is not touched
    async with Wire(sim, "carol") as wire:
        resp = await wire.orders.InsertOrderCross(cross(
            [order(Side.BUY, 45, 5, "c-buy", ONE), order(Side.SELL, 45, 5, "c-sell", TWO)],
            prioritized=Side.SELL), metadata=wire.metadata)
        buy_id, sell_id = (r.order_id for r in resp.responses)
        buy, sell = sim.exchange.order(buy_id), sim.exchange.order(sell_id)
        assert buy is not None and sell is not None
        for leg, account, side in ((buy, ONE, Side.BUY), (sell, TWO, Side.SELL)):
            assert (leg.account, leg.side, leg.state, leg.cum_qty, leg.avg_px) == (
                account, side, OrderState.FILLED, 5, 45)
            assert leg.cross_id == "x-1" and leg.host_cross_id
        assert buy.host_cross_id == sell.host_cross_id
        assert (sim.exchange.position(ONE, SYM).net_position,
                sim.exchange.position(TWO, SYM).net_position) == (5, -5)
        fills = {e.order.order_id: e for e in sim.exchange.executions()
                 if e.type is ExecType.FILL}
        assert fills[buy_id].trade_id == fills[sell_id].trade_id
        assert (fills[sell_id].aggressor, fills[buy_id].aggressor) == (True, False)
        assert (fills[buy_id].last_px, fills[buy_id].last_shares) == (45, 5)
        left = sim.exchange.order(resting)
        assert left is not None and left.leaves_qty == 10  # never traded with the book
        await eventually(lambda: wire.types(order_id=sell_id) == [ExecType.NEW, ExecType.FILL],
                         what="the sell leg's NEW and FILL")
        on_wire = wire.executions(order_id=sell_id)[-1].order
        assert (on_wire.cross_id, on_wire.host_cross_id) == ("x-1", sell.host_cross_id)


@pytest.mark.parametrize(("legs", "reasons", "words"), [
    # two prices, two sizes, one account: each leg fine alone, never a cross
    ([(Side.BUY, 45, 5, ONE), (Side.SELL, 46, 5, TWO)], 2 * [OrdRejectReason.EXCHANGE_OPTION],
     "one price"),
    ([(Side.BUY, 45, 5, ONE), (Side.SELL, 45, 4, TWO)],
     2 * [OrdRejectReason.INCORRECT_QUANTITY], "one quantity"),
    ([(Side.BUY, 45, 5, ONE), (Side.SELL, 45, 5, ONE)], 2 * [OrdRejectReason.EXCHANGE_OPTION],
     "two different accounts"),
    # a leg refused alone takes the other with it
    ([(Side.BUY, 45, 5, ONE), (Side.SELL, 150, 5, TWO)],
     [OrdRejectReason.EXCHANGE_OPTION, OrdRejectReason.PRICE_OUT_OF_BOUNDS], "outside"),
])
async def test_a_cross_is_all_or_none(sim: SimServer, legs: list[tuple[Side, int, int, str]],
                                      reasons: list[OrdRejectReason], words: str) -> None:
    async with Wire(sim, "carol") as wire:
        resp = await wire.orders.InsertOrderCross(cross(
            [order(s, px, q, f"c-{n}", a) for n, (s, px, q, a) in enumerate(legs)]),
            metadata=wire.metadata)
        ids = [r.order_id for r in resp.responses]
        reports = [[e for e in sim.exchange.executions() if e.order.order_id == i]
                   for i in ids]
        assert [[e.type for e in r] for r in reports] == 2 * [[ExecType.REJECTED]]
        assert [r[0].reject_reason for r in reports] == reasons
        assert any(words in r[0].text for r in reports)
        assert OTHER_LEG in reports[0][0].text or words in reports[0][0].text
        assert sim.exchange.positions(ONE) == sim.exchange.positions(TWO) == []


async def test_a_cross_may_not_trade_through_the_book(sim: SimServer) -> None:
    place(sim, ALICE, SYM, Side.SELL, 40, 10)  # a better offer than the cross's 45
    async with Wire(sim, "carol") as wire:
        resp = await wire.post("/v1beta1/insert_order_cross", {
            "requests": [limit_body(SYM, "buy", 45, 5, "t-1", account=ONE),
                         limit_body(SYM, "sell", 45, 5, "t-2", account=TWO)],
            "crossType": "CROSS_TYPE_ALL_OR_NONE", "crossId": "x-2"})
        assert resp.status_code == 200, resp.text
        ids = [r["orderId"] for r in resp.json()["responses"]]
        assert [terms(sim, i)[-1] for i in ids] == 2 * [OrderState.REJECTED]
        assert sim.exchange.positions(ONE) == []


async def test_a_cross_the_gateway_refuses_is_not_sent(sim: SimServer) -> None:
    async with Wire(sim, "carol") as wire:
        bad = [([order(Side.BUY, 45, 5, "a", ONE)], "two orders"),
               ([order(Side.BUY, 45, 5, "a", ONE), order(Side.BUY, 45, 5, "b", TWO)],
                "one buy and one sell"),
               ([order(Side.BUY, 45, 5, "a", ONE),
                 order(Side.SELL, 45, 5, "b", TWO, symbol="AEC-CRY-ETH-5K-2026-12-31")],
                "one market")]
        for legs, words in bad:
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await wire.orders.InsertOrderCross(cross(legs), metadata=wire.metadata)
            assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert words in (err.value.details() or "")
        assert sim.exchange.order_log == []


# --- CancelReplaceOrderList -----------------------------------------------------------------

async def test_a_list_replace_moves_each_order_and_a_refusal_stops_none(
        sim: SimServer) -> None:
    first = place(sim, (ONE, CAROL), SYM, Side.BUY, 30, 2)
    second = place(sim, (TWO, CAROL), SYM, Side.SELL, 70, 3)
    async with Wire(sim, "carol") as wire:
        resp = await wire.orders.CancelReplaceOrderList(tr_pb.CancelReplaceOrderListRequest(
            requests=[
                tr_pb.CancelReplaceOrderRequest(order_id=first, price=35, order_qty=4),
                tr_pb.CancelReplaceOrderRequest(order_id="no-such-order", price=20),
                tr_pb.CancelReplaceOrderRequest(order_id=second, price=65),
            ]), metadata=wire.metadata)
        assert len(resp.responses) == 3
        working = {o.parent_order_id: o for o in sim.exchange.open_orders()}
        assert (working[first].price, working[first].order_qty, working[first].account) == (
            35, 4, ONE)
        assert (working[second].price, working[second].order_qty,
                working[second].account) == (65, 3, TWO)
        assert [terms(sim, i)[-1] for i in (first, second)] == 2 * [OrderState.REPLACED]
        await eventually(lambda: wire.cancel_rejects(), what="the unknown order's reject")
        assert [r.order_id for r in wire.cancel_rejects()] == ["no-such-order"]
        # over REST, and a missing order_id refuses the whole list before any is sent
        moved = working[first].order_id
        ok = await wire.post("/v1/trading/orders/replace/list", {"requests": [
            {"order_id": moved, "price": 36}]})
        assert ok.status_code == 200 and ok.json() == {"responses": [{}]}
        assert [o.price for o in sim.exchange.open_orders(accounts=[ONE])] == [36]
        refused = await wire.post("/v1beta1/cancel_replace_order_list", {"requests": [
            {"order_id": working[second].order_id, "price": 60}, {"price": 1}]})
        assert refused.status_code == 400 and "replace 2" in refused.json()["message"]
        assert [o.price for o in sim.exchange.open_orders(accounts=[TWO])] == [65]
