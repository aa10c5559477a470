"""The frame: on timers, pull what changed from DeskState and the desk, and repaint only that.

The venue writes DeskState and marks what changed (dirty books, version counters); the
desk controller counts its own changes. The frame reads those marks, never one message
per tick, and redraws inside one batch_update. It is cut in two, each on its own timer:

- the book frame (the frame rate, 20 Hz): the ladders and their headers, the ticket (drawn
  after the ladders, from the same books, so it never shows an estimate for an older book
  than the ladder does), my orders and fills, the notices;
- the side frame (SIDE_PERIOD, half a book frame after it): the tape, positions and account
  marks, the market list, the status bar, the history.

Textual paints what one callback changed in one pass, over the box around everything that
changed: one frame that touched the ladder, the tape and the status bar repainted most of
the screen, tens of ms of the UI loop on a busy book. Two frames, each over its own part of
the screen, keep each pass short, and a key gets in between them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

from tui.ui.widgets.account import AccountPanel
from tui.ui.widgets.blotter import FillsTable
from tui.ui.widgets.history import OrderHistoryTable
from tui.ui.widgets.markets import MarketList
from tui.ui.widgets.status import StatusBar, feed_warning, signature
from tui.ui.widgets.tables import OrdersTable, PositionsTable
from tui.ui.widgets.trades import TradeTape

if TYPE_CHECKING:
    from tui.ui.screens.desk import DeskScreen

SIDE_PERIOD = 0.1  # the tape, marks and account ten times a second
MARKET_LIST_PERIOD = 0.5  # the market list refreshes at most twice a second
STATUS_PERIOD = 1.0  # ages tick once a second even when nothing else moved
SEVERITY: dict[str, SeverityLevel] = {"warning": "warning", "error": "error"}


class Frame:
    """What the screen has drawn so far (versions seen), and the frames that catch up."""

    def __init__(self, screen: DeskScreen) -> None:
        self.screen = screen
        self.status_at = 0.0  # when the status bar was last drawn (on the screen's clock)
        self.history_due = True  # the history view is laid out when it next shows
        # the markets on screen moved (a market shown, a pane activated, a resize): the
        # venue is told in the next book frame, not asked every frame
        self.watched_due = True
        self._seen: dict[str, int] = {}
        self._notice_seq = 0
        self._pending_marks: set[str] = set()  # books moved since the side frame ran
        self._pending_quotes: set[str] = set()  # ... since the market list was drawn
        self._quotes_at = 0.0
        self._status_sig: tuple[tuple[str, str], ...] = ()

    def changed(self, name: str, version: int) -> bool:
        changed, self._seen[name] = self._seen.get(name) != version, version
        return changed

    def run(self, now: float) -> None:
        """Both frames at once (the first paint; tests that freeze the clock)."""
        self.run_books(now)
        self.run_side(now)

    def run_books(self, now: float) -> None:
        """The book frame: the ladders, the ticket, my orders, the notices."""
        screen = self.screen
        state, desk = screen.state, screen.desk
        if self.changed("instruments", state.instruments_version):
            screen.instruments_changed()  # the side ladders may show other markets now
            self.watched_due = True
        if screen.pane not in screen.visible_panes:  # the terminal narrowed under it
            screen.activate(0)
        if self.watched_due:
            # the markets on screen, the one that trades first: a venue keeps their books
            # current by other means while its price stream is down
            self.watched_due = False
            state.watched = tuple(dict.fromkeys(
                p.symbol for p in (screen.pane, *screen.visible_panes) if p.symbol))
        dirty = state.take_dirty_books()
        self._pending_marks |= dirty
        self._pending_quotes |= dirty
        orders_moved = self.changed("orders", state.orders_version)
        positions_moved = self.changed("positions", state.positions_version)
        for pane in screen.visible_panes:
            if pane.symbol in dirty:
                pane.ladder.refresh_book()
                pane.ladder.follow_market()
                screen.show_header(pane)
        if orders_moved:
            screen.query_one("#orders", OrdersTable).refresh_from(state)
            screen.query_one(FillsTable).refresh_from(state)
            self.history_due = True
        drawn = screen.drawn
        latch = self.changed("latch", int(state.latched))
        if (self.changed("desk", desk.version) or latch or screen.symbol in dirty or orders_moved
                or positions_moved or drawn is None or drawn.cursor != screen.ladder.cursor):
            screen.show_ticket()
        elif drawn.refreshing and desk.estimate_due():  # the book-only refresh is due
            screen.estimate()
        self.show_notices()

    def run_side(self, now: float) -> None:
        """The side frame: the tape, positions and account, the market list, the status."""
        screen, state = self.screen, self.screen.state
        dirty, self._pending_marks = self._pending_marks, set()
        if self.changed("trades", state.trades_version):
            screen.query_one(TradeTape).refresh_from(state)
        self.refresh_history()
        self._accounts(dirty)
        self._status(now)
        screen.notices.tick()
        if self._pending_quotes and now - self._quotes_at >= MARKET_LIST_PERIOD:
            screen.query_one(MarketList).update_quotes(self._pending_quotes)
            self._pending_quotes, self._quotes_at = set(), now

    def show_notices(self) -> None:
        """The desk's notices, then the venue's (after a reconnect, the latest few)."""
        app, state = self.screen.app, self.screen.state
        for notice in self.screen.desk.take_notices():
            app.notify(notice.text, severity=SEVERITY.get(notice.severity, "information"),
                       timeout=notice.timeout)
        notices = state.notices_after(self._notice_seq)
        if notices:
            self._notice_seq = notices[-1].seq
            for notice in notices[-5:]:
                app.notify(notice.text, severity=SEVERITY.get(notice.severity, "information"))

    def repaint_private(self) -> None:
        """Privacy turned on or off: everything that masks draws again at once."""
        self.screen.app.notify("Private: balances, P&L and accounts are masked."
                               if self.screen.pmdesk.privacy.on
                               else "Private off: balances, P&L and accounts show.", timeout=3)
        self.repaint_all(forget_rows=False)

    def repaint_all(self, forget_rows: bool) -> None:
        """Every widget that keeps what it drew draws it again, at once: after privacy moved
        (what masks, from the state) or the theme did (forget_rows: the cells the tables and
        the list keep carry the old colours, so they are made again)."""
        screen, state = self.screen, self.screen.state
        if not screen.is_mounted:
            return
        tables = (screen.query_one("#orders", OrdersTable), screen.query_one(PositionsTable),
                  screen.query_one(FillsTable))
        # the history's kept cells hold colours and a reject's words, masked or not; it is
        # laid out only while it shows, so it starts again from nothing either way
        screen.query_one(OrderHistoryTable).forget_rows()
        if forget_rows:
            screen.query_one(MarketList).restyle()
            screen.query_one(TradeTape).restyle()
            for table in tables:
                table.forget_rows()
        for table in tables:
            table.refresh_from(state)
        screen.query_one(AccountPanel).refresh()
        for pane in screen.panes:
            pane.ladder.set_view()  # its rows' strips are kept: drawn again
            screen.show_header(pane)
        screen.notices.redraw()
        if screen.ticket.view is not None:
            screen.ticket.show(screen.ticket.view)
        self.history_due, self.status_at = True, 0.0
        self.refresh_history()
        self._status(screen.pmdesk.clock())

    def refresh_history(self) -> None:
        """The history view is costly to lay out and mostly hidden: only while it shows."""
        if self.history_due and self.screen.blotter.has_class("-show-history"):
            self.history_due = False
            self.screen.query_one(OrderHistoryTable).refresh_from(self.screen.state)

    def _accounts(self, dirty: set[str]) -> None:
        screen, state = self.screen, self.screen.state
        positions, account = screen.query_one(PositionsTable), screen.query_one(AccountPanel)
        account_moved = self.changed("account", state.status_version)
        # versions of their own: the book frame reads (and consumes) "orders", "positions"
        orders_moved = self.changed("orders-side", state.orders_version)
        positions_moved = self.changed("positions-side", state.positions_version)
        if positions_moved or account_moved:
            positions.refresh_from(state)
        elif dirty:  # marks moved: only the rows of markets whose book changed
            positions.refresh_marks(state, dirty)
        if positions_moved or account_moved or orders_moved:  # it counts open orders
            account.refresh_from(state)
        elif dirty:
            account.refresh_marks(state, dirty)

    def _status(self, now: float) -> None:
        screen, state = self.screen, self.screen.state
        sig = signature(state, now)
        if (self.changed("status", state.status_version) or sig != self._status_sig
                or now - self.status_at >= STATUS_PERIOD):
            self._status_sig, self.status_at = sig, now
            screen.query_one(StatusBar).show(state, now,
                                             screen.pmdesk.error_text or state.problem,
                                             screen.pmdesk.keys.said("rearm"))
            markets = screen.query_one(MarketList)
            markets.show_age(state, now)
            markets.tick()  # sparklines step on the wall clock, every 15 s
            screen.query_one(TradeTape).show_age(state, now)
            stale = bool(feed_warning(state, now))
            for pane in screen.visible_panes:
                pane.ladder.set_stale(stale)
                screen.show_header(pane)
