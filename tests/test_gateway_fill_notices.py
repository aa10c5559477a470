"""A fill of the desk's order is told once, whichever stream reports it first; a fill the
desk could not see live (replayed by the drop copy) is told as recovered, in any time zone."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from tests.conftest import DEMO_ACCOUNT, eventually
from tests.desk_kit import ALICE, cent_symbols, place
from tui.core.enums import ExecType, OrderState, Side
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim import wire
from tui.sim.server import SimServer
from tui.venues.base import ORDER_STREAM
from tui.venues.gateway.recovery import DROP_COPY, REPLAYED_AFTER
from tui.venues.gateway.streams import StreamWorker
from tui.venues.gateway.venue import GatewayVenue


def _worker(venue: GatewayVenue, name: str) -> StreamWorker:
    return next(w for w in venue._workers if w.name == name)


def _filled(venue: GatewayVenue) -> list[str]:
    return [n.text for n in venue.state.notices if n.text.startswith("Filled")]


def _recovered(venue: GatewayVenue) -> list[str]:
    return [n.text for n in venue.state.notices if n.text.startswith("Recovered")]


async def _rest_a_bid(venue: GatewayVenue, symbol: str) -> str:
    """The desk's BUY YES 5 at 0.30, working at the exchange; its order id."""
    await venue.submit(build_order(venue.state.instruments[symbol], Intent.BUY_YES, 30, 5))
    order = await eventually(lambda: next((o for o in venue.state.working_orders(symbol)
                                           if o.order_id), None), what="the working order")
    return str(order.order_id)  # type: ignore[attr-defined]


def _alice_hits(sim: SimServer, symbol: str) -> None:
    place(sim, ALICE, symbol, Side.SELL, 30, 5)


def _drop_copy_caught_up(venue: GatewayVenue, sim: SimServer) -> bool:
    """The drop copy's last token covers every execution the exchange has journalled."""
    return venue._drop_copy_token.endswith(f":{sim.exchange.journal_seq}".encode())


async def test_a_fill_the_drop_copy_reports_first_is_told_once(
        venue: GatewayVenue, quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    order_id = await _rest_a_bid(venue, symbol)
    await _worker(venue, ORDER_STREAM).stop()  # the order stream lags: the drop copy wins
    _alice_hits(quiet_sim, symbol)
    await eventually(lambda: venue.state.fills, what="the fill from the drop copy")
    assert _filled(venue) == ["Filled 5 BUY YES " + symbol + " at 0.30."]
    assert _recovered(venue) == []  # a live fill, not one made while the desk was away
    # then the order stream's own copy of the same execution (as the exchange sends it)
    ours = [e for e in quiet_sim.exchange.executions(DEMO_ACCOUNT)
            if e.type is ExecType.FILL and e.order.order_id == order_id]
    venue._on_orders(tr_pb.CreateOrderSubscriptionResponse(
        update=tr_pb.CreateOrderSubscriptionResponse.Update(
            executions=[wire.execution_pb(e) for e in ours])))
    assert venue.state.orders[order_id].state is OrderState.FILLED
    assert len(_filled(venue)) == 1 and len(venue.state.fills) == 1


async def test_a_fill_the_order_stream_reports_first_is_told_once(
        venue: GatewayVenue, quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    order_id = await _rest_a_bid(venue, symbol)
    drop_copy = _worker(venue, DROP_COPY)
    await drop_copy.stop()  # the drop copy lags: the order stream wins
    _alice_hits(quiet_sim, symbol)
    await eventually(lambda: venue.state.orders[order_id].state is OrderState.FILLED,
                     what="the order stream's copy")
    drop_copy.start()  # back from its token: it replays the same execution
    await eventually(lambda: _drop_copy_caught_up(venue, quiet_sim),
                     what="the drop copy's copy")
    assert _filled(venue) == ["Filled 5 BUY YES " + symbol + " at 0.30."]
    assert _recovered(venue) == [] and len(venue.state.fills) == 1


@pytest.fixture(params=["America/New_York", "Asia/Tokyo"])
def zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The machine's local time zone, west or east of UTC; put back afterwards."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = str(request.param)
    time.tzset()
    try:
        yield str(request.param)
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


async def test_a_live_fill_is_not_called_recovered_in_any_time_zone(
        zone: str, venue: GatewayVenue, quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    await _rest_a_bid(venue, symbol)
    await _worker(venue, ORDER_STREAM).stop()  # only the drop copy tells this fill
    _alice_hits(quiet_sim, symbol)
    await eventually(lambda: venue.state.fills and _drop_copy_caught_up(venue, quiet_sim),
                     what="the fill from the drop copy")
    assert _recovered(venue) == []
    assert len(_filled(venue)) == 1


async def test_a_fill_replayed_after_an_outage_is_told_as_recovered_in_any_time_zone(
        zone: str, venue: GatewayVenue, quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    await _rest_a_bid(venue, symbol)
    drop_copy = _worker(venue, DROP_COPY)
    await _worker(venue, ORDER_STREAM).stop()
    await drop_copy.stop()
    # filled while the desk sees nothing, longer ago than a live fill can be: the exchange
    # stamps it that far back, rather than the test waiting that long to resume
    now = quiet_sim.exchange.clock
    quiet_sim.exchange.clock = lambda: now() - (REPLAYED_AFTER + 0.5)
    try:
        _alice_hits(quiet_sim, symbol)
    finally:
        quiet_sim.exchange.clock = now
    drop_copy.start()  # resumes from its token: the fill comes back as a replay
    await eventually(lambda: venue.state.fills, what="the replayed fill")
    assert _recovered(venue) == ["Recovered 1 fill(s) made while the desk could not see "
                                 "them (from the exchange's drop copy)."]
    assert len(_filled(venue)) == 1
