"""The narrow boundary between the UI and a venue: commands in, DeskState out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from tui.core.cancels import CancelReport
from tui.core.enums import Side
from tui.core.model import Estimate, Fill, Order
from tui.core.state import DeskState
from tui.core.ticket import OrderRequest, Terms


class VenueError(Exception):
    """A venue refused or could not be reached; the message is for the trader.

    uncertain: the request may have reached the venue (a timeout, a 5xx), so its outcome
    must come from the venue's own report, never from a guess.
    """

    def __init__(self, message: str, *, uncertain: bool = False) -> None:
        super().__init__(message)
        self.uncertain = uncertain


class VenueUnavailableError(VenueError):
    """The venue cannot be there at all (the demo's own exchange did not start): the desk
    closes with this sentence rather than show a screen that can never fill."""


class LocalDatabase(Protocol):
    """The local database as a venue sees it (tui.store.Store is one, wired in from outside
    by whoever opens it). Once attached it listens to DeskState by itself, the audit journal
    included (DeskState.audit): a venue only hands it its streams' resume tokens, and
    closes it."""

    def attach(self, state: DeskState, *, history: bool = True) -> list[Order]:
        """Keep every change written into `state` from now on; show past sessions there
        (``history``) and return their orders, newest first."""
        ...

    def detach(self, state: DeskState) -> None:
        """Stop keeping `state`'s changes (the desk trades another account now)."""

    async def watch(self, state: DeskState) -> None:
        """Say on the status bar when it cannot write, until it can (runs until cancelled)."""

    def resume_token(self, stream: str) -> bytes | None: ...

    def fills_of(self, order_ids: list[str]) -> list[Fill]:
        """Every fill recorded for these orders, in any session."""
        ...

    def set_resume_token(self, stream: str, token: bytes) -> None: ...

    def flush(self, timeout: float = 5.0) -> bool:
        """Block until what is queued is on disk; False if it was not in time."""
        ...

    def close(self) -> None: ...


class Venue(Protocol):
    state: DeskState

    async def start(self) -> None:
        """Log in, load reference data, start the streams."""

    async def stop(self) -> None:
        """Stop streams and close connections."""

    async def submit(self, request: OrderRequest) -> None:
        """Send an insert; the order shows as pending at once, the stream decides the rest."""

    async def cancel(self, order: Order) -> None:
        """Ask to cancel one working order."""

    async def replace(self, order: Order, *, price: int | None = None,
                      qty: int | None = None, terms: Terms | None = None) -> None:
        """Move a working order to a YES price and/or a new total quantity, or give it new
        terms (time in force, post-only, expiry) where the venue can."""

    async def cancel_orders(self, orders: Iterable[Order]) -> CancelReport:
        """Cancel these orders until the venue lists none of them working (or say which may
        be, and why)."""

    async def cancel_all(self, symbol: str | None = None,
                         side: Side | None = None) -> CancelReport:
        """Cancel my working orders (in one market; on one YES side), as cancel_orders."""

    async def kill_switch(self, why: str = "the kill switch was pressed", *,
                          account: str | None = None) -> CancelReport:
        """Latch (``why`` is shown until re-armed), then cancel every order of the account in
        every market, acknowledged or not, until the venue lists nothing working (or say
        which may be, and why). A login that trades several accounts: every one of them, or
        the one named."""

    @property
    def latched(self) -> bool:
        """The kill switch was pressed: nothing that adds risk is sent until rearm()."""

    def rearm(self) -> None:
        """The trader re-arms trading after the kill switch."""

    async def switch_account(self, account: str) -> None:
        """Trade and show another of ``state.tradable`` (VenueError: not now, or not one)."""

    def wire_text(self, request: OrderRequest) -> str:
        """Exactly what would be sent for this request (shown in confirmations)."""

    async def preview(self, request: OrderRequest) -> Estimate:
        """The venue's estimate of this order now; raises VenueError if it would be refused."""
