"""The command palette's own providers (ctrl+p): every desk action by name with its key, every
market by symbol, question or event, the accounts a firm's login trades, and the trader's
connection profiles (one opens in place of this desk).

A command does what its key does, through the same action: nothing here holds a trading
rule, and an action that trades asks what its key asks. The palette closes before a command
runs, so the app's rule that no trading key reaches past a dialog holds as it does for keys.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.core.search import market_words
from tui.ui.bindings import DESK_BINDINGS
from tui.ui.profile_switch import ProfileLine, profile_lines
from tui.ui.screens.picker import account_items

if TYPE_CHECKING:
    from tui.ui.app import PmdeskApp

# actions the palette does not offer: they make sense only as keys (repeat, cursor steps)
KEYS_ONLY = frozenset({"cursor_up", "cursor_down", "page_up", "page_down", "escape",
                       "quit_ctrl_c", "command_palette"})


def _actions() -> list[tuple[str, str, str]]:
    """(words, binding id, action) for each binding, the words as help says them."""
    return [(str(b.tooltip or b.description), str(b.id), b.action) for b in DESK_BINDINGS
            if isinstance(b, Binding) and b.id not in KEYS_ONLY]


class _DeskProvider(Provider):
    @property
    def desk_app(self) -> PmdeskApp:
        return cast("PmdeskApp", self.app)


class ActionCommands(_DeskProvider):
    """Every desk action by its words, its key shown: what the key does, by name."""

    def _items(self) -> list[tuple[str, str]]:
        keys = self.desk_app.keys  # as the trader bound them; the words once, the key after
        return [(f"{words} ({keys.shown(binding)})", action)
                for words, binding, action in _actions()]

    async def discover(self) -> Hits:
        for shown, action in self._items():
            yield DiscoveryHit(shown, partial(self.desk_app.run_palette_action, action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for shown, action in self._items():
            score = matcher.match(shown)
            if score > 0:
                yield Hit(score, matcher.highlight(shown),
                          partial(self.desk_app.run_palette_action, action))


class MarketCommands(_DeskProvider):
    """Every market by symbol, question and event words: opens its ladder."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for symbol, inst in self.desk_app.state.instruments.items():
            shown, words = f"Market {symbol}", market_words(inst)
            score = max(matcher.match(shown), matcher.match(words) * 0.9)
            if score > 0:
                yield Hit(score, matcher.highlight(shown),
                          partial(self.desk_app.show_market, symbol), help=words)


class AccountCommands(_DeskProvider):
    """The accounts a firm's or an ISV's login trades: trades the one chosen."""

    async def search(self, query: str) -> Hits:
        app = self.desk_app
        state = app.state
        matcher = self.matcher(query)
        masked = app.privacy.on
        for account, words in account_items(state, masked=masked):
            if account == state.account:
                continue  # traded already
            # words, as the account picker shows them: masked (screen sharing) 'account 2',
            # numbered as it numbers them; else whose the account is
            shown = (f"Trade {words}" if masked
                     else f"Trade account {account}" + (f" ({words})" if words else ""))
            score = matcher.match(shown)
            if score > 0:
                yield Hit(score, matcher.highlight(shown),
                          partial(app.palette_switch_account, account))


class ProfileCommands(_DeskProvider):
    """The trader's connection profiles: opens the one chosen in place of this desk, after
    the quit question when orders are working (tui/ui/profile_switch.py)."""

    _lines: list[ProfileLine]
    _problem: str  # the profiles file could not be read: why, in one sentence

    async def startup(self) -> None:
        # read once as the palette opens, not on every key typed
        self._lines, problem = profile_lines(self.desk_app.privacy)
        self._problem = self.desk_app.privacy.text(problem)  # its path may name the user

    async def search(self, query: str) -> Hits:
        app = self.desk_app
        matcher = self.matcher(query)
        if self._problem:  # a broken file: one line says so, and choosing it says why
            shown = "Profiles: the profiles file could not be read"
            score = matcher.match(shown)
            if score > 0:
                yield Hit(score, matcher.highlight(shown),
                          partial(app.palette_tell, self._problem), help=self._problem)
        for line in self._lines:
            shown = f"Open profile {line.name}"
            words = line.words + (" · this desk" if line.name == app.profile_name else "")
            score = max(matcher.match(shown), matcher.match(words) * 0.9)
            if score > 0:
                yield Hit(score, matcher.highlight(shown),
                          partial(app.palette_open_profile, line.name), help=words)


PROVIDERS = (ActionCommands, MarketCommands, AccountCommands, ProfileCommands)
