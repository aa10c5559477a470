"""Instrument states at the embedded exchange (spec §10 ``InstrumentState``): the operator's
hook that moves a market between them, and what each state lets a trader do.

As the spec's table has it: OPEN takes everything; SUSPENDED takes cancels only; HALTED and
CLOSED take nothing (inserts are refused with ORD_REJECT_REASON_EXCHANGE_CLOSED, replaces
and cancels with CXL_REJ_REASON_EXCHANGE_CLOSED, the text naming the state). On entering
CLOSED the resting DAY orders expire; on entering EXPIRED every resting order expires; on
entering TERMINATED every resting order is canceled.

TERMINATED's "positions closed" is Exchange.settle_market's: it terminates the market and
pays every position out at the settlement price (an operator's plain move to TERMINATED,
with no price, cancels the orders only).

Not modelled, and refused like a closed market instead: PREOPEN and MATCH_AND_CLOSE_AUCTION,
where the spec takes orders but matches only in an auction on leaving the state (this
engine has no auction).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from tui.core.enums import CxlRejReason, ExecType, InstrumentState, OrderState, TimeInForce
from tui.core.vetting import state_words
from tui.sim.model import InstrumentStateChanged, SimInstrument, SimOrder

if TYPE_CHECKING:
    from tui.sim.exchange import Exchange

# states in which not even a cancel is accepted (spec §10, the table under InstrumentState)
NO_CANCEL = frozenset({InstrumentState.HALTED, InstrumentState.CLOSED})


def cancel_refusal(inst: SimInstrument) -> tuple[CxlRejReason, str] | None:
    """Why a cancel of an order in this market is refused now, or None."""
    if inst.state in NO_CANCEL:
        return (CxlRejReason.EXCHANGE_CLOSED,
                f"market {inst.symbol} is {state_words(inst.state)}: cancels are not accepted")
    return None


def _ending(state: InstrumentState, order: SimOrder) -> ExecType | None:
    """What becomes of a resting order when its market enters ``state`` (None: it rests)."""
    if state is InstrumentState.EXPIRED or (
            state is InstrumentState.CLOSED and order.tif is TimeInForce.DAY):
        return ExecType.EXPIRED
    if state is InstrumentState.TERMINATED:
        return ExecType.CANCELED
    return None


class InstrumentStates:
    """The Exchange's operator hook for market states (a mixin of ``Exchange``)."""

    def set_instrument_state(self, symbol: str, state: InstrumentState) -> None:
        """Move ``symbol``'s market to ``state``: announced to the listeners (state-change
        stream, market data), then the resting orders the new state ends are ended."""
        self._change_state(symbol, state)
        cast("Exchange", self)._finish()

    def _change_state(self, symbol: str, state: InstrumentState) -> None:
        """set_instrument_state's work, its events not yet delivered: a command that does
        more (settle_market) finishes once, after all of it."""
        ex = cast("Exchange", self)
        inst = ex._instruments.get(symbol)
        if inst is None:
            raise KeyError(f"no market {symbol!r}")
        if inst.state is state:
            return  # nothing changed: nothing to announce
        now = ex.clock()
        ex._expire(now)
        old, inst.state = inst.state, state
        ex._emit(InstrumentStateChanged(symbol, old, state, now))
        book = ex._books[symbol]
        for order in list(book.orders()):
            ending = _ending(state, order)
            if ending is None:
                continue
            book.remove(order.order_id)
            ex._end(order, OrderState.EXPIRED if ending is ExecType.EXPIRED
                    else OrderState.CANCELED, now)
            ex._report(order, ending, now, text=f"market {symbol} {state_words(state)}")
        # every market-data update carries the state: subscribers hear of it at once
        ex._dirty_books[symbol] = None
