"""The kill switch through either venue: an insert still on its way when K is pressed
reaches the book after the exchange-wide sweep and its answer is lost. The kill switch must
not return with that order working at the exchange (journey 7)."""

from __future__ import annotations

import asyncio
import contextlib

from tests.conftest import DEMO_ACCOUNT, live, venue_via
from tests.desk_kit import cent_symbols
from tests.wire_faults import arm
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.retail.api import slug_of
from tui.sim.server import SimServer


async def test_the_kill_switch_cancels_an_insert_that_lands_after_its_sweep(
        quiet_sim: SimServer, via: str) -> None:
    async with live(venue_via(quiet_sim, via)) as venue:
        symbol = cent_symbols(quiet_sim)[0]
        sym = slug_of(symbol) if via == "retail" else symbol
        faults = arm(venue, quiet_sim)
        on_its_way = asyncio.Event()

        async def slow_network() -> None:
            on_its_way.set()
            # the fault itself, not a wait for anything: a link this slow makes both venues
            # take the path under test (the insert lands after the sweep, unanswered, and is
            # swept again); let through at once after the sweep, the gateway's order stream
            # names the order before its answer is lost, and a plain cancel takes it
            await asyncio.sleep(0.5)

        # the insert reaches the exchange half a second late, and its answer is lost
        faults.fault, faults.before = "lose", slow_network
        insert = asyncio.create_task(venue.submit(
            build_order(venue.state.instruments[sym], Intent.BUY_YES, 40, 5)))
        await on_its_way.wait()  # the exchange has not seen it yet
        assert not quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])
        await venue.kill_switch()
        assert quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]) == []
        with contextlib.suppress(VenueError):
            await insert
