"""The last look before an order is sent: the trader's limits, then their own resting orders.

A hard limit refuses (nothing is sent); soft limits and self-matches are warnings the
trader must confirm. The UI and the tests share this one function.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.core.limits import Limits
from tui.core.selfmatch import self_match, self_match_words
from tui.core.state import DeskState
from tui.core.ticket import OrderRequest


@dataclass(frozen=True, slots=True)
class Verdict:
    refusal: str | None = None  # a hard limit's words: do not send
    warnings: list[str] = field(default_factory=list)  # confirm before sending

    @property
    def clear(self) -> bool:
        return self.refusal is None and not self.warnings


def vet(request: OrderRequest, state: DeskState, limits: Limits) -> Verdict:
    inst = state.instruments[request.symbol]
    breaches = limits.check(request, inst, state.books.get(request.symbol))
    hard = [b for b in breaches if b.hard]
    if hard:
        return Verdict(refusal=hard[0].words)
    warnings = [b.words for b in breaches]
    mine = self_match(request, state.working_orders(request.symbol), inst.scales)
    if mine is not None:
        warnings.append(self_match_words(request, mine, inst.scales))
    return Verdict(warnings=warnings)
