"""ctrl+p: the command palette finds a market by its words and opens its ladder, and finds
an action by name and does what its key does (a buy reaches the exchange)."""

from __future__ import annotations

from textual.command import CommandPalette

from tests.conftest import DEMO_ACCOUNT, eventually, make_venue
from tests.desk_kit import quote
from tests.pilot_kit import pilot_desk
from tui.sim.server import SimServer
from tui.ui.screens.help import HelpScreen

KC_BUF = "AEC-NFL-KC-BUF-2026-11-29"


async def test_the_palette_finds_a_market_and_an_action(quiet_sim: SimServer) -> None:
    quote(quiet_sim, KC_BUF)
    async with pilot_desk(make_venue(quiet_sim)) as (app, pilot):
        await pilot.press("ctrl+p")
        await eventually(lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"chiefs buffalo")  # words of the question, not the symbol
        await pilot.pause(0.5)
        await pilot.press("enter")
        await eventually(lambda: app.symbol == KC_BUF and len(app.screen_stack) == 1,
                         what="the Chiefs' market on the ladder")
        await eventually(lambda: app.cursor_price is not None, what="a cursor")
        await pilot.press("ctrl+p")
        await eventually(lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"buy the ticket")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await eventually(lambda: quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])
                         != [], what="the buy at the exchange, as b would send it")
        await pilot.press("ctrl+p")
        await eventually(lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"every key")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await eventually(lambda: isinstance(app.screen, HelpScreen), what="help, by name")
