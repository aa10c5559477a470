"""Positions per token from my fills, and fills taken back when their trade fails to settle
on chain (docs/spec/global-clob.md §6.10).

A fill is counted at MATCHED, before the chain has settled it; a trade that ends FAILED
moved no tokens and no money. Its fills are then taken out of the positions they moved
(the position is folded again from the fills it holds, less those: exactly as if the trade
had never been, which is also what a restart's replay of the history finds), once: a
repeated FAILED, or one read back after a reconnect or a restart, moves nothing again, and
a FAILED trade the desk never counted is never taken out. Beside a fill the blotter and the
database hold, an undone fill is recorded (its qty and fee negated), so the blotter, an
export and the next session agree with the positions; the trader is told in words and the
pUSD balance is read again.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from tui.core.model import Fill, Position
from tui.core.prices import Outcome, Scales

if TYPE_CHECKING:
    from tui.venues.clob.venue import ClobVenue

log = logging.getLogger(__name__)
UNDONE = ":undone"  # the undone fill's execution id: the fill's, and this


def held(position: Position, fill: Fill, sc: Scales) -> None:
    """A fill (of an order whose intent is known) into the position, in its own token at
    that token's price, its fee in the positions' raw notional; ValueError when it sells
    more than the position holds."""
    assert fill.intent is not None
    outcome = fill.intent.outcome
    price = fill.price if outcome is Outcome.YES else sc.complement(fill.price)
    fee = int((fill.fee * sc.price_scale * sc.qty_scale).to_integral_value())
    position.trade(outcome, fill.qty if fill.intent.is_buy else -fill.qty, price, fee)


def fill_words(fill: Fill, sc: Scales) -> str:
    """'bought 10 NO at 0.42': what a fill did, in its own token."""
    assert fill.intent is not None
    outcome = fill.intent.outcome
    price = fill.price if outcome is Outcome.YES else sc.complement(fill.price)
    verb = "bought" if fill.intent.is_buy else "sold"
    return f"{verb} {sc.qty_text(fill.qty)} {outcome.value} at {sc.price_text(price)}"


class Settlement:
    def __init__(self, venue: ClobVenue) -> None:
        self.venue = venue
        self.fills: dict[str, list[Fill]] = {}  # symbol -> the fills its position holds
        self.undone: set[str] = set()  # exec ids of fills whose trade failed (done with)

    def kept(self, fill: Fill) -> None:
        """A fill just put into its position."""
        self.fills.setdefault(fill.symbol, []).append(fill)

    def reset(self, fills: dict[str, list[Fill]], undone: set[str]) -> None:
        """The positions as replayed from the history: the fills held, the failed left out."""
        self.fills = fills
        self.undone |= undone

    def failed(self, fills: list[Fill], symbol: str, sc: Scales) -> None:
        """My fills of a trade that ended FAILED: each taken back once where counted."""
        venue = self.venue
        told = []
        fresh = any(f.exec_id not in self.undone for f in fills)
        for fill in fills:
            moved = self._take_out(fill, sc)
            if self._record(fill) or moved:
                told.append(fill_words(fill, sc))
            venue._counted.add(fill.exec_id)  # never into a position from now on
            self.undone.add(fill.exec_id)
        if told:
            venue.state.notify(f"A trade in {symbol} failed to settle on chain: "
                               f"{' and '.join(told)} undone; the position and balance are "
                               "back as before.", "error")
            venue._reread_balance()
        elif fresh:
            log.info("a trade in %s failed to settle; none of its fills was counted", symbol)

    def _take_out(self, fill: Fill, sc: Scales) -> bool:
        """The fill out of its position; False when it never was in it."""
        venue = self.venue
        if fill.exec_id in self.undone or fill.exec_id not in venue._counted:
            return False
        had = self.fills.get(fill.symbol, [])
        rest = [f for f in had if f.exec_id != fill.exec_id]
        if len(rest) == len(had):
            return False  # counted, never held (a short history): the replay decides
        self.fills[fill.symbol] = rest
        position = Position(fill.symbol)
        try:
            for f in rest:
                held(position, f, sc)
        except ValueError:  # a later sale of what it bought: the venue's history decides
            venue.tasks.spawn(venue._replay_positions(), "replay-positions")
            return True
        venue.state.set_positions([position], snapshot=False)
        return True

    def _record(self, fill: Fill) -> bool:
        """The undone fill beside one the blotter or the database holds, once (its id is
        the fill's with UNDONE: the database keeps an execution id once)."""
        venue = self.venue
        known = {f.exec_id for f in venue.state.fills if f.order_id == fill.order_id}
        if fill.exec_id not in known and venue.store is not None:  # older than the blotter
            # the store's own errors (a venue may not name its types): the blotter's word
            with contextlib.suppress(Exception):
                known |= {f.exec_id for f in venue.store.fills_of([fill.order_id])}
        undo_id = fill.exec_id + UNDONE
        if fill.exec_id not in known or undo_id in known:
            return False
        reverse = replace(fill, exec_id=undo_id, qty=-fill.qty, fee=-fill.fee, at=time.time(),
                          aggregate=False, undone=True)
        return venue.state.add_fill(reverse, clord_id=venue._clords.get(fill.order_id, ""))
