"""The app driven by key presses against the real embedded exchange; checks the exchange."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual.pilot import Pilot

from tests.conftest import DEMO_ACCOUNT, eventually, make_venue
from tests.desk_kit import ALICE, cent_symbols, mine, place, quote, settled
from tui.core.enums import Side
from tui.core.prices import Outcome
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.keymap import DeskKeys
from tui.ui.screens.help import HelpScreen, key_rows
from tui.ui.widgets.blotter import FillsTable
from tui.ui.widgets.keyed_table import KeyedTable
from tui.ui.widgets.tables import OrdersTable, PositionsTable


@asynccontextmanager
async def desk(sim: SimServer, symbol: str, size: tuple[int, int] = (120, 36)
               ) -> AsyncIterator[tuple[PmdeskApp, Pilot[None]]]:
    """The app as shipped (its default limits and repeat guard), stepped to `symbol` with ]
    as a trader would, its book on the ladder."""
    app = PmdeskApp(make_venue(sim))
    async with app.run_test(size=size) as pilot:
        await eventually(lambda: app.instrument is not None, what="the first market")
        for _ in range(len(app.state.instruments)):
            if app.instrument is not None and app.instrument.symbol == symbol:
                break
            await pilot.press("right_square_bracket")
        assert app.instrument is not None and app.instrument.symbol == symbol
        # the frame timer, not the stream, draws a book that arrives after the market was
        # opened (and puts the cursor on its inside): wait until it has taken the dirty book
        await eventually(lambda: app.cursor_price is not None and symbol in app.state.books
                         and symbol not in app.state.dirty_books, what="the book on the ladder")
        yield app, pilot


def _table_text(table: KeyedTable) -> list[str]:
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_keys_buy_yes_buy_no_cancel_and_cancel_all(quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol, bid=40, offer=45)
    async with desk(quiet_sim, symbol) as (app, pilot):
        assert app.cursor_price == 40  # the cursor starts on the best bid
        size = app.order_size

        await pilot.press("b")  # buy YES at 0.40
        await eventually(lambda: mine(quiet_sim) == [(Side.BUY, 40, size)],
                         what="BUY YES 0.40 at the exchange")

        await pilot.press("t")  # NO
        assert app.outcome is Outcome.NO
        await pilot.press("up")  # YES 0.41 = NO 0.59
        await pilot.press("b")  # buy NO at 0.59 is a YES sell at 0.41
        await eventually(lambda: mine(quiet_sim) == [(Side.BUY, 40, size),
                                                      (Side.SELL, 41, size)],
                         what="BUY NO 0.59 as SELL YES 0.41 at the exchange")
        orders = app.query_one(OrdersTable)
        rows = await eventually(lambda: len(_table_text(orders)) == 2
                                and _table_text(orders), what="two rows in open orders")
        no_row = next(r for r in rows if "BUY NO" in r)  # type: ignore[union-attr]
        # as entered; at 120 columns the layout leaves the YES px column out (the exchange
        # holds it as SELL YES 0.41, checked above)
        assert "0.59" in no_row

        await pilot.press("x")  # cancel the order under the cursor (0.41)
        await eventually(lambda: mine(quiet_sim) == [(Side.BUY, 40, size)],
                         what="the cancel at the cursor")

        await pilot.press("X")  # cancel all
        await eventually(lambda: mine(quiet_sim) == [], what="cancel all at the exchange")
        # alice's quotes are untouched: cancel all is this trader's orders only
        assert len(quiet_sim.exchange.open_orders(accounts=[ALICE[0]])) == 2


async def test_a_resting_order_fills_and_the_position_shows(quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol, bid=40, offer=45)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("t", "down", "s")  # sell NO at 0.61: a YES bid at 0.39
        await eventually(lambda: mine(quiet_sim) == [(Side.BUY, 39, app.order_size)],
                         what="SELL NO 0.61 as BUY YES 0.39")
        # the market trades through it: another trader sells YES down to 0.39
        place(quiet_sim, ALICE, symbol, Side.SELL, 39, 1000)
        await eventually(lambda: mine(quiet_sim) == [], what="the fill")
        assert quiet_sim.exchange.position(DEMO_ACCOUNT, symbol).net_position == app.order_size
        positions = app.query_one(PositionsTable)
        await eventually(lambda: any(f"{app.order_size} YES" in r
                                     for r in _table_text(positions)),
                         what="the position in the positions table")
        await pilot.press("f")  # the blotter shows the fill, as the trader entered it
        fills = app.query_one(FillsTable)
        assert fills.display
        await eventually(lambda: any("SELL NO" in r and "0.61" in r
                                     for r in _table_text(fills)), what="the fill")


async def test_a_marketable_order_trades_with_the_synthetic_flow(busy_sim: SimServer) -> None:
    symbol = cent_symbols(busy_sim)[0]
    async with desk(busy_sim, symbol) as (app, pilot):
        await eventually(lambda: app.state.books[symbol].best_offer is not None,
                         what="a synthetic offer")
        offer = app.state.books[symbol].best_offer
        assert offer is not None and app.cursor_price is not None
        # put the cursor two ticks through the offer and buy: it must trade at once
        await pilot.press(*["up"] * ((offer - app.cursor_price) + 2), "b")
        await eventually(lambda: busy_sim.exchange.position(DEMO_ACCOUNT, symbol).net_position
                         > 0, what="a fill against a synthetic maker")
        await eventually(lambda: symbol in app.state.positions
                         and app.state.positions[symbol].net > 0,
                         what="the position on the client")


async def test_help_shows_every_key_and_blocks_trading_keys(quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol, bid=40, offer=45)
    async with desk(quiet_sim, symbol, (100, 30)) as (app, pilot):
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = app.screen.rows
        assert [keys for keys, _ in shown] == [keys for keys, _ in key_rows(DeskKeys())]
        words = dict(shown)  # each preset key says the size it sets, or that it has none
        assert (words["1"], words["5"]) == ("Ticket size: 1 contract (preset 1)",
                                            "Ticket size: 100 contracts (preset 5)")
        assert words["6"] == "Ticket size: not set (config size_presets has 5)"
        await pilot.press("b", "s", "X")  # a stray keystroke in a dialog sends nothing
        await settled(app)
        assert not [c for c in quiet_sim.exchange.order_log if DEMO_ACCOUNT in str(c.params)]
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_cursor_jumps_to_best_bid_and_offer(quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol, bid=40, offer=45)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press("down", "down", "l")
        assert app.cursor_price == 45
        await pilot.press("h")
        assert app.cursor_price == 40


async def test_slash_finds_a_market_by_its_description(quiet_sim: SimServer) -> None:
    app = PmdeskApp(make_venue(quiet_sim))
    async with app.run_test(size=(120, 36)) as pilot:
        await eventually(lambda: app.instrument is not None, what="the first market")
        await pilot.press("slash", *"chiefs", "enter")
        assert app.instrument is not None and "Chiefs" in app.instrument.description
        await settled(app)
        assert not quiet_sim.exchange.order_log  # typing sent nothing


async def test_ladder_marks_the_average_entry_and_the_pnl_of_closing(
        quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    quote(quiet_sim, symbol, bid=40, offer=45)
    async with desk(quiet_sim, symbol) as (app, pilot):
        await pilot.press(*["up"] * 5, "b")  # buy 10 YES at 0.45 from the offer
        await eventually(lambda: symbol in app.state.positions
                         and app.state.positions[symbol].net == 10, what="long 10 YES")

        def row_text(price: int) -> str:
            app.ladder.set_cursor(price, centre=True)
            row = app.ladder.row_of(price)
            assert row is not None
            y = row - round(app.ladder.scroll_offset.y)
            return "".join(seg.text for seg in app.ladder.render_line(y))

        await eventually(lambda: "◆" in row_text(45), what="the average entry marked")
        assert "+0.50" in row_text(50)  # closing 10 at 0.50 realises 10 x 0.05
        assert "-0.50" in row_text(40)
        assert "◆" not in row_text(50)
