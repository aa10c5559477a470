"""Privacy for screen sharing: what the screen hides while it is on (the P key, `--private`,
or `[screen] private = true` in the config).

The rule: money an account holds or made (balance, buying power, allowance, the firm's
total, realized and unrealized P&L, the ladder's P&L if closed) and who trades (account
ids, the ISV's end users' names, the login's user name, wallet addresses) are drawn as
MASK, without the green or red that would tell a gain from a loss. Market prices, sizes,
positions' sizes, orders and the ticket's own size stay: they are what the trader shares.

Widgets mask the values they format (privacy_of(widget) says whether to); sentences
(notices, confirmations, a refusal on the ticket, an order's reject, the status bar's
error) pass through Privacy.text, which masks every known identity and every dollar amount
in them: in a sentence a balance cannot be told from an order's cost. Screenshots and a
browser view render the same screen, so they are masked alike. The state lives on the
app (PmdeskApp.privacy); nothing here decides a trade.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from textual.message_pump import MessagePump

from tui.core.state import DeskState
from tui.core.words import short_account

MASK = "•••"
# a dollar amount as tui/core/money.py writes it, signed or not: '$1,234.56', '-$3.10'
DOLLARS = re.compile(r"[+\-−]?\$[0-9][0-9,]*(?:\.[0-9]+)?")
WALLET = re.compile(r"\b0x[0-9a-fA-F]{40}(?![0-9a-fA-F])")  # an order's hash is longer


class Privacy:
    """On or off, and how a sentence is masked against the identities the state knows."""

    def __init__(self, state: DeskState, on: bool = False) -> None:
        self.state = state
        self.on = on
        self._names: tuple[object, re.Pattern[str] | None] = ((), None)

    def identities(self) -> tuple[str, ...]:
        """Every account id (whole and short), end user's name and the user's name, longest
        first so a whole id is masked before the short name inside it."""
        state = self.state
        accounts = {state.account, *state.tradable, *state.accounts}
        words = {*accounts, *(short_account(a) for a in accounts),
                 *state.holders.values(), state.user}
        return tuple(sorted((w for w in words if len(w) > 1), key=len, reverse=True))

    def _pattern(self) -> re.Pattern[str] | None:
        state = self.state
        # what the identities come from: accounts and names arrive after login, and the
        # pattern is made again only when they do (a sentence is masked per drawn row)
        known = (state.user, state.account, tuple(state.accounts), state.tradable,
                 tuple(state.holders.values()))
        if known != self._names[0]:
            names = self.identities()
            self._names = known, re.compile(
                r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])"
            ) if names else None
        return self._names[1]

    def text(self, words: str) -> str:
        """A sentence with its identities and dollar amounts masked (as is when off)."""
        if not self.on:
            return words
        pattern = self._pattern()
        if pattern is not None:
            words = pattern.sub(MASK, words)
        return WALLET.sub(MASK, DOLLARS.sub(MASK, words))

    def question(self, title: str, warnings: Sequence[str], text: str
                 ) -> tuple[str, list[str], str]:
        """A confirmation's words, masked alike."""
        return self.text(title), [self.text(w) for w in warnings], self.text(text)


def privacy_of(widget: MessagePump) -> Privacy | None:
    """The app's Privacy while it is on, else None (also for a widget on another app)."""
    try:
        privacy = getattr(widget.app, "privacy", None)
    except RuntimeError:  # Textual's NoActiveAppError: a widget outside an app (a test's)
        return None
    return privacy if isinstance(privacy, Privacy) and privacy.on else None


def mask_if(privacy: Privacy | None, shown: str) -> str:
    """A private value as drawn: MASK while privacy is on (nothing shown stays nothing)."""
    return MASK if privacy is not None and shown else shown
