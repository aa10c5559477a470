"""The desk's screen: the ladders, the ticket, the blotter and the links, and the keys that
only change what is shown (cursor, markets, ladders, views). A frame timer (tui/ui/frame.py)
pulls what changed from DeskState and the desk controller and repaints only that. Nothing
here decides a trade: the ticket draws the desk's view; the keys that trade are the app's."""

from __future__ import annotations

import asyncio
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size

from tui.core.search import market_words
from tui.core.state import DeskState
from tui.desk.controller import DeskController
from tui.desk.view import TicketView
from tui.ui.bindings import SCREEN_BINDINGS
from tui.ui.first_book import FirstBook
from tui.ui.frame import SIDE_PERIOD, Frame
from tui.ui.guard import guarded
from tui.ui.keymap import DeclaredOrderScreen
from tui.ui.layout import WIDE, XWIDE, ticket_width
from tui.ui.screens.picker import MarketPicker
from tui.ui.sliced_paint import SlicedPaint
from tui.ui.widgets.account import AccountPanel
from tui.ui.widgets.blotter import FillsTable
from tui.ui.widgets.blotter_pages import BlotterPages
from tui.ui.widgets.footer import DeskFooter
from tui.ui.widgets.history import OrderHistoryTable
from tui.ui.widgets.ladder import Ladder
from tui.ui.widgets.ladder_pane import LadderPane
from tui.ui.widgets.ladder_rows import DEFAULT_ORDER
from tui.ui.widgets.markets import MarketList
from tui.ui.widgets.notices import NoticeBoard, board_height
from tui.ui.widgets.status import StatusBar, age_text, feed_warning
from tui.ui.widgets.tables import LaidOutTable, OrdersTable, PositionsTable
from tui.ui.widgets.ticket import OrderTicket
from tui.ui.widgets.trades import TradeTape

if TYPE_CHECKING:
    from tui.ui.app import PmdeskApp

SECOND_LADDER_FROM, THIRD_LADDER_FROM = WIDE, XWIDE  # columns; styles/app.tcss agrees


class DeskScreen(SlicedPaint, DeclaredOrderScreen):
    """The main screen. The app maps the trading keys to the desk controller; this draws."""

    BINDINGS: ClassVar[list[BindingType]] = SCREEN_BINDINGS

    def __init__(self, desk: DeskController) -> None:
        super().__init__(id="_default")
        self.desk = desk
        self.symbol: str | None = None  # the market on the active ladder
        self.frames = Frame(self)
        self.drawn: TicketView | None = None  # the ticket as last drawn
        self._active = 0  # which ladder pane the keys trade in
        self._panes: list[LadderPane] = []
        self._column_order = DEFAULT_ORDER
        self._ticket_soon = False  # a cursor move's ticket is on its way

    @property
    def pmdesk(self) -> PmdeskApp:
        return self.app  # type: ignore[return-value]

    @property
    def state(self) -> DeskState:
        return self.desk.state

    # --- what the keys trade --------------------------------------------------------------
    @property
    def panes(self) -> list[LadderPane]:
        if not self._panes:
            self._panes = list(self.query(LadderPane))
        return self._panes

    @property
    def visible_panes(self) -> list[LadderPane]:
        """The panes the terminal's width shows (as styles/app.tcss lays them out); decided
        from the width, not from styles that may not be applied yet after a resize."""
        width = self.app.size.width
        count = 1 if width < SECOND_LADDER_FROM else 2 if width < THIRD_LADDER_FROM else 3
        return self.panes[:count]

    @property
    def pane(self) -> LadderPane:
        """The active ladder pane: the one whose market the keys trade."""
        return self.panes[self._active]

    @property
    def ladder(self) -> Ladder:
        return self.pane.ladder

    @property
    def ticket(self) -> OrderTicket:
        return self.query_one(OrderTicket)

    @property
    def blotter(self) -> BlotterPages:
        return self.query_one(BlotterPages)

    @cached_property
    def notices(self) -> NoticeBoard:  # found once: the side frame asks ten times a second
        return self.query_one(NoticeBoard)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """With a dialog on top its own keys only: the footer names none of these."""
        return self.app.screen is self

    def aimed(self) -> DeskController:
        """The desk, trading at the active ladder's market and cursor."""
        self.desk.aim(self.symbol, self.ladder.cursor)
        return self.desk

    # --- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        state = self.state
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield MarketList(state, id="markets")
                yield NoticeBoard(id="notices")
            with Horizontal(id="ladders"):
                # the second and third show only on wide terminals (styles/app.tcss)
                for n in range(3):
                    yield LadderPane(state, id=f"pane-{n}", classes="-active" if n == 0 else "")
            with Vertical(id="ticket-pane"):
                yield OrderTicket(id="ticket")
                yield AccountPanel(id="account")
        with BlotterPages(id="blotter"):  # what shows where: tui/ui/layout.py
            yield OrdersTable(id="orders")
            yield PositionsTable(id="positions")
            yield FillsTable(id="fills")
            yield OrderHistoryTable(id="history")
            yield TradeTape(state, id="tape")  # on the right wherever it shows
        yield StatusBar("", id="status")
        yield DeskFooter()

    def on_mount(self) -> None:
        config = self.desk.config
        self.ticket.keys, self.ticket.presets = self.pmdesk.keys, len(config.size_presets)
        for pane in self.panes:
            pane.ladder.auto_recentre = config.recentre_ticks if config.auto_recentre else 0
        self.ladder.focus()
        self.lay_out()
        self.notices.show(self.app._notifications)  # any said before the desk was up
        self.frame()
        self.state.listen(FirstBook(self))  # the first books drawn as they arrive
        # through the app's frames, which the benchmarks (bench/) time; the side frame half
        # a book frame after it, so the two seldom share one paint (tui/ui/frame.py)
        period = 1 / max(self.pmdesk.frame_hz, 1.0)
        self.set_interval(period, lambda: self.pmdesk.book_frame(), name="frame")
        self.set_timer(period / 2, lambda: self.set_interval(
            max(SIDE_PERIOD, period), lambda: self.pmdesk.side_frame(), name="side-frame"))

    @guarded
    def lay_out(self, size: Size | None = None) -> None:
        """The blotter for this terminal size (tui/ui/layout.py); the notice board's
        height."""
        width, height = size or self.app.size
        self.query_one("#ticket-pane").styles.width = ticket_width(width)
        self.notices.styles.height = board_height(height)
        self.blotter.lay_out(width, height, self._refill)

    def _refill(self, table: LaidOutTable) -> None:
        """A table whose columns changed lays out its rows again."""
        if isinstance(table, OrderHistoryTable):
            self.frames.history_due = True
            self.frames.refresh_history()
        elif isinstance(table, OrdersTable | PositionsTable | FillsTable):
            table.refresh_from(self.state)

    @guarded
    def panes_resized(self) -> None:
        visible, self.frames.watched_due = self.visible_panes, True  # more or fewer ladders
        if self.pane not in visible:
            self.activate(0)
        stale = bool(feed_warning(self.state, self.pmdesk.clock()))
        for pane in visible:  # every ladder back on its market, a trader's scroll forgotten
            pane.ladder.set_stale(stale)
            pane.ladder.refresh_book()
            pane.ladder.recentre_view()
            self.show_header(pane)

    def report(self, text: str, error: BaseException | None = None, *,
               sticky: bool = False) -> None:
        self.pmdesk.report(text, error, sticky=sticky)

    # --- markets and ladders ----------------------------------------------------------------
    def show_market(self, symbol: str | None) -> None:
        """Put a market on the active ladder and the ticket."""
        self.symbol = symbol if symbol in self.state.instruments else None
        self.ladder.show(self.symbol)
        self.frames.watched_due = True  # the venue is told which books are on screen
        self.desk.aim(self.symbol, self.ladder.cursor)  # a picked-up order stays behind
        self.query_one(MarketList).highlight(self.symbol)
        self.show_header()
        self.show_ticket()

    def activate(self, index: int) -> None:
        """Make another ladder pane the one the keys trade in."""
        if index == self._active or not 0 <= index < len(self.panes):
            return
        self.desk.drop_move()
        self.pane.remove_class("-active")
        self._active, self.frames.watched_due = index, True  # the first watched moved
        pane = self.pane
        pane.add_class("-active")
        self.symbol = pane.symbol
        self.query_one(MarketList).highlight(self.symbol)
        if not pane.ladder.has_focus and self.app.screen is self:
            pane.ladder.focus()
        pane.ladder.set_view(outcome=self.desk.ticket.outcome)
        self.show_ticket()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Clicking or tabbing into a ladder makes its pane the active one."""
        # a late event for a ladder that has lost focus since must not switch back to it
        if isinstance(event.widget, Ladder) and event.widget is self.focused:
            for n, pane in enumerate(self.panes):
                if pane.ladder is event.widget:
                    self.activate(n)

    @guarded
    def on_market_list_selected(self, event: MarketList.Selected) -> None:
        if event.symbol != self.symbol:
            self.show_market(event.symbol)
        if event.done:
            self.ladder.focus()

    @guarded
    def on_ladder_cursor_moved(self, event: Ladder.CursorMoved) -> None:
        """The ticket for the new cursor, once the messages that came with the move are
        handled (a recentre brings several): one callback of its own, not theirs."""
        if not self._ticket_soon:
            self._ticket_soon = True
            asyncio.get_running_loop().call_soon(self._ticket_after_move)

    @guarded
    def _ticket_after_move(self) -> None:
        self._ticket_soon = False
        if self.is_mounted:
            self.show_ticket()

    @guarded
    def on_ladder_view_changed(self, event: Ladder.ViewChanged) -> None:
        for pane in self.visible_panes:
            if pane.ladder is event.ladder:
                self.show_header(pane)

    def show_header(self, pane: LadderPane | None = None) -> None:
        pane = pane or self.pane
        ladder, now = pane.ladder, self.pmdesk.clock()
        symbol = ladder.symbol
        book = self.state.books.get(symbol) if symbol else None
        age = age_text(now - book.received_at) if book and book.received_at else ""
        away = ladder.cursor_away()
        cursor = (f"cursor {away}{ladder.instrument.scales.price_text(ladder.cursor)}"
                  if away and ladder.instrument and ladder.cursor is not None else "")
        flags = " ".join(f for f, on in (("Σ", ladder.cumulative),
                                         ("auto", bool(ladder.auto_recentre)),
                                         (cursor, bool(cursor))) if on)
        market = ladder.market_away()  # out of sight: where it went, and the key to follow
        pane.header.show_book(ladder.instrument, book, feed_warning(self.state, now),
                              ladder.column_titles(), age, flags,
                              named=len(self.visible_panes) > 1, market=market,
                              follow_key=self.pmdesk.keys.shown("recentre"))

    # --- the ticket and what the desk says ----------------------------------------------------
    def show_ticket(self) -> None:
        """The desk's view of the ticket at the active cursor; an estimate asked for when one
        shown is not for the book on screen."""
        view = self.aimed().view()
        self.ticket.view = view  # a reactive: redrawn only if the view changed
        self.drawn = view
        if self.desk.estimate_due():
            self.estimate()

    @work(exclusive=True, group="estimate", exit_on_error=False)
    async def estimate(self) -> None:
        """The exchange's preview for the ticket; a newer ticket restarts the wait."""
        await self.desk.estimate()

    # --- the frame ------------------------------------------------------------------------
    @guarded
    def frame(self) -> None:
        """Pull what changed from DeskState and the desk, and repaint only that."""
        with self.app.batch_update():
            self.frames.run(self.pmdesk.clock())

    @guarded
    def book_frame(self) -> None:
        """The ladders, the ticket and my orders, as they changed."""
        with self.app.batch_update():
            self.frames.run_books(self.pmdesk.clock())

    @guarded
    def side_frame(self) -> None:
        """The tape, marks, account, market list and status, as they changed."""
        with self.app.batch_update():
            self.frames.run_side(self.pmdesk.clock())

    def instruments_changed(self) -> None:
        symbols = list(self.state.instruments)
        for n, pane in enumerate(self.panes):  # side ladders start on the next markets
            if n != self._active and pane.symbol not in self.state.instruments:
                pane.ladder.show(symbols[n % len(symbols)] if symbols else None)
        if self.symbol not in self.state.instruments:
            self.show_market(symbols[0] if symbols else None)
        for pane in self.panes:
            pane.ladder.rescale()
        self.query_one(MarketList).set_markets(symbols, self.symbol)

    # --- keys that only change what is shown ----------------------------------------------
    @guarded
    def action_blotter_view(self) -> None:
        """f: the next blotter page of this size (tui/ui/layout.py): beside open orders,
        positions, fills, trades, history; under 110 columns open orders are a page too."""
        self.blotter.turn()
        self.frames.refresh_history()  # what ended while it was hidden, before it is drawn

    @guarded
    def action_next_ladder(self) -> None:
        visible = self.visible_panes
        if len(visible) < 2:
            self.app.notify("One ladder fits this terminal; widen it for more.", timeout=3)
            return
        at = visible.index(self.pane) if self.pane in visible else -1
        self.activate(self.panes.index(visible[(at + 1) % len(visible)]))
        self.frames.show_notices()

    @guarded
    def action_depth_view(self) -> None:
        cumulative = not self.ladder.cumulative
        for pane in self.panes:
            pane.ladder.set_view(cumulative=cumulative)
            self.show_header(pane)

    @guarded
    def action_ladder_columns(self) -> None:
        order = self._column_order
        self._column_order = order[1:] + order[:1]
        for pane in self.panes:
            pane.ladder.set_view(column_order=self._column_order)
            self.show_header(pane)

    @guarded
    def action_auto_recentre(self) -> None:
        ticks = 0 if self.ladder.auto_recentre else self.desk.config.recentre_ticks
        for pane in self.panes:
            pane.ladder.auto_recentre = ticks
            if ticks:  # asked to follow: a view scrolled away from the market follows too
                pane.ladder.trader_scrolled = False
            pane.ladder.follow_market()
            self.show_header(pane)
        self.app.notify(f"Auto-recentre on: the ladder follows the market ({ticks} ticks)."
                        if ticks else "Auto-recentre off.", timeout=3)

    @guarded
    def action_market(self, step: int) -> None:
        symbols = list(self.state.instruments)
        if not symbols:
            return
        index = symbols.index(self.symbol) if self.symbol in symbols else -step
        self.show_market(symbols[(index + step) % len(symbols)])

    @guarded
    def action_pick_market(self) -> None:
        """`/`: find a market by symbol or description; Enter opens its ladder."""
        items = [(s, market_words(i)) for s, i in self.state.instruments.items()]

        def chosen(symbol: str | None) -> None:
            if symbol is not None and symbol != self.symbol:
                self.show_market(symbol)
            self.ladder.focus()

        self.app.push_screen(MarketPicker(items, self.symbol), chosen)

    @guarded
    def action_cursor(self, ticks: int) -> None:
        self.ladder.move_cursor(ticks)

    @guarded
    def action_jump(self, side: str) -> None:
        """Cursor to the best bid or best offer of the book on the ladder."""
        book = self.state.books.get(self.symbol) if self.symbol else None
        price = None if book is None else (book.best_bid if side == "bid" else book.best_offer)
        if price is None:
            self.app.notify(f"No {side} in this market.", severity="warning", timeout=3)
            return
        self.ladder.set_cursor(price, centre=True)

    @guarded
    def action_recentre(self) -> None:
        self.ladder.recentre()
