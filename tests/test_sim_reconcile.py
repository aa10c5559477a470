"""Reconciliation at the embedded exchange, over its real sockets: the drop copy stream
resumes from its token after an outage, and ReportAPI finds orders and executions (finished
ones too) by clord_id and order id, page by page, over gRPC and REST."""

from __future__ import annotations

import asyncio
import time

import grpc
import pytest

from tests.conftest import DEMO_ACCOUNT, eventually
from tests.desk_kit import ALICE, DEMO, place
from tests.simkit import Wire, limit_body
from tui.core.enums import ExecType, OrderState, Side
from tui.proto.polymarket.v1 import dropcopy_pb2 as dc_pb
from tui.proto.polymarket.v1 import dropcopy_pb2_grpc as dc_grpc
from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.proto.polymarket.v1 import orders_pb2_grpc as rep_grpc
from tui.sim import dropcopy
from tui.sim.server import SimServer

SYM = "AEC-NFL-KC-BUF-2026-11-29"  # price_scale 100, whole contracts
OTHER = "AEC-NFL-PHI-DAL-2026-11-26"  # price_scale 100 too
Call = grpc.aio.UnaryStreamCall
Response = dc_pb.CreateDropCopySubscriptionResponse


def alice(sim: SimServer, side: Side, price: int, qty: int, symbol: str = SYM,
          **kw: object) -> str:
    """Another trader of the same firm, straight into the exchange (on SYM unless told)."""
    return place(sim, ALICE, symbol, side, price, qty, **kw)


def demo(sim: SimServer, side: Side, price: int, qty: int, symbol: str = SYM,
         **kw: object) -> str:
    """The demo trader's own order, straight into the exchange (no desk involved)."""
    return place(sim, DEMO, symbol, side, price, qty, **kw)


def subscribe(wire: Wire, **request: object) -> Call:
    stub = dc_grpc.DropCopyAPIStub(wire.channel)
    return stub.CreateDropCopySubscription(
        dc_pb.CreateDropCopySubscriptionRequest(**request),  # type: ignore[arg-type]
        metadata=wire.metadata)


async def read(call: Call) -> Response:
    msg = await asyncio.wait_for(call.read(), timeout=5.0)
    assert isinstance(msg, Response), msg
    return msg


async def collect(call: Call, count: int) -> list[Response]:
    """Responses until ``count`` executions have arrived (heartbeats before them included)."""
    got: list[Response] = []
    while sum(len(r.executions) for r in got) < count:
        got.append(await read(call))
    return got


def exec_ids(responses: list[Response]) -> list[str]:
    return [e.id for r in responses for e in r.executions]


def journal_ids(sim: SimServer, after: int = 0) -> list[str]:
    return [e.exec_id for e in sim.exchange.journal(after)]


def search(wire: Wire) -> rep_grpc.ReportAPIStub:
    return rep_grpc.ReportAPIStub(wire.channel)


# --- drop copy ------------------------------------------------------------------------------

async def test_drop_copy_resumes_from_its_token_after_an_outage(quiet_sim: SimServer) -> None:
    async with Wire(quiet_sim) as wire:
        call = subscribe(wire)
        first = await read(call)  # live only, no replay: a token at once, no executions
        assert first.resume_token and not first.executions
        await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 40, 5, "dc-1"))
        alice(quiet_sim, Side.SELL, 40, 2)  # partial fill of dc-1: both sides are the firm's
        await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 30, 1, "dc-2"))
        before = journal_ids(quiet_sim)
        assert len(before) == 5  # NEW, alice NEW, two fills, NEW
        applied = await collect(call, len(before))
        assert exec_ids(applied) == before  # the whole firm, in exchange order
        token = applied[-1].resume_token
        # the same executions, field for field, as the order stream sent for demo's account
        await eventually(lambda: len(wire.executions()) == 3, what="demo's order stream")
        mine = [e for r in applied for e in r.executions if e.order.account == DEMO_ACCOUNT]
        assert [e.SerializeToString() for e in mine] == [
            e.SerializeToString() for e in wire.executions()]

        assert quiet_sim.drop_streams() >= 2  # the order stream and the drop copy
        with pytest.raises(grpc.aio.AioRpcError) as err:
            while True:
                await read(call)
        assert err.value.code() == grpc.StatusCode.UNAVAILABLE

        # while the link is down: a fill, a cancel, a new order
        alice(quiet_sim, Side.SELL, 40, 3)
        await wire.post("/v1/trading/orders/cancel", {"clord_id": "dc-2"})
        await wire.post("/v1/trading/orders", limit_body(OTHER, "sell", 60, 1, "dc-3"))
        later = journal_ids(quiet_sim, after=len(before))
        assert len(later) == 5  # alice NEW, two fills, CANCELED, NEW

        again = subscribe(wire, resume_token=token)
        replayed = await collect(again, len(later))
        assert exec_ids(replayed) == later  # exactly what followed the token, in order
        types = [e.type for r in replayed for e in r.executions]
        assert types == [ExecType.NEW, ExecType.FILL, ExecType.FILL, ExecType.CANCELED,
                         ExecType.NEW]
        # caught up: what comes next is a heartbeat carrying the same position
        quiet = await read(again)
        assert not quiet.executions and quiet.resume_token == replayed[-1].resume_token
        again.cancel()


async def test_replay_comes_in_batches_each_with_its_token(quiet_sim: SimServer) -> None:
    start = time.time()
    for n in range(dropcopy.BATCH + 20):  # NEW each, all resting
        demo(quiet_sim, Side.BUY, 10 + n % 20, 1)
    async with Wire(quiet_sim) as wire:
        zero = dropcopy.encode_token(quiet_sim.exchange.session_id, 0)
        for call in (subscribe(wire, resume_token=zero),
                     subscribe(wire, resume_time={"seconds": int(start) - 1})):
            got = await collect(call, dropcopy.BATCH + 20)
            assert [len(r.executions) for r in got] == [dropcopy.BATCH, 20]
            assert exec_ids(got) == journal_ids(quiet_sim)
            # each token resumes right after its batch
            call2 = subscribe(wire, resume_token=got[0].resume_token)
            rest = await collect(call2, 20)
            assert exec_ids(rest) == journal_ids(quiet_sim, after=dropcopy.BATCH)
            call.cancel()
            call2.cancel()
        # a resume time after everything replays nothing: a heartbeat first
        call = subscribe(wire, resume_time={"seconds": int(time.time()) + 1})
        assert not (await read(call)).executions
        call.cancel()


async def test_quiet_stream_sends_heartbeats_with_a_token(quiet_sim: SimServer) -> None:
    demo(quiet_sim, Side.BUY, 30, 1)
    async with Wire(quiet_sim) as wire:
        call = subscribe(wire)
        first = await read(call)
        began = time.monotonic()
        beat = await read(call)
        assert time.monotonic() - began >= quiet_sim.heartbeat * 0.8
        assert not beat.executions and beat.resume_token == first.resume_token
        # that token stands for "everything so far": resuming from it replays nothing
        call.cancel()
        again = subscribe(wire, resume_token=beat.resume_token)
        demo(quiet_sim, Side.BUY, 31, 1)
        (news,) = (r for r in await collect(again, 1) if r.executions)
        assert exec_ids([news]) == journal_ids(quiet_sim, after=1)
        again.cancel()


async def test_symbols_filter_and_other_traffic_still_move_the_token(
        quiet_sim: SimServer) -> None:
    async with Wire(quiet_sim) as wire:
        call = subscribe(wire, symbols=[OTHER])
        await read(call)
        demo(quiet_sim, Side.BUY, 30, 1, symbol=SYM)  # not asked for
        beat = await read(call)
        assert not beat.executions
        demo(quiet_sim, Side.BUY, 30, 1, symbol=OTHER)
        got = await collect(call, 1)
        assert [e.order.symbol for r in got for e in r.executions] == [OTHER]
        # the heartbeat's token already covered the SYM execution it skipped
        seq = int(beat.resume_token.decode().rsplit(":", 1)[1])
        assert seq == 1
        call.cancel()


@pytest.mark.parametrize(("token", "words"), [
    (b"\x00\xffnot-a-token", "not one this exchange issued"),
    (b"pmsim-dc1:whatever", "not one this exchange issued"),
])
async def test_garbled_token_is_refused(quiet_sim: SimServer, token: bytes, words: str) -> None:
    async with Wire(quiet_sim) as wire:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await read(subscribe(wire, resume_token=token))
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert words in (err.value.details() or "")


async def test_token_ahead_of_the_journal_is_refused(quiet_sim: SimServer) -> None:
    async with Wire(quiet_sim) as wire:
        token = dropcopy.encode_token(quiet_sim.exchange.session_id, 5)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await read(subscribe(wire, resume_token=token))
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_token_from_a_previous_exchange_replays_all_of_this_one(
        quiet_sim: SimServer) -> None:
    """A restarted sim has none of the old executions; all of its own are new to the client."""
    demo(quiet_sim, Side.BUY, 30, 1)
    demo(quiet_sim, Side.BUY, 31, 1)
    async with Wire(quiet_sim) as wire:
        call = subscribe(wire, resume_token=dropcopy.encode_token("an-older-life", 900))
        assert exec_ids(await collect(call, 2)) == journal_ids(quiet_sim)
        call.cancel()


async def test_drop_copy_is_for_the_callers_own_firm_only(quiet_sim: SimServer) -> None:
    async with Wire(quiet_sim) as wire:
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await read(subscribe(wire, firms=["SIM"]))
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "firm DEMO" in (err.value.details() or "")
        for firms in (["DEMO"], ["firms/DEMO"]):
            call = subscribe(wire, firms=firms)
            assert (await read(call)).resume_token
            call.cancel()
        # like every account-scoped call, it needs the caller's participant id
        stub = dc_grpc.DropCopyAPIStub(wire.channel)
        call = stub.CreateDropCopySubscription(
            dc_pb.CreateDropCopySubscriptionRequest(),
            metadata=[("authorization", wire.headers["authorization"])])
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await read(call)
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


# --- ReportAPI ------------------------------------------------------------------------------

async def test_search_orders_by_clord_id_finds_finished_orders(quiet_sim: SimServer) -> None:
    alice(quiet_sim, Side.SELL, 40, 3)
    async with Wire(quiet_sim) as wire:
        await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 40, 3, "done-1"))
        await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 20, 1, "gone-1"))
        await wire.post("/v1/trading/orders/cancel", {"clord_id": "gone-1"})
        stub = search(wire)
        filled = await stub.SearchOrders(rep_pb.SearchOrdersRequest(
            clord_id="done-1", with_last_execution=True), metadata=wire.metadata)
        (order,) = filled.order
        assert (order.state, order.cum_qty, order.account) == (OrderState.FILLED, 3,
                                                              DEMO_ACCOUNT)
        (last,) = filled.last_executions
        assert last.type == ExecType.FILL and last.order.id == order.id
        canceled = await stub.SearchOrders(rep_pb.SearchOrdersRequest(clord_id="gone-1"),
                                           metadata=wire.metadata)
        assert [o.state for o in canceled.order] == [OrderState.CANCELED]
        assert not canceled.last_executions and not canceled.next_page_token
        # state filters: closed finds both, open neither
        closed = await stub.SearchOrders(rep_pb.SearchOrdersRequest(order_state_filter=2),
                                         metadata=wire.metadata)
        assert {o.clord_id for o in closed.order} == {"done-1", "gone-1"}
        opened = await stub.SearchOrders(rep_pb.SearchOrdersRequest(order_state_filter=1),
                                         metadata=wire.metadata)
        assert not opened.order
        # alice's order is hers: never in demo's results
        assert all(o.account == DEMO_ACCOUNT for o in closed.order)


async def test_search_executions_by_order_id_returns_its_fills(quiet_sim: SimServer) -> None:
    async with Wire(quiet_sim) as wire:
        resp = await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 40, 5, "fills-1"))
        order_id = resp.json()["orderId"]
        alice(quiet_sim, Side.SELL, 40, 2)
        alice(quiet_sim, Side.SELL, 39, 3)
        stub = search(wire)
        every = await stub.SearchExecutions(rep_pb.SearchExecutionsRequest(order_id=order_id),
                                            metadata=wire.metadata)
        assert [e.type for e in every.executions] == [
            ExecType.NEW, ExecType.PARTIAL_FILL, ExecType.FILL]
        assert every.eof and not every.next_page_token
        fills = await stub.SearchExecutions(rep_pb.SearchExecutionsRequest(
            order_id=order_id, types=[ExecType.PARTIAL_FILL, ExecType.FILL], newest_first=True),
            metadata=wire.metadata)
        assert [(e.last_shares, e.last_px) for e in fills.executions] == [(3, 40), (2, 40)]
        by_id = await stub.SearchExecutions(rep_pb.SearchExecutionsRequest(
            exec_ids=[fills.executions[0].id]), metadata=wire.metadata)
        assert [e.id for e in by_id.executions] == [fills.executions[0].id]


async def test_paging_walks_every_result_once(quiet_sim: SimServer) -> None:
    for n in range(7):
        demo(quiet_sim, Side.BUY, 10 + n, 1, clord_id=f"page-{n}")
    async with Wire(quiet_sim) as wire:
        stub = search(wire)
        seen: list[str] = []
        token, pages = "", 0
        while True:
            page = await stub.SearchOrders(rep_pb.SearchOrdersRequest(
                page_size=3, page_token=token), metadata=wire.metadata)
            seen += [o.clord_id for o in page.order]
            pages += 1
            token = page.next_page_token
            if not token:
                break
            demo(quiet_sim, Side.BUY, 50, 1, clord_id=f"late-{pages}")  # arrives mid-walk
        assert seen[:7] == [f"page-{n}" for n in range(7)]
        assert len(seen) == len(set(seen))  # nothing twice, though orders came in between

        for newest_first in (False, True):
            ids: list[str] = []
            token = ""
            while True:
                page = await stub.SearchExecutions(rep_pb.SearchExecutionsRequest(
                    page_size=4, page_token=token, newest_first=newest_first),
                    metadata=wire.metadata)
                ids += [e.id for e in page.executions]
                assert page.eof == (not page.next_page_token)
                token = page.next_page_token
                if not token:
                    break
            everything = journal_ids(quiet_sim)
            assert ids == (everything[::-1] if newest_first else everything)

        for bad in (rep_pb.SearchExecutionsRequest(page_token="nope"),
                    rep_pb.SearchExecutionsRequest(page_size=1001)):
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await stub.SearchExecutions(bad, metadata=wire.metadata)
            assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_reports_show_only_the_callers_accounts(quiet_sim: SimServer) -> None:
    demo(quiet_sim, Side.BUY, 30, 1, clord_id="mine")
    alice(quiet_sim, Side.BUY, 30, 1, clord_id="hers")
    async with Wire(quiet_sim) as wire:
        stub = search(wire)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.SearchOrders(rep_pb.SearchOrdersRequest(accounts=[ALICE[0]]),
                                    metadata=wire.metadata)
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
        resp = await stub.SearchOrders(rep_pb.SearchOrdersRequest(), metadata=wire.metadata)
        assert [o.clord_id for o in resp.order] == ["mine"]
        resp = await wire.post("/v1/report/executions/search", {"accounts": [ALICE[0]]})
        assert resp.status_code == 403 and resp.json()["code"] == 7


async def test_rest_routes_speak_proto3_json(quiet_sim: SimServer) -> None:
    alice(quiet_sim, Side.SELL, 40, 1)
    async with Wire(quiet_sim) as wire:
        await wire.post("/v1/trading/orders", limit_body(SYM, "buy", 40, 1, "json-1"))
        resp = await wire.post("/v1/report/orders/search",
                               {"clordId": "json-1", "withLastExecution": True})
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert set(body) == {"order", "nextPageToken", "lastExecutions"}
        (order,) = body["order"]
        assert (order["clordId"], order["state"], order["cumQty"]) == (
            "json-1", "ORDER_STATE_FILLED", "1")
        assert body["lastExecutions"][0]["type"] == "EXECUTION_TYPE_FILL"
        # the legacy path and snake_case in
        legacy = await wire.post("/v1beta1/search_orders", {"clord_id": "json-1"})
        assert legacy.json()["order"][0]["id"] == order["id"]
        resp = await wire.post("/v1/report/executions/search",
                               {"orderId": order["id"], "types": ["EXECUTION_TYPE_FILL"]})
        body = resp.json()
        assert set(body) == {"executions", "nextPageToken", "eof"}
        assert body["eof"] is True and body["nextPageToken"] == ""
        (fill,) = body["executions"]
        assert (fill["lastShares"], fill["lastPx"], fill["order"]["id"]) == ("1", "40",
                                                                             order["id"])
        legacy = await wire.post("/v1beta1/search_executions", {"order_id": order["id"]})
        assert len(legacy.json()["executions"]) == 2  # NEW and FILL
        bad = await wire.post("/v1/report/orders/search", {"pageToken": "garbage"})
        assert bad.status_code == 400 and bad.json()["code"] == 3
