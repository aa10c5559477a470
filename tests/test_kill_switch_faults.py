"""The kill switch on a bad network, through either venue, asserted at the exchange
(journey 7): with 30% of REST answers lost and inserts in flight it leaves nothing
working; an insert whose answer was lost is cancelled by the desk's own id; it latches;
and when the exchange cannot be reached at all it names what may still be working."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re

from tests.conftest import DEMO_ACCOUNT, eventually, live, make_venue, venue_via
from tests.desk_kit import cent_symbols
from tests.wire_faults import arm, lose_answers
from tui.core.cancels import UNREACHABLE
from tui.core.config import DeskConfig
from tui.core.enums import OrderState
from tui.core.prices import Intent
from tui.core.ticket import OrderRequest, build_order
from tui.core.venue import VenueError
from tui.desk.asks import KillSwitch
from tui.desk.controller import DeskController
from tui.sim.retail.api import slug_of
from tui.sim.server import SimServer
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.retail.venue import RetailVenue

PRESSES = 5  # per venue and test run; the bench's long form presses 20 and more
WORKING = 5  # orders resting before each press
IN_FLIGHT = 5  # inserts sent as the key is pressed


def working_at_exchange(sim: SimServer) -> list[str]:
    return [o.order_id for o in sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])]


def symbols(sim: SimServer, via: str) -> list[str]:
    return [slug_of(s) if via == "retail" else s for s in cent_symbols(sim)]


def bid(venue: GatewayVenue | RetailVenue, symbol: str, price: int) -> OrderRequest:
    return build_order(venue.state.instruments[symbol], Intent.BUY_YES, price, 1)


async def settle(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        with contextlib.suppress(VenueError):
            await task


async def test_kill_switch_presses_with_inserts_in_flight_and_lost_answers_leave_nothing_working(
        quiet_sim: SimServer, via: str) -> None:
    async with live(venue_via(quiet_sim, via)) as venue:
        markets = symbols(quiet_sim, via)[:3]
        lossy = lose_answers(venue, quiet_sim, 0.3)
        for press in range(PRESSES):
            venue.rearm()
            resting = [asyncio.create_task(venue.submit(
                bid(venue, markets[i % len(markets)], 10 + i))) for i in range(WORKING)]
            await settle(resting)
            await eventually(lambda: working_at_exchange(quiet_sim), what="orders resting")
            left = lossy.inserts
            lossy.insert_delay = 0.3  # they land after the sweep's first look
            flying = [asyncio.create_task(venue.submit(
                bid(venue, markets[i % len(markets)], 20 + i))) for i in range(IN_FLIGHT)]
            await eventually(lambda left=left: lossy.inserts - left == IN_FLIGHT,
                             what="the inserts on the wire")
            lossy.insert_delay = 0.0
            report = await venue.kill_switch()
            assert working_at_exchange(quiet_sim) == [], f"press {press + 1}: {report}"
            assert report.done, report
            await settle(flying)  # an insert answered after the sweep never lands working
            assert working_at_exchange(quiet_sim) == [], f"press {press + 1}, later"
        assert lossy.lost >= PRESSES  # the fault really bit


async def test_an_insert_whose_answer_was_lost_is_cancelled_by_its_clord_id(
        quiet_sim: SimServer) -> None:
    async with live(make_venue(quiet_sim)) as venue:
        venue.lookup_waits = (30.0,)  # no lookup names it first: only the cancel acts
        faults = arm(venue, quiet_sim)
        faults.fault, faults.before = "lose", venue._workers[1].stop  # no stream names it
        request = bid(venue, cent_symbols(quiet_sim)[0], 30)
        with contextlib.suppress(VenueError):
            await venue.submit(request)
        pending = venue.state.find_order(clord_id=request.clord_id)
        assert pending is not None and not pending.order_id
        assert pending.state is OrderState.PENDING_NEW
        assert len(working_at_exchange(quiet_sim)) == 1
        await venue.cancel(pending)  # was: "The exchange has not acknowledged this order"
        assert working_at_exchange(quiet_sim) == []
        assert quiet_sim.exchange.order_log[-1].outcome == "accepted"
        verb, path, _, raw = quiet_sim.rest_received[-1]
        assert (verb, path) == ("POST", "/v1/trading/orders/cancel")
        assert json.loads(raw) == {"clord_id": request.clord_id,
                                   "symbol": request.symbol}  # the desk's id, no other


async def test_the_latch_holds_every_new_order_until_rearmed(quiet_sim: SimServer,
                                                             via: str) -> None:
    async with live(venue_via(quiet_sim, via)) as venue:
        market = symbols(quiet_sim, via)[0]
        queued = venue._insert_sender(bid(venue, market, 31))  # built before the press
        report = await venue.kill_switch()
        assert report.done and venue.latched
        sent_before = len(quiet_sim.exchange.order_log)
        try:
            await venue.submit(bid(venue, market, 32))
            raise AssertionError("an order was sent while the kill switch was on")
        except VenueError as refused:
            assert "kill switch is on" in str(refused)
        try:  # one that was queued behind the pacing when K was pressed
            await queued()
            raise AssertionError("a queued insert left while the kill switch was on")
        except VenueError as refused:
            assert "kill switch is on" in str(refused)
        assert len(quiet_sim.exchange.order_log) == sent_before  # nothing reached it
        assert working_at_exchange(quiet_sim) == []
        venue.rearm()
        await venue.submit(bid(venue, market, 33))
        await eventually(lambda: working_at_exchange(quiet_sim), what="the order after re-arm")


async def test_an_exchange_out_of_reach_gets_each_order_that_may_still_work_named(
        quiet_sim: SimServer, via: str) -> None:
    async with live(venue_via(quiet_sim, via)) as venue:
        market = symbols(quiet_sim, via)[0]
        await venue.submit(bid(venue, market, 41))
        await eventually(lambda: [o for o in venue.state.working_orders() if o.order_id
                                  and o.state is OrderState.NEW], what="the order working")
        lossy = lose_answers(venue, quiet_sim, 0.0)
        lossy.unreachable = True
        venue.sweep_bound = 1.0
        desk = DeskController(venue, DeskConfig(), say_key={"rearm": "R"}.get)
        await desk.perform(KillSwitch())
        (said,) = [n.text for n in desk.take_notices()]
        assert re.match(r"Kill switch: 1 order may still be working after \d s: "
                        f"BUY YES 1 {market} at 0.41 — {UNREACHABLE}\\. Nothing that adds "
                        r"risk is sent until you re-arm \(R\)\.$", said), said
        assert len(working_at_exchange(quiet_sim)) == 1  # the words are true
        assert venue.latched
