"""`pmdesk demo --user isv` by keys (issue 16): A and Enter switch the account traded, each
view shows that account's orders, the ticket names it, the account panel sums the firm, an
order lands in the account chosen, and K stops every account, each asserted at the exchange."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual.pilot import Pilot

from tests.conftest import eventually, make_venue
from tests.desk_kit import quote
from tests.pilot_kit import cursor_to, pilot_desk, show, ticket_text, told
from tests.test_accounts_exchange import ANN, BEN1, BEN2, HOUSE, SYMBOL, working
from tui.core.config import DeskConfig
from tui.core.enums import Side
from tui.core.limits import Limits
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.screens.picker import MarketPicker
from tui.ui.widgets.account import AccountPanel
from tui.ui.widgets.tables import OrdersTable


@asynccontextmanager
async def isv_desk(sim: SimServer) -> AsyncIterator[tuple[PmdeskApp, Pilot[None]]]:
    quote(sim, SYMBOL)  # Alice: YES 0.40 bid, 0.45 offered
    async with pilot_desk(make_venue(sim, "isv"), DeskConfig(limits=Limits())) as (app, pilot):
        await show(app, pilot, sim, SYMBOL)
        yield app, pilot


async def switch_to(app: PmdeskApp, pilot: Pilot[None], words: str, account: str) -> None:
    await pilot.press("A")
    await eventually(lambda: isinstance(app.screen, MarketPicker), what="the account picker")
    await pilot.press(*words, "enter")
    await eventually(lambda: app.state.account == account and told(app, "Trading"),
                     what=f"trading {account}")


def order_rows(app: PmdeskApp) -> int:
    return app.query_one(OrdersTable).row_count


async def test_a_switches_the_account_and_an_order_lands_in_it(quiet_sim: SimServer) -> None:
    async with isv_desk(quiet_sim) as (app, pilot):
        assert app.state.account == HOUSE
        await switch_to(app, pilot, "ann", ANN)
        await eventually(lambda: "account ann-1" in ticket_text(app),
                         what="the ticket naming Ann's account")
        await cursor_to(app, pilot, 38)
        await pilot.press("b")  # BUY YES 0.38 for Ann
        await eventually(lambda: working(quiet_sim, ANN) == [(Side.BUY, 38, app.order_size)],
                         what="Ann's bid in Ann's account")
        assert working(quiet_sim, HOUSE) == []
        await eventually(lambda: order_rows(app) == 1, what="Ann's order on her blotter")
        await switch_to(app, pilot, "house", HOUSE)
        await eventually(lambda: order_rows(app) == 0, what="the house's blotter: empty")
        assert working(quiet_sim, ANN) != []  # Ann's order works on


async def test_the_account_panel_sums_the_firm(quiet_sim: SimServer) -> None:
    async with isv_desk(quiet_sim) as (app, _pilot):
        panel = app.query_one(AccountPanel)
        await eventually(lambda: panel.values.get("firm, 4 of 4") == "$400,000.00",
                         what="the firm's four balances summed")


async def test_k_stops_every_account(quiet_sim: SimServer) -> None:
    async with isv_desk(quiet_sim) as (app, pilot):
        for words, account in (("ann", ANN), ("ben-2", BEN2)):
            await switch_to(app, pilot, words, account)
            await cursor_to(app, pilot, 37)
            await pilot.press("b")
            await eventually(lambda a=account: working(quiet_sim, a) != [], what="a bid")
        await pilot.press("K")
        await eventually(lambda: all(working(quiet_sim, a) == []
                                     for a in (HOUSE, ANN, BEN1, BEN2)),
                         what="nothing working in any account")
        await eventually(lambda: told(app, "of 4 accounts (house, ann-1, ben-1, ben-2)"),
                         what="the kill switch naming the accounts")


async def test_positions_of_every_account_are_kept_and_the_firm_pnl_sums_them(
        quiet_sim: SimServer) -> None:
    async with isv_desk(quiet_sim) as (app, pilot):
        for words, account in (("ann", ANN), ("ben-1", BEN1)):
            await switch_to(app, pilot, words, account)
            await cursor_to(app, pilot, 45)
            await pilot.press("b")  # lifts Alice's 0.45 offer
            await eventually(lambda a=account: quiet_sim.exchange.position(
                a, SYMBOL).net_position == app.order_size, what="bought")
        state = app.state
        await eventually(lambda: all(state.accounts[a].positions.get(SYMBOL) is not None
                                     and state.accounts[a].positions[SYMBOL].net
                                     == app.order_size for a in (ANN, BEN1)),
                         what="both accounts' positions on the desk, while trading Ben's")
        panel = app.query_one(AccountPanel)
        await eventually(lambda: "firm P&L" in panel.values, what="the firm's P&L")
        await switch_to(app, pilot, "ann", ANN)
        assert state.positions[SYMBOL].net == app.order_size  # shown at once


async def test_ctrl_k_in_the_picker_kills_one_account_alone(quiet_sim: SimServer) -> None:
    async with isv_desk(quiet_sim) as (app, pilot):
        for words, account in (("ann", ANN), ("ben-1", BEN1)):
            await switch_to(app, pilot, words, account)
            await cursor_to(app, pilot, 36)
            await pilot.press("b")
            await eventually(lambda a=account: working(quiet_sim, a) != [], what="a bid")
        await pilot.press("A")
        await eventually(lambda: isinstance(app.screen, MarketPicker), what="the picker")
        await pilot.press(*"ann", "ctrl+k")
        await eventually(lambda: working(quiet_sim, ANN) == [], what="Ann's orders cancelled")
        await eventually(lambda: told(app, "of ann-1"), what="the kill switch naming Ann's")
        assert working(quiet_sim, BEN1) != []  # Ben's bid untouched
        assert app.state.latched and app.state.account == BEN1
