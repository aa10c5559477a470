"""The embedded exchange over its real sockets: previews, cash buys, cancel lists, time in
force, post-only and cancel-replace, driven by raw REST JSON and the generated gRPC stubs."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
import pytest

from tests.conftest import DEMO_ACCOUNT, eventually
from tests.desk_kit import ALICE, place
from tests.simkit import Wire, limit_body
from tui.core.enums import ExecType, OrderState, OrdRejectReason, Side
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim import rules
from tui.sim.server import SimServer

SYM = "AEC-NFL-KC-BUF-2026-11-29"  # price_scale 100, whole contracts
FRAC = "AEC-NFL-PHI-DAL-2026-11-26"  # price_scale 100, hundredths of a contract
E = ExecType


def alice(sim: SimServer, side: Side, price: int, qty: int, symbol: str = SYM) -> str:
    """Another trader's order, straight into the exchange (on SYM unless told)."""
    return place(sim, ALICE, symbol, side, price, qty)


def rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


# --- PreviewOrder ---------------------------------------------------------------------------

async def test_preview_over_rest_estimates_and_changes_nothing(quiet_sim: SimServer) -> None:
    alice(quiet_sim, Side.SELL, 40, 5)
    log_before = len(quiet_sim.exchange.order_log)
    async with Wire(quiet_sim) as wire:
        resp = await wire.post("/v1/trading/orders/preview", {"request": limit_body(
            SYM, "buy", 45, 8, "pv-1", account=DEMO_ACCOUNT)})
        assert resp.status_code == 200, resp.text
        est = resp.json()["previewOrder"]
        assert (est["state"], est["orderQty"], est["cumQty"], est["avgPx"], est["leavesQty"]) == (
            "ORDER_STATE_PARTIALLY_FILLED", "8", "5", "40", "3")
        assert est["id"] == "" and est["account"] == DEMO_ACCOUNT
        # the legacy path, camelCase, a cash amount: the quantity the cash buys
        resp = await wire.post("/v1beta1/preview_order", {"request": {
            "type": 2, "side": "SIDE_BUY", "symbol": SYM, "price": "50", "cashOrderQty": "300",
            "timeInForce": "TIME_IN_FORCE_IMMEDIATE_OR_CANCEL"}})
        est = resp.json()["previewOrder"]
        # $2.00 buys the 5 at 0.40; the $1.00 left would buy 2 more at 0.50, and expire
        assert (est["state"], est["orderQty"], est["cumQty"], est["leavesQty"],
                est["cashOrderQty"]) == ("ORDER_STATE_EXPIRED", "7", "5", "2", "300")
        assert len(quiet_sim.exchange.order_log) == log_before
        assert quiet_sim.exchange.book(SYM) == ([], [(40, 5)])
        # nothing reached the stream: the first execution there is the real insert's
        await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 45, 8, "pv-1"))
        await eventually(lambda: wire.executions(), what="the real insert on the stream")
        first = wire.executions()[0]
        assert first.order.clord_id == "pv-1" and first.type == E.NEW


async def test_preview_that_would_be_rejected_is_a_400_in_words(quiet_sim: SimServer) -> None:
    alice(quiet_sim, Side.SELL, 40, 5)
    async with Wire(quiet_sim) as wire:
        for body, message in (
            (limit_body(SYM, "buy", 40, 5, "pv-2", participate_dont_initiate=True),
             rules.POST_ONLY_CROSS),
            (limit_body(SYM, "buy", 50, 10_000_000, "pv-3"), rules.NO_BUYING_POWER),
            (limit_body(SYM, "sell", 50, 0, "pv-4", cash_order_qty=500),
             "a cash amount is for buy orders only"),
        ):
            resp = await wire.post("/v1/trading/orders/preview", {"request": body})
            assert resp.status_code == 400
            assert resp.json() == {"code": 3, "message": message, "details": []}
        resp = await wire.post("/v1/trading/orders/preview", {"request": {}})
        assert resp.status_code == 400 and resp.json()["message"] == "symbol is required"
        no_participant = {"authorization": wire.headers["authorization"]}
        resp = await wire.post("/v1/trading/orders/preview",
                               {"request": limit_body(SYM, "buy", 30, 1, "pv-5")},
                               headers=no_participant)
        assert resp.status_code == 403 and resp.json()["code"] == 7


async def test_preview_over_grpc(quiet_sim: SimServer) -> None:
    alice(quiet_sim, Side.SELL, 40, 5)
    async with Wire(quiet_sim) as wire:
        req = tr_pb.InsertOrderRequest(type=2, side=1, order_qty=3, symbol=SYM, price=40,
                                       time_in_force=2, clord_id="pv-g")
        resp = await wire.orders.PreviewOrder(tr_pb.PreviewOrderRequest(request=req),
                                              metadata=wire.metadata)
        order = resp.preview_order
        assert (OrderState(order.state), order.cum_qty, order.avg_px, order.leaves_qty) == (
            OrderState.FILLED, 3, 40, 0)
        req.participate_dont_initiate = True
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await wire.orders.PreviewOrder(tr_pb.PreviewOrderRequest(request=req),
                                           metadata=wire.metadata)
        assert err.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert err.value.details() == rules.POST_ONLY_CROSS
        assert quiet_sim.exchange.book(SYM) == ([], [(40, 5)])


# --- cash-quantity buys ---------------------------------------------------------------------

async def test_cash_buy_over_rest_and_grpc(quiet_sim: SimServer) -> None:
    alice(quiet_sim, Side.SELL, 40, 5)
    alice(quiet_sim, Side.SELL, 45, 5)
    async with Wire(quiet_sim) as wire:
        resp = await wire.post("/v1/trading/orders", limit_body(
            SYM, "buy", 50, 0, "cash-1", cash_order_qty=300,
            time_in_force="TIME_IN_FORCE_IMMEDIATE_OR_CANCEL"))
        assert resp.status_code == 200, resp.text
        await eventually(lambda: E.FILL in wire.types(clord_id="cash-1"), what="the cash fill")
        assert wire.types(clord_id="cash-1") == [E.NEW, E.PARTIAL_FILL, E.FILL]
        last = wire.executions(clord_id="cash-1")[-1].order
        assert (last.cash_order_qty, last.order_qty, last.cum_qty, last.avg_px) == (
            300, 7, 7, 41)  # $2.90 of the $3.00 spent: 5 at 0.40 and 2 at 0.45
        assert quiet_sim.exchange.position(DEMO_ACCOUNT, SYM).net_position == 7

        # gRPC, on a partial-contract market: $1.00 = 100 × 100 raw buys 2.50 at 0.40
        await wire.orders.InsertOrder(tr_pb.InsertOrderRequest(
            type=2, side=1, symbol=FRAC, price=40, cash_order_qty=10_000, time_in_force=2,
            clord_id="cash-2"), metadata=wire.metadata)
        await eventually(lambda: wire.executions(clord_id="cash-2"), what="the cash order")
        new = wire.executions(clord_id="cash-2")[0]
        assert (ExecType(new.type), new.order.order_qty, new.order.cash_order_qty) == (
            E.NEW, 250, 10_000)


@pytest.mark.parametrize(("side", "qty", "text"), [
    ("sell", 0, "a cash amount is for buy orders only"),
    ("buy", 5, "give a quantity or a cash amount, not both"),
])
async def test_cash_order_rejects_reach_the_stream_in_words(quiet_sim: SimServer, side: str,
                                                            qty: int, text: str) -> None:
    async with Wire(quiet_sim) as wire:
        resp = await wire.post("/v1/trading/orders", limit_body(
            SYM, side, 50, qty, "cash-bad", cash_order_qty=300))
        assert resp.status_code == 200  # "received": the reject comes on the stream
        (report,) = await eventually(lambda: wire.executions(clord_id="cash-bad"),
                                     what="the reject")  # type: ignore[misc]
        assert ExecType(report.type) is E.REJECTED and report.text == text
        assert report.order_reject_reason == OrdRejectReason.INCORRECT_QUANTITY


# --- CancelOrderList ------------------------------------------------------------------------

async def test_cancel_order_list_over_rest_and_grpc(quiet_sim: SimServer) -> None:
    theirs = alice(quiet_sim, Side.BUY, 20, 1)
    async with Wire(quiet_sim) as wire:
        ids = []
        for n in range(3):
            resp = await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 30 + n, 1,
                                                                    f"cl-{n}"))
            ids.append(resp.json()["orderId"])
        await eventually(lambda: len(wire.executions()) == 3, what="three NEW")
        resp = await wire.post("/v1/trading/orders/cancel/list", {"requests": [
            {"order_id": ids[0], "symbol": SYM}, {"clordId": "cl-1"},
            {"order_id": theirs}, {"order_id": "no-such-order"}]})
        assert resp.status_code == 200, resp.text
        assert resp.json() == {"responses": [{}, {}, {}, {}]}
        await eventually(lambda: len(wire.cancel_rejects()) == 2, what="two cancel rejects")
        assert wire.types(order_id=ids[0])[-1] is E.CANCELED
        assert wire.types(order_id=ids[1])[-1] is E.CANCELED
        assert {r.order_id for r in wire.cancel_rejects()} == {theirs, "no-such-order"}
        assert quiet_sim.exchange.order(theirs).state is OrderState.NEW  # not ours to cancel

        await wire.orders.CancelOrderList(tr_pb.CancelOrderListRequest(requests=[
            tr_pb.CancelOrderRequest(order_id=ids[2])]), metadata=wire.metadata)
        await eventually(lambda: wire.types(order_id=ids[2])[-1] is E.CANCELED,
                         what="the gRPC list cancel")
        assert quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]) == []


async def test_cancel_order_list_refuses_more_than_20_or_a_blank_entry(
        quiet_sim: SimServer) -> None:
    async with Wire(quiet_sim) as wire:
        resp = await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 30, 1, "keep"))
        kept = resp.json()["orderId"]
        for requests in ([{"order_id": kept}] * 21, [{"order_id": kept}, {"symbol": SYM}]):
            resp = await wire.post("/v1beta1/cancel_order_list", {"requests": requests})
            assert resp.status_code == 400 and resp.json()["code"] == 3
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await wire.orders.CancelOrderList(tr_pb.CancelOrderListRequest(
                requests=[tr_pb.CancelOrderRequest(order_id=kept)] * 21), metadata=wire.metadata)
        assert err.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        assert "at most 20" in (err.value.details() or "")
        assert quiet_sim.exchange.order(kept).state is OrderState.NEW  # nothing was sent


# --- time in force and post-only ------------------------------------------------------------

async def test_gtd_from_rfc3339_json_expires_on_the_stream(quiet_sim: SimServer) -> None:
    async with Wire(quiet_sim) as wire:
        expiry = round(quiet_sim.exchange.clock() + 0.8, 3)
        resp = await wire.post("/v1/trading/orders", limit_body(
            SYM, "buy", 30, 2, "gtd-1", time_in_force="TIME_IN_FORCE_GOOD_TILL_TIME",
            good_till_time=rfc3339(expiry)))
        order_id = resp.json()["orderId"]
        assert quiet_sim.exchange.order(order_id).good_till_time == pytest.approx(expiry)
        await eventually(lambda: E.EXPIRED in wire.types(order_id=order_id),
                         what="the GTD to expire")
        assert wire.types(order_id=order_id) == [E.NEW, E.EXPIRED]
        new, expired = wire.executions(order_id=order_id)
        assert new.order.good_till_time.ToNanoseconds() == round(expiry * 1e9, -6)
        assert expired.text == "good-till-time reached"
        assert expired.transact_time.ToNanoseconds() / 1e9 >= expiry
        assert OrderState(expired.order.state) is OrderState.EXPIRED
        assert quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]) == []


async def test_ioc_and_fok_over_the_wire(quiet_sim: SimServer) -> None:
    alice(quiet_sim, Side.SELL, 40, 5)
    async with Wire(quiet_sim) as wire:
        await wire.post("/v1/trading/orders", limit_body(
            SYM, "buy", 40, 8, "ioc-1", time_in_force="TIME_IN_FORCE_IMMEDIATE_OR_CANCEL"))
        await eventually(lambda: E.EXPIRED in wire.types(clord_id="ioc-1"), what="the IOC")
        assert wire.types(clord_id="ioc-1") == [E.NEW, E.PARTIAL_FILL, E.EXPIRED]
        assert wire.executions(clord_id="ioc-1")[-1].order.cum_qty == 5

        theirs = alice(quiet_sim, Side.SELL, 40, 5)
        await wire.post("/v1/trading/orders", limit_body(
            SYM, "buy", 40, 10, "fok-1", time_in_force="TIME_IN_FORCE_FILL_OR_KILL"))
        await eventually(lambda: E.EXPIRED in wire.types(clord_id="fok-1"), what="the FOK")
        assert wire.types(clord_id="fok-1") == [E.NEW, E.EXPIRED]  # no fill at all
        assert wire.executions(clord_id="fok-1")[-1].order.cum_qty == 0
        assert quiet_sim.exchange.order(theirs).leaves_qty == 5
        assert quiet_sim.exchange.position(DEMO_ACCOUNT, SYM).net_position == 5  # the IOC's
        assert quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]) == []


async def test_post_only_that_would_cross_is_rejected_in_words(quiet_sim: SimServer) -> None:
    alice(quiet_sim, Side.SELL, 40, 5)
    async with Wire(quiet_sim) as wire:
        await wire.post("/v1/trading/orders", limit_body(
            SYM, "buy", 40, 1, "po-cross", participate_dont_initiate=True))
        await wire.post("/v1/trading/orders", limit_body(
            SYM, "buy", 39, 1, "po-rest", participate_dont_initiate=True))
        await eventually(lambda: wire.types(clord_id="po-rest"), what="both outcomes")
        (reject,) = wire.executions(clord_id="po-cross")
        assert ExecType(reject.type) is E.REJECTED and reject.text == rules.POST_ONLY_CROSS
        assert wire.types(clord_id="po-rest") == [E.NEW]
        assert quiet_sim.exchange.book(SYM) == ([(39, 1)], [(40, 5)])


# --- cancel-replace -------------------------------------------------------------------------

async def test_replace_quantity_keeps_priority_and_price_change_loses_it(
        quiet_sim: SimServer) -> None:
    async with Wire(quiet_sim) as wire:
        resp = await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 40, 5, "rp"))
        first = resp.json()["orderId"]
        await eventually(lambda: wire.types(order_id=first), what="the NEW")
        theirs = alice(quiet_sim, Side.BUY, 40, 5)  # queued behind ours

        async def replace(order_id: str, **change: int) -> tr_pb.Order:
            await wire.post("/v1/trading/orders/replace",
                            {"order_id": order_id, "symbol": SYM} | change)
            def pair() -> list[tr_pb.Execution]:  # the old order's end, then its successor
                return [e for e in wire.executions() if e.type == E.REPLACE and (
                    (e.order.id == order_id and e.order.state == OrderState.REPLACED)
                    or e.order.parent_order_id == order_id)]
            await eventually(lambda: len(pair()) == 2, what="both replace reports")
            old, new = pair()
            assert (old.order.id, OrderState(old.order.state)) == (order_id,
                                                                   OrderState.REPLACED)
            assert new.order.parent_order_id == order_id
            assert OrderState(new.order.state) in (OrderState.NEW, OrderState.PARTIALLY_FILLED)
            return new.order

        smaller = await replace(first, order_qty=3)
        assert (smaller.price, smaller.order_qty, smaller.leaves_qty) == (40, 3, 3)
        alice(quiet_sim, Side.SELL, 40, 1)  # the front of the queue trades: still ours
        await eventually(lambda: E.PARTIAL_FILL in wire.types(order_id=smaller.id),
                         what="our replaced order to keep its place")
        assert quiet_sim.exchange.order(theirs).cum_qty == 0

        away = await replace(smaller.id, price=41)
        assert (away.price, away.order_qty, away.cum_qty) == (41, 3, 1)
        back = await replace(away.id, price=40)  # back at 40, now behind alice
        alice(quiet_sim, Side.SELL, 40, 1)
        await eventually(lambda: quiet_sim.exchange.order(theirs).cum_qty == 1,
                         what="alice to be first now")
        assert quiet_sim.exchange.order(back.id).cum_qty == 1  # only the earlier fill
