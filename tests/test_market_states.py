"""A market that takes no orders (halted, suspended, closed, expired, terminated), on screen:
its row and the ladder's header say its state, and b, s and F send nothing, in words naming
the state. A market in pre-open takes orders (spec §10's table)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from tests.conftest import DEMO_ACCOUNT, eventually, make_venue
from tests.desk_fakes import MARKET
from tests.desk_kit import quote, settled
from tests.pilot_kit import fake_desk, pilot_desk, show, told
from tui.core.enums import InstrumentState
from tui.core.state import DeskState
from tui.sim.server import SimServer
from tui.ui.widgets.ladder_header import LadderHeader
from tui.ui.widgets.markets import MarketList


def set_state(state: DeskState, symbol: str, to: InstrumentState) -> None:
    state.set_instruments([dataclasses.replace(i, state=to) if s == symbol else i
                           for s, i in state.instruments.items()])


async def test_a_halted_market_says_so_and_takes_no_order() -> None:
    async with fake_desk(size=(160, 48)) as (app, pilot, venue):
        set_state(app.state, MARKET, InstrumentState.HALTED)
        markets = app.query_one(MarketList)
        await eventually(lambda: "halted" in markets.row_text(MARKET).plain,
                         what="the row saying halted")
        await eventually(lambda: any("HALTED" in h.content.plain
                                     for h in app.query(LadderHeader)), what="the header")
        for key in ("b", "s", "F"):
            await pilot.press(key)
            await settled(app)
        await eventually(lambda: told(app, f"{MARKET} is halted: it takes no orders now."),
                         what="the refusal naming the state")
        assert not venue.arrived.is_set()


async def test_a_market_in_preopen_takes_orders() -> None:
    async with fake_desk(size=(160, 48)) as (app, pilot, venue):
        set_state(app.state, MARKET, InstrumentState.PREOPEN)
        await pilot.pause()
        await pilot.press("b")
        await settled(app)
        await eventually(lambda: venue.arrived.is_set(), what="the order sent")


async def test_the_gateway_desk_follows_a_halt_and_a_settlement(quiet_sim: SimServer) -> None:
    symbol = "AEC-NFL-KC-BUF-2026-11-29"
    quote(quiet_sim, symbol)
    async with pilot_desk(make_venue(quiet_sim)) as (app, pilot):
        await show(app, pilot, quiet_sim, symbol)
        # the screen tells the venue which books to keep current if the stream goes down
        await eventually(lambda: app.state.watched[:1] == (symbol,), what="watched")
        quiet_sim.exchange.set_instrument_state(symbol, InstrumentState.HALTED)
        await eventually(lambda: app.state.instruments[symbol].state is InstrumentState.HALTED,
                         what="the desk's market halted")
        await eventually(lambda: told(app, f"{symbol} is halted now: it takes no orders."),
                         what="the halt in words")
        await pilot.press("b")
        await settled(app)
        await eventually(lambda: told(app, f"{symbol} is halted: it takes no orders now."),
                         what="b refused before sending")
        assert quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]) == []
        quiet_sim.exchange.set_instrument_state(symbol, InstrumentState.OPEN)
        quiet_sim.settle_market(symbol, Decimal(1))
        await eventually(lambda: told(app, f"{symbol} settled at 1.00 (YES won)."),
                         what="the settlement in words")
        await eventually(lambda: any("SETTLED 1.00" in h.content.plain
                                     for h in app.query(LadderHeader)), what="the header")
