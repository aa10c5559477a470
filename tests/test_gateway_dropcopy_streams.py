"""The DropCopyAPI's trade capture, position change and instrument state streams at the
embedded exchange (spec §8, §11.6): each delivers what the engine did, with its fields."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import grpc
import pytest

from tests.conftest import DEMO_ACCOUNT
from tests.desk_kit import ALICE, DEMO, place
from tests.simkit import Wire
from tui.core.enums import InstrumentState, OrderType, Side, TimeInForce
from tui.proto.polymarket.v1 import dropcopy_pb2 as dc_pb
from tui.proto.polymarket.v1 import dropcopy_pb2_grpc as dc_grpc
from tui.proto.polymarket.v1 import enums_pb2
from tui.proto.polymarket.v1 import refdata_pb2 as ref_pb
from tui.sim import wire as sim_wire
from tui.sim.auth import DEMO_PASSWORD, SimUser
from tui.sim.model import ExecReport
from tui.sim.server import SimServer

SYM = "AEC-NFL-KC-BUF-2026-11-29"  # price_scale 100, whole contracts
OTHER_SYM = "AEC-CRY-ETH-5K-2026-12-31"  # price_scale 100 too
OLGA = ("firms/OTHER/accounts/olga-1", "firms/OTHER/users/olga")  # another firm's trader


@pytest.fixture
def sim(quiet_sim: SimServer) -> SimServer:
    quiet_sim.auth.users["olga"] = SimUser(
        username="olga", password=DEMO_PASSWORD, firm="OTHER", display_name="Olga",
        accounts=(OLGA[0],))
    quiet_sim.exchange.add_account(*OLGA, Decimal("1000"))
    return quiet_sim


def stub(wire: Wire) -> dc_grpc.DropCopyAPIStub:
    return dc_grpc.DropCopyAPIStub(wire.channel)


async def read(call: Any) -> Any:
    return await asyncio.wait_for(call.read(), timeout=5.0)


async def until(call: Any, field: str, count: int) -> list[Any]:
    """Responses until ``count`` items of ``field`` have arrived (heartbeats included)."""
    got: list[Any] = []

    async def gather() -> None:
        while sum(len(getattr(r, field)) for r in got) < count:
            got.append(await read(call))

    try:
        await asyncio.wait_for(gather(), timeout=10.0)
    except TimeoutError:
        pytest.fail(f"{count} {field} expected, got {[getattr(r, field) for r in got]}")
    return got


def fills(sim: SimServer, trade_id: str) -> dict[bool, ExecReport]:
    """A trade's two fills at the engine, by aggressor flag."""
    found = [e for e in sim.exchange.executions() if e.trade_id == trade_id]
    return {e.aggressor: e for e in found}


# --- trade capture --------------------------------------------------------------------------

async def test_trade_capture_reports_each_trade_of_the_firm_as_the_engine_made_it(
        sim: SimServer) -> None:
    async with Wire(sim) as wire:
        call = stub(wire).CreateTradeCaptureReportSubscription(
            dc_pb.CreateTradeCaptureReportSubscriptionRequest(), metadata=wire.metadata)
        first = await read(call)  # no snapshot: a token at once, nothing else
        assert first.resume_token and not first.trade_capture_reports
        place(sim, ALICE, SYM, Side.SELL, 45, 3)
        taker = place(sim, DEMO, SYM, Side.BUY, 45, 3)
        got = await until(call, "trade_capture_reports", 1)
        (ours,) = got[-1].trade_capture_reports
        after_ours = got[-1].resume_token
        place(sim, OLGA, OTHER_SYM, Side.SELL, 30, 1)  # no DEMO side: never seen
        place(sim, OLGA, OTHER_SYM, Side.BUY, 30, 1)
        place(sim, OLGA, SYM, Side.SELL, 46, 2)  # another firm's side: only ours shown
        place(sim, DEMO, SYM, Side.BUY, 46, 2)
        (theirs,) = (await until(call, "trade_capture_reports", 1))[-1].trade_capture_reports
        call.cancel()

        engine = fills(sim, ours.id)
        assert engine[True].order.order_id == taker
        assert ours.aggressor == sim_wire.execution_pb(engine[True])
        assert ours.passive == sim_wire.execution_pb(engine[False])
        assert (ours.aggressor.order.account, ours.passive.order.account) == (DEMO_ACCOUNT,
                                                                              ALICE[0])
        assert (ours.aggressor.last_px, ours.aggressor.last_shares) == (45, 3)
        assert (ours.trade_type, ours.state, ours.reporting_counterparty) == (
            enums_pb2.TRADE_TYPE_REGULAR, enums_pb2.TRADE_STATE_CLEARED, enums_pb2.SIDE_BUY)
        assert theirs.aggressor == sim_wire.execution_pb(fills(sim, theirs.id)[True])
        assert (theirs.aggressor.last_px, theirs.aggressor.last_shares) == (46, 2)
        assert not theirs.HasField("passive")  # olga's order is not ours to see

        # resumed after the first trade: the second again, only it; from a time: both
        for request, ids in (
                (dc_pb.CreateTradeCaptureReportSubscriptionRequest(resume_token=after_ours),
                 [theirs.id]),
                (dc_pb.CreateTradeCaptureReportSubscriptionRequest(
                    resume_time=ours.aggressor.transact_time, symbols=[SYM]),
                 [ours.id, theirs.id])):
            resumed = stub(wire).CreateTradeCaptureReportSubscription(
                request, metadata=wire.metadata)
            again = await until(resumed, "trade_capture_reports", len(ids))
            assert [t.id for r in again for t in r.trade_capture_reports] == ids
            resumed.cancel()


def _plain() -> dict[str, Any]:
    """The rest of an insert's arguments: a plain limit order."""
    return dict(order_type=OrderType.LIMIT, tif=TimeInForce.GOOD_TILL_CANCEL, clord_id="",
                participate_dont_initiate=False, good_till_time=None, cash_order_qty=0)


async def test_a_cross_is_captured_as_a_cross(sim: SimServer) -> None:
    async with Wire(sim) as wire:
        call = stub(wire).CreateTradeCaptureReportSubscription(
            dc_pb.CreateTradeCaptureReportSubscriptionRequest(symbols=[SYM]),
            metadata=wire.metadata)
        await read(call)
        buy_id, sell_id = sim.exchange.insert_cross([
            dict(account=DEMO_ACCOUNT, participant=DEMO[1], symbol=SYM, side=Side.BUY,
                 price=50, order_qty=4, **_plain()),
            dict(account=ALICE[0], participant=ALICE[1], symbol=SYM, side=Side.SELL,
                 price=50, order_qty=4, **_plain())], cross_id="x-9")
        (trade,) = [t for r in await until(call, "trade_capture_reports", 1)
                    for t in r.trade_capture_reports]
        leg = sim.exchange.order(buy_id)
        assert leg is not None
        assert (trade.trade_type, trade.trade_link_id) == (enums_pb2.TRADE_TYPE_CROSS,
                                                           leg.host_cross_id)
        assert (trade.aggressor.order.id, trade.passive.order.id) == (buy_id, sell_id)
        assert trade.aggressor.order.cross_id == "x-9"
        call.cancel()


async def test_trade_capture_is_per_firm_and_checks_its_token(sim: SimServer) -> None:
    async with Wire(sim) as wire:
        for request, code in (
                (dc_pb.CreateTradeCaptureReportSubscriptionRequest(firms=["OTHER"]),
                 grpc.StatusCode.PERMISSION_DENIED),
                (dc_pb.CreateTradeCaptureReportSubscriptionRequest(resume_token=b"junk"),
                 grpc.StatusCode.INVALID_ARGUMENT),
                (dc_pb.CreateTradeCaptureReportSubscriptionRequest(symbols=["NO-SUCH"]),
                 grpc.StatusCode.INVALID_ARGUMENT)):
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await read(stub(wire).CreateTradeCaptureReportSubscription(
                    request, metadata=wire.metadata))
            assert err.value.code() == code
        # a position-change token is not a trade-capture one
        pc = stub(wire).CreatePositionChangeSubscription(
            dc_pb.CreatePositionChangeSubscriptionRequest(), metadata=wire.metadata)
        token = (await read(pc)).resume_token
        pc.cancel()
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await read(stub(wire).CreateTradeCaptureReportSubscription(
                dc_pb.CreateTradeCaptureReportSubscriptionRequest(resume_token=token),
                metadata=wire.metadata))
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


# --- position change ------------------------------------------------------------------------

async def test_position_changes_follow_each_fill_of_the_firms_accounts(sim: SimServer) -> None:
    async with Wire(sim) as wire:
        call = stub(wire).CreatePositionChangeSubscription(
            dc_pb.CreatePositionChangeSubscriptionRequest(), metadata=wire.metadata)
        first = await read(call)
        assert first.resume_token and not first.position_changes
        place(sim, ALICE, SYM, Side.SELL, 45, 5)
        place(sim, DEMO, SYM, Side.BUY, 45, 3)  # both accounts are the firm's
        place(sim, DEMO, SYM, Side.BUY, 45, 2)
        place(sim, OLGA, OTHER_SYM, Side.SELL, 30, 1)
        place(sim, OLGA, OTHER_SYM, Side.BUY, 30, 1)  # another firm's: never seen
        got = await until(call, "position_changes", 4)
        changes = [c for r in got for c in r.position_changes]
        assert [(c.position.account, c.position.net_position) for c in changes] == [
            (DEMO_ACCOUNT, 3), (ALICE[0], -3), (DEMO_ACCOUNT, 5), (ALICE[0], -5)]
        last_demo = [c for c in changes if c.position.account == DEMO_ACCOUNT][-1]
        engine = sim.exchange.position(DEMO_ACCOUNT, SYM)
        assert last_demo.position == sim_wire.position_pb(engine)
        assert last_demo.change_time == sim_wire.timestamp(engine.update_time)
        assert (last_demo.position.qty_bought, last_demo.position.cost) == (5, 225)
        call.cancel()

        resumed = stub(wire).CreatePositionChangeSubscription(
            dc_pb.CreatePositionChangeSubscriptionRequest(
                resume_token=first.resume_token, symbols=[SYM]), metadata=wire.metadata)
        again = [c for r in await until(resumed, "position_changes", 4)
                 for c in r.position_changes]
        assert again == changes  # replayed from the first token: all of them, as they were
        resumed.cancel()


# --- instrument state change ----------------------------------------------------------------

async def test_instrument_states_snapshot_then_each_change(sim: SimServer) -> None:
    async with Wire(sim) as wire:
        call = stub(wire).CreateInstrumentStateChangeSubscription(
            dc_pb.CreateInstrumentStateChangeSubscriptionRequest(),
            metadata=[("authorization", wire.headers["authorization"])])  # no participant
        snapshot = await read(call)
        assert snapshot.resume_token
        assert {(i.symbol, i.state) for i in snapshot.instruments} == {
            (s, int(i.state)) for s, i in sim.exchange.instruments.items()}
        one = stub(wire).CreateInstrumentStateChangeSubscription(
            dc_pb.CreateInstrumentStateChangeSubscriptionRequest(symbols=[OTHER_SYM]),
            metadata=wire.metadata)
        assert [i.symbol for i in (await read(one)).instruments] == [OTHER_SYM]

        sim.exchange.set_instrument_state(SYM, InstrumentState.HALTED)
        sim.exchange.set_instrument_state(OTHER_SYM, InstrumentState.SUSPENDED)
        got = await until(call, "instruments", 2)
        assert [(i.symbol, i.state) for r in got for i in r.instruments] == [
            (SYM, ref_pb.INSTRUMENT_STATE_HALTED),
            (OTHER_SYM, ref_pb.INSTRUMENT_STATE_SUSPENDED)]
        halted = got[0].instruments[0]
        assert halted == sim_wire.instrument_pb(sim.exchange.instruments[SYM])
        assert [(i.symbol, i.state) for i in (await until(one, "instruments", 1))[0]
                .instruments] == [(OTHER_SYM, ref_pb.INSTRUMENT_STATE_SUSPENDED)]
        call.cancel()
        one.cancel()

        # an order into the halted market is refused, the state named
        refused = await wire.post("/v1/trading/orders", {
            "type": "ORDER_TYPE_LIMIT", "side": "SIDE_BUY", "order_qty": 1, "symbol": SYM,
            "price": 40, "clord_id": "h-1"})
        order_id = refused.json()["orderId"]
        rejected = sim.exchange.executions(DEMO_ACCOUNT)[-1]
        assert rejected.order.order_id == order_id
        assert rejected.reject_reason == enums_pb2.ORD_REJECT_REASON_EXCHANGE_CLOSED
        assert "halted" in rejected.text


async def test_a_slow_consumer_may_skip_to_each_markets_latest_state(sim: SimServer) -> None:
    async with Wire(sim) as wire:
        calls = [stub(wire).CreateInstrumentStateChangeSubscription(
            dc_pb.CreateInstrumentStateChangeSubscriptionRequest(
                symbols=[SYM], slow_consumer_skip_to_head=skip), metadata=wire.metadata)
            for skip in (False, True)]
        for call in calls:
            await read(call)  # the snapshot
        for state in (InstrumentState.HALTED, InstrumentState.OPEN, InstrumentState.SUSPENDED):
            sim.exchange.set_instrument_state(SYM, state)  # faster than anyone reads
        every, latest = [[i.state for r in await until(call, "instruments", count)
                          for i in r.instruments] for call, count in zip(calls, (3, 1),
                                                                           strict=True)]
        assert every == [ref_pb.INSTRUMENT_STATE_HALTED, ref_pb.INSTRUMENT_STATE_OPEN,
                         ref_pb.INSTRUMENT_STATE_SUSPENDED]
        assert latest == [ref_pb.INSTRUMENT_STATE_SUSPENDED]
        for call in calls:
            call.cancel()
