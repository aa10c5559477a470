"""The Textual app: the venue's life cycle, and the keys mapped to the desk controller.

Each key's action is thin: it asks the desk controller (tui/desk/controller.py), which
holds every trading rule, and hands what comes back to the screen: a plan to carry out
(after a confirmation, when the desk says one is needed) and notices to show. The desk
screen (tui/ui/screens/desk.py) draws, on its own frame timer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui.core.config import DeskConfig
from tui.core.model import Instrument, Order
from tui.core.prices import Outcome
from tui.core.state import DeskState
from tui.core.venue import Venue
from tui.desk.asks import Plan
from tui.desk.controller import DeskController
from tui.desk.quitting import cancel_before_quit, leave_words, working_words
from tui.ui.bindings import APP_BINDINGS, REPLAY_BINDINGS
from tui.ui.guard import guarded, plain
from tui.ui.keymap import DeskKeys
from tui.ui.layout import NARROW, WIDE, XWIDE
from tui.ui.lifecycle import VenueLifecycle
from tui.ui.palette import PROVIDERS
from tui.ui.privacy import Privacy
from tui.ui.profile_switch import ProfileSwitch
from tui.ui.replay_keys import ReplayKeys, replay_rows
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.desk import DeskScreen
from tui.ui.screens.help import HelpScreen, key_rows
from tui.ui.screens.picker import AccountPicker, account_items
from tui.ui.screens.quit import QuitScreen
from tui.ui.strip_cycles import keep_strips_acyclic
from tui.ui.theme_pick import ThemeChoice
from tui.ui.ticket_keys import TicketKeys
from tui.ui.widgets.blotter_pages import BlotterPages
from tui.ui.widgets.ladder import Ladder
from tui.ui.widgets.ladder_pane import LadderPane
from tui.ui.widgets.ticket import OrderTicket

DIALOG_ACTIONS = frozenset({"help", "quit"})  # the only app keys while a dialog is open
def _load_css() -> str:
    """styles/app.tcss: tui.styles when installed (editable or wheel), else the source tree."""
    try:
        return (resources.files("tui.styles") / "app.tcss").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # a source checkout, not installed
        return (Path(__file__).resolve().parents[2] / "styles" / "app.tcss").read_text("utf-8")


class PmdeskApp(TicketKeys, ReplayKeys, ThemeChoice, ProfileSwitch, VenueLifecycle,
                App[None]):
    """pmdesk's screen.

    Tests may read: symbol, instrument, cursor_price (raw YES), outcome, order_size (raw),
    grabbed, desk (DeskController), ladder (Ladder), ticket (OrderTicket), state
    (DeskState), error_text, and desk_screen (DeskScreen) for the rest.
    """

    CSS = _load_css()
    # ctrl+p: Textual's palette with the desk's own commands (tui/ui/palette.py)
    COMMANDS = App.COMMANDS | set(PROVIDERS)
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"), (NARROW, "-wide"), (WIDE, "-xwide"), (XWIDE, "-xxwide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-short"), (32, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [*APP_BINDINGS, *REPLAY_BINDINGS]  # view: screen

    def __init__(self, venue: Venue, *, config: DeskConfig | None = None,
                 frame_hz: float = 20.0, title: str = "pmdesk",
                 repeat_guard: float = 0.7) -> None:
        super().__init__()
        keep_strips_acyclic()  # lines replaced on screen die at once, not in a gc pass
        self.venue = venue
        config = config or DeskConfig()
        self.privacy = Privacy(venue.state, config.private)  # P; masked as the widgets draw
        self.keys = DeskKeys(config.keymap)  # the one answer to "which key does that"
        self.desk = DeskController(venue, config, repeat_guard=repeat_guard,
                                   say_key=self.keys.said)
        self.frame_hz = frame_hz
        self.title = title
        self.error_text = ""  # a startup failure, shown in the status bar
        self._stopped = False
        self._reported: dict[str, float] = {}
        # the clock data ages are shown against (snapshot tests freeze it)
        self.clock: Callable[[], float] = time.monotonic
        self._desk_screen = DeskScreen(self.desk)

    # --- shortcuts tests can use ---------------------------------------------------
    @property
    def config(self) -> DeskConfig:
        return self.desk.config

    @config.setter
    def config(self, config: DeskConfig) -> None:
        self.desk.config = config

    @property
    def state(self) -> DeskState:
        return self.venue.state

    @property
    def desk_screen(self) -> DeskScreen:
        return self._desk_screen

    @property
    def symbol(self) -> str | None:
        return self.desk_screen.symbol

    @property
    def panes(self) -> list[LadderPane]:
        return self.desk_screen.panes

    @property
    def visible_panes(self) -> list[LadderPane]:
        return self.desk_screen.visible_panes

    @property
    def pane(self) -> LadderPane:
        return self.desk_screen.pane

    @property
    def ladder(self) -> Ladder:
        return self.desk_screen.ladder

    @property
    def ticket(self) -> OrderTicket:
        return self.desk_screen.ticket

    @property
    def blotter(self) -> BlotterPages:
        return self.desk_screen.blotter

    @property
    def instrument(self) -> Instrument | None:
        return self.state.instruments.get(self.symbol) if self.symbol else None

    @property
    def cursor_price(self) -> int | None:
        """The ladder cursor's raw YES price."""
        return self.ladder.cursor

    @property
    def outcome(self) -> Outcome:
        return self.desk.ticket.outcome

    @property
    def order_size(self) -> int:
        """The ticket's raw quantity (App.size is the terminal's)."""
        return self.desk.ticket.qty

    @property
    def grabbed(self) -> Order | None:
        """A working order picked up with m, to move."""
        return self.desk.moving

    def show_market(self, symbol: str | None) -> None:
        self.desk_screen.show_market(symbol)

    def frame(self) -> None:
        """Both frames at once: everything that changed."""
        self.desk_screen.frame()

    def book_frame(self) -> None:
        self.desk_screen.book_frame()

    def side_frame(self) -> None:
        self.desk_screen.side_frame()

    # --- life cycle -----------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        return self._desk_screen

    def on_mount(self) -> None:
        self._quit_on_signals()
        if self.keys.keymap:
            self.set_keymap(self.keys.keymap)
        self.run_worker(self._start_venue(), name="venue-start", exit_on_error=False)

    async def action_quit(self) -> None:
        """Quit; with orders working, ask first whether to cancel them or leave them."""
        if isinstance(self.screen, QuitScreen):
            return  # already asking: a second quit key never answers for the trader
        working = working_words(self.state)
        if working is None:
            await self._stop_venue()
            self.exit()
            return
        count = len(self.state.working_orders())
        self.push_screen(QuitScreen(working, count, leave_words(self.state, count)),
                         self._quit_as)
        self.call_after_refresh(self.desk_screen.refresh_bindings)  # the footer drops q

    @work(group="orders", exit_on_error=False)
    async def _quit_as(self, choice: str | None) -> None:
        if choice not in ("cancel", "leave"):
            return  # stay
        left = None
        if choice == "cancel":
            self.notify("Cancelling every working order before quitting…", timeout=10)
            left = await cancel_before_quit(self.desk)
            if left is not None:
                self.notify(left, severity="error", timeout=30)
        await self._stop_venue()
        self.exit(message=left)

    def on_resize(self, event: events.Resize) -> None:
        screen = self.desk_screen
        if screen.is_mounted:  # else its own mount lays it out
            screen.lay_out(event.size)  # App.size follows a moment later
            self.call_after_refresh(screen.panes_resized)

    def _refresh_notifications(self) -> None:
        """Notices go to the desk's notice board (tui/ui/widgets/notices.py), never to
        Textual's toasts: the board masks them as it draws (privacy), a toast would not.
        Those said before the desk is up wait for it (DeskScreen.on_mount shows them)."""
        screen = self.desk_screen
        if screen.is_mounted:
            screen.notices.show(self._notifications)

    def report(self, text: str, error: BaseException | None = None, *,
               sticky: bool = False) -> None:
        """An error as a notice (sticky: also in the status bar); the details go to the log."""
        if error is not None:
            self.log.error(repr(error))
        if sticky:
            self.error_text, self.desk_screen.frames.status_at = text, 0.0
        now = time.monotonic()
        if now - self._reported.get(text, -60.0) > 5.0:  # a fault repeating every frame: once
            self.notify(text, severity="error", timeout=8)
        self._reported = {t: at for t, at in self._reported.items() if now - at < 5.0}
        self._reported[text] = now

    # --- keys: how each reaches the desk ----------------------------------------------
    def get_key_display(self, binding: Binding) -> str:
        """The footer's key for a binding: the key the trader's keymap put it on."""
        if binding.id in self.keys:
            return self.keys.footer(binding.id)
        return super().get_key_display(binding)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No trading keys while a dialog (help) is on top; no quit key while quitting asks
        (it does nothing there, so the footer does not offer it)."""
        if action == "quit" and isinstance(self.screen, QuitScreen):
            return False
        return self.replay_allows(action) and (len(self.screen_stack) == 1  # replay: on one
                                               or action in DIALOG_ACTIONS)

    def _did(self, plan: Plan | None = None) -> None:
        """Show what the desk said; carry out its plan, asking first if it says so."""
        self.desk_screen.frames.show_notices()
        self.desk_screen.show_ticket()
        if plan is None:
            return
        question = plan.question
        if question is None:
            self._carry_out(plan, True)
            return
        self.push_screen(ConfirmScreen(*self.privacy.question(question.title,
                                                              question.warnings,
                                                              question.text),
                                       arm_delay=self.config.confirm_delay,
                                       confirm_words=question.confirm_words),
                         lambda yes: self._carry_out(plan, yes))

    @work(group="orders", exit_on_error=False)
    async def _carry_out(self, plan: Plan, yes: bool | None) -> None:
        try:
            await self.desk.answer(plan, yes)
        except Exception as error:  # noqa: BLE001 - a sentence for the trader, no traceback
            self.report(f"Something went wrong: {plain(error)}.", error)
        self.desk_screen.frames.show_notices()

    @guarded
    def action_order(self, buy: bool) -> None:
        self._did(self.desk_screen.aimed().order(buy))

    @guarded
    def action_cancel_here(self) -> None:
        self._did(self.desk_screen.aimed().cancel_here())

    @guarded
    def action_cancel_market(self, side: str = "") -> None:
        self._did(self.desk_screen.aimed().cancel_market(side))

    @guarded
    def action_kill_switch(self) -> None:
        self._did(self.desk.kill_switch())

    def run_palette_action(self, action: str) -> None:
        """A palette command: its action once the palette has closed, as its key would."""
        self.call_after_refresh(self.run_action, action)

    def palette_switch_account(self, account: str) -> None:
        self.call_after_refresh(lambda: self._did(self.desk.switch_account(account)))

    @guarded
    def action_pick_account(self) -> None:
        """A: the accounts this login may trade (a firm's, an ISV's); Enter trades one."""
        state = self.state
        if not state.tradable:
            self.desk.tell("This login trades one account.", timeout=3)
            return
        masked = self.privacy.on
        picker = AccountPicker(account_items(state, masked=masked), state.account, masked=masked)

        def chosen(account: str | None) -> None:
            if account is not None and picker.kill:  # ctrl+k: this one alone
                self._did(self.desk.kill_switch(account))
            elif account is not None:
                self._did(self.desk.switch_account(account))
            self.desk_screen.ladder.focus()

        self.push_screen(picker, chosen)

    @guarded
    def action_privacy(self) -> None:
        """P: balances, P&L and account ids masked for screen sharing; P again shows them."""
        self.privacy.on = not self.privacy.on
        self.desk_screen.frames.repaint_private()

    @guarded
    def action_rearm(self) -> None:
        self._did(self.desk.rearm())

    @guarded
    def action_retime(self) -> None:
        self._did(self.desk.retime())

    @guarded
    def action_flatten(self) -> None:
        self._did(self.desk_screen.aimed().flatten())

    @guarded
    def action_move(self) -> None:
        self._did(self.desk_screen.aimed().move())

    @guarded
    def action_size_of_order(self, steps: int) -> None:
        self._did(self.desk_screen.aimed().resize(steps))

    def action_escape(self) -> None:
        if self.desk.drop_move():
            self._did()
        self.ladder.focus()

    @guarded
    def action_help(self) -> None:
        if len(self.screen_stack) == 1:
            rows = key_rows(self.keys, presets=self.config.size_presets)
            rows += replay_rows() if self.steered is not None else []
            self.push_screen(HelpScreen(rows, title=f"{self.title} keys"))
