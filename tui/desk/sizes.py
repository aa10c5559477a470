"""The size ladder: the sizes `+` / `-` step the ticket through and `>` / `<` step a working
order through (config ``[ticket] size_steps``, in contracts).

A size between two steps goes to the next step in the direction pressed: from 12, `+` is
25 and `-` is 10. Sizes are raw quantities on the market's own scale, never below its
minimum and always a whole number of its minimum lots.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal, localcontext

from tui.core.prices import Scales

DEFAULT_CONTRACTS = 10  # the ticket's size before the trader chooses one
BEYOND = Decimal(10) ** 30  # contracts: far past what any order carries (int64 units)


def lot(scales: Scales) -> int:
    """The raw quantity every size is a whole number of."""
    return max(scales.min_qty, 1)


def raw_size(contracts: Decimal, scales: Scales) -> int:
    """Contracts as a raw quantity on this market: rounded down to its lot, at least its
    minimum."""
    if contracts > BEYOND:  # past any order: kept past (the ticket refuses it in words)
        contracts = BEYOND
    with localcontext(prec=80):  # exact: 28 digits would round a big size without a word
        raw = int((contracts * scales.qty_scale).to_integral_value(rounding=ROUND_DOWN))
    return max(raw - raw % lot(scales), scales.min_qty)


def default_size(scales: Scales) -> int:
    """Ten contracts in raw units, never below the market's minimum."""
    return raw_size(Decimal(DEFAULT_CONTRACTS), scales)


def carry_size(size: int, old: Scales | None, new: Scales) -> int:
    """Keep the trader's size across markets: the same contracts, on the new market's lot."""
    if old is None:
        return default_size(new)
    return raw_size(old.qty_to_decimal(size), new)


def rungs(steps: Sequence[Decimal], scales: Scales) -> list[int]:
    """The size ladder in this market's raw units, smallest first, each once."""
    return sorted({raw_size(Decimal(c), scales) for c in steps})


def step_size(size: int, steps: int, ladder: Sequence[Decimal], scales: Scales) -> int | None:
    """``size`` moved ``steps`` rungs up (positive) or down the ladder; None when there is
    no rung that way (above the top, or below the bottom)."""
    ladder_raw = rungs(ladder, scales)
    at: int | None = size
    for _ in range(abs(steps)):
        assert at is not None
        if steps > 0:
            at = next((r for r in ladder_raw if r > at), None)
        else:
            at = next((r for r in reversed(ladder_raw) if r < at), None)
        if at is None:
            return None
    return at
