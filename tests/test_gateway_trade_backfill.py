"""The day's fills read back at start (SearchTrades at the embedded exchange): a desk started
with an empty local database, on an account that traded earlier, shows those fills as the
engine made them and keeps them in its database; a second start adds none twice."""

from __future__ import annotations

import pytest

from tests.conftest import DEMO_ACCOUNT, eventually, live, make_venue
from tests.desk_kit import ALICE, BOB, DEMO, place
from tui.core.enums import Side
from tui.core.model import Fill
from tui.proto.polymarket.v1 import orders_pb2 as ord_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim.model import ExecReport
from tui.sim.server import SimServer
from tui.store import Store, db_path
from tui.venues.gateway.backfill import own_executions
from tui.venues.gateway.venue import GatewayVenue

SYM = "AEC-NFL-KC-BUF-2026-11-29"  # price_scale 100, whole contracts
PROFILE = "new-machine"


def traded_earlier(sim: SimServer) -> dict[str, ExecReport]:
    """The demo account trades on another desk (straight into the exchange): a buy that
    takes Alice's offer, a sell Bob takes; Alice and Bob trade too. Its fills by exec id."""
    place(sim, ALICE, SYM, Side.SELL, 45, 3)
    place(sim, DEMO, SYM, Side.BUY, 45, 3)  # the aggressor
    place(sim, DEMO, SYM, Side.SELL, 50, 2)
    place(sim, BOB, SYM, Side.BUY, 50, 2)  # the demo account's order is the passive side
    place(sim, ALICE, SYM, Side.SELL, 55, 1)
    place(sim, BOB, SYM, Side.BUY, 55, 1)  # not the demo account's
    return {e.exec_id: e for e in sim.exchange.executions(DEMO_ACCOUNT) if e.last_shares}


def recovered(venue: GatewayVenue) -> list[str]:
    return [n.text for n in venue.state.notices if n.text.startswith("Recovered")
            and "trade report" in n.text]


def backfilled(venue: GatewayVenue) -> bool:
    return not venue.tasks.running("fill backfill")


def as_engine_made(fill: Fill, e: ExecReport) -> bool:
    return (fill.order_id, fill.symbol, fill.side, fill.price, fill.qty) == (
        e.order.order_id, e.symbol, e.order.side, e.last_px, e.last_shares) and abs(
        fill.at - e.transact_time) < 0.001


def stored(account: str = DEMO_ACCOUNT) -> list[str]:
    store = Store.open(db_path(PROFILE, account))
    try:
        return [row.exec_id for row in store.fills(limit=None)]
    finally:
        store.close()


async def test_an_empty_database_gets_the_days_fills_and_a_second_start_adds_none(
        quiet_sim: SimServer) -> None:
    engine = traded_earlier(quiet_sim)
    assert len(engine) == 2

    venue = make_venue(quiet_sim, profile=PROFILE)
    async with live(venue):
        await eventually(lambda: recovered(venue), what="the recovered notice")
        await eventually(lambda: backfilled(venue), what="the backfill done")
        fills = {f.exec_id: f for f in venue.state.fills}
        assert set(fills) == set(engine)  # the demo account's own: not Alice's and Bob's
        assert len(venue.state.fills) == len(engine)
        for exec_id, e in engine.items():
            assert as_engine_made(fills[exec_id], e), (fills[exec_id], e)
        assert recovered(venue) == [f"Recovered {len(engine)} fill(s) of the last 24 h that "
                                    "the local database lacked (from the exchange's trade "
                                    "report)."]
        # newest first, as the blotter reads them
        assert [f.at for f in venue.state.fills] == sorted(
            (f.at for f in venue.state.fills), reverse=True)
    assert sorted(stored()) == sorted(engine)  # they reached the local database

    again = make_venue(quiet_sim, profile=PROFILE)
    async with live(again):
        await eventually(lambda: backfilled(again), what="the second backfill done")
        assert sorted(f.exec_id for f in again.state.fills) == sorted(engine)
        assert recovered(again) == []
    assert sorted(stored()) == sorted(engine)


async def test_fills_the_streams_already_gave_are_not_added_again(
        quiet_sim: SimServer) -> None:
    """A fill made while the desk runs comes by its streams; the read back finds it had it."""
    venue = make_venue(quiet_sim, profile=PROFILE)
    async with live(venue):
        await eventually(lambda: backfilled(venue), what="the first backfill done")
        engine = traded_earlier(quiet_sim)
        await eventually(lambda: len(venue.state.fills) == len(engine), what="stream fills")
        assert await venue._backfill_fills() == 0
        assert sorted(f.exec_id for f in venue.state.fills) == sorted(engine)
        assert recovered(venue) == []


@pytest.mark.parametrize("account", ["", ALICE[0]])
def test_an_execution_of_another_account_or_none_is_never_the_desks(account: str) -> None:
    mine = tr_pb.Execution(id="E1", last_shares=3, last_px=45,
                           order=tr_pb.Order(id="O1", account=DEMO_ACCOUNT))
    theirs = tr_pb.Execution(id="E2", last_shares=3, last_px=45,
                             order=tr_pb.Order(id="O2", account=account))
    trade = ord_pb.Trade(id="T1", aggressor=mine, passive=theirs)
    assert [ex.id for ex in own_executions([trade], DEMO_ACCOUNT)] == ["E1"]
