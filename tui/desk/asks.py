"""What the desk hands the screen: notices to show, and plans that may need a yes first.

Confirmations are data. An action decides at once (at the key press, on the cursor and
book the trader saw) and returns a Plan: the act to carry out and, when the trader must
confirm it, the Question and why. The screen asks; the desk acts on the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tui.core.enums import Side
from tui.core.model import Order
from tui.core.ticket import OrderRequest, Terms


@dataclass(frozen=True, slots=True)
class Notice:
    """A sentence for the trader, shown as a toast."""

    text: str
    severity: str = "information"  # information | warning | error
    timeout: float = 5.0  # seconds on screen


PAPER = "PAPER: "  # before a paper desk's questions


@dataclass(frozen=True, slots=True)
class Question:
    """What needs confirming, and why: the warnings, and exactly what would be sent."""

    title: str
    warnings: tuple[str, ...]
    text: str  # the request in words and on the wire
    confirm_words: str = "send"
    declined: str = "Not sent."  # said when the trader says no


# --- the acts a plan carries out ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Submit:
    request: OrderRequest


@dataclass(frozen=True, slots=True)
class Change:
    """A cancel-replace: a new YES price and / or a new total quantity."""

    order: Order
    price: int | None = None
    qty: int | None = None
    terms: Terms | None = None  # new time in force, post-only, expiry (price and size kept)


@dataclass(frozen=True, slots=True)
class CancelOrders:
    orders: tuple[Order, ...]
    where: str  # 'at 0.40'


@dataclass(frozen=True, slots=True)
class CancelAll:
    symbol: str
    side: Side | None  # on the YES book; None: both
    what: str  # 'order', 'bid', 'offer'


@dataclass(frozen=True, slots=True)
class KillSwitch:
    why: str = "the kill switch was pressed"  # shown while latched and when re-arming
    account: str | None = None  # a firm's login: this account alone (None: every one)


@dataclass(frozen=True, slots=True)
class Rearm:
    """Trading is allowed again after the kill switch latched."""


@dataclass(frozen=True, slots=True)
class SwitchAccount:
    """Trade and show another of the login's accounts."""

    account: str


@dataclass(frozen=True, slots=True)
class Flatten:
    """Cancel the market's orders, then (if still held) close the position: one sale per
    outcome held."""

    symbol: str
    closes: tuple[OrderRequest, ...]
    confirmed: frozenset[str] = frozenset()  # the checks the trader confirmed past


Act = (Submit | Change | CancelOrders | CancelAll | KillSwitch | Rearm | Flatten
       | SwitchAccount)


@dataclass(frozen=True, slots=True)
class Plan:
    act: Act
    question: Question | None = None  # None: carry it out without asking

    def on_paper(self) -> Plan:
        """The plan of a paper desk: its question says PAPER first (nothing is sent)."""
        q = self.question
        if q is None or q.title.startswith(PAPER):
            return self
        return replace(self, question=replace(q, title=PAPER + q.title))
