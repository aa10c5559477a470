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

from tui.core.listener import until
from tui.core.model import Position
from tui.core.prices import Intent
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
    closes: list[OrderRequest] = []
    warnings: list[str] = []
    confirmed: set[str] = set()
    held = closing(state.positions.get(symbol))
    latched = bool(held) and desk.venue.latched
    if latched:  # the latch holds every order back, a close too: only the cancels go
        held = []
    for intent, qty in held:
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
        warnings += [w for w in verdict.warnings if w not in warnings]
        confirmed |= set(verdict.checks)
        closes.append(close)
    if not working and not closes:
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
    for close in closes:
        text += (f"\nThen close: {request_words(close, inst.scales)}\n\n"
                 f"{desk.venue.wire_text(close)}")
    return Plan(Flatten(symbol, tuple(closes), frozenset(confirmed)),
                Question(f"Flatten {symbol}?", tuple(warnings), text.strip(),
                         confirm_words="flatten", declined="Flatten cancelled; nothing sent."))


def closing(position: Position | None) -> list[tuple[Intent, int]]:
    """What the close sells: each outcome held, and how many.

    The netting venues report one net holding, so there is one close. The global CLOB holds
    YES and NO tokens apart, and a wallet may hold both: each is sold (selling only the net
    would leave the pairs held), in one batch."""
    if position is None:
        return []
    return [(intent, qty) for intent, qty in ((Intent.SELL_YES, position.yes.qty),
                                              (Intent.SELL_NO, position.no.qty)) if qty > 0]


async def carry_out(desk: DeskController, act: Flatten) -> None:
    symbol, closes = act.symbol, act.closes
    ok, report = await desk.call(desk.venue.cancel_all(symbol), "Flatten: cancels failed")
    if not ok or report is None:
        return
    if not report.done:
        desk.tell(f"Flatten stopped: {left_text(desk.state, report.left)}. "
                  f"{'The close was not sent.' if closes else ''}".strip(),
                  "error", 30)
        return
    if not closes:
        desk.tell(f"Flatten: nothing working in {symbol} ({report.cancelled} cancelled).",
                  timeout=5)
        return
    if not await _cancelled(desk, symbol):
        desk.tell("Flatten stopped: orders are still working, so the close was not sent.",
                  "error", 10)
        return
    position = desk.state.positions.get(symbol)
    due: list[OrderRequest] = []
    for close in closes:
        # close no more than confirmed, and never past flat if a fill moved the position
        held = position.holding(close.intent.outcome).qty if position is not None else 0
        if held <= 0:
            continue
        if held < close.qty:
            close = dataclasses.replace(close, qty=held)
        verdict = vet(close, desk.state, desk.config.limits)
        new = verdict.refusal or next((words for words, check in zip(
            verdict.warnings, verdict.checks, strict=True) if check not in act.confirmed),
            None)
        if new:
            desk.tell(f"Flatten stopped: {new} The close was not sent.", "error", 10)
            return
        due.append(close)
    if not due:
        desk.tell(f"{symbol} is already flat; no close sent.", timeout=5)
        return
    # sent together: a venue that batches inserts (the CLOB's POST /orders) sends them as one
    await asyncio.gather(*(desk.submit(close) for close in due))


async def _cancelled(desk: DeskController, symbol: str) -> bool:
    """Until no order of mine works in this market (True), or FLATTEN_WAIT passes."""
    return await until(desk.state, lambda: not desk.state.working_orders(symbol),
                       FLATTEN_WAIT, now=desk.clock.now, wait=desk.clock.wait)
