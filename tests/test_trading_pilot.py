"""Every order type, time in force, intent, modify and cancel, by keys, against the exchange.

Each test presses keys in the real app connected to the real embedded exchange and then
asserts what the exchange itself holds (its open orders, positions, order log).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from textual.pilot import Pilot

from tests.conftest import DEMO_ACCOUNT, eventually, venue_via
from tests.desk_kit import ALICE, my_commands, settled
from tests.desk_kit import cent_symbols as _symbols
from tests.desk_kit import mine as _mine
from tests.desk_kit import quote as _quote
from tests.pilot_kit import (
    cursor_to,
    pilot_desk,
    step_to,
    ticket_parts,
    ticket_text,
    told,
)
from tui.core.config import DeskConfig
from tui.core.enums import OrderState, Side, TimeInForce
from tui.core.limits import Limit, Limits
from tui.sim.model import SimOrder
from tui.sim.retail.api import slug_of
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.widgets.tables import OrdersTable

LOOSE = Limits()  # no limits: tests of order types are not about limits


def _my_orders(sim: SimServer) -> list[SimOrder]:
    return sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])


@asynccontextmanager
async def desk(sim: SimServer, symbol: str, limits: Limits = LOOSE, via: str = "gateway",
               keymap: dict[str, str] | None = None
               ) -> AsyncIterator[tuple[PmdeskApp, Pilot[None]]]:
    """A desk on the exchange's market `symbol`, trading through the gateway's protocol
    (four gRPC streams) or the retail API's (two WebSockets; markets named by slug); the
    market found with ] as a trader steps to it."""
    # the shortest arming delay: what a confirmation guards is tested with its own
    config = DeskConfig(limits=limits, confirm_delay=0.2, keymap=keymap or {})
    symbol = slug_of(symbol) if via == "retail" else symbol
    async with pilot_desk(venue_via(sim, via), config) as (app, pilot):
        await step_to(app, pilot, symbol)
        app.ladder.set_cursor(app.state.books[symbol].best_bid or 50)
        yield app, pilot


async def test_each_intent_rests_on_the_right_side_and_price(
        quiet_sim: SimServer, via: str) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol, via=via) as (app, pilot):
        q = app.order_size
        await pilot.press("b")  # BUY YES 0.40
        await cursor_to(app, pilot, 43)
        await pilot.press("s")  # SELL YES 0.43
        await pilot.press("t")
        await cursor_to(app, pilot, 44)
        await pilot.press("b")  # BUY NO 0.56 = SELL YES 0.44
        await cursor_to(app, pilot, 41)
        await pilot.press("s")  # SELL NO 0.59 = BUY YES 0.41
        await eventually(lambda: _mine(quiet_sim) == [
            (Side.BUY, 40, q), (Side.BUY, 41, q), (Side.SELL, 43, q), (Side.SELL, 44, q)],
            what="four intents at the exchange")


async def test_market_order_takes_liquidity_within_slippage(
        quiet_sim: SimServer, via: str) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol, via=via) as (app, pilot):
        await pilot.press("o")  # MARKET
        await pilot.press("b")
        await eventually(lambda: quiet_sim.exchange.position(DEMO_ACCOUNT, symbol)
                         .net_position == app.order_size, what="the market buy filled")
        assert _mine(quiet_sim) == []  # IOC: nothing rests
        (cmd,) = my_commands(quiet_sim, "insert")
        assert cmd.params["tif"] is TimeInForce.IMMEDIATE_OR_CANCEL
        assert cmd.params["price"] == 45 + app.config.slippage.ticks  # worst price allowed


async def test_cash_sized_market_buy(
        quiet_sim: SimServer, via: str) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol, via=via) as (_, pilot):
        await pilot.press("dollar_sign")  # $25 of YES at 0.45 buys 55 contracts
        await pilot.press("b")
        await eventually(lambda: quiet_sim.exchange.position(DEMO_ACCOUNT, symbol)
                         .net_position == 55, what="55 contracts for $25")


async def test_gtd_carries_its_expiry_and_ioc_fok_never_rest(quiet_sim: SimServer) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol, qty=5)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("i", "i")  # GTD 1 minute, then 5 minutes
        await pilot.press("b")
        order = (await eventually(lambda: _my_orders(quiet_sim), what="the GTD order"))[0]
        assert order.tif is TimeInForce.GOOD_TILL_TIME and order.good_till_time is not None
        assert 250 < order.good_till_time - quiet_sim.exchange.clock() < 310
        await pilot.press("X")
        await eventually(lambda: not _my_orders(quiet_sim), what="GTD cancelled")

        for _ in range(3):  # past GTD's other lifetimes to IOC
            await pilot.press("i")
        assert app.desk.ticket.tif is TimeInForce.IMMEDIATE_OR_CANCEL
        await pilot.press("b")  # IOC at the bid: nothing to trade with, expires at once
        await eventually(lambda: any(c.params["tif"] is TimeInForce.IMMEDIATE_OR_CANCEL
                                     for c in my_commands(quiet_sim, "insert")),
                         what="the IOC at the exchange")
        await pilot.press("i")  # FOK for 10 against 5 offered: NEW then EXPIRED, no fill
        await cursor_to(app, pilot, 45)
        await pilot.press("b")
        await eventually(lambda: any(o.state is OrderState.EXPIRED and o.cum_qty == 0
                                     for o in app.state.orders.values()
                                     if o.symbol == symbol and o.price == 45),
                         what="the FOK expired unfilled")
        assert _my_orders(quiet_sim) == []
        assert quiet_sim.exchange.position(DEMO_ACCOUNT, symbol).net_position == 0


async def test_post_only_that_would_cross_is_refused(
        quiet_sim: SimServer, via: str) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol, via=via) as (app, pilot):
        await pilot.press("p")
        await cursor_to(app, pilot, 45)
        # the exchange's preview, under the ticket's buy line, says why before anything is sent
        await eventually(lambda: "✕ Refused: post-only would cross the book"
                         in " ".join(" ".join(ticket_parts(app)["buy"]).split()),
                         what="the preview's refusal on the ticket")
        await pilot.press("b")
        crossed = "rejected: post-only would have crossed the book and taken liquidity."
        await eventually(lambda: any(crossed in n.text for n in app.state.notices),
                         what="the post-only reject in words")
        table = app.query_one(OrdersTable)
        await eventually(lambda: any("rejected: post-only would have crossed" in
                                     " ".join(str(c) for c in table.get_row_at(i))
                                     for i in range(table.row_count)),
                         what="the reject on the order's row")
        assert "malformed" not in ticket_text(app) + " ".join(
            str(n.message) for n in app._notifications)
        assert _mine(quiet_sim) == []
        assert quiet_sim.exchange.position(DEMO_ACCOUNT, symbol).net_position == 0


async def test_move_and_resize_a_working_order(
        quiet_sim: SimServer, via: str) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol, via=via) as (app, pilot):
        q = app.order_size
        await pilot.press("b")
        await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 40, q)], what="the order")
        await eventually(lambda: app.ladder.orders_at(40) and
                         app.ladder.orders_at(40)[0].order_id, what="acknowledged")
        await pilot.press("m", "down", "down", "m")  # two ticks lower
        await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 38, q)], what="moved")
        await eventually(lambda: told(app, f"Moving BUY YES {q} from 0.40 to 0.38 in "
                                           f"{app.symbol}."), what="the move in words")
        await cursor_to(app, pilot, 38)
        await eventually(lambda: app.ladder.orders_at(38) and not
                         app.ladder.orders_at(38)[0].is_pending, what="new order working")
        await pilot.press("greater_than_sign")  # one size step more: 10 is followed by 25
        await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 38, 25)], what="resized")
        await eventually(lambda: told(app, f"Changing BUY YES at 0.38 from {q} to 25 in "
                                           f"{app.symbol}."), what="the resize in words")
        assert not told(app, "Change sent.")


async def test_every_cancel_variant(
        quiet_sim: SimServer, via: str) -> None:
    here, there = _symbols(quiet_sim)[:2]
    for s in (here, there):
        _quote(quiet_sim, s)
    async with desk(quiet_sim, here, via=via) as (app, pilot):
        async def orders_both_sides() -> None:
            await cursor_to(app, pilot, 39)
            await pilot.press("b")
            await cursor_to(app, pilot, 46)
            await pilot.press("s")
            await eventually(lambda: {s for s, _, _ in _mine(quiet_sim, here)} ==
                             {Side.BUY, Side.SELL}, what="a bid and an offer")

        await orders_both_sides()
        await pilot.press("comma")  # my bids here
        await eventually(lambda: [s for s, _, _ in _mine(quiet_sim, here)] == [Side.SELL],
                         what="bids cancelled, offer kept")
        await eventually(lambda: told(app, f"Cancelled 1 bid in {app.symbol}; none working."),
                         what="the bids cancel in words")
        await pilot.press("full_stop")  # my offers here
        await eventually(lambda: _mine(quiet_sim, here) == [], what="offers cancelled")
        await eventually(lambda: told(app, f"Cancelled 1 offer in {app.symbol}; none working."),
                         what="the offers cancel in words")
        await pilot.press("comma")
        await eventually(lambda: told(app, f"No working bids in {app.symbol}."),
                         what="nothing to cancel, in words")

        await orders_both_sides()
        await cursor_to(app, pilot, 46)
        await pilot.press("x")  # at the cursor
        await eventually(lambda: [s for s, _, _ in _mine(quiet_sim, here)] == [Side.BUY],
                         what="the cursor's order cancelled")
        await pilot.press("X")  # all in this market
        await eventually(lambda: _mine(quiet_sim, here) == [], what="market cancelled")

        # an order in another market, then the kill switch takes everything everywhere
        quiet_sim.exchange.insert_order(account=DEMO_ACCOUNT,
                                        participant="firms/DEMO/users/demo", symbol=there,
                                        side=Side.BUY, price=30, order_qty=1,
                                        clord_id="elsewhere")
        await orders_both_sides()
        await pilot.press("K")
        await eventually(lambda: _mine(quiet_sim) == [], what="kill switch: nothing left")
        await eventually(lambda: told(
            app, "Kill switch: nothing working in any market (3 cancelled)."),
            what="the kill switch in words")
        assert len(quiet_sim.exchange.open_orders(accounts=[ALICE[0]])) == 4  # not theirs


async def _confirm(app: PmdeskApp, pilot: Pilot[None]) -> None:
    await eventually(lambda: isinstance(app.screen, ConfirmScreen) and app.screen.armed,
                     what="an armed confirmation")
    await pilot.press("enter")


async def test_a_confirmation_cannot_be_taken_while_it_arms(quiet_sim: SimServer) -> None:
    """A key held down (or pressed in a hurry) right after the dialog opens sends nothing."""
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol, Limits(max_qty=Limit(Decimal(5), hard=False))) as (
            app, pilot):
        app.config = dataclasses.replace(app.config, confirm_delay=5.0)
        await pilot.press("b")
        await eventually(lambda: isinstance(app.screen, ConfirmScreen), what="a question")
        await pilot.press("enter", "y", "enter", "y")
        assert isinstance(app.screen, ConfirmScreen) and not app.screen.armed
        await settled(app)
        assert my_commands(quiet_sim) == []


async def test_flatten_cancels_and_closes_after_a_confirmation(
        quiet_sim: SimServer, via: str) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol, via=via) as (app, pilot):
        await cursor_to(app, pilot, 45)
        await pilot.press("b")  # crosses: long YES
        await eventually(lambda: app.state.positions.get(app.symbol) is not None
                         and app.state.positions[app.symbol].net == app.order_size,
                         what="long YES")
        await cursor_to(app, pilot, 38)
        await pilot.press("b")  # and a working bid
        await eventually(lambda: _mine(quiet_sim, symbol), what="the working bid")
        await pilot.press("F")
        await _confirm(app, pilot)
        await eventually(lambda: _mine(quiet_sim, symbol) == [] and quiet_sim.exchange
                         .position(DEMO_ACCOUNT, symbol).net_position == 0, what="flat")


async def test_hard_limit_refuses_and_nothing_reaches_the_exchange(
        quiet_sim: SimServer) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    limits = Limits(max_qty=Limit(Decimal(5), hard=True))
    async with desk(quiet_sim, symbol, limits) as (app, pilot):
        assert app.order_size == 10
        await pilot.press("b", "s", "t", "b", "s")
        await eventually(lambda: any("hard limit" in str(n.message)
                                     for n in app._notifications), what="the refusal")
        await settled(app)
        assert my_commands(quiet_sim) == []


async def test_soft_limit_asks_and_sends_only_on_confirm(quiet_sim: SimServer) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    limits = Limits(max_qty=Limit(Decimal(5), hard=False))
    async with desk(quiet_sim, symbol, limits) as (app, pilot):
        await pilot.press("b")
        await eventually(lambda: isinstance(app.screen, ConfirmScreen), what="a question")
        shown = str(app.screen.request_text)
        assert '"order_qty": "10"' in shown and '"price": "40"' in shown  # the exact request
        await pilot.press("escape")
        await settled(app)
        assert my_commands(quiet_sim) == []
        await pilot.press("b")
        await _confirm(app, pilot)
        await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 40, 10)], what="sent")


async def test_self_match_is_named_and_needs_a_confirmation(quiet_sim: SimServer) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol, bid=30, offer=70)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("t")
        await cursor_to(app, pilot, 60)
        await pilot.press("b")  # BUY NO 0.40 rests as SELL YES 0.60
        await eventually(lambda: _mine(quiet_sim) == [(Side.SELL, 60, app.order_size)],
                         what="my NO bid")
        await pilot.press("t", "b")  # BUY YES 0.60 would trade with it
        await eventually(lambda: isinstance(app.screen, ConfirmScreen), what="the warning")
        warnings: Callable[[], list[str]] = lambda: app.screen.warnings  # noqa: E731
        assert any("your own BUY NO 0.40" in w for w in warnings())
        await pilot.press("n")
        await settled(app)
        assert _mine(quiet_sim) == [(Side.SELL, 60, app.order_size)]
        assert len(my_commands(quiet_sim, "insert")) == 1


async def test_a_keymap_from_the_config_moves_a_binding(quiet_sim: SimServer) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    keymap = {"buy": "g", "kill_switch": "ctrl+k"}
    async with desk(quiet_sim, symbol, keymap=keymap) as (app, pilot):
        await pilot.press("b")  # no longer buys
        await settled(app)
        assert my_commands(quiet_sim) == []
        await pilot.press("g")
        await eventually(lambda: len(_mine(quiet_sim)) == 1, what="g buys")
        await pilot.press("ctrl+k")
        await eventually(lambda: _mine(quiet_sim) == [], what="ctrl+k kills")
        await pilot.press("question_mark")
        rows = dict((action, keys) for keys, action in app.screen.rows)  # type: ignore[attr-defined]
        assert rows["Buy the ticket's outcome (YES or NO) at the cursor, ticket size"] == "g"


@pytest.mark.parametrize("limits", [
    Limits(max_qty=Limit(Decimal(5), hard=True)),
    Limits(max_notional=Limit(Decimal(2), hard=True)),  # 10 x 0.40 = $4
    Limits(max_ticks_from_mid=Limit(Decimal(3), hard=True)),
], ids=["max_qty", "max_notional", "max_ticks_from_mid"])
async def test_each_hard_limit_refuses_by_keys(quiet_sim: SimServer, limits: Limits) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol, bid=40, offer=50)
    async with desk(quiet_sim, symbol, limits) as (app, pilot):
        await cursor_to(app, pilot, 36)  # 9 ticks under the 0.45 mid
        await pilot.press("b", "t", "s")
        await eventually(lambda: any("hard limit" in str(n.message) or "limit is" in
                                     str(n.message) for n in app._notifications),
                         what="the refusal in words")
        await settled(app)
        assert my_commands(quiet_sim) == []


async def test_market_order_into_an_empty_side_is_refused_by_the_desk(
        quiet_sim: SimServer) -> None:
    symbol = _symbols(quiet_sim)[0]
    quiet_sim.exchange.insert_order(account=ALICE[0], participant=ALICE[1], symbol=symbol,
                                    side=Side.BUY, price=40, order_qty=10)  # bids only
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("o", "b")  # buy YES at market: there is nothing offered
        await eventually(lambda: any("no YES offers" in str(n.message)
                                     for n in app._notifications), what="the reason")
        await settled(app)
        assert my_commands(quiet_sim) == []


async def test_size_presets_on_number_keys(quiet_sim: SimServer) -> None:
    symbol = _symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("2")
        assert app.order_size == 5  # the second default preset, in contracts
        await pilot.press("5", "b")
        await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 40, 100)], what="100 sent")
