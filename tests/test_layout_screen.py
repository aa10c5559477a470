"""What a trader reads, read back from the rendered screen at 80x24, 120x36, 160x48 and
220x50: every blotter view's key cells whole (an order's state, qty and price, a fill's
price, a position's realized and unrealized P&L), the tape from 150 columns, the ladder
header's mid and age, the footer's keys, and toasts that cover none of it.

The desk trades on the embedded exchange (no synthetic flow): another trader quotes, the
demo account buys, sells, rests a bid that fills in part, cancels one and has one refused.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.widget import Widget

from tests.conftest import DEMO_ACCOUNT, eventually, make_venue
from tests.desk_kit import BOB, DEMO, cent_symbols, place, quote
from tests.pilot_kit import pilot_desk, screen_lines
from tui.core.config import DeskConfig
from tui.core.enums import OrderState, Side
from tui.core.model import Book, Instrument
from tui.core.money import dollars
from tui.core.pnl import position_pnl
from tui.core.prices import Scales
from tui.core.state import DeskState
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.footer import DeskFooter
from tui.ui.widgets.keyed_table import KeyedTable
from tui.ui.widgets.ladder_header import LadderHeader
from tui.ui.widgets.notices import NoticeBoard, board_height
from tui.ui.widgets.trades import TradeTape

SIZES = [(80, 24), (120, 36), (160, 48), (220, 50)]
IDS = [f"{w}x{h}" for w, h in SIZES]


def _trade(sim: SimServer, symbol: str) -> None:
    """Alice quotes 0.40 / 0.45. I buy 10 at 0.45 and sell 4 at 0.40 (realized -$0.20),
    rest a bid of 25 at 0.41 that Bob fills 7 of, cancel a bid at 0.30, and have a
    post-only bid that would cross refused."""
    quote(sim, symbol, 40, 45)
    place(sim, DEMO, symbol, Side.BUY, 45, 10)
    place(sim, DEMO, symbol, Side.SELL, 40, 4)
    place(sim, DEMO, symbol, Side.BUY, 41, 25)
    place(sim, BOB, symbol, Side.SELL, 41, 7)
    cancelled = place(sim, DEMO, symbol, Side.BUY, 30, 5)
    sim.exchange.cancel_order(account=DEMO_ACCOUNT, order_id=cancelled)
    place(sim, DEMO, symbol, Side.BUY, 45, 3, participate_dont_initiate=True)


@asynccontextmanager
async def desk(sim: SimServer, size: tuple[int, int]
               ) -> AsyncIterator[tuple[PmdeskApp, Pilot[None], str]]:
    symbol = cent_symbols(sim)[0]
    # the shipped config: its limits and presets are what a trader's screen shows
    async with pilot_desk(make_venue(sim), DeskConfig(), size,
                          notifications=True) as (app, pilot):
        state = app.state
        _trade(sim, symbol)  # while the desk watches, as a session's trading

        def loaded() -> bool:
            orders = list(state.orders.values())
            return (len(state.fills) == 3 and symbol in state.positions
                    and any(o.state is OrderState.PARTIALLY_FILLED for o in orders)
                    and any(o.state is OrderState.REJECTED for o in orders)
                    and any(o.state is OrderState.CANCELED for o in [*orders, *state.history])
                    and symbol in state.books and len(state.trades) >= 3)

        await eventually(loaded, what="the desk holding my orders, fills and position")
        yield app, pilot, symbol


def region_lines(app: App[None], widget: Widget) -> list[str]:
    """The rows of the screen inside ``widget`` (its border included), as drawn."""
    region = widget.region
    lines = screen_lines(app)
    return [line[region.x:region.right] for line in lines[region.y:region.bottom]]


def whole(text: str, lines: list[str]) -> bool:
    """``text`` on one of the lines, not cut: between spaces or rules, no ellipsis."""
    pattern = re.compile(rf"(?:^|[\s▏▕│]){re.escape(text)}(?=$|[\s▏▕│])")
    return any(pattern.search(line) for line in lines)


def row_with(lines: list[str], *texts: str) -> bool:
    """One line that holds every one of ``texts`` whole."""
    return any(all(whole(t, [line]) for t in texts) for line in lines)


async def settle(app: PmdeskApp, pilot: Pilot[None]) -> None:
    """The frame has drawn what the desk holds."""
    await pilot.pause()
    app.frame()
    await pilot.pause()


def key_cells(app: PmdeskApp, symbol: str) -> dict[str, list[tuple[str, ...]]]:
    """For each blotter view, the rows a trader must read whole, from the desk's own state
    (the positions' P&L worked out by the core, not read off the table)."""
    position = app.state.positions[symbol]
    inst = app.state.instruments[symbol]
    pnl = position_pnl(position, inst.scales, app.state.books.get(symbol))
    assert pnl.realized == Decimal("-0.20")
    assert pnl.unrealized is not None
    return {
        "orders": [("0.41", "25", "partially filled"), ("rejected:",)],
        "positions": [("13 YES", dollars(pnl.realized, signed=True),
                       dollars(pnl.unrealized, signed=True))],
        "fills": [("BUY YES", "10", "0.45"), ("SELL YES", "4", "0.40"),
                  ("BUY YES", "7", "0.41")],
        "history": [("0.30", "cancelled"), ("0.45", "10/10", "filled")],
        "tape": [("0.45", "10"), ("0.40▼", "4")],
    }


async def check_page(app: PmdeskApp, pilot: Pilot[None], symbol: str, page: str) -> set[str]:
    """Every view on this page shows its key cells whole; returns the views it showed."""
    assert app.blotter.plan is not None
    wanted = key_cells(app, symbol)
    shown = {p.view for p in app.blotter.plan.page(page).panels}
    for view in shown:
        widget = app.query_one(f"#{view}")
        assert widget.display, (page, view)

        def missing(widget: Widget = widget, view: str = view) -> list[tuple[str, ...]]:
            lines = region_lines(app, widget)
            return [row for row in wanted[view] if not row_with(lines, *row)]

        with contextlib.suppress(pytest.fail.Exception):  # the assert below says what
            await eventually(lambda: not missing(), within=5, what=f"{view} whole")
        lines = "\n".join(region_lines(app, widget))
        assert not missing(), f"{view} on the {page} page lacks {missing()}:\n{lines}"
        if isinstance(widget, KeyedTable):  # everything fits: nothing to scroll sideways
            assert not widget.show_horizontal_scrollbar, (page, view)
            assert widget.virtual_size.width <= widget.scrollable_content_region.width
    return shown


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_every_blotter_view_shows_its_key_cells_whole(
        quiet_sim: SimServer, size: tuple[int, int]) -> None:
    async with desk(quiet_sim, size) as (app, pilot, symbol):
        await settle(app, pilot)
        assert app.blotter.plan is not None
        names = app.blotter.plan.names
        seen: set[str] = set()
        blotter = app.query_one("#blotter")
        for name in names:  # f turns every page of this size, and back to the first
            assert blotter.has_class(f"-show-{name}")
            seen |= await check_page(app, pilot, symbol, name)
            tape = app.query_one(TradeTape)
            lines = region_lines(app, tape) if tape.display else []
            if size[0] >= 150:  # the tape on every page from 150 columns
                assert tape.display and any(line.startswith(("trades", "▏trades"))
                                            for line in lines), name
            await pilot.press("f")
            await settle(app, pilot)
        assert blotter.has_class(f"-show-{names[0]}")
        assert seen == {"orders", "positions", "fills", "history", "tape"}


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_header_footer_and_notices_leave_the_trader_every_word(
        quiet_sim: SimServer, size: tuple[int, int]) -> None:
    async with desk(quiet_sim, size) as (app, pilot, symbol):
        app.show_market(symbol)
        await eventually(lambda: app.cursor_price is not None, what="the book on the ladder")
        await settle(app, pilot)
        book = app.state.books[symbol]
        assert book.best_bid == 41 and book.best_offer == 45
        header = region_lines(app, app.pane.header)[0]
        assert whole("0.41 / 0.45", [header]) and "mid 0.43" in header, header
        assert re.search(r"\d+(\.\d)?s\b", header), f"the book's age in {header!r}"
        assert "…" not in header
        footer = region_lines(app, app.query_one(DeskFooter))[0].rstrip()
        for key in ("b Buy", "s Sell", "K KILL", "? Help", "q Quit"):
            assert key in footer, (key, footer)
        assert len(footer) <= size[0] and not footer.endswith("…")

        app.notify("Filled 10 BUY YES AEC-NFL-KC-BUF-2026-11-29 at 0.45.", timeout=30)
        board = app.query_one(NoticeBoard)

        def on_board() -> str:
            return " ".join(" ".join(line.split()) for line in region_lines(app, board))
        await eventually(lambda: "Filled 10 BUY YES" in on_board(), what="the notice")
        words = on_board()
        # every word, wrapped (a symbol wider than the board broken across lines), none cut
        assert "Filled10BUYYESAEC-NFL-KC-BUF-2026-11-29at0.45." in "".join(words.split()), words
        left = app.query_one("#left").region
        assert left.contains_region(board.region)  # under the watchlist: none of the rest
        assert board.region.height == board_height(size[1])
        for covered in ("#status", "#blotter", "#ticket-pane", "#ladders", "#markets"):
            assert not board.region.overlaps(app.query_one(covered).region), covered

        await pilot.press("question_mark")  # the help screen over it; still there after
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await eventually(lambda: "Filled 10 BUY YES" in on_board(), what="the notice after help")


class _Pane(Vertical):
    """A ladder pane's stand-in: the header finds every market's symbol in its state."""

    def __init__(self, state: DeskState) -> None:
        super().__init__()
        self.state = state


class _Header(App[None]):
    """One ladder header as wide as a ladder pane is at 80 columns."""

    CSS = "_Pane { width: 36; height: 2; } LadderHeader { height: 2; }"

    def __init__(self, state: DeskState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        with _Pane(self.state):
            yield LadderHeader("")


@pytest.mark.parametrize(("market", "named", "shows", "drops"), [
    ("", False, ["0.41 / 0.45", "mid 0.43", "0.4s"], ["spr", "last"]),
    ("↑0.52", False, ["0.41 / 0.45", "↑ c follows", "0.4s"], ["mid", "spr"]),
    ("", True, ["KC-BUF", "0.41 / 0.45", "0.4s"], ["spr"]),
], ids=["plain", "market-away", "named"])
async def test_a_narrow_ladder_header_drops_the_least_needed_first(
        market: str, named: bool, shows: list[str], drops: list[str]) -> None:
    scales = Scales.from_refdata(100, "0.01")
    symbols = ["AEC-NFL-KC-BUF-2026-11-29", "AEC-NFL-PHI-DAL-2026-11-26"]
    book = Book(symbols[0], bids=[(41, 10)], offers=[(45, 10)], last_trade_px=44)
    state = DeskState()
    state.set_instruments([Instrument(s, s, scales) for s in symbols])
    app = _Header(state)
    async with app.run_test(size=(80, 4)) as pilot:
        header = app.query_one(LadderHeader)
        header.show_book(Instrument(symbols[0], "Chiefs", scales), book, "", Text("titles"),
                         "0.4s", named=named, market=market)
        await pilot.pause()
        line = region_lines(app, header)[0]
        assert all(whole(word, [line]) or word in line for word in shows), line
        assert not any(word in line for word in drops), line
        assert "…" not in line, line


async def test_a_settlement_alone_redraws_the_ladder_header() -> None:
    """The header redraws only when what it shows moved: a settlement that arrives with the
    same inside and last trade is one of those things."""
    scales = Scales.from_refdata(100, "0.01")
    symbol = "AEC-NFL-KC-BUF-2026-11-29"
    state = DeskState()
    state.set_instruments([Instrument(symbol, symbol, scales)])
    inst = Instrument(symbol, "Chiefs", scales)
    book = Book(symbol, bids=[(41, 10)], offers=[(45, 10)], last_trade_px=44)
    app = _Header(state)
    async with app.run_test(size=(80, 4)) as pilot:
        header = app.query_one(LadderHeader)
        header.show_book(inst, book, "", Text("titles"), "0.4s")
        await pilot.pause()
        assert "SETTLED" not in region_lines(app, header)[0]
        settled = Book(symbol, bids=[(41, 10)], offers=[(45, 10)], last_trade_px=44,
                       settlement_px=100)
        header.show_book(inst, settled, "", Text("titles"), "0.4s")
        await pilot.pause()
        assert "SETTLED 1.00" in region_lines(app, header)[0]


async def test_a_resize_lays_the_blotter_out_again_and_keeps_the_view_f_chose(
        quiet_sim: SimServer) -> None:
    async with desk(quiet_sim, (120, 36)) as (app, pilot, symbol):
        await settle(app, pilot)
        await pilot.press("f")  # fills beside open orders
        assert app.blotter.has_class("-show-fills")
        for size, page in (((220, 50), "positions"), ((80, 24), "fills"),
                           ((160, 48), "fills"), ((120, 36), "fills")):
            await pilot.resize_terminal(*size)
            await eventually(lambda size=size: app.size == size, what=f"the {size} screen")
            await settle(app, pilot)
            assert app.blotter.has_class(f"-show-{page}"), (size, app.blotter.classes)
            shown = await check_page(app, pilot, symbol, page)
            assert "fills" in shown, size
            tape = app.query_one(TradeTape)
            assert tape.display == (size[0] >= 150), size
