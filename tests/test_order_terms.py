"""e: a working order gets the ticket's terms (time in force, post-only, expiry), its price
and size kept, on the gateway and the retail API, asserted at the exchange; the CLOB, which
cannot change an order in place, refuses in words and leaves the order as it was."""

from __future__ import annotations

import re
import time

from tests.conftest import DEMO_ACCOUNT, eventually, make_clob_venue, venue_via
from tests.desk_kit import quote
from tests.pilot_kit import cursor_to, pilot_desk, step_to, ticket_text, told
from tui.core.enums import TimeInForce
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.screens.confirm import ConfirmScreen

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"


def mine(sim: SimServer) -> list:  # type: ignore[type-arg]
    return sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])


async def confirm(app: PmdeskApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await eventually(lambda: isinstance(app.screen, ConfirmScreen) and app.screen.armed,
                     what="an armed confirmation")
    await pilot.press("enter")


async def test_e_gives_a_resting_order_the_tickets_terms(quiet_sim: SimServer,
                                                         via: str) -> None:
    quote(quiet_sim, SYMBOL)
    async with pilot_desk(venue_via(quiet_sim, via)) as (app, pilot):
        symbol = next(s for s in app.state.instruments if "kc-buf" in s.lower())
        await step_to(app, pilot, symbol)
        await cursor_to(app, pilot, raw_price(app, 38))
        await pilot.press("b")  # GTC, rests at 0.38
        await eventually(lambda: len(mine(quiet_sim)) == 1, what="a GTC bid resting")
        [before] = mine(quiet_sim)
        assert before.tif is TimeInForce.GOOD_TILL_CANCEL
        await eventually(lambda: re.search(r"e gives (my order here|it) these terms", " ".join(
            ticket_text(app).split())), what="the ticket offering its terms to the order")
        await pilot.press("i", "p")  # the ticket: GTD (its first lifetime), post-only
        await pilot.press("e")
        await confirm(app, pilot)
        await eventually(lambda: [(o.tif, o.participate_dont_initiate) for o in
                                  mine(quiet_sim)] == [(TimeInForce.GOOD_TILL_TIME, True)],
                         what="the order GTD and post-only at the exchange")
        [after] = mine(quiet_sim)
        assert (after.price, after.leaves_qty) == (before.price, before.leaves_qty)
        assert after.good_till_time is not None and after.good_till_time > time.time()


async def test_the_clob_refuses_a_change_of_terms_in_words(quiet_sim: SimServer) -> None:
    quote(quiet_sim, SYMBOL)
    async with pilot_desk(make_clob_venue(quiet_sim)) as (app, pilot):
        symbol = SYMBOL.lower()
        await step_to(app, pilot, symbol)
        await cursor_to(app, pilot, 3800)
        await pilot.press("b")
        await eventually(lambda: any(o.order_id for o in app.state.working_orders(symbol)),
                         what="a bid working")
        await pilot.press("i", "e")
        await confirm(app, pilot)
        await eventually(lambda: told(app, "The CLOB cannot change an order's terms"),
                         what="the refusal")
        assert len(app.state.working_orders(symbol)) == 1


def raw_price(app: PmdeskApp, cents: int) -> int:
    """A YES price in cents as the market's raw price."""
    inst = app.state.instruments[app.symbol or ""]
    return cents * inst.scales.price_scale // 100
