"""The ladder never lags the market: after a fast move, a trader's own scroll, a side ladder
coming into view and a terminal resize, each ladder shows its inside market (or says where it
went), and never moves the cursor by itself. At the embedded exchange, read from the rows the
ladder draws; then the header's words and the axis ends, as plain rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual import events
from textual.pilot import Pilot
from textual.widgets import Static

from tests.conftest import eventually, make_venue
from tests.desk_kit import ALICE, cent_symbols
from tests.desk_kit import quote as _quote
from tests.pilot_kit import pilot_desk, show
from tui.core.config import DeskConfig
from tui.core.limits import Limits
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.widgets.ladder import Ladder
from tui.ui.widgets.ladder_header import away_text
from tui.ui.widgets.ladder_pane import LadderPane
from tui.ui.widgets.ladder_view import Market, centred_top, in_sight


@asynccontextmanager
async def desk(sim: SimServer, symbol: str, size: tuple[int, int] = (120, 36),
               keymap: dict[str, str] | None = None
               ) -> AsyncIterator[tuple[PmdeskApp, Pilot[None]]]:
    """The desk live with `symbol` on the first ladder and its book there."""
    config = DeskConfig(limits=Limits(), keymap=keymap or {})
    async with pilot_desk(make_venue(sim), config, size) as (app, pilot):
        await show(app, pilot, sim, symbol)
        assert current(app.pane, sim)
        yield app, pilot


def current(pane: LadderPane, sim: SimServer) -> bool:
    """The pane's book is the exchange's, and its header has been drawn from it."""
    symbol = pane.symbol
    book = pane.ladder.state.books.get(symbol) if symbol else None
    return (symbol is not None and book is not None
            and (book.best_bid, book.best_offer) == sim.exchange.best(symbol))


def move_market(sim: SimServer, symbol: str, bid: int, offer: int) -> None:
    """Every resting order pulled and the market made again at once, elsewhere."""
    for o in sim.exchange.open_orders(accounts=[ALICE[0]], symbols=[symbol]):
        sim.exchange.cancel_order(account=ALICE[0], order_id=o.order_id)
    _quote(sim, symbol, bid=bid, offer=offer)


def quote_every_market(sim: SimServer) -> None:
    """Each market bid at 0.30 and offered three ticks above, on its own scales."""
    for symbol, inst in sim.exchange.instruments.items():
        scales = inst.scales
        bid = scales.price_scale * 30 // 100 // scales.tick * scales.tick
        _quote(sim, symbol, bid=bid, offer=bid + 3 * scales.tick, qty=100 * scales.qty_scale)


def ladder_rows(ladder: Ladder) -> dict[str, tuple[str, str]]:
    """YES price -> (bid size, offer size) for every row the ladder draws now, read from the
    text of its lines at the columns its header titles."""
    c = ladder.columns()
    bid_at = c.pad + c.mine + 1
    yes_at = bid_at + c.qty + 1
    offer_at = yes_at + c.price + 1 + (c.price + 1 if c.has("no") else 0)
    rows = {}
    for y in range(ladder.scrollable_content_region.height):
        text = "".join(seg.text for seg in ladder.render_line(y))
        yes = text[yes_at:yes_at + c.price].strip().lstrip("▲▼•")
        if yes:
            rows[yes] = (text[bid_at:bid_at + c.qty].strip(),
                         text[offer_at:offer_at + c.qty].strip())
    return rows


def shows_inside(pane: LadderPane, sim: SimServer) -> bool:
    """The exchange's best bid and best offer rows are on screen, with their sizes."""
    symbol = pane.symbol
    assert symbol is not None
    scales = sim.exchange.instruments[symbol].scales
    (bid, bid_qty), (offer, offer_qty) = (levels[0] for levels in sim.exchange.book(symbol, 1))
    rows = ladder_rows(pane.ladder)
    return (rows.get(scales.price_text(bid), ("", ""))[0] == scales.qty_text(bid_qty)
            and rows.get(scales.price_text(offer), ("", ""))[1] == scales.qty_text(offer_qty))


def header(pane: LadderPane) -> str:
    return str(pane.header.content)


async def wheel_up_until_the_market_is_gone(pilot: Pilot[None], pane: LadderPane,
                                            sim: SimServer) -> None:
    """The trader turns the mouse wheel over the ladder (Pilot has no public wheel yet)."""
    for _ in range(60):
        if not shows_inside(pane, sim):
            return
        await pilot._post_mouse_events([events.MouseScrollUp], pane.ladder, (5, 5))
    raise AssertionError("the wheel never took the market out of sight")


async def test_a_fast_move_far_out_of_view_recentres_and_leaves_the_cursor(
        quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol, bid=40, offer=45)
    async with desk(quiet_sim, symbol) as (app, _):
        pane = app.pane
        assert pane.ladder.auto_recentre == 0  # the config's default: no auto-recentre
        assert shows_inside(pane, quiet_sim) and app.cursor_price == 40
        assert "0.45" in ladder_rows(pane.ladder) and "0.90" not in ladder_rows(pane.ladder)

        for bid, offer, cursor_away in ((88, 90, "cursor ↓0.40"), (6, 8, "cursor ↑0.40")):
            move_market(quiet_sim, symbol, bid, offer)
            await eventually(lambda: shows_inside(pane, quiet_sim),
                             what=f"the ladder on the market at {bid}/{offer}")
            # the cursor never moves by itself: b and s still trade at 0.40, and the header
            # and ticket say so
            assert app.cursor_price == 40
            await eventually(lambda a=cursor_away: a in header(pane),
                             what=f"the header pointing to the cursor: {cursor_away}")
            assert "BUY YES 0.40" in str(app.ticket.query_one("#ticket-buy", Static).content)
            assert "market" not in header(pane)


async def test_recentring_keeps_the_cursor_in_sight_when_both_fit(quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol, bid=40, offer=45)
    async with desk(quiet_sim, symbol) as (app, pilot):
        pane, ladder = app.pane, app.pane.ladder
        await pilot.press("down", "down", "down")  # to bid below the market: 0.37
        assert app.cursor_price == 37 and shows_inside(pane, quiet_sim)
        height = ladder.scrollable_content_region.height
        bid = 40 + height // 2  # up and out of sight, yet the cursor and it fit in one view
        move_market(quiet_sim, symbol, bid, bid + 2)
        await eventually(lambda: shows_inside(pane, quiet_sim),
                         what=f"the ladder on the market at {bid}")
        assert app.cursor_price == 37 and "0.37" in ladder_rows(ladder)
        assert "cursor" not in header(pane) and "market" not in header(pane)


async def test_scrolled_away_the_header_says_where_the_market_went_and_c_follows(
        quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol, bid=40, offer=45)
    async with desk(quiet_sim, symbol) as (app, pilot):
        pane, ladder = app.pane, app.pane.ladder
        await pilot.press("pageup", "pageup", "pageup", "pageup")  # the cursor to 0.80
        assert app.cursor_price == 80 and "0.80" in ladder_rows(ladder)
        assert not shows_inside(pane, quiet_sim)
        view = round(ladder.scroll_offset.y)

        move_market(quiet_sim, symbol, 20, 22)  # down and further out of sight
        await eventually(lambda: "market ↓0.20, c follows" in header(pane),
                         what="the header saying where the market went")
        assert round(ladder.scroll_offset.y) == view  # the trader's view stays
        assert app.cursor_price == 80 and "0.80" in ladder_rows(ladder)

        move_market(quiet_sim, symbol, 90, 92)  # and up, out of sight the other way
        await eventually(lambda: "market ↑0.90, c follows" in header(pane),
                         what="the header saying the market went up")
        assert round(ladder.scroll_offset.y) == view

        await pilot.press("c")
        assert app.cursor_price == 90 and shows_inside(pane, quiet_sim)
        await eventually(lambda: "market" not in header(pane), what="the words gone")
        move_market(quiet_sim, symbol, 30, 32)  # following again
        await eventually(lambda: shows_inside(pane, quiet_sim), what="the ladder at 0.30")

        # the mouse wheel is the trader's scroll too
        await wheel_up_until_the_market_is_gone(pilot, pane, quiet_sim)
        view = round(ladder.scroll_offset.y)
        move_market(quiet_sim, symbol, 28, 31)
        await eventually(lambda: "market ↓0.28, c follows" in header(pane),
                         what="the header saying where the market went, after the wheel")
        assert round(ladder.scroll_offset.y) == view and app.cursor_price == 90


async def test_the_header_names_the_key_that_follows_as_the_trader_bound_it(
        quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    _quote(quiet_sim, symbol, bid=40, offer=45)
    async with desk(quiet_sim, symbol, keymap={"recentre": "z"}) as (app, pilot):
        await pilot.press("pageup", "pageup", "pageup", "pageup")
        move_market(quiet_sim, symbol, 20, 22)
        await eventually(lambda: "market ↓0.20, z follows" in header(app.pane),
                         what="the header naming z, the key bound to follow")
        await pilot.press("z")
        assert app.cursor_price == 20 and shows_inside(app.pane, quiet_sim)


async def test_a_third_ladder_opened_by_widening_shows_its_inside_market(
        quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    async with desk(quiet_sim, symbol) as (app, pilot):
        assert len(app.visible_panes) == 1
        quote_every_market(quiet_sim)  # the side ladders' books arrive while out of sight
        await eventually(lambda: all(current(p, quiet_sim) for p in app.panes),
                         what="every book at the desk")
        await pilot.resize_terminal(220, 50)
        await eventually(lambda: len(app.visible_panes) == 3, what="three ladders")
        await eventually(lambda: all(shows_inside(p, quiet_sim) for p in app.panes),
                         what="every ladder on its inside market")


async def test_every_visible_ladder_recentres_after_a_resize(quiet_sim: SimServer) -> None:
    quote_every_market(quiet_sim)
    async with desk(quiet_sim, cent_symbols(quiet_sim)[0], size=(160, 48)) as (app, pilot):
        first, second = app.visible_panes
        await eventually(lambda: current(second, quiet_sim) and shows_inside(second, quiet_sim),
                         what="the second ladder on its market")
        await pilot.press("pageup", "pageup", "pageup", "pageup")  # the trader looks away
        assert not shows_inside(first, quiet_sim) and app.cursor_price == 70
        await wheel_up_until_the_market_is_gone(pilot, second, quiet_sim)  # and the second

        for width, height in ((230, 50), (160, 30), (120, 36)):
            await pilot.resize_terminal(width, height)
            await eventually(lambda w=width: len(app.visible_panes) == (
                3 if w >= 210 else 2 if w >= 150 else 1), what=f"{width} columns")
            await eventually(lambda: all(shows_inside(p, quiet_sim) for p in app.visible_panes),
                             what=f"every ladder on its inside market at {width}x{height}")
            assert app.cursor_price == 70  # the view moved, the cursor did not


def test_the_market_words_shorten_to_the_room_the_header_has() -> None:
    assert away_text("↑0.412", "c", 40) == "market ↑0.412, c follows"
    assert away_text("↑0.412", "c", 20) == "market ↑, c follows"
    assert away_text("↓0.412", "z", 12) == "↓ z follows"
    assert away_text("↓0.412", "c", 3) == "↓c"


def test_a_market_at_the_end_of_the_axis_is_in_sight_on_the_edge_row() -> None:
    """No margin where the view cannot scroll further: a market at 0.99 on the top row of a
    view at the top is in sight (else the ladder would hold or recentre forever)."""
    top_of_axis = Market(anchor=1, top=0, bottom=1)  # offered at 0.99, bid at 0.98
    assert in_sight(top_of_axis, top=0, height=20, rows=99)
    assert not in_sight(Market(5, 5, 6), top=5, height=20, rows=99)  # about to leave: gone
    assert in_sight(Market(97, 97, 98), top=79, height=20, rows=99)
    assert centred_top(Market(1, 0, 1), height=20, rows=99) == 0
