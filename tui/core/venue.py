"""The narrow boundary between the UI and a venue: commands in, DeskState out."""

from __future__ import annotations

from typing import Protocol

from tui.core.model import Order
from tui.core.state import DeskState
from tui.core.ticket import OrderRequest


class VenueError(Exception):
    """A venue refused or could not be reached; the message is for the trader.

    uncertain: the request may have reached the venue (a timeout, a 5xx), so its outcome
    must come from the venue's own report, never from a guess.
    """

    def __init__(self, message: str, *, uncertain: bool = False) -> None:
        super().__init__(message)
        self.uncertain = uncertain


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

    async def cancel_all(self, symbol: str | None = None) -> int:
        """Cancel every working order (in one market, or everywhere); returns how many."""
