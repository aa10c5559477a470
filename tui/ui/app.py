"""The Textual app: a ladder, a ticket, the blotter and the links, pulled from DeskState.

The venue writes DeskState; a frame timer reads what changed (dirty books, version
counters) and repaints only that, inside one batch_update. Nothing here runs per tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import ClassVar, ParamSpec, TypeVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets._toast import ToastRack

from tui.core.config import DeskConfig
from tui.core.model import Instrument, Order
from tui.core.prices import Outcome
from tui.core.state import DeskState
from tui.core.venue import Venue, VenueError
from tui.ui.bindings import DESK_BINDINGS
from tui.ui.guard import guarded, plain
from tui.ui.keymap import DeskKeys, DeskScreen
from tui.ui.layout import NARROW, WIDE, XWIDE, ticket_width
from tui.ui.navigation import LadderActions
from tui.ui.screens.help import HelpScreen, key_rows
from tui.ui.trading import TradingActions
from tui.ui.widgets.account import AccountPanel
from tui.ui.widgets.blotter import FillsTable
from tui.ui.widgets.blotter_pages import BlotterPages
from tui.ui.widgets.footer import DeskFooter
from tui.ui.widgets.history import OrderHistoryTable
from tui.ui.widgets.ladder import Ladder
from tui.ui.widgets.ladder_pane import LadderPane
from tui.ui.widgets.ladder_rows import DEFAULT_ORDER
from tui.ui.widgets.markets import MarketList
from tui.ui.widgets.status import StatusBar, feed_warning, signature
from tui.ui.widgets.tables import LaidOutTable, OrdersTable, PositionsTable
from tui.ui.widgets.ticket import OrderTicket
from tui.ui.widgets.trades import TradeTape

P = ParamSpec("P")
T = TypeVar("T")
MARKET_LIST_PERIOD = 0.5  # the market list refreshes at most twice a second
STATUS_PERIOD = 1.0  # ages tick once a second even when nothing else moved
SEVERITY: dict[str, SeverityLevel] = {"warning": "warning", "error": "error"}
SECOND_LADDER_FROM, THIRD_LADDER_FROM = WIDE, XWIDE  # columns; styles/app.tcss agrees
DIALOG_ACTIONS = frozenset({"help", "quit"})  # the only app keys while a dialog is open


def _load_css() -> str:
    """styles/app.tcss: tui.styles when installed (editable or wheel), else the source tree."""
    try:
        return (resources.files("tui.styles") / "app.tcss").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # a source checkout, not installed
        return (Path(__file__).resolve().parents[2] / "styles" / "app.tcss").read_text("utf-8")


class PmdeskApp(TradingActions, LadderActions, App[None]):
    """pmdesk's screen.

    Tests may read: symbol, instrument, cursor_price (raw YES), outcome, order_size (raw),
    ladder (Ladder), ticket (OrderTicket), state (DeskState), error_text.
    """

    CSS = _load_css()
    ENABLE_COMMAND_PALETTE = False
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"), (NARROW, "-wide"), (SECOND_LADDER_FROM, "-xwide"),
        (THIRD_LADDER_FROM, "-xxwide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-short"), (32, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = DESK_BINDINGS

    def __init__(self, venue: Venue, *, config: DeskConfig | None = None,
                 frame_hz: float = 20.0, title: str = "pmdesk",
                 repeat_guard: float = 0.7) -> None:
        super().__init__()
        self.venue = venue
        self.config = config or DeskConfig()
        self.keys = DeskKeys(self.config.keymap)  # the one answer to "which key does that"
        self.grabbed: Order | None = None  # a working order picked up with m, to move
        self._estimate_timer: Timer | None = None
        self._estimated_for: tuple[object, ...] | None = None  # the ticket estimated
        self._estimated_at = 0.0
        self.frame_hz = frame_hz
        self.title = title
        self.repeat_guard = repeat_guard  # the same order again this soon: ignored (held key)
        self.symbol: str | None = None  # the market on the ladder
        self.error_text = ""  # a startup failure, shown in the status bar
        self._seen: dict[str, int] = {}
        self._history_due = True  # the history view is laid out when it next shows
        self._notice_seq = 0
        self._pending_quotes: set[str] = set()
        self._quotes_at = 0.0
        self._status_at = 0.0
        self._status_sig: tuple[tuple[str, str], ...] = ()
        self._last_order: tuple[float, object] = (0.0, None)
        self._told_held = False
        self._stopped = False
        self._reported: dict[str, float] = {}
        self._active = 0  # which ladder pane the keys trade in
        self._panes: list[LadderPane] = []
        # the clock data ages are shown against (snapshot tests freeze it)
        self.clock: Callable[[], float] = time.monotonic
        self._column_order = DEFAULT_ORDER

    # --- shortcuts tests can use ---------------------------------------------------
    @property
    def state(self) -> DeskState:
        return self.venue.state

    @property
    def panes(self) -> list[LadderPane]:
        if not self._panes:
            self._panes = list(self.query(LadderPane))
        return self._panes

    @property
    def visible_panes(self) -> list[LadderPane]:
        """The panes the terminal's width shows (as styles/app.tcss lays them out); decided
        from the width, not from styles that may not be applied yet after a resize."""
        width = self.size.width
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
    def instrument(self) -> Instrument | None:
        return self.state.instruments.get(self.symbol) if self.symbol else None

    @property
    def cursor_price(self) -> int | None:
        """The ladder cursor's raw YES price."""
        return self.ladder.cursor

    @property
    def outcome(self) -> Outcome:
        return self.ticket.outcome

    @property
    def order_size(self) -> int:
        """The ticket's raw quantity (App.size is the terminal's)."""
        return self.ticket.qty

    # --- layout and life cycle -------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield MarketList(self.state, id="markets")
            with Horizontal(id="ladders"):
                # the second and third show only on wide terminals (styles/app.tcss)
                for n in range(3):
                    yield LadderPane(self.state, id=f"pane-{n}",
                                     classes="-active" if n == 0 else "")
            with Vertical(id="ticket-pane"):
                yield OrderTicket(id="ticket")
                yield AccountPanel(id="account")
        with BlotterPages(id="blotter"):  # what shows where: tui/ui/layout.py
            yield OrdersTable(id="orders")
            yield PositionsTable(id="positions")
            yield FillsTable(id="fills")
            yield OrderHistoryTable(id="history")
            yield TradeTape(self.state, id="tape")  # on the right wherever it shows
        yield StatusBar("", id="status")
        yield DeskFooter()

    def on_mount(self) -> None:
        self._quit_on_signals()
        if self.keys.keymap:
            self.set_keymap(self.keys.keymap)
        self.ticket.keys, self.ticket.presets = self.keys, len(self.config.size_presets)
        for pane in self.panes:
            pane.ladder.auto_recentre = (self.config.recentre_ticks
                                         if self.config.auto_recentre else 0)
        self.ladder.focus()
        self.lay_out()
        self.frame()
        self.run_worker(self._start_venue(), name="venue-start", exit_on_error=False)
        self.set_interval(1 / max(self.frame_hz, 1.0), self.frame, name="frame")

    def _quit_on_signals(self) -> None:
        """SIGTERM quits cleanly (terminal restored). SIGHUP means the terminal is gone.

        With no terminal, Textual's writer can block the event loop forever on its way
        out, so a hang-up leaves at once: the venue keeps every order (as on any quit),
        the sockets close with the process, and the demo exchange sees its stdin close.
        """
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGTERM, self.exit)
            loop.add_signal_handler(signal.SIGHUP, self._hang_up)

    def _hang_up(self) -> None:
        flush = getattr(self.venue, "flush_now", None)
        if flush is not None:
            with contextlib.suppress(Exception):
                flush(1.0)  # the local database first: bounded, then gone
        os._exit(128 + signal.SIGHUP)

    async def _start_venue(self) -> None:
        try:
            await self.venue.start()
        except VenueError as error:
            self.report(plain(error), sticky=True)
        except Exception as error:  # noqa: BLE001 - a sentence for the trader, no traceback
            self.report(f"Could not start the venue: {plain(error)}.", error, sticky=True)

    async def _stop_venue(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        try:
            await self.venue.stop()
        except Exception as error:  # noqa: BLE001 - a sentence for the trader, no traceback
            self.log.error(f"venue stop failed: {plain(error)}")

    async def on_unmount(self) -> None:
        await self._stop_venue()

    async def action_quit(self) -> None:
        await self._stop_venue()
        self.exit()

    def on_resize(self, event: events.Resize) -> None:
        self.lay_out(event.size)  # App.size follows a moment later

    @property
    def blotter(self) -> BlotterPages:
        return self.query_one(BlotterPages)

    @guarded
    def lay_out(self, size: Size | None = None) -> None:
        """The blotter for this terminal size (tui/ui/layout.py); toasts above it."""
        width, height = size or self.size
        self.query_one("#ticket-pane").styles.width = ticket_width(width)
        if self.blotter.lay_out(width, height, self._refill):
            assert self.blotter.plan is not None
            for rack in self.screen_stack[0].query(ToastRack):  # over the watchlist only
                rack.styles.max_height = max(height - self.blotter.plan.height - 4, 3)

    def _refill(self, table: LaidOutTable) -> None:
        """A table whose columns changed lays out its rows again."""
        if isinstance(table, OrderHistoryTable):
            self._history_due = True
            self._refresh_history()
        elif isinstance(table, OrdersTable | PositionsTable | FillsTable):
            table.refresh_from(self.state)

    def report(self, text: str, error: BaseException | None = None, *,
               sticky: bool = False) -> None:
        """An error as a toast (sticky: also in the status bar); the details go to the log."""
        if error is not None:
            self.log.error(repr(error))
        if sticky:
            self.error_text, self._status_at = text, 0.0
        now = time.monotonic()
        if now - self._reported.get(text, -60.0) > 5.0:  # a fault repeating every frame: once
            self.notify(text, severity="error", timeout=8)
        self._reported = {t: at for t, at in self._reported.items() if now - at < 5.0}
        self._reported[text] = now

    # --- the frame -------------------------------------------------------------------
    @guarded
    def frame(self) -> None:
        """Pull what changed from DeskState and repaint only that."""
        state, now = self.state, self.clock()
        with self.batch_update():
            if self._changed("instruments", state.instruments_version):
                self._instruments_changed()
            if self.pane not in self.visible_panes:  # the terminal narrowed under it
                self.activate(0)
            dirty = state.take_dirty_books()
            self._pending_quotes |= dirty
            orders_moved = self._changed("orders", state.orders_version)
            positions_moved = self._changed("positions", state.positions_version)
            for pane in self.visible_panes:
                if pane.symbol in dirty:
                    pane.ladder.refresh_book()
                    pane.ladder.follow_market()
                    self._show_header(pane)
            if self.symbol in dirty:
                self._schedule_estimate(book_moved=True)
            if self._changed("trades", state.trades_version):
                self.query_one(TradeTape).refresh_from(state)
            if orders_moved:
                self.query_one("#orders", OrdersTable).refresh_from(state)
                self.query_one(FillsTable).refresh_from(state)
                self._history_due = True
            self._refresh_history()
            positions, account = self.query_one(PositionsTable), self.query_one(AccountPanel)
            account_moved = self._changed("account", state.status_version)
            if positions_moved or account_moved:
                positions.refresh_from(state)
            elif dirty:  # marks moved: only the rows of markets whose book changed
                positions.refresh_marks(state, dirty)
            if positions_moved or account_moved or orders_moved:  # it counts open orders
                account.refresh_from(state)
            elif dirty:
                account.refresh_marks(state, dirty)
            if orders_moved or positions_moved:
                self._show_ticket()
            sig = signature(state, now)
            if (self._changed("status", state.status_version) or sig != self._status_sig
                    or now - self._status_at >= STATUS_PERIOD):
                self._status_sig, self._status_at = sig, now
                self.query_one(StatusBar).show(state, now, self.error_text or state.problem)
                markets = self.query_one(MarketList)
                markets.show_age(state, now)
                markets.tick()  # sparklines step on the wall clock, every 15 s
                self.query_one(TradeTape).show_age(state, now)
                stale = bool(feed_warning(state, now))
                for pane in self.visible_panes:
                    pane.ladder.set_stale(stale)
                    self._show_header(pane)
            if self._pending_quotes and now - self._quotes_at >= MARKET_LIST_PERIOD:
                self.query_one(MarketList).update_quotes(self._pending_quotes)
                self._pending_quotes, self._quotes_at = set(), now
            self._show_notices()

    def _refresh_history(self) -> None:
        """The history view is costly to lay out and mostly hidden: only while it shows."""
        if self._history_due and self.blotter.has_class("-show-history"):
            self._history_due = False
            self.query_one(OrderHistoryTable).refresh_from(self.state)

    def _changed(self, name: str, version: int) -> bool:
        changed, self._seen[name] = self._seen.get(name) != version, version
        return changed

    def _instruments_changed(self) -> None:
        symbols = list(self.state.instruments)
        for n, pane in enumerate(self.panes):  # side ladders start on the next markets
            if n != self._active and pane.symbol not in self.state.instruments:
                pane.ladder.show(symbols[n % len(symbols)] if symbols else None)
        if self.symbol not in self.state.instruments:
            self.show_market(symbols[0] if symbols else None)
        self.query_one(MarketList).set_markets(symbols, self.symbol)

    def _show_notices(self) -> None:
        notices = self.state.notices_after(self._notice_seq)
        if notices:
            self._notice_seq = notices[-1].seq
            for notice in notices[-5:]:  # a backlog after a reconnect: the latest few
                self.notify(notice.text, severity=SEVERITY.get(notice.severity, "information"))

    def _show_ticket(self) -> None:
        self.ticket.note = self.move_note()
        self._schedule_estimate()  # wipes a stale estimate before it can be drawn
        self.draw_ticket()

    # --- keys ------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        return DeskScreen(id="_default")

    def get_key_display(self, binding: Binding) -> str:
        """The footer's key for a binding: the key the trader's keymap put it on."""
        if binding.id in self.keys:
            return self.keys.footer(binding.id)
        return super().get_key_display(binding)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No trading keys while a dialog (help) is on top."""
        return len(self.screen_stack) == 1 or action in DIALOG_ACTIONS

    @guarded
    def action_blotter_view(self) -> None:
        """f: the next blotter page of this size (tui/ui/layout.py): beside open orders,
        positions, fills, trades, history; under 110 columns open orders are a page too."""
        self.blotter.turn()
        self._refresh_history()  # what ended while it was hidden, before it is drawn

    def action_escape(self) -> None:
        if self.grabbed is not None:
            self.grabbed = None
            self.notify("Move dropped; the order stays where it was.", timeout=3)
            self._show_ticket()
        self.ladder.focus()

    @guarded
    def action_toggle_outcome(self) -> None:
        self.ticket.toggle_outcome()
        for pane in self.panes:
            pane.ladder.set_view(outcome=self.ticket.outcome)
        self._show_ticket()

    @guarded
    def action_size(self, steps: int) -> None:
        self.ticket.bump_size(steps)
        self._show_ticket()

    @guarded
    def action_help(self) -> None:
        if len(self.screen_stack) == 1:
            rows = key_rows(self.keys, presets=self.config.size_presets)
            self.push_screen(HelpScreen(rows, title=f"{self.title} keys"))

    async def _call(self, call: Awaitable[T], failure: str) -> tuple[bool, T | None]:
        """Await a venue command; a refusal or a fault becomes a toast, never a traceback."""
        try:
            return True, await call
        except VenueError as error:
            self.notify(f"{failure}: {plain(error)}", severity="error", timeout=8)
        except Exception as error:  # noqa: BLE001 - a sentence for the trader, no traceback
            self.report(f"{failure}: {plain(error)}.", error)
        return False, None

    def _run(self, work: Awaitable[object], group: str) -> None:
        self.run_worker(work, group=group, exit_on_error=False)
