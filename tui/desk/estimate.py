"""The exchange's preview of b and s, never shown for a book older than the one on screen.

An estimate is kept with the part of the book it depends on: the levels its order would
meet (the offers at or under a buy's YES price, the bids at or over a sell's). While the
book on screen has those same levels the estimate stands; once they move it is shown as
refreshing until the estimate for the new book arrives. A ticket or cursor change asks
again after a short rest; a book that only moves is asked about at most twice a second, so
a busy market does not flood the exchange with previews.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.enums import Side
from tui.core.model import Book, Level
from tui.core.ticket import OrderRequest

ESTIMATE_DELAY = 0.25  # seconds the cursor and ticket must rest before asking
ESTIMATE_REFRESH = 0.5  # seconds between previews while only the book moves

Key = tuple[object, ...]


def meets(request: OrderRequest, book: Book | None) -> tuple[Level, ...]:
    """The levels of the book this order would trade with if sent now."""
    if book is None:
        return ()
    if request.yes_side is Side.BUY:
        return tuple(level for level in book.offers if level[0] <= request.yes_price)
    return tuple(level for level in book.bids if level[0] >= request.yes_price)


def estimate_key(request: OrderRequest, book: Book | None) -> Key:
    """What an estimate of this order holds for: the order (not its id or expiry time) and
    the levels it meets."""
    return (request.symbol, request.intent, request.kind, request.yes_price, request.qty,
            request.cash_qty, request.tif, request.post_only, meets(request, book))


@dataclass(frozen=True, slots=True)
class SideEstimate:
    key: Key
    words: tuple[str, ...]  # long form first; () when there is nothing to say


class Estimates:
    """The latest estimate of each side, and when the desk last asked for one."""

    def __init__(self) -> None:
        self.sides: dict[bool, SideEstimate] = {}  # buy? -> estimate
        self.asked_for: tuple[object, Key | None, Key | None] | None = None
        self.asked_aim: object = None
        self.asked_at = float("-inf")

    def words(self, buy: bool, key: Key) -> tuple[str, ...] | None:
        """The words for this side if they hold for this key; None: refreshing."""
        found = self.sides.get(buy)
        return found.words if found is not None and found.key == key else None

    def due(self, aim: object, keys: tuple[Key | None, Key | None], now: float) -> bool:
        """Time to ask: something shown is not current, it was not asked for already, and
        either the ticket or cursor changed or the last ask is a refresh period old."""
        current = all(k is None or self.words(buy, k) is not None
                      for buy, k in zip((True, False), keys, strict=True))
        wanted = (aim, *keys)
        if current or wanted == self.asked_for:
            return False
        if aim != self.asked_aim or now - self.asked_at >= ESTIMATE_REFRESH:
            self.asked_for, self.asked_aim, self.asked_at = wanted, aim, now
            return True
        return False

    def store(self, found: dict[bool, SideEstimate]) -> None:
        self.sides = found
