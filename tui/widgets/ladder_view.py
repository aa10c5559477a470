"""Where the ladder's view goes when it follows the market: row arithmetic only (row 0 is the
top price), so the rules read in one place and the widget only scrolls.

- The inside market is "in sight" when the best offer and best bid rows are inside the view,
  a row clear of an edge the view could still scroll past (so a market about to leave counts
  as gone). A spread too wide to show whole follows only the price `c` goes to.
- Centring puts that price mid-view, the rest of the inside in sight, and the cursor too when
  they all fit: recentring scrolls, it never moves the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass

MARGIN = 1  # rows kept between the inside market and an edge the view can scroll past


@dataclass(frozen=True)
class Market:
    """The inside market as rows: `anchor` is the price c puts the cursor on (the best bid,
    else the offer of a one-sided book); `top`..`bottom` must be in sight (best offer..bid)."""

    anchor: int
    top: int
    bottom: int


def margin_for(height: int) -> int:
    return MARGIN if height >= 2 * MARGIN + 3 else 0


def market_rows(bid: int | None, offer: int | None, height: int) -> Market | None:
    """The rows to keep in sight for a book's best bid / offer rows (None: an empty book)."""
    anchor = bid if bid is not None else offer
    if anchor is None:
        return None
    if bid is None or offer is None or bid - offer > height - 1 - 2 * margin_for(height):
        return Market(anchor, anchor, anchor)  # one-sided, or too wide to show whole
    return Market(anchor, min(bid, offer), max(bid, offer))


def in_sight(market: Market, top: int, height: int, rows: int) -> bool:
    m = margin_for(height)
    first = top + (m if top > 0 else 0)
    last = top + height - 1 - (m if top + height < rows else 0)
    return first <= market.top and market.bottom <= last


def strayed(market: Market, top: int, height: int, ticks: int) -> bool:
    """Auto-recentre: the anchor more than `ticks` rows from the middle of the view."""
    return abs(market.anchor - (top + height // 2)) > min(ticks, max(1, height // 2 - 1))


def direction(row: int, top: int, height: int) -> str:
    """'↑' / '↓' for a row above / below the view, '' for one in it."""
    return "↑" if row < top else "↓" if row >= top + height else ""


def centred_top(market: Market, height: int, rows: int, keep: int | None = None) -> int:
    """The top row that centres the market's anchor, with the whole inside in sight and the
    row `keep` (the cursor) in sight as well when all of it fits."""
    m = margin_for(height)
    top = market.anchor - height // 2
    if market.top < top + m:
        top = market.top - m
    if market.bottom > top + height - 1 - m:
        top = market.bottom - height + 1 + m
    if keep is not None:
        if keep < top + m and market.bottom <= keep + height - 1 - 2 * m:
            top = keep - m
        elif keep > top + height - 1 - m and market.top >= keep - height + 1 + 2 * m:
            top = keep - height + 1 + m
    return max(0, min(top, rows - height))
