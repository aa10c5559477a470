"""A venue that stops leaves nothing of its own running: every background task it started
(look-ups, the database watch, a cancel being settled) has ended when stop() returns, and
none is held any more (fails when stop() forgets any of them)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.conftest import eventually, make_retail_venue, make_venue, start_live
from tests.desk_kit import cent_symbols
from tui.core.enums import OrderState
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.sim.retail.api import slug_of
from tui.sim.server import SimServer


async def test_stop_awaits_every_task_it_cancels(quiet_sim: SimServer, via: str) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    retail = via == "retail"  # the retail venue with its database: one more task to stop
    venue = make_retail_venue(quiet_sim, profile="retail") if retail else make_venue(quiet_sim)
    symbol = slug_of(symbol) if retail else symbol
    try:
        await start_live(venue)
        await venue.submit(build_order(venue.state.instruments[symbol], Intent.BUY_YES, 30, 1))
        order = await eventually(lambda: next((o for o in venue.state.working_orders(symbol)
                                               if o.state is OrderState.NEW), None),
                                 what="working")
        await venue.cancel(order)  # type: ignore[arg-type]
        running = [t for t in venue.tasks._held if not t.done()]
        assert running  # something to stop: the database watch, a cancel being settled
    finally:
        await venue.stop()
    assert [t.get_name() for t in running if not t.done()] == []
    assert len(venue.tasks) == 0


async def test_nothing_starts_once_the_venue_stops(quiet_sim: SimServer, via: str,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    """A socket that opens while the venue stops (on-open reads positions, recovers fills)
    must not leave work running against a closed REST client: it logged tracebacks."""
    retail = via == "retail"
    venue = make_retail_venue(quiet_sim, profile="retail") if retail else make_venue(quiet_sim)
    ran: list[str] = []

    async def late() -> None:
        ran.append("late")

    try:
        await start_live(venue)
    finally:
        await venue.stop()
    assert venue.tasks.spawn(late(), "late") is None  # after stop: never started
    await asyncio.sleep(0)
    assert ran == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
