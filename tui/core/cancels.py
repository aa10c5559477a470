"""What a sweep of cancels ended with: the kill switch, a market's or a side's cancels, a
list of orders. A venue answers with one of these, never a bare count, so the desk can say
"nothing working" only when the exchange said so, and otherwise name each order that may
still be working and why."""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.model import Order

# why an order may still be working, in words the desk shows after the order
UNREACHABLE = "the exchange could not be reached"
NO_ANSWER = "its insert has had no answer yet"
STILL_LISTED = "the exchange still lists it"


@dataclass(frozen=True, slots=True)
class MaybeWorking:
    """An order the sweep could not see ended, and why."""

    order: Order
    why: str


@dataclass(frozen=True, slots=True)
class CancelReport:
    """cancelled: orders a cancel was sent for (by whatever id the venue accepts);
    left: those that may still be working when the sweep stopped; confirmed: the exchange's
    last listing showed nothing working in the sweep's scope, with no insert in flight."""

    cancelled: int = 0
    left: tuple[MaybeWorking, ...] = ()
    confirmed: bool = False
    seconds: float = 0.0  # how long the sweep ran
    # the accounts it swept, when more than the one traded (a firm's kill switch)
    accounts: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return self.confirmed and not self.left
