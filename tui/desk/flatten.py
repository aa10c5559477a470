"""F: cancel my orders in this market, then close the position, after one confirmation.

The close is checked like every order: a hard limit refuses the flatten before anything
is sent, soft ones are shown in the confirmation. It goes out only once the exchange has
ended every working order here (waiting on DeskState's order changes, not polling), and
it never closes past flat nor more than was confirmed; if the checks say something new
by then (a band the mid has left, an order placed meanwhile it would trade with) the
close is not sent and the trader is told why.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING

from tui.core.enums import Side
from tui.core.model import Order, Position
from tui.core.prices import Intent
from tui.core.state import DeskListener
from tui.core.ticket import OrderKind, OrderRequest, TicketError, build_order, request_words
from tui.core.vetting import vet
from tui.desk.asks import Flatten, Plan, Question
from tui.desk.sweep_words import left_text
from tui.desk.words import plain

if TYPE_CHECKING:
    from tui.desk.controller import DeskController

FLATTEN_WAIT = 3.0  # seconds the market's cancels may take before the close is given up


def plan(desk: DeskController) -> Plan | None:
    inst, state = desk.instrument, desk.state
    if inst is None:
        return None
    symbol = inst.symbol
    working = state.working_orders(symbol)
    position = state.positions.get(symbol)
    close: OrderRequest | None = None
    warnings: list[str] = []
    confirmed: frozenset[str] = frozenset()
    held = closing(position)
    latched = held is not None and desk.venue.latched
    if latched:  # the latch holds every order back, a close too: only the cancels go
        held = None
    if held is not None:
        intent, qty = held
        try:
            close = build_order(inst, intent, 0, qty, kind=OrderKind.MARKET,
                                slippage=desk.config.slippage, book=state.books.get(symbol),
                                now=desk.clock.wall())
        except TicketError as error:
            desk.tell(f"Cannot close the position: {plain(error)}", "error")
            return None
        # the orders it could trade with are cancelled first: no self-match with them
        verdict = vet(close, state, desk.config.limits, ignoring=working)
        if verdict.refusal is not None:
            desk.tell(f"Cannot close the position: {verdict.refusal}", "error", 10)
            return None
        warnings, confirmed = verdict.warnings, frozenset(verdict.checks)
    if not working and close is None:
        desk.tell(f"The kill switch is on: the position in {symbol} is not closed until "
                  f"you re-arm ({desk.say_key('rearm')})." if latched else
                  f"Nothing to flatten in {symbol}.", "warning" if latched else "information",
                  timeout=5)
        return None
    if latched:
        warnings = [f"The kill switch is on: only the cancels are sent; the position is "
                    f"not closed until you re-arm ({desk.say_key('rearm')})."]
    lines = [f"Cancel {len(working)} working order{'s' * (len(working) != 1)} in "
             f"{symbol}."] if working else []
    text = "\n".join(lines)
    if close is not None:
        text += (f"\nThen close: {request_words(close, inst.scales)}\n\n"
                 f"{desk.venue.wire_text(close)}")
    return Plan(Flatten(symbol, close, confirmed),
                Question(f"Flatten {symbol}?", tuple(warnings), text.strip(),
                         confirm_words="flatten", declined="Flatten cancelled; nothing sent."))


def closing(position: Position | None) -> tuple[Intent, int] | None:
    """What the close sells: the outcome held and how many (None when nothing is).

    Today's venues net YES against NO, so only one outcome is ever held and selling it is
    selling the net. A venue that holds both at once (the global CLOB's two tokens, issue 15)
    must close each: sell the YES held and the NO held (two orders), or merge the pairs for
    $1 each and sell the rest; selling only the net would leave the pairs held."""
    if position is None or position.net == 0:
        return None
    if position.net > 0:
        return Intent.SELL_YES, position.net
    return Intent.SELL_NO, -position.net


async def carry_out(desk: DeskController, act: Flatten) -> None:
    symbol, close = act.symbol, act.close
    ok, report = await desk.call(desk.venue.cancel_all(symbol), "Flatten: cancels failed")
    if not ok or report is None:
        return
    if not report.done:
        desk.tell(f"Flatten stopped: {left_text(desk.state, report.left)}. "
                  f"{'The close was not sent.' if close is not None else ''}".strip(),
                  "error", 30)
        return
    if close is None:
        desk.tell(f"Flatten: nothing working in {symbol} ({report.cancelled} cancelled).",
                  timeout=5)
        return
    if not await _cancelled(desk, symbol):
        desk.tell("Flatten stopped: orders are still working, so the close was not sent.",
                  "error", 10)
        return
    position = desk.state.positions.get(symbol)
    net = position.net if position is not None else 0
    # close no more than confirmed, and never past flat if a fill moved the position
    if net == 0 or (net > 0) != (close.yes_side is Side.SELL):
        desk.tell(f"{symbol} is already flat; no close sent.", timeout=5)
        return
    if abs(net) < close.qty:
        close = dataclasses.replace(close, qty=abs(net))
    verdict = vet(close, desk.state, desk.config.limits)
    new = verdict.refusal or next((words for words, check in zip(
        verdict.warnings, verdict.checks, strict=True) if check not in act.confirmed), None)
    if new:
        desk.tell(f"Flatten stopped: {new} The close was not sent.", "error", 10)
        return
    await desk.submit(close)


async def _cancelled(desk: DeskController, symbol: str) -> bool:
    """Until no order of mine works in this market (True), or FLATTEN_WAIT passes."""
    state = desk.state
    moved = _OrderMoved()
    state.listen(moved)
    try:
        deadline = desk.clock.now() + FLATTEN_WAIT
        while state.working_orders(symbol):
            moved.event.clear()
            left = deadline - desk.clock.now()
            if left <= 0 or not await desk.clock.wait(moved.event, left):
                return not state.working_orders(symbol)
        return True
    finally:
        state.unlisten(moved)


class _OrderMoved(DeskListener):
    """Set whenever an order changes: flatten waits on it, instead of polling."""

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def on_order(self, order: Order) -> None:
        self.event.set()
