"""K latches: the status bar says KILLED and which key re-arms, b is refused in words and
nothing reaches the exchange, R asks first, then trading is back (at the real exchange)."""

from __future__ import annotations

from tests.conftest import DEMO_ACCOUNT, eventually, make_venue
from tests.desk_kit import cent_symbols, quote
from tests.pilot_kit import cursor_to, pilot_desk, step_to, ticket_text, told
from tui.core.config import DeskConfig
from tui.core.limits import Limits
from tui.sim.server import SimServer
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.widgets.status import StatusBar


async def test_k_latches_and_r_rearms_after_a_confirmation(quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol, bid=40, offer=45)
    config = DeskConfig(limits=Limits(), confirm_delay=0.2)
    async with pilot_desk(make_venue(quiet_sim), config, size=(160, 48)) as (app, pilot):
        await step_to(app, pilot, symbol)
        bar = app.query_one(StatusBar)
        mine = lambda: quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])  # noqa: E731
        await cursor_to(app, pilot, 38)
        await pilot.press("b")
        await eventually(mine, what="an order working")

        await pilot.press("K")
        await eventually(lambda: told(app, "Kill switch: nothing working in any market "
                                           "(1 cancelled)."), what="the kill switch's words")
        assert mine() == []
        await eventually(lambda: "KILLED — R re-arms" in str(bar.render()),
                         what="KILLED on the status bar")
        await eventually(lambda: ticket_text(app).count("Kill switch on: R re-arms") == 2,
                         what="the ticket's b and s lines saying so")
        logged = len(quiet_sim.exchange.order_log)
        await pilot.press("b")
        await eventually(lambda: told(app, "Not sent: the kill switch is on"),
                         what="the refusal in words")
        assert len(quiet_sim.exchange.order_log) == logged  # nothing reached the exchange

        await pilot.press("R")
        await eventually(lambda: isinstance(app.screen, ConfirmScreen) and app.screen.armed,
                         what="the re-arm question")
        await pilot.press("enter")
        await eventually(lambda: told(app, "Re-armed"), what="re-armed in words")
        await eventually(lambda: "KILLED" not in str(bar.render())
                         and "Kill switch on" not in ticket_text(app),
                         what="KILLED gone from the status bar and the ticket")
        await pilot.press("b")
        await eventually(mine, what="an order after re-arming")
