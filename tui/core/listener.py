"""What the desk's state tells those who listen to it (the local database), and the states of
its links."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.core.audit import AuditEntry
    from tui.core.model import Balance, Book, Fill, Instrument, Order, Position
    from tui.core.state import DeskState
    from tui.core.tape import Trade


class LinkState(Enum):
    CONNECTING = "connecting"
    LIVE = "live"
    DOWN = "down"



class DeskListener:
    """Told of each change a venue writes, right after DeskState made it: the local database
    listens, so every state reaches it with no call site to remember. A listener overrides
    what it wants to hear; the rest do nothing. Called on the core's loop: return at once.
    Each account's database is a file of its own: a desk that trades several switches which
    one listens when it switches (tui/venues/gateway/accounts.py)."""

    def on_instruments(self, instruments: list[Instrument]) -> None:
        """The markets, as the venue listed them."""

    def on_book(self, book: Book, trade: Trade | None) -> None:
        """A market's new book (and the trade it implied, if any)."""

    def on_trade(self, trade: Trade) -> None:
        """A trade the venue reported itself."""

    def on_order(self, order: Order) -> None:
        """An order's state as the desk now holds it (pending, working or ended)."""

    def on_fill(self, fill: Fill, clord_id: str) -> None:
        """A fill, once per execution id."""

    def on_positions(self, positions: list[Position]) -> None:
        """Positions that changed (all of them, for a snapshot)."""

    def on_balance(self, balance: Balance) -> None:
        """The account's balance."""

    def on_link(self, name: str, state: LinkState, detail: str) -> None:
        """A stream connected, went down or is connecting again."""

    def on_audit(self, entry: AuditEntry) -> None:
        """An entry of the account's audit journal (tui/core/audit.py)."""


async def wait_event(event: asyncio.Event, seconds: float | None) -> bool:
    """Until the event is set (True) or this much time has passed (False; None: no limit)."""
    try:
        await asyncio.wait_for(event.wait(), seconds)
    except TimeoutError:
        return False
    return True


async def until(state: DeskState, check: Callable[[], object], within: float, *,
                now: Callable[[], float] = time.monotonic,
                wait: Callable[[asyncio.Event, float], Awaitable[bool]] = wait_event) -> bool:
    """Until ``check()`` holds (True) or ``within`` seconds pass (False, unless it holds
    then): woken by each change of an order or a link, never a poll. ``now`` and ``wait``
    are a clock's (the desk's tests run on a fake one)."""
    changed = Changed()
    state.listen(changed)
    try:
        deadline = now() + within
        while not check():
            changed.event.clear()
            left = deadline - now()
            if left <= 0 or not await wait(changed.event, left):
                return bool(check())
        return True
    finally:
        state.unlisten(changed)


class Changed(DeskListener):
    """Set whenever an order or a link changes: whoever waits for the state to reach a
    condition (flatten, cancel-and-quit, an account switch) waits on it, not on a poll."""

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def on_order(self, order: Order) -> None:
        self.event.set()

    def on_link(self, name: str, state: LinkState, detail: str) -> None:
        self.event.set()
