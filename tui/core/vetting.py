"""The last look before an order is sent: the trader's limits (per order and for the
account), then their own resting orders.

A hard limit refuses (nothing is sent); soft limits and self-matches are warnings the
trader must confirm. Every order the desk sends passes here: a new order, a move's or a
resize's replacement, and flatten's close.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tui.core.enums import InstrumentState
from tui.core.limits import Limits
from tui.core.model import Order
from tui.core.risk import account_breaches
from tui.core.selfmatch import self_match, self_match_words
from tui.core.state import DeskState
from tui.core.ticket import OrderRequest

SELF_MATCH = "self_match"
# the states in which a market takes new orders and changes (spec §10's table); the others
# (suspended: cancels only; halted, closed, expired, terminated, pending) take none
TAKES_ORDERS = frozenset({InstrumentState.OPEN, InstrumentState.PREOPEN,
                          InstrumentState.MATCH_AND_CLOSE_AUCTION})


def state_words(state: InstrumentState) -> str:
    """A market's state as a trader reads it: "halted", "match and close auction"."""
    return state.name.lower().replace("_", " ")


@dataclass(frozen=True, slots=True)
class Verdict:
    refusal: str | None = None  # a hard limit's words: do not send
    warnings: list[str] = field(default_factory=list)  # confirm before sending
    checks: list[str] = field(default_factory=list)  # which check said each warning

    @property
    def clear(self) -> bool:
        return self.refusal is None and not self.warnings


def vet(request: OrderRequest, state: DeskState, limits: Limits, *,
        ignoring: Iterable[Order] = ()) -> Verdict:
    """``ignoring``: my orders that will be gone before this one works (flatten cancels
    them first; a replace ends the order it replaces), so it cannot trade with them and
    the account's limits count them out."""
    gone = list(ignoring)
    inst = state.instruments.get(request.symbol)
    if inst is None:
        return Verdict(refusal=f"There is no market {request.symbol} on this desk.")
    if inst.state not in TAKES_ORDERS:  # the exchange would refuse it: say so first
        return Verdict(refusal=f"{request.symbol} is {state_words(inst.state)}: it takes no "
                               "orders now.")
    breaches = limits.check(request, inst, state.books.get(request.symbol))
    if not any(b.hard for b in breaches):  # e.g. no order could carry it: nothing to count
        breaches += account_breaches(request, state, limits, ignoring=gone)
    breaches.sort(key=lambda b: not b.hard)
    hard = [b for b in breaches if b.hard]
    if hard:
        return Verdict(refusal=hard[0].words)
    warnings, checks = [b.words for b in breaches], [b.name for b in breaches]
    skip = {id(o) for o in gone}
    resting = [o for o in state.working_orders(request.symbol) if id(o) not in skip]
    mine = self_match(request, resting, inst.scales)
    if mine is not None:
        warnings.append(self_match_words(request, mine, inst.scales))
        checks.append(SELF_MATCH)
    return Verdict(warnings=warnings, checks=checks)
