"""The status bar: venue, account, balance, and every stream's state with its age."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.text import Text
from textual.widgets import Static

from tui.core.money import dollars
from tui.core.state import DeskState, LinkState, StreamStatus, is_feed
from tui.core.words import short_account
from tui.ui.privacy import MASK, privacy_of

STALE_AFTER = 2.0  # seconds without a message before a live price feed is shown as stale
SHORT_BELOW = 110  # columns: below this the bar names streams briefly
SHORT_NAMES = {"prices": "px", "orders": "ord", "positions": "pos", "dropcopy": "drop"}
QUIET_AFTER = 35.0  # order/position streams are quiet by nature; heartbeats come ~30 s apart
def stale_after(stream: StreamStatus) -> float:
    """A feed is stale 2 s after its last message, or a second after a heartbeat was due
    when the venue's heartbeats come further apart (the gateway's: about 30 s)."""
    every = stream.heartbeat_every
    if not is_feed(stream.name):
        return max(QUIET_AFTER, every + 1.0) if every else QUIET_AFTER
    return max(STALE_AFTER, every + 1.0) if every else STALE_AFTER


def age_text(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f}s"
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.0f}h"


def stream_age(stream: StreamStatus, now: float) -> float | None:
    return now - stream.last_message_at if stream.last_message_at else None


def is_stale(stream: StreamStatus, now: float) -> bool:
    """Live, but quiet for too long (counting from connect if never heard)."""
    if stream.state is not LinkState.LIVE:
        return False
    heard = stream.last_message_at or stream.since
    return now - heard > stale_after(stream)


def stream_word(stream: StreamStatus, now: float) -> tuple[str, str, str]:
    """(dot, words, style name) for one stream."""
    age = stream_age(stream, now)
    if stream.state is LinkState.DOWN:
        since = age_text(now - stream.since)
        return "✕", f"DOWN {since}", "status--down"
    if stream.state is LinkState.CONNECTING:
        return "◌", "connecting", "status--connecting"
    if is_stale(stream, now):
        quiet = age if age is not None else now - stream.since
        return "●", f"STALE {age_text(quiet)}", "status--stale"
    return "●", age_text(age) if age is not None else "live", "status--live"


def feed_warning(state: DeskState, now: float) -> str:
    """'FEED DOWN' / 'CONNECTING' / 'STALE' when the price feeds are not live, else ''."""
    streams = list(state.streams.values())
    for stream in [s for s in streams if is_feed(s.name)] or streams:
        if stream.state is LinkState.DOWN:
            return "FEED DOWN"
        if stream.state is LinkState.CONNECTING:
            return "CONNECTING"
        if is_stale(stream, now):
            return "STALE"
    return ""


def signature(state: DeskState, now: float) -> tuple[tuple[str, str], ...]:
    """What would change the bar's colours; cheap enough to compare every frame."""
    return tuple((s.name, "stale" if is_stale(s, now) else s.state.value)
                 for s in state.streams.values())


class StatusBar(Static):
    """One line; the app calls show() when status_version moves, staleness flips, or 1/s."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status--venue", "status--dim", "status--live", "status--stale", "status--connecting",
        "status--down", "status--error",
    }

    def show(self, state: DeskState, now: float, error: str = "", rearm_key: str = "R") -> None:
        st = partial(self.get_component_rich_style, partial=True)
        text = Text(no_wrap=True, overflow="ellipsis")
        privacy = privacy_of(self)
        money = dollars if privacy is None else (lambda _amount: MASK)
        if state.latched:  # first: it must stay in sight at 80 columns
            text.append(f" KILLED — {rearm_key} re-arms ", style=st("status--error"))
            text.append(" ")
        if error:
            error = error if privacy is None else privacy.text(error)
            text.append(f" {error} ", style=st("status--error"))
            text.append(" ")
        if privacy is not None:  # in sight from the first column: the trader knows it is on
            text.append(" PRIVATE ", style=st("status--stale"))
            text.append(" ")
        if state.paper:  # every order is matched here and never sent: always in sight
            text.append(" PAPER ", style=st("status--stale"))
            text.append(" ")
        text.append(f" {state.venue or 'venue'} ", style=st("status--venue"))
        # the account and its money first: at 80 columns the ellipsis eats the end
        account = short_account(state.account)
        if account:
            text.append(" │ ", style=st("status--dim"))
            text.append(account if privacy is None else MASK)
        if state.balance is not None:
            bal = state.balance
            text.append(f" {money(bal.balance)}")
            if bal.buying_power != bal.balance and self.size.width >= SHORT_BELOW:
                text.append(f" bp {money(bal.buying_power)}", style=st("status--dim"))
            if bal.allowance is not None and bal.allowance < bal.balance:
                # buys beyond the exchange's allowance are refused: always in sight
                text.append(f" allow {money(bal.allowance)}", style=st("status--stale"))
        short = self.size.width < SHORT_BELOW  # every stream must stay in sight at 80 columns
        for stream in state.streams.values():
            dot, words, style = stream_word(stream, now)
            text.append(" │ ", style=st("status--dim"))
            text.append(f"{dot} ", style=st(style))
            text.append(f"{SHORT_NAMES.get(stream.name, stream.name) if short else stream.name} ")
            text.append(words, style=st(style))
        if not state.streams and not error:
            text.append(" │ ", style=st("status--dim"))
            text.append("◌ starting", style=st("status--connecting"))
        if state.user:
            text.append(" │ ", style=st("status--dim"))
            text.append(state.user if privacy is None else MASK, style=st("status--dim"))
        self.update(text, layout=False)  # one line, always
