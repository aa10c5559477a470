"""The desk on the global CLOB by keys (`pmdesk demo --venue clob`): b, s, t, m, x, K and F,
each asserted at the embedded exchange (its engine and the wallet's tokens), and the
heartbeat's dead-man rule when the desk goes silent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

from textual.pilot import Pilot

from tests.clob_kit import wallet_account, working
from tests.conftest import eventually, make_clob_venue
from tests.desk_kit import quote
from tests.pilot_kit import cursor_to, pilot_desk, step_to, told
from tui.core.config import DeskConfig
from tui.core.enums import Side
from tui.core.limits import Limits
from tui.sim.clob.markets import ClobMarket
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.venues.clob.convert import QTY_SCALE as LOT

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"  # cents, whole contracts
SLUG = SYMBOL.lower()
MARKET = ClobMarket.of(SYMBOL)


def held(sim: SimServer, token: str) -> Decimal:
    return sim.clob.tokens.held(wallet_account(sim), token)


@asynccontextmanager
async def desk(sim: SimServer) -> AsyncIterator[tuple[PmdeskApp, Pilot[None]]]:
    quote(sim, SYMBOL)  # Alice: YES 0.40 bid, 0.45 offered
    config = DeskConfig(limits=Limits(), confirm_delay=0.2)
    async with pilot_desk(make_clob_venue(sim), config) as (app, pilot):
        await step_to(app, pilot, SLUG)
        yield app, pilot


async def confirm(app: PmdeskApp, pilot: Pilot[None]) -> None:
    await eventually(lambda: isinstance(app.screen, ConfirmScreen) and app.screen.armed,
                     what="an armed confirmation")
    await pilot.press("enter")


async def test_b_and_t_place_yes_and_no_then_m_moves_and_x_cancels(quiet_sim: SimServer) -> None:
    async with desk(quiet_sim) as (app, pilot):
        q = app.order_size  # raw: base units of a share
        await cursor_to(app, pilot, 3800)
        await pilot.press("b")  # BUY YES 0.38: rests
        await eventually(lambda: working(quiet_sim) == [(Side.BUY, 38, q // LOT)],
                         what="the YES bid at the exchange")
        await pilot.press("t")  # NO
        await cursor_to(app, pilot, 4700)
        await pilot.press("b")  # BUY NO at 0.53: a YES offer at 0.47 on the engine's book
        await eventually(lambda: (Side.SELL, 47, q // LOT) in working(quiet_sim),
                         what="the NO bid at the exchange")
        await eventually(lambda: len(app.state.working_orders(SLUG)) == 2
                         and all(o.order_id for o in app.state.working_orders(SLUG)),
                         what="both acknowledged")
        await cursor_to(app, pilot, 3800)
        await pilot.press("m", "down", "down", "m")  # the YES bid two ticks lower
        await eventually(lambda: (Side.BUY, 36, q // LOT) in working(quiet_sim)
                         and (Side.BUY, 38, q // LOT) not in working(quiet_sim),
                         what="moved: cancelled at 0.38, working at 0.36")
        await cursor_to(app, pilot, 3600)
        await pilot.press("x")
        await eventually(lambda: working(quiet_sim) == [(Side.SELL, 47, q // LOT)],
                         what="the cursor's order cancelled, the NO bid kept")


async def test_s_without_tokens_is_refused_and_names_the_equivalent_buy(
        quiet_sim: SimServer) -> None:
    async with desk(quiet_sim) as (app, pilot):
        await cursor_to(app, pilot, 4500)
        await pilot.press("s")
        await eventually(lambda: told(app, "selling needs tokens held"),
                         what="the refusal in words")
        assert told(app, "The same exposure: BUY NO")
        assert working(quiet_sim) == []


async def test_a_fill_moves_the_token_and_f_flattens_it_and_k_kills(
        quiet_sim: SimServer) -> None:
    async with desk(quiet_sim) as (app, pilot):
        await pilot.press("t")  # NO
        await cursor_to(app, pilot, 4000)
        await pilot.press("b")  # BUY NO at 0.60 meets Alice's YES bid at 0.40: a mint
        shares = Decimal(app.order_size) / LOT
        await eventually(lambda: held(quiet_sim, MARKET.no_token) == shares,
                         what="NO tokens in the wallet")
        assert held(quiet_sim, MARKET.yes_token) == 0
        await eventually(lambda: (p := app.state.positions.get(SLUG)) is not None
                         and p.no.qty == app.order_size, what="the NO position on the desk")
        await pilot.press("F")
        await confirm(app, pilot)
        await eventually(lambda: held(quiet_sim, MARKET.no_token) == 0,
                         what="flat: the NO tokens sold")
        await pilot.press("t")  # YES
        await cursor_to(app, pilot, 3500)
        await pilot.press("b")
        await eventually(lambda: working(quiet_sim) != [], what="a working bid")
        await pilot.press("K")
        await eventually(lambda: working(quiet_sim) == [], what="kill switch: nothing left")
        await eventually(lambda: told(app, "Kill switch: nothing working"),
                         what="the kill switch in words")


async def test_f_sells_both_tokens_when_both_are_held_in_one_batch(quiet_sim: SimServer) -> None:
    async with desk(quiet_sim) as (app, pilot):
        await cursor_to(app, pilot, 4500)
        await pilot.press("b")  # BUY YES at 0.45 lifts Alice's offer
        await pilot.press("t")  # NO
        await cursor_to(app, pilot, 4000)
        await pilot.press("b")  # BUY NO at 0.60 meets Alice's YES bid: both tokens held
        shares = Decimal(app.order_size) / LOT
        await eventually(lambda: held(quiet_sim, MARKET.yes_token) == shares
                         and held(quiet_sim, MARKET.no_token) == shares, what="YES and NO held")
        await eventually(lambda: (p := app.state.positions.get(SLUG)) is not None
                         and p.yes.qty == p.no.qty == app.order_size and p.net == 0,
                         what="both on the desk: flat net, pairs held")
        before = len(quiet_sim.clob.received)
        await pilot.press("F")
        await confirm(app, pilot)
        await eventually(lambda: held(quiet_sim, MARKET.yes_token) == 0
                         and held(quiet_sim, MARKET.no_token) == 0, what="both tokens sold")
        sent = [(m, path) for m, path, _ in list(quiet_sim.clob.received)[before:]
                if path in ("/order", "/orders")]
        assert sent == [("POST", "/orders")], sent  # the two sales in one request
        await eventually(lambda: (p := app.state.positions.get(SLUG)) is not None
                         and not p.held, what="nothing held on the desk")


async def test_a_silent_desk_has_its_orders_cancelled_and_says_so_when_it_returns(
        quiet_sim: SimServer) -> None:
    quiet_sim.clob.heartbeats.timeout = 1.0
    async with desk(quiet_sim) as (app, pilot):
        venue = app.venue
        venue.heartbeat.timeout = 1.0  # the desk knows the venue's rule
        await cursor_to(app, pilot, 3800)
        await pilot.press("b")
        await eventually(lambda: working(quiet_sim) != [], what="a working bid")
        await venue.heartbeat.stop()  # the desk goes silent: frozen, or cut off
        await eventually(lambda: working(quiet_sim) == [],
                         what="the exchange's heartbeat rule cancelling it")
        venue.heartbeat.start()  # and back
        await eventually(lambda: told(app, "have been cancelled by the exchange"),
                         what="the desk saying so")
        await eventually(lambda: app.state.working_orders(SLUG) == [],
                         what="no order shown working")


async def test_quitting_says_the_heartbeat_will_cancel_what_is_left(
        quiet_sim: SimServer) -> None:
    """"Leave them working" is not what happens on the CLOB: the question says so."""
    from tui.ui.screens.quit import QuitScreen

    async with desk(quiet_sim) as (app, pilot):
        await cursor_to(app, pilot, 3500)
        await pilot.press("b")
        await eventually(lambda: working(quiet_sim) != [], what="a working bid")
        await pilot.press("q")
        await eventually(lambda: isinstance(app.screen, QuitScreen), what="the quit question")
        assert isinstance(app.screen, QuitScreen)
        assert "heartbeat cancels every order" in app.screen.working
        await pilot.press("s")
