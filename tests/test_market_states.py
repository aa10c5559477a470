"""A market that takes no orders (halted, suspended, closed, expired, terminated), on screen:
its row and the ladder's header say its state, and b, s and F send nothing, in words naming
the state. A market in pre-open takes orders (spec §10's table)."""

from __future__ import annotations

import dataclasses

from tests.conftest import eventually
from tests.desk_fakes import MARKET
from tests.desk_kit import settled
from tests.pilot_kit import fake_desk, told
from tui.core.enums import InstrumentState
from tui.core.state import DeskState
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
