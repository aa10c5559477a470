"""Which instruments the desk can trade exactly, and the one sentence that says why not.

The desk works in whole price and quantity units, and every price it sends is on the tick
and strictly between 0 and 1. That holds only for some scales: a tick that does not divide
the price scale puts a NO price's YES complement off the tick (tick 3 at scale 100: NO 0.03
is YES 0.97), and a price scale of 1 has no price between 0 and 1 at all. Such a market is
listed with this reason and refused for trading; it is never traded approximately.
"""

from __future__ import annotations

from tui.core.prices import Scales

MAX_RAW = 2**63 - 1  # the wire carries prices and quantities as int64
DECIMAL_BASE = 10**18  # every scale divides it: each price and size is an exact decimal
BASE_WORDS = "10^18"


def untradable(scales: Scales) -> str | None:
    """None when the desk can trade this market exactly; otherwise the sentence why not."""
    reason = _reason(scales)
    return None if reason is None else f"This market cannot be traded exactly: {reason[1]}."


def untradable_short(scales: Scales) -> str | None:
    """The reason in a few words, for a row of the market list: 'tick 3', 'price scale 1'."""
    reason = _reason(scales)
    return None if reason is None else reason[0]


def _reason(s: Scales) -> tuple[str, str] | None:
    """(a few words, the clause for a sentence), or None when the market is tradable."""
    ps, tick, qs, least = s.price_scale, s.tick, s.qty_scale, s.min_qty
    if not _whole(ps) or ps <= 0:
        return f"price scale {ps!r}", f"its price scale {ps!r} is not a whole number above 0"
    if DECIMAL_BASE % ps:
        return f"price scale {ps}", (
            f"its price scale {ps} does not divide {BASE_WORDS}, so its prices are not exact "
            "decimals the desk can show and send")
    if not _whole(tick) or tick <= 0:
        return f"tick {tick!r}", f"its tick {tick!r} is not a whole number of price units above 0"
    if ps % tick:
        return f"tick {tick}", f"its tick {tick} does not divide its price scale {ps}"
    if ps // tick < 2:
        short = f"price scale {ps}" if tick == 1 else f"tick {tick}"
        return short, (f"its tick {tick} at price scale {ps} leaves no price strictly "
                       "between 0 and 1")
    if not _whole(qs) or qs <= 0:
        return f"qty scale {qs!r}", f"its quantity scale {qs!r} is not a whole number above 0"
    if DECIMAL_BASE % qs:
        return f"qty scale {qs}", (
            f"its quantity scale {qs} does not divide {BASE_WORDS}, so its sizes are not exact "
            "decimals the desk can show and send")
    if not _whole(least) or least <= 0:
        return f"min qty {least!r}", (f"its minimum quantity {least!r} is not a whole number "
                                      "of units above 0")
    if least > MAX_RAW:
        return "min qty", f"its minimum quantity {least} is more than an order can carry"
    return None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
