"""Every ladder key (tui/ui/bindings.py DESK_BINDINGS) has a Pilot test; this file closes the gaps.

Where each binding id is tested (COVERAGE below is the checked copy of this list):

tests/test_trading_pilot.py
    buy, sell, toggle_outcome (every intent rests on the right YES side and price),
    order_kind (market order within slippage), tif (GTD expiry, IOC, FOK), post_only (a
    crossing post-only is refused), cash_mode ($25 market buy), cancel_here, cancel_market,
    cancel_bids, cancel_offers, kill_switch (every cancel variant), flatten (long YES),
    move, order_size_up (move and resize), preset_2, preset_5
tests/test_kill_latch_pilot.py
    kill_switch, rearm (K latches: KILLED on the status bar, b refused; R asks, then trades)
tests/test_ladder_follow.py
    recentre (c follows a market that left the view the trader scrolled to with page_up and
    the mouse wheel; the key as remapped), cursor_down (the cursor kept in sight)
tests/test_accounts_pilot.py
    pick_account (A lists the login's accounts; Enter trades the one chosen)
tests/test_order_terms.py
    retime (e gives a resting order the ticket's terms, at the exchange)
tests/test_palette.py
    command_palette (ctrl+p finds a market by its words and an action by name)
tests/test_privacy.py
    privacy (P masks balances, P&L and account ids on screen and in a screenshot; P again
    shows them)
tests/test_themes.py
    pick_theme (T lists the themes, Enter wears one, the desk repaints and it is kept)
tests/test_app_pilot.py
    blotter_view (f shows the fills), best_bid, best_offer (h / l on a fixed quote),
    pick_market (/ finds a market), help (? lists every key, blocks trading keys)
this file
    size_up, size_down (+ = - in contracts and in dollars), preset_1 .. preset_9,
    order_kind (o twice: a resting limit again), tif (the whole i cycle at the exchange),
    post_only (a post-only order rests as one; p again turns it off), cash_mode,
    cancel_bids, cancel_offers (NO intents: a SELL NO is a bid, a BUY NO an offer),
    flatten (a NO position; declining sends nothing), order_size_down (<), move and
    escape (Esc drops a picked-up order), blotter_view (f cycles positions, fills,
    trades), recentre (c), cumulative_depth (d), ladder_columns (v), auto_recentre (a),
    best_bid, best_offer (h / l follow the exchange's book, one-sided books), cursor_up,
    cursor_down, page_up, page_down (up k down j pageup pagedown, tick sizes, clamping),
    prev_market, next_market ([ ] through every market and back), next_ladder (w: b and s
    trade in the next ladder's market), quit, quit_ctrl_c (q; ctrl+c from inside the
    picker; working orders stay at the exchange)

Trading keys assert the embedded exchange's own state (open orders, positions, order log);
navigation keys assert the cursor price or the market exactly, against the exchange's book.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.pilot import Pilot

from tests.conftest import DEMO_ACCOUNT, eventually, make_venue
from tests.desk_kit import ALICE, markets, my_commands, place, settled
from tests.desk_kit import mine as _mine
from tests.desk_kit import quote as _quote
from tests.pilot_kit import book_is_current, cursor_to, footer, pilot_desk, show, told
from tui.core.config import DeskConfig
from tui.core.enums import OrderState, OrderType, Side, TimeInForce
from tui.core.limits import Limits
from tui.core.prices import Outcome
from tui.sim.model import SimOrder
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.bindings import DESK_BINDINGS
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.picker import MarketPicker
from tui.ui.screens.quit import QuitScreen
from tui.ui.widgets.account import AccountPanel
from tui.ui.widgets.history import OrderHistoryTable
from tui.ui.widgets.markets import MarketList

TESTS = Path(__file__).parent
HERE = "test_ladder_keys.py"
TRADING = "test_trading_pilot.py"
APP = "test_app_pilot.py"
FOLLOW = "test_ladder_follow.py"
LATCH = "test_kill_latch_pilot.py"

# binding id -> the tests (file::function) that press that key; test_every_binding_... checks it
COVERAGE: dict[str, tuple[str, ...]] = {
    "buy": (f"{TRADING}::test_each_intent_rests_on_the_right_side_and_price",),
    "sell": (f"{TRADING}::test_each_intent_rests_on_the_right_side_and_price",),
    "toggle_outcome": (f"{TRADING}::test_each_intent_rests_on_the_right_side_and_price",),
    "size_up": (f"{HERE}::test_plus_equals_and_minus_step_the_size_sent",
                f"{HERE}::test_plus_and_minus_step_the_dollars_in_cash_mode"),
    "size_down": (f"{HERE}::test_plus_equals_and_minus_step_the_size_sent",
                  f"{HERE}::test_plus_and_minus_step_the_dollars_in_cash_mode"),
    **{f"preset_{n}": (f"{HERE}::test_every_preset_key_sends_its_size",)
       for n in range(1, 10)},
    "order_kind": (f"{TRADING}::test_market_order_takes_liquidity_within_slippage",
                   f"{HERE}::test_o_twice_sends_a_resting_limit_again"),
    "tif": (f"{TRADING}::test_gtd_carries_its_expiry_and_ioc_fok_never_rest",
            f"{HERE}::test_i_cycles_every_time_in_force_to_the_exchange"),
    "post_only": (f"{TRADING}::test_post_only_that_would_cross_is_refused",
                  f"{HERE}::test_p_rests_a_post_only_order_and_p_again_turns_it_off"),
    "cash_mode": (f"{TRADING}::test_cash_sized_market_buy",
                  f"{HERE}::test_plus_and_minus_step_the_dollars_in_cash_mode"),
    "cancel_here": (f"{TRADING}::test_every_cancel_variant",),
    "cancel_market": (f"{TRADING}::test_every_cancel_variant",),
    "cancel_bids": (f"{TRADING}::test_every_cancel_variant",
                    f"{HERE}::test_comma_and_full_stop_sort_no_intents_into_bids_and_offers"),
    "cancel_offers": (f"{TRADING}::test_every_cancel_variant",
                      f"{HERE}::test_comma_and_full_stop_sort_no_intents_into_bids_and_offers"),
    "kill_switch": (f"{TRADING}::test_every_cancel_variant",
                    f"{LATCH}::test_k_latches_and_r_rearms_after_a_confirmation"),
    "rearm": (f"{LATCH}::test_k_latches_and_r_rearms_after_a_confirmation",),
    "flatten": (f"{TRADING}::test_flatten_cancels_and_closes_after_a_confirmation",
                f"{HERE}::test_flatten_closes_a_no_position_and_declining_sends_nothing"),
    "move": (f"{TRADING}::test_move_and_resize_a_working_order",
             f"{HERE}::test_escape_drops_an_order_picked_up_to_move"),
    "order_size_up": (f"{TRADING}::test_move_and_resize_a_working_order",),
    "order_size_down": (f"{HERE}::test_less_than_takes_a_step_off_my_order",),
    "blotter_view": (
        f"{APP}::test_a_resting_order_fills_and_the_position_shows",
        f"{HERE}::test_f_cycles_the_blotter_through_positions_fills_trades_and_history"),
    "recentre": (f"{HERE}::test_c_recentres_on_the_exchanges_inside_market",
                 f"{FOLLOW}::test_scrolled_away_the_header_says_where_the_market_went_and_c_follows",
                 f"{FOLLOW}::test_the_header_names_the_key_that_follows_as_the_trader_bound_it"),
    "cumulative_depth": (f"{HERE}::test_d_sums_the_exchanges_depth_from_the_inside",),
    "ladder_columns": (f"{HERE}::test_v_rotates_the_optional_columns_on_every_ladder",),
    "auto_recentre": (f"{HERE}::test_a_keeps_the_exchanges_inside_mid_ladder",),
    "best_bid": (f"{APP}::test_cursor_jumps_to_best_bid_and_offer",
                 f"{HERE}::test_h_and_l_follow_the_exchanges_best_prices"),
    "best_offer": (f"{APP}::test_cursor_jumps_to_best_bid_and_offer",
                   f"{HERE}::test_h_and_l_follow_the_exchanges_best_prices"),
    "cursor_up": (f"{HERE}::test_cursor_keys_move_by_the_exchanges_tick",),
    "cursor_down": (f"{HERE}::test_cursor_keys_move_by_the_exchanges_tick",
                    f"{FOLLOW}::test_recentring_keeps_the_cursor_in_sight_when_both_fit"),
    "page_up": (f"{HERE}::test_cursor_keys_move_by_the_exchanges_tick",
                f"{FOLLOW}::test_scrolled_away_the_header_says_where_the_market_went_and_c_follows"),
    "page_down": (f"{HERE}::test_cursor_keys_move_by_the_exchanges_tick",),
    "prev_market": (f"{HERE}::test_brackets_step_through_every_market_and_back",),
    "next_market": (f"{HERE}::test_brackets_step_through_every_market_and_back",),
    "next_ladder": (f"{HERE}::test_w_makes_the_next_ladder_the_one_that_trades",),
    "pick_market": (f"{APP}::test_slash_finds_a_market_by_its_description",),
    "escape": (f"{HERE}::test_escape_drops_an_order_picked_up_to_move",),
    "help": (f"{APP}::test_help_shows_every_key_and_blocks_trading_keys",),
    "quit": (f"{HERE}::test_quit_keys_ask_and_leave_keeps_orders_working",),
    "quit_ctrl_c": (f"{HERE}::test_quit_keys_ask_and_leave_keeps_orders_working",),
    "pick_account": ("test_accounts_pilot.py::"
                     "test_a_switches_the_account_and_an_order_lands_in_it",),
    "retime": ("test_order_terms.py::test_e_gives_a_resting_order_the_tickets_terms",),
    "command_palette": ("test_palette.py::test_the_palette_finds_a_market_and_an_action",),
    "privacy": ("test_privacy.py::test_p_masks_money_and_accounts_on_screen_and_in_screenshots",),
    "pick_theme": ("test_themes.py::test_t_picks_a_theme_repaints_the_desk_and_keeps_it",),
}



def test_every_binding_has_a_pilot_test_listed() -> None:
    assert all(isinstance(b, Binding) and b.id for b in DESK_BINDINGS), "each needs an id"
    ids = {str(b.id) for b in DESK_BINDINGS if isinstance(b, Binding)}
    assert ids == set(COVERAGE), (
        f"bindings without a test in COVERAGE: {sorted(ids - set(COVERAGE))}; "
        f"COVERAGE entries with no binding: {sorted(set(COVERAGE) - ids)}")
    for binding_id, refs in COVERAGE.items():
        assert refs, binding_id
        named = "preset_1 .. preset_9" if binding_id.startswith("preset_") else binding_id
        assert re.search(rf"\b{re.escape(named)}\b", __doc__ or ""), (
            f"{binding_id} is not in the docstring's list")
        for ref in refs:
            path, name = ref.split("::")
            source = (TESTS / path).read_text(encoding="utf-8")
            assert re.search(rf"^(async )?def {name}\(", source, re.M), f"{ref} does not exist"


# --- the desk on the embedded exchange ----------------------------------------------------------

def _net(sim: SimServer, symbol: str) -> int:
    return sim.exchange.position(DEMO_ACCOUNT, symbol).net_position


def _inserted(sim: SimServer) -> list[SimOrder]:
    """The exchange's records of the orders I inserted, in order (ended ones too)."""
    found = [sim.exchange.order(c.order_id) for c in my_commands(sim, "insert") if c.order_id]
    return [o for o in found if o is not None]


@asynccontextmanager
async def desk(sim: SimServer, symbol: str, config: DeskConfig | None = None,
               size: tuple[int, int] = (120, 36)
               ) -> AsyncIterator[tuple[PmdeskApp, Pilot[None]]]:
    """The app live on `symbol` (put there directly, not by keys); the cursor on the inside."""
    config = config or DeskConfig(limits=Limits(), confirm_delay=0.2)
    async with pilot_desk(make_venue(sim), config, size) as (app, pilot):
        await _settle(app, pilot)  # the market list's first highlight handled: it follows
        await show(app, pilot, sim, symbol)
        await _settle(app, pilot)
        assert app.symbol == symbol
        assert app.symbol == symbol
        yield app, pilot


async def _settle(app: PmdeskApp, pilot: Pilot[None]) -> None:
    """Until the market list highlights the ladder's market and its messages are handled."""
    markets = app.query_one(MarketList)
    await eventually(lambda: app.symbol in markets.symbols and markets.options.highlighted
                     == markets.symbols.index(str(app.symbol)), what="the list on the market")
    for _ in range(3):  # list -> market list -> app: one hop per round
        await pilot.pause()


async def _acked(app: PmdeskApp, price: int) -> None:
    await eventually(lambda: any(not o.is_pending for o in app.ladder.orders_at(price)),
                     what=f"my order at {price} acknowledged on the ladder")


# --- ticket size: + = - and 1-9 -------------------------------------------------------------

async def test_plus_equals_and_minus_step_the_size_sent(quiet_sim: SimServer) -> None:
    """The size ladder (config size_steps): from 10, + is 25, not 11."""
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        assert app.order_size == 10
        steps = [("plus", 40, 25), ("equals_sign", 39, 50), ("minus", 38, 25)]
        for key, price, qty in steps:
            await pilot.press(key)
            await cursor_to(app, pilot, price)
            await pilot.press("b")
            await eventually(lambda p=price, q=qty: (Side.BUY, p, q) in _mine(quiet_sim),
                             what=f"{key}: BUY {qty} at {price} at the exchange")
        await pilot.press(*["minus"] * 20)  # never below the market's minimum
        await cursor_to(app, pilot, 37)
        await pilot.press("b")
        minimum = quiet_sim.exchange.instruments[symbol].scales.min_qty
        await eventually(lambda: _mine(quiet_sim) == [
            (Side.BUY, 37, minimum), *[(Side.BUY, p, q) for _, p, q in reversed(steps)]],
            what="the minimum size at the exchange")


async def test_plus_and_minus_step_the_dollars_in_cash_mode(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol, qty=1000)  # offered at 0.45
    async with desk(quiet_sim, symbol) as (_, pilot):
        await pilot.press("dollar_sign", "plus")  # $25 + $5 = $30 of YES at 0.45: 66
        await pilot.press("b")
        await eventually(lambda: _net(quiet_sim, symbol) == 66, what="66 contracts for $30")
        await pilot.press("minus", "minus")  # $20 at 0.45: 44 more
        await pilot.press("b")
        await eventually(lambda: _net(quiet_sim, symbol) == 110, what="44 more for $20")
        assert _mine(quiet_sim) == []  # market buys: nothing rests
        sent = _inserted(quiet_sim)  # the cash as the exchange took it: $ x price_scale
        assert [(o.tif, o.cash_order_qty) for o in sent] == [
            (TimeInForce.IMMEDIATE_OR_CANCEL, 3000), (TimeInForce.IMMEDIATE_OR_CANCEL, 2000)]


async def test_dollar_twice_puts_the_ticket_back_on_limit_orders(
        quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)  # bid 0.40, offered at 0.45
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("dollar_sign", "dollar_sign")  # a stray $, undone
        await cursor_to(app, pilot, 38)
        await pilot.press("b")
        await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 38, 10)],
                         what="a limit bid resting at 0.38, not a market buy")
        panel = app.query_one(AccountPanel)
        # "at once": well before the balance refresh, every 10 s, would repaint the panel
        await eventually(lambda: panel.values["open orders"] == "1", within=5.0,
                         what="the account panel counting the working order at once")


PRESETS = [1, 2, 3, 4, 6, 7, 8, 9, 11]  # none is the ticket's default 10


async def test_every_preset_key_sends_its_size(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    config = DeskConfig(limits=Limits(), size_presets=[Decimal(n) for n in PRESETS])
    async with desk(quiet_sim, symbol, config) as (app, pilot):
        for n in range(1, 10):
            await pilot.press(str(n))
            await cursor_to(app, pilot, 40 - n)
            await pilot.press("b")
        await eventually(lambda: _mine(quiet_sim) == sorted(
            (Side.BUY, 40 - n, PRESETS[n - 1]) for n in range(1, 10)),
            what="one order per preset key, each of its size, at the exchange")


# --- order type, time in force, post-only ---------------------------------------------------

async def test_o_twice_sends_a_resting_limit_again(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("o", "o")  # market, then limit again
        await cursor_to(app, pilot, 38)
        await pilot.press("b")
        await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 38, 10)],
                         what="a limit bid resting at 0.38")
        (order,) = _inserted(quiet_sim)
        assert (order.type, order.tif) == (OrderType.LIMIT, TimeInForce.GOOD_TILL_CANCEL)
        assert _net(quiet_sim, symbol) == 0


# the ticket starts GTC; each i press, then the order b sends
TIF_CYCLE = [
    (TimeInForce.GOOD_TILL_TIME, 60),
    (TimeInForce.GOOD_TILL_TIME, 300),
    (TimeInForce.GOOD_TILL_TIME, 900),
    (TimeInForce.GOOD_TILL_TIME, 3600),
    (TimeInForce.IMMEDIATE_OR_CANCEL, None),
    (TimeInForce.FILL_OR_KILL, None),
    (TimeInForce.GOOD_TILL_CANCEL, None),
    (TimeInForce.GOOD_TILL_TIME, 60),
]


async def test_i_cycles_every_time_in_force_to_the_exchange(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        for n, (tif, seconds) in enumerate(TIF_CYCLE):
            await pilot.press("i")
            await cursor_to(app, pilot, 39 - n)  # under the bid: nothing trades
            await pilot.press("b")
            order = (await eventually(lambda n=n: len(_inserted(quiet_sim)) > n and
                                      _inserted(quiet_sim)[n], what=f"order {n + 1}"))
            assert isinstance(order, SimOrder) and order.price == 39 - n
            assert order.tif is tif, f"press {n + 1}"
            if seconds is None:
                assert order.good_till_time is None
            else:
                assert order.good_till_time is not None
                left = order.good_till_time - quiet_sim.exchange.clock()
                assert seconds - 30 < left <= seconds + 1, f"press {n + 1}: {left:.0f} s"
        # what rests: the GTDs and the GTC; the IOC and FOK expired at once
        assert [p for _, p, _ in _mine(quiet_sim)] == [32, 33, 36, 37, 38, 39]


async def test_i_reaches_the_one_minute_gtd(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    lifetimes = set()
    async with desk(quiet_sim, symbol) as (app, pilot):
        for _ in range(2 * (len(TIF_CYCLE) + 1)):
            await pilot.press("i")
            if app.desk.ticket.tif is TimeInForce.GOOD_TILL_TIME:
                lifetimes.add(app.desk.ticket.gtd_seconds)
    assert lifetimes == {60, 300, 900, 3600}


async def test_p_rests_a_post_only_order_and_p_again_turns_it_off(
        quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("o", "p")  # post-only turns a market ticket back into a limit
        await cursor_to(app, pilot, 40)
        await pilot.press("b")
        await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 40, 10)],
                         what="a post-only bid resting at 0.40")
        (order,) = _inserted(quiet_sim)
        assert order.type is OrderType.LIMIT and order.participate_dont_initiate

        await pilot.press("p")  # off: the same ticket at the offer now takes it
        await cursor_to(app, pilot, 45)
        await pilot.press("b")
        await eventually(lambda: _net(quiet_sim, symbol) == 10, what="a fill at 0.45")
        taker = _inserted(quiet_sim)[1]
        assert taker.state is OrderState.FILLED and not taker.participate_dont_initiate


# --- cancels, flatten, resize, move ------------------------------------------------------------

async def test_comma_and_full_stop_sort_no_intents_into_bids_and_offers(
        quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("t")
        assert app.outcome is Outcome.NO

        async def no_orders() -> None:
            await cursor_to(app, pilot, 38)
            await pilot.press("s")  # SELL NO 0.62 = BUY YES 0.38: a bid
            await cursor_to(app, pilot, 47)
            await pilot.press("b")  # BUY NO 0.53 = SELL YES 0.47: an offer
            await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 38, 10),
                                                          (Side.SELL, 47, 10)],
                             what="a NO sell and a NO buy")
            await _acked(app, 38)
            await _acked(app, 47)

        await no_orders()
        await pilot.press("comma")
        await eventually(lambda: _mine(quiet_sim) == [(Side.SELL, 47, 10)],
                         what=", cancels the SELL NO, keeps the BUY NO")
        await pilot.press("X")
        await eventually(lambda: _mine(quiet_sim) == [], what="clean slate")
        await no_orders()
        await pilot.press("full_stop")
        await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 38, 10)],
                         what=". cancels the BUY NO, keeps the SELL NO")
        assert len(quiet_sim.exchange.open_orders(accounts=[ALICE[0]])) == 2


async def test_flatten_closes_a_no_position_and_declining_sends_nothing(
        quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("t")
        await cursor_to(app, pilot, 40)
        await pilot.press("b")  # BUY NO 0.60 = SELL YES 0.40: takes alice's bid, short YES
        await eventually(lambda: _net(quiet_sim, symbol) == -10, what="long 10 NO")
        await eventually(lambda: symbol in app.state.positions
                         and app.state.positions[symbol].net == -10, what="on the desk")
        await cursor_to(app, pilot, 48)
        await pilot.press("b")  # and a working BUY NO 0.52
        await eventually(lambda: _mine(quiet_sim) == [(Side.SELL, 48, 10)], what="working")
        await _acked(app, 48)
        sent = len(my_commands(quiet_sim, "insert"))

        await pilot.press("F")
        await eventually(lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.press("n")
        await settled(app)
        assert len(my_commands(quiet_sim, "insert")) == sent
        assert my_commands(quiet_sim, "cancel") == []
        assert _mine(quiet_sim) == [(Side.SELL, 48, 10)] and _net(quiet_sim, symbol) == -10

        await pilot.press("F")
        await eventually(lambda: isinstance(app.screen, ConfirmScreen) and app.screen.armed,
                         what="an armed confirmation")
        await pilot.press("enter")
        await eventually(lambda: _mine(quiet_sim) == [] and _net(quiet_sim, symbol) == 0,
                         what="flat: order cancelled, NO sold back")
        close = _inserted(quiet_sim)[-1]
        assert close.side is Side.BUY and close.price >= 45  # SELL NO = BUY YES at the offer


async def test_less_than_takes_a_step_off_my_order(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await cursor_to(app, pilot, 38)
        await pilot.press("b")
        await _acked(app, 38)
        await pilot.press("less_than_sign")  # down the size ladder: 10 to 5
        await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, 38, 5)], what="5 left")
        assert len(my_commands(quiet_sim, "replace")) == 1

        await pilot.press("1")  # a one-lot: < would leave nothing, so it is refused
        await cursor_to(app, pilot, 37)
        await pilot.press("b")
        await _acked(app, 37)
        await pilot.press("less_than_sign")
        await eventually(lambda: told(app, "would leave nothing"), what="the refusal")
        await settled(app)
        assert _mine(quiet_sim) == [(Side.BUY, 37, 1), (Side.BUY, 38, 5)]
        assert len(my_commands(quiet_sim, "replace")) == 1


async def test_escape_drops_an_order_picked_up_to_move(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await cursor_to(app, pilot, 38)
        await pilot.press("b")
        await _acked(app, 38)
        await pilot.press("m")
        assert app.grabbed is not None
        await cursor_to(app, pilot, 35)
        await pilot.press("escape")
        assert app.grabbed is None and app.ladder.has_focus
        await pilot.press("m")  # nothing of mine at 0.35 to pick up: nothing moves
        await eventually(lambda: told(app, "No working order of yours at the cursor"),
                         what="nothing to move")
        await settled(app)
        assert _mine(quiet_sim) == [(Side.BUY, 38, 10)]
        assert my_commands(quiet_sim, "replace") == my_commands(quiet_sim, "cancel") == []


# --- views and navigation -----------------------------------------------------------------

async def test_f_cycles_the_blotter_through_positions_fills_trades_and_history(
        quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    async with desk(quiet_sim, symbol) as (app, pilot):
        blotter = app.query_one("#blotter")
        views = ("-show-positions", "-show-fills", "-show-trades", "-show-history")
        shown = [tuple(v for v in views if blotter.has_class(v))]
        for _ in range(5):
            await pilot.press("f")
            shown.append(tuple(v for v in views if blotter.has_class(v)))
        assert shown == [("-show-positions",), ("-show-fills",), ("-show-trades",),
                         ("-show-history",), ("-show-positions",), ("-show-fills",)]
        await settled(app)
        assert my_commands(quiet_sim, "insert") == []


async def test_the_history_view_shows_the_newest_ended_order_on_top(
        quiet_sim: SimServer) -> None:
    """Orders that ended while the view was hidden are there when it shows, newest first,
    and one that ends while it shows goes on top (not to the bottom of 300 rows)."""
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)  # bid 0.40, offered at 0.45
    async with desk(quiet_sim, symbol) as (app, pilot):
        history = app.query_one(OrderHistoryTable)

        async def bid_and_cancel(price: int) -> None:
            await cursor_to(app, pilot, price)
            await pilot.press("b")
            await eventually(lambda: _mine(quiet_sim) == [(Side.BUY, price, 10)],
                             what=f"a bid at {price}")
            await eventually(lambda: app.state.working_orders(symbol), what="on the desk")
            await pilot.press("x")
            await eventually(lambda: not app.state.working_orders(symbol), what="cancelled")

        def prices() -> list[str]:
            return [str(history.get_row_at(n)[2]) for n in range(history.row_count)]

        for price in (38, 37):
            await bid_and_cancel(price)
        while not app.query_one("#blotter").has_class("-show-history"):
            await pilot.press("f")
        await eventually(lambda: prices() == ["0.37", "0.38"], what="both, newest first")
        await bid_and_cancel(36)
        await eventually(lambda: prices() == ["0.36", "0.37", "0.38"], what="the new one on top")


@pytest.mark.parametrize(("price_scale", "tick"), [(100, 1), (1000, 5)],
                         ids=["cent-tick", "half-cent-tick"])
async def test_cursor_keys_move_by_the_exchanges_tick(
        quiet_sim: SimServer, price_scale: int, tick: int) -> None:
    symbol = markets(quiet_sim, price_scale, tick)[0]
    scales = quiet_sim.exchange.instruments[symbol].scales
    assert scales.tick == tick
    keys = [("up", 1), ("k", 1), ("down", -1), ("j", -1), ("pageup", 10), ("pagedown", -10),
            ("j", -1), ("pagedown", -10), ("k", 1)]
    async with desk(quiet_sim, symbol) as (app, pilot):
        start = 40 * tick  # on the tick, with room for a page either way
        await cursor_to(app, pilot, start)
        expected = start
        for key, ticks in keys:
            await pilot.press(key)
            expected += ticks * tick
            assert app.cursor_price == expected, key
        # at the ends of the axis the cursor stops
        await cursor_to(app, pilot, scales.max_price - 3 * tick)
        await pilot.press("pageup")
        assert app.cursor_price == scales.max_price
        await pilot.press("up")
        assert app.cursor_price == scales.max_price
        await cursor_to(app, pilot, scales.min_price + 3 * tick)
        await pilot.press("pagedown")
        assert app.cursor_price == scales.min_price
        await pilot.press("j")
        assert app.cursor_price == scales.min_price


async def test_h_and_l_follow_the_exchanges_best_prices(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim, 1000, 5)[0]
    _quote(quiet_sim, symbol, bid=400, offer=450)
    async with desk(quiet_sim, symbol) as (app, pilot):
        _quote(quiet_sim, symbol, bid=415, offer=435)  # the market tightens after we opened
        await eventually(lambda: book_is_current(app.state, quiet_sim, symbol),
                         what="new inside")
        bid, offer = quiet_sim.exchange.best(symbol)
        assert (bid, offer) == (415, 435)
        await cursor_to(app, pilot, 200)
        await pilot.press("h")
        assert app.cursor_price == bid
        await pilot.press("l")
        assert app.cursor_price == offer

        # no bids left: h leaves the cursor where it is and says so; l still works
        for o in quiet_sim.exchange.open_orders(accounts=[ALICE[0]]):
            if o.side is Side.BUY:
                quiet_sim.exchange.cancel_order(account=ALICE[0], order_id=o.order_id)
        await eventually(lambda: book_is_current(app.state, quiet_sim, symbol), what="no bids")
        assert quiet_sim.exchange.best(symbol)[0] is None
        await cursor_to(app, pilot, 200)
        await pilot.press("h")
        assert app.cursor_price == 200
        await eventually(lambda: told(app, "No bid"), what="no bid, in words")
        await pilot.press("l")
        assert app.cursor_price == quiet_sim.exchange.best(symbol)[1] == 435


async def test_c_recentres_on_the_exchanges_inside_market(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim, 1000, 5)[0]
    _quote(quiet_sim, symbol, bid=400, offer=450)
    async with desk(quiet_sim, symbol) as (app, pilot):
        _quote(quiet_sim, symbol, bid=415, offer=435)
        await eventually(lambda: book_is_current(app.state, quiet_sim, symbol),
                         what="new inside")
        await cursor_to(app, pilot, 900)
        await pilot.press("c")
        assert app.cursor_price == quiet_sim.exchange.best(symbol)[0] == 415
        await pilot.pause()
        row = app.ladder.row_of(415)
        assert row is not None  # and scrolled to the middle of the ladder
        ladder = app.ladder
        middle = round(ladder.scroll_offset.y) + ladder.scrollable_content_region.height // 2
        assert abs(row - middle) <= 1

        # only offers: the best offer; an empty book: the middle of the axis
        for side in (Side.BUY, Side.SELL):
            for o in quiet_sim.exchange.open_orders(accounts=[ALICE[0]]):
                if o.side is side:
                    quiet_sim.exchange.cancel_order(account=ALICE[0], order_id=o.order_id)
            await eventually(lambda: book_is_current(app.state, quiet_sim, symbol),
                             what=f"no {side.name} orders")
            await cursor_to(app, pilot, 900)
            await pilot.press("c")
            want = quiet_sim.exchange.best(symbol)[1] if side is Side.BUY else 500
            assert app.cursor_price == want, side
        assert quiet_sim.exchange.best(symbol) == (None, None)


async def test_brackets_step_through_every_market_and_back(quiet_sim: SimServer) -> None:
    every = list(quiet_sim.exchange.instruments)
    quoted = {markets(quiet_sim)[0]: 40, markets(quiet_sim, 1000, 5)[0]: 300}
    for symbol, bid in quoted.items():
        scale = quiet_sim.exchange.instruments[symbol].scales.tick
        _quote(quiet_sim, symbol, bid=bid, offer=bid + 10 * scale)
    async with desk(quiet_sim, every[0]) as (app, pilot):
        start = app.symbol
        forward = []
        for _ in every:
            await pilot.press("right_square_bracket")
            forward.append(app.symbol)
            if app.symbol in quoted:  # the cursor lands on that market's best bid
                await eventually(lambda: app.cursor_price == quiet_sim.exchange.best(
                    str(app.symbol))[0], what=f"{app.symbol}'s best bid")
        assert forward[-1] == start  # round and back
        assert sorted(forward) == sorted(every)  # every market once
        backward = []
        for _ in every:
            await pilot.press("left_square_bracket")
            backward.append(app.symbol)
        assert backward == ([start, *forward[:-1]])[::-1]
        await settled(app)
        assert my_commands(quiet_sim, "insert") == []


def _sizes(app: PmdeskApp, price: int) -> tuple[str, str]:
    """(bid cell, offer cell) of the ladder row at a YES price, as drawn."""
    ladder, scales = app.ladder, app.ladder._scales
    assert scales is not None
    row = ladder.row_of(price)
    assert row is not None
    text = "".join(seg.text for seg in ladder.render_line(row - round(ladder.scroll_offset.y)))
    tokens = text.split()
    at = tokens.index(scales.price_text(price))  # the YES price
    after = at + 2 if tokens[at + 1] == scales.price_text(scales.complement(price)) else at + 1
    return (tokens[at - 1] if at else "", tokens[after] if after < len(tokens) else "")


async def test_d_sums_the_exchanges_depth_from_the_inside(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    for side, levels in ((Side.BUY, ((40, 100), (39, 200), (38, 300))),
                         (Side.SELL, ((45, 70), (46, 80)))):
        for price, qty in levels:
            place(quiet_sim, ALICE, symbol, side, price, qty)
    bids, offers = quiet_sim.exchange.book(symbol)  # best first, as the exchange has them

    def running(levels: list[tuple[int, int]]) -> dict[int, str]:
        return {p: str(sum(q for _, q in levels[: n + 1])) for n, (p, _) in enumerate(levels)}

    async with desk(quiet_sim, symbol) as (app, pilot):
        await cursor_to(app, pilot, 42)
        app.ladder.centre_on_cursor()
        await pilot.pause()
        per_price = ({p: _sizes(app, p)[0] for p, _ in bids},
                     {p: _sizes(app, p)[1] for p, _ in offers})
        assert per_price == ({p: str(q) for p, q in bids}, {p: str(q) for p, q in offers})

        await pilot.press("d")
        assert all(pane.ladder.cumulative for pane in app.panes)
        assert "Σbid" in str(app.ladder.column_titles())
        summed = ({p: _sizes(app, p)[0] for p, _ in bids},
                  {p: _sizes(app, p)[1] for p, _ in offers})
        assert summed == (running(bids), running(offers))  # 100 300 600 / 70 150

        await pilot.press("d")
        assert not app.ladder.cumulative
        assert ({p: _sizes(app, p)[0] for p, _ in bids},
                {p: _sizes(app, p)[1] for p, _ in offers}) == per_price


async def test_v_rotates_the_optional_columns_on_every_ladder(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    async with desk(quiet_sim, symbol) as (app, pilot):
        start = app.ladder.column_order
        assert len(start) > 1
        seen = []
        for _ in start:
            await pilot.press("v")
            assert len({pane.ladder.column_order for pane in app.panes}) == 1  # every ladder
            seen.append(app.ladder.column_order)
        assert seen == [start[n:] + start[:n] for n in range(1, len(start))] + [start]


async def test_a_keeps_the_exchanges_inside_mid_ladder(quiet_sim: SimServer) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol, bid=40, offer=45)
    config = DeskConfig(limits=Limits(), recentre_ticks=4)
    async with desk(quiet_sim, symbol, config) as (app, pilot):
        ladder = app.ladder

        def middle() -> int:
            return round(ladder.scroll_offset.y) + ladder.scrollable_content_region.height // 2

        async def market_moves_to(bid: int) -> None:
            for o in quiet_sim.exchange.open_orders(accounts=[ALICE[0]]):
                quiet_sim.exchange.cancel_order(account=ALICE[0], order_id=o.order_id)
            _quote(quiet_sim, symbol, bid=bid, offer=bid + 5)
            await eventually(lambda: book_is_current(app.state, quiet_sim, symbol),
                             what=f"the market at {bid}")
            await pilot.pause()

        assert ladder.auto_recentre == 0  # off unless the config says so
        await pilot.press("a")
        assert [pane.ladder.auto_recentre for pane in app.panes] == [4] * len(app.panes)
        await market_moves_to(75)  # far off screen
        best_bid = quiet_sim.exchange.best(symbol)[0]
        assert best_bid == 75
        await eventually(lambda: ladder.row_of(best_bid) == middle(), what="scrolled to 0.75")
        assert app.cursor_price == 40  # it scrolls; the cursor stays where the trader put it
        await eventually(lambda: "cursor ↓0.40" in str(app.pane.header.content),
                         what="the header pointing down to the cursor, out of sight")

        await pilot.press("a")  # off: the ladder scrolls only when the inside would leave it
        assert ladder.auto_recentre == 0
        before = middle()
        await market_moves_to(70)  # five ticks below the middle, still well in sight
        await eventually(lambda: "0.70 / 0.75" in str(app.pane.header.content),
                         what="the frame that drew the header from the book at 0.70")
        assert middle() == before and app.cursor_price == 40


async def test_w_makes_the_next_ladder_the_one_that_trades(quiet_sim: SimServer) -> None:
    home = markets(quiet_sim)[-1]  # not the market a side ladder starts on
    _quote(quiet_sim, home)
    async with desk(quiet_sim, home) as (app, pilot):  # 120 columns: one ladder
        await pilot.press("w")
        await eventually(lambda: told(app, "One ladder fits"), what="one ladder, in words")
        assert app.symbol == home
    async with desk(quiet_sim, home, size=(160, 40)) as (app, pilot):  # two ladders
        first, second = app.visible_panes
        other = second.symbol
        assert other is not None and other != home
        scales = quiet_sim.exchange.instruments[other].scales
        bid = scales.price_scale * 30 // 100 // scales.tick * scales.tick
        _quote(quiet_sim, other, bid=bid, offer=bid + 5 * scales.tick)
        await eventually(lambda: second.ladder.cursor == bid, what="the side ladder's bid")

        await pilot.press("w")
        assert app.pane is second and app.symbol == other and app.ladder is second.ladder
        await pilot.press("b")
        await eventually(lambda: _mine(quiet_sim, other) == [(Side.BUY, bid, app.order_size)],
                         what="b trades in the side ladder's market")
        assert _mine(quiet_sim, home) == []

        await pilot.press("w")  # and back round to the first
        assert app.pane is first and app.symbol == home
        await pilot.press("b")
        await eventually(lambda: _mine(quiet_sim, home) == [(Side.BUY, 40, 10)],
                         what="b trades in the first ladder's market again")


async def test_narrowing_the_terminal_never_leaves_the_keys_on_a_hidden_ladder(
        quiet_sim: SimServer) -> None:
    home = markets(quiet_sim)[-1]
    _quote(quiet_sim, home)
    async with desk(quiet_sim, home, size=(230, 40)) as (app, pilot):  # three ladders
        assert len(app.visible_panes) == 3
        await pilot.press("w", "w")
        third = app.panes[2]
        assert app.pane is third and app.symbol == third.symbol != home
        await pilot.resize_terminal(120, 36)  # one ladder fits now: the first
        await eventually(lambda: app.pane is app.panes[0] and app.symbol == home,
                         what="the keys back on the ladder in sight")
        await pilot.press("b")
        await eventually(lambda: _mine(quiet_sim, home) == [(Side.BUY, 40, 10)],
                         what="b trades the market on screen")
        assert _mine(quiet_sim, third.symbol) == []


# --- quitting ------------------------------------------------------------------------------------

@pytest.mark.parametrize("keys", [("q",), ("slash", "ctrl+c")], ids=["q", "ctrl+c-in-picker"])
async def test_quit_keys_ask_and_leave_keeps_orders_working(
        quiet_sim: SimServer, keys: tuple[str, ...]) -> None:
    symbol = markets(quiet_sim)[0]
    _quote(quiet_sim, symbol)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await cursor_to(app, pilot, 38)
        await pilot.press("b")
        await _acked(app, 38)
        *first, key = keys
        if first:
            await pilot.press(*first)
            await eventually(lambda: isinstance(app.screen, MarketPicker), what="the picker")
        await pilot.press(key)
        await eventually(lambda: isinstance(app.screen, QuitScreen), what="the quit prompt")
        await pilot.press(key)  # the quit key again (or held) does not answer for the trader
        assert isinstance(app.screen, QuitScreen) and app.return_code is None
        # the footer does not offer the quit key that does nothing there
        await eventually(lambda: footer(app) and not any("Quit" in e for e in footer(app)),
                         what="the footer without the quit key")
        await pilot.press("l")  # leave them working and quit
        await eventually(lambda: app.return_code is not None, what="the app exiting")
    assert app.return_code == 0
    assert _mine(quiet_sim) == [(Side.BUY, 38, 10)]  # leaving them cancels nothing
    assert my_commands(quiet_sim, "cancel") == []
