"""A market's state as a venue reports it (halted, suspended, closed, expired, settled): the
desk's instrument follows, so the watchlist, the ladder and the order checks read it, and a
change is said once in words, a settlement with its price."""

from __future__ import annotations

import dataclasses

from tui.core.enums import InstrumentState
from tui.core.model import Book, Instrument
from tui.core.state import DeskState
from tui.core.vetting import TAKES_ORDERS, state_words


def market_moved(state: DeskState, inst: Instrument, now: InstrumentState,
                 book: Book | None = None) -> None:
    """``inst`` is in state ``now`` (``book``: its latest, which may carry a settlement)."""
    settled = book.settlement_px if book is not None else None
    before = state.books.get(inst.symbol)
    if now is inst.state and (settled is None or (
            before is not None and before.settlement_px == settled)):
        return
    if now is not inst.state:
        state.set_instruments([dataclasses.replace(i, state=now) if i is inst else i
                               for i in state.instruments.values()])
    if settled is not None and (before is None or before.settlement_px != settled):
        s = inst.scales
        won = ("YES won" if settled == s.price_scale else "NO won" if settled == 0
               else "a price between")
        state.notify(f"{inst.symbol} settled at {s.price_text(settled)} ({won}).", "warning")
    elif now is not inst.state:
        takes = now in TAKES_ORDERS
        state.notify(f"{inst.symbol} is {state_words(now)} now"
                     + ("." if takes else ": it takes no orders."),
                     "information" if takes else "warning")
