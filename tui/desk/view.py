"""The ticket as one frame draws it: plain values, compared whole, so the widget repaints
only when something it shows changed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tui.core.prices import Intent, Scales
from tui.desk.ticket import Ticket


@dataclass(frozen=True, slots=True)
class SideView:
    """One of the ticket's b / s lines."""

    intent: Intent
    price: int | None  # limit: the price in the outcome; market: the worst; None: no price
    market: bool
    estimate: tuple[str, ...]  # words under the line, long form first; () for none
    refreshing: bool = False  # the estimate for the book on screen is on its way


@dataclass(frozen=True, slots=True)
class MarketView:
    symbol: str
    description: str
    state: str  # '' when open, else e.g. 'halted'
    scales: Scales


@dataclass(frozen=True, slots=True)
class MoveView:
    """A working order picked up to move: its intent, what is left, its price (outcome)."""

    intent: Intent
    leaves: int
    price: int


@dataclass(frozen=True, slots=True)
class TicketView:
    ticket: Ticket
    market: MarketView | None
    cursor: int | None
    buy: SideView | None = None
    sell: SideView | None = None
    net: int = 0  # my position, raw YES contracts
    avg: Decimal | None = None  # its average YES price
    working: int = 0  # my working orders in this market
    moving: MoveView | None = None
    account: str = ""  # the account an order goes to, named when the login trades several
    mine_here: bool = False  # an order of mine works at the cursor (e offers it new terms)
    paper: bool = False  # paper trading: nothing the ticket sends leaves this machine

    @property
    def refreshing(self) -> bool:
        """An estimate the ticket shows is on its way."""
        return any(side is not None and side.refreshing for side in (self.buy, self.sell))
