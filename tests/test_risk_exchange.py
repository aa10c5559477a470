"""The account's limits and the quit prompt, by keys in the real app, asserted at the
embedded exchange: an order past an account limit never reaches it (its log of my
commands), an order within one does; the daily loss limit leaves nothing of mine working
there; quitting cancels, leaves or stays as the trader chose."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from textual.pilot import Pilot

from tests.conftest import DEMO_ACCOUNT, eventually, venue_via
from tests.desk_kit import ALICE, cent_symbols, mine, my_commands, place, quote, settled
from tests.pilot_kit import cursor_to, footer, pilot_desk, step_to, told
from tui.core.config import DeskConfig
from tui.core.enums import Side
from tui.core.limits import Limit, Limits
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.screens.quit import QuitScreen

LOOSE = Limits()  # no limits: the quit prompt is not about them


@asynccontextmanager
async def desk(sim: SimServer, symbol: str, limits: Limits = LOOSE
               ) -> AsyncIterator[tuple[PmdeskApp, Pilot[None]]]:
    """A desk on the gateway with these limits, on the market `symbol` (found with ] as a
    trader steps to it)."""
    config = DeskConfig(limits=limits, confirm_delay=0.2)
    async with pilot_desk(venue_via(sim, "gateway"), config) as (app, pilot):
        await step_to(app, pilot, symbol)
        yield app, pilot


async def buy_at(app: PmdeskApp, pilot: Pilot[None], price: int, key: str = "b") -> None:
    await cursor_to(app, pilot, price)
    await pilot.press(key)
    await settled(app)


def hard(value: int | str) -> Limit:
    return Limit(Decimal(value), hard=True)


# --- the account limits -----------------------------------------------------------------

@pytest.mark.parametrize(("limits", "words"), [
    (Limits(max_position=hard(15)), "Position in {symbol} would be 20 YES"),  # 10 + 10
    (Limits(max_working_exposure=hard(6)), "Working exposure would be $7.90"),  # 4 + 3.90
    (Limits(max_open_orders=hard(1)), "You would have 2 orders working"),
], ids=["max_position", "max_working_exposure", "max_open_orders"])
async def test_an_order_past_an_account_limit_never_reaches_the_exchange(
        quiet_sim: SimServer, limits: Limits, words: str) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol)  # 0.40 / 0.45
    async with desk(quiet_sim, symbol, limits) as (app, pilot):
        await buy_at(app, pilot, 40)  # 10 at 0.40: within the limit
        await eventually(lambda: mine(quiet_sim) == [(Side.BUY, 40, 10)],
                         what="the order within the limit at the exchange")
        await eventually(lambda: app.state.working_orders() and not any(
            o.is_pending for o in app.state.working_orders()), what="the desk sees it")
        await buy_at(app, pilot, 39)  # 10 more at 0.39: past it
        await eventually(lambda: told(app, words.format(symbol=symbol)), what="the words")
        assert told(app, "limit is")
        assert len(my_commands(quiet_sim, "insert")) == 1
        assert mine(quiet_sim) == [(Side.BUY, 40, 10)]


async def test_the_daily_loss_limit_leaves_nothing_working_at_the_exchange(
        quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    bid = place(quiet_sim, ALICE, symbol, Side.BUY, 40, 100)
    offer = place(quiet_sim, ALICE, symbol, Side.SELL, 45, 100)
    async with desk(quiet_sim, symbol, Limits(max_daily_loss=hard(2))) as (app, pilot):
        await buy_at(app, pilot, 45)  # 10 bought at 0.45; marked at 0.425: -$0.25
        await eventually(lambda: quiet_sim.exchange.position(DEMO_ACCOUNT, symbol)
                         .net_position == 10, what="the fill")
        for price in (85, 90):
            await buy_at(app, pilot, price, "s")  # offers to take profit, resting
        await eventually(lambda: len(mine(quiet_sim)) == 2, what="two offers working")
        assert not told(app, "Daily loss limit")
        for order_id in (bid, offer):  # the market falls away: marked at 0.11, -$3.40
            quiet_sim.exchange.cancel_order(account=ALICE[0], order_id=order_id)
        quote(quiet_sim, symbol, bid=10, offer=12)
        await eventually(lambda: told(app, "Daily loss limit: P&L today -$3.40 is past "
                                      "-$2.00. Kill switch pressed"), what="the words")
        await eventually(lambda: mine(quiet_sim) == [], what="nothing of mine working")
        await eventually(lambda: not app.state.working_orders(), what="the desk agrees")
        # it latched, for this reason: a bid now is refused and never reaches the exchange
        assert app.state.latch == "the daily loss limit was reached"
        inserts = len(my_commands(quiet_sim, "insert"))
        await buy_at(app, pilot, 10)
        await eventually(lambda: told(app, "the kill switch is on (the daily loss limit "
                                      "was reached)"), what="the refusal")
        assert len(my_commands(quiet_sim, "insert")) == inserts


# --- quitting -----------------------------------------------------------------------------

async def rest_two(app: PmdeskApp, pilot: Pilot[None], sim: SimServer) -> None:
    for price in (38, 37):
        await buy_at(app, pilot, price)
    await eventually(lambda: len(mine(sim)) == 2, what="two bids working")
    await eventually(lambda: len(app.state.working_orders()) == 2
                     and not any(o.is_pending for o in app.state.working_orders()),
                     what="the desk sees them")


async def test_cancel_and_quit_leaves_nothing_working_at_the_exchange(
        quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await rest_two(app, pilot, quiet_sim)
        await pilot.press("q")
        await eventually(lambda: isinstance(app.screen, QuitScreen), what="the quit prompt")
        assert app.screen.working == "2 orders are working in 1 market."  # type: ignore[attr-defined]
        await pilot.press("c")
        await eventually(lambda: app.return_code is not None, what="the app exiting")
    assert app.return_code == 0
    assert mine(quiet_sim) == []


async def test_stay_keeps_the_app_and_the_orders(quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await rest_two(app, pilot, quiet_sim)
        await pilot.press("q")
        await eventually(lambda: isinstance(app.screen, QuitScreen), what="the quit prompt")
        await pilot.press("s")
        await eventually(lambda: not isinstance(app.screen, QuitScreen), what="prompt gone")
        await eventually(lambda: "q Quit" in footer(app), what="q back in the footer")
        await settled(app)
        assert app.return_code is None and app.is_running
        assert len(mine(quiet_sim)) == 2 and my_commands(quiet_sim, "cancel") == []
        await buy_at(app, pilot, 36)  # still trading
        await eventually(lambda: len(mine(quiet_sim)) == 3, what="a third bid")


async def test_with_nothing_working_quit_does_not_ask(quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("q")
        await eventually(lambda: app.return_code is not None, what="the app exiting")
        assert not isinstance(app.screen, QuitScreen)
