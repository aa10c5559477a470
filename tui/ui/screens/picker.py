"""The market picker: `/`, type part of a symbol or description, Enter opens the market.

A modal screen, so while it is open no trading key reaches the app: the Input takes the
letters, the screen takes up/down/Enter/Escape, and the app's check_action refuses every
app action but help and quit while a screen is pushed.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from tui.core.search import rank
from tui.core.state import DeskState
from tui.ui.privacy import privacy_of


def market_option(symbol: str, description: str) -> Option:
    """One row: the symbol bold, its description dim after it (CSS keeps it to one line)."""
    return Option(Text.assemble((symbol, "bold"), "  ", (description, "dim")), id=symbol)


class MarketPicker(ModalScreen[str | None]):
    """Fuzzy-find a market; dismisses with its symbol, or None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
    ]

    def __init__(self, items: list[tuple[str, str]], current: str | None = None, *,
                 noun: str = "a market",
                 placeholder: str = "symbol or words, e.g. chiefs, aec-nfl, btc 150",
                 subtitle: str = "↑↓ choose · Enter opens · Esc closes") -> None:
        super().__init__()
        # the account and theme pickers' words too (Textual runs every class's on_mount:
        # a subclass says its words here rather than overriding on_mount)
        self._noun, self._placeholder, self._subtitle = noun, placeholder, subtitle
        self._items = list(items)
        self._descriptions = dict(self._items)
        self._current = current
        self.matches: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box") as box:
            box.border_subtitle = self._subtitle
            yield Input(placeholder=self._placeholder, id="picker-input")
            options = OptionList(id="picker-options")
            options.can_focus = False  # the letters always go to the Input
            yield options

    def on_mount(self) -> None:
        self._show("")
        if self._current in self.matches:
            self.options.highlighted = self.matches.index(self._current)
        self.query_one(Input).focus()

    @property
    def options(self) -> OptionList:
        return self.query_one("#picker-options", OptionList)

    @property
    def selected(self) -> str | None:
        """The highlighted symbol, or None when nothing matches."""
        index = self.options.highlighted
        if index is None or not 0 <= index < len(self.matches):
            return None
        return self.matches[index]

    def _show(self, query: str) -> None:
        self.matches = self.ranked(query)
        options = self.options
        options.clear_options()
        options.add_options(self.option(s) for s in self.matches)
        options.highlighted = 0 if self.matches else None
        count = len(self.matches)
        self.query_one("#picker-box").border_title = (
            f"Find {self._noun} · {count} of {len(self._items)}" if count
            else f"Find {self._noun} · no match")

    def ranked(self, query: str) -> list[str]:
        return rank(query, self._items)

    def option(self, symbol: str) -> Option:
        return market_option(symbol, self._descriptions[symbol])

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        symbol = self.selected
        if symbol is None:
            self.app.bell()  # nothing to open: stay, so the trader can fix the query
            return
        self.dismiss(symbol)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click on a row opens it, like Enter."""
        event.stop()
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        if self.matches:
            index = self.options.highlighted
            index = 0 if index is None else index
            self.options.highlighted = max(0, min(len(self.matches) - 1, index + step))

    def action_page(self, step: int) -> None:
        self.action_move(step * max(1, self.options.scrollable_content_region.height - 1))

    def action_cancel(self) -> None:
        self.dismiss(None)


def account_items(state: DeskState, *, masked: bool = False) -> list[tuple[str, str]]:
    """(account, whose it is · trading now); masked (privacy on): 'account 2', so the
    picker names no account and no end user, and a number finds one."""
    return [(a, " · ".join(w for w in (f"account {n}" if masked else state.holders.get(a, ""),
                                       "trading now" if a == state.account else "") if w))
            for n, a in enumerate(state.tradable, start=1)]


class AccountPicker(MarketPicker):
    """The accounts a firm's login trades: Enter trades one; ctrl+k is the kill switch for
    the highlighted one alone (K on the desk stops every account)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+k", "kill", "Kill this account", show=False, priority=True)]

    # the account it dismissed with is to be stopped (ctrl+k), not traded (Enter)
    kill = False

    def __init__(self, items: list[tuple[str, str]], current: str | None = None, *,
                 masked: bool = False) -> None:
        # masked (privacy on): the example names no demo account
        super().__init__(items, current, noun="an account",
                         placeholder=("account number, e.g. 2" if masked
                                      else "account, e.g. ann, house"),
                         subtitle="↑↓ choose · Enter trades it · ctrl+k kills its orders · "
                                  "Esc closes")

    def ranked(self, query: str) -> list[str]:
        if not privacy_of(self):
            return super().ranked(query)
        # masked, found by its words alone: "2" is account 2, not an id with a 2 in it
        by_words = {words: account for account, words in self._items}
        return [by_words[w] for w in rank(query, [(w, "") for w in by_words])]

    def option(self, symbol: str) -> Option:
        if privacy_of(self):  # its words only ('account 2 · trading now'): no id on screen
            return Option(Text(self._descriptions[symbol]), id=symbol)
        return super().option(symbol)

    def action_kill(self) -> None:
        account = self.selected
        if account is None:
            self.app.bell()
            return
        self.kill = True
        self.dismiss(account)
