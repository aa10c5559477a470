"""The account's limits as the desk enforces them: at the moment of sending, and on P&L.

``vet()`` (tui/core/vetting.py) checks every limit when a key is pressed, and the trader
may be asked to confirm a soft one. What is decided at a key press can be stale by the time
the order goes out (two presses in a row, each checked before the other's order existed),
so the hard account-level limits are checked again here, in the same step of the event
loop as the venue's pending insert: nothing is sent past one.

The daily loss limit watches this account's P&L since the start of the UTC day (realized
and unrealized; each market from where it stood when the desk first saw it that day, so a
desk started mid-morning counts from its start, except a market it saw fill first, which
counts from zero): a hard limit presses the kill switch
(the same act as the kill key), once per breach, and refuses orders that add to a position
while P&L stays past it; a soft one warns, once per breach. It is evaluated when P&L can
have moved (a fill, a position, a new book for a market held), coalesced to once per turn
of the event loop: never per tick on the screen, and not at all while the limit is off.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from tui.core.model import Book, Fill, Order, Position
from tui.core.money import dollars
from tui.core.pnl import position_pnl
from tui.core.prices import Outcome, Scales
from tui.core.risk import account_breaches, reduces
from tui.core.state import DeskListener
from tui.core.tape import Trade
from tui.core.ticket import OrderRequest
from tui.desk.asks import KillSwitch

if TYPE_CHECKING:
    from tui.desk.controller import DeskController

log = logging.getLogger("pmdesk.risk")


def replacement(order: Order, scales: Scales, *, price: int | None = None,
                qty: int | None = None) -> OrderRequest:
    """What works after a cancel-replace of ``order`` to a YES price and / or a total
    quantity, as a fresh order: what the checks see."""
    yes_price = order.price if price is None else price
    total = order.order_qty if qty is None else qty
    intent = order.shown_intent
    shown = yes_price if intent.outcome is Outcome.YES else scales.complement(yes_price)
    return OrderRequest(symbol=order.symbol, intent=intent, price=shown, yes_side=order.side,
                        yes_price=yes_price, qty=max(total - order.cum_qty, 0))


class RiskWatch(DeskListener):
    """The desk's half of the limits: the check at send, and the daily loss watch."""

    def __init__(self, desk: DeskController) -> None:
        self.desk = desk
        self.day = ""  # the UTC date the baselines are of
        # per account, per market: its P&L when the desk first saw it (marked) this day
        self.base: dict[str, dict[str, Decimal]] = {}
        self.filled: set[str] = set()  # markets the desk saw fill this day
        self.latest: dict[str, dict[str, Decimal]] = {}  # the P&L last seen, the same way
        self.pnl: Decimal | None = None  # this account's P&L today, as last evaluated
        self.breached = False  # past the daily loss limit (told once per breach)
        self._due = False
        self._kill: asyncio.Task[None] | None = None
        desk.state.listen(self)

    # --- at send ---------------------------------------------------------------------
    def refusal(self, request: OrderRequest, ignoring: Iterable[Order] = ()) -> str | None:
        """Why this order must not go out now (a hard account limit, or the daily loss),
        or None. Call it just before the venue's command, with no await between."""
        limits = self.desk.config.limits
        state = self.desk.state
        if request.symbol not in state.instruments:
            return None  # the venue refuses it in words
        hard = [b for b in account_breaches(request, state, limits, ignoring=ignoring)
                if b.hard]
        if hard:
            return hard[0].words
        loss = limits.max_daily_loss
        if loss is not None and loss.hard and self.breached and not reduces(request, state):
            return (f"Daily loss limit: P&L today {dollars(self.pnl or Decimal(0))} is past "
                    f"-{dollars(loss.value)}; only orders that reduce a position are sent "
                    "until P&L is back within it or the UTC day ends.")
        return None

    # --- P&L changes (DeskListener: called on the core's loop) ---------------------------
    def on_book(self, book: Book, trade: Trade | None) -> None:
        if self.desk.config.limits.max_daily_loss is None:
            return
        held = self.desk.state.positions.get(book.symbol)
        if held is not None and held.held:
            self._schedule()

    def on_fill(self, fill: Fill, clord_id: str) -> None:
        if self.desk.config.limits.max_daily_loss is not None:
            self.today()  # baselines from before it (a new day's, too): the fill is today's
            self.filled.add(fill.symbol)
            self._schedule()

    def on_positions(self, positions: list[Position]) -> None:
        self._schedule()

    def _schedule(self) -> None:
        if self._due or self.desk.config.limits.max_daily_loss is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # written outside any loop (a test's setup): look at once
            self.evaluate()
            return
        self._due = True
        loop.call_soon(self.evaluate)

    def evaluate(self) -> None:
        """This account's P&L today against the daily loss limit; act on a new breach."""
        self._due = False
        limit = self.desk.config.limits.max_daily_loss
        if limit is None:
            return
        pnl = self.today()
        self.pnl = pnl
        if pnl >= -limit.value:
            self.breached = False  # back within: the next breach acts again
            return
        if self.breached:
            return
        self.breached = True
        said = (f"Daily loss limit: P&L today {dollars(pnl)} is past "
                f"-{dollars(limit.value)}.")
        if not limit.hard:
            self.desk.tell(f"{said} (a soft limit: nothing was cancelled)", "warning", 15)
            return
        self.desk.tell(f"{said} Kill switch pressed: cancelling every working order; orders "
                       "that add to a position are refused while P&L stays past it.",
                       "error", 20)
        try:
            self._kill = asyncio.get_running_loop().create_task(
                self.desk.perform(KillSwitch("the daily loss limit was reached")))
        except RuntimeError:
            log.error("daily loss limit breached with no event loop to cancel on")

    def today(self) -> Decimal:
        """Realized + unrealized P&L of the shown account since its baseline this UTC day:
        each market from its P&L last seen before midnight, else when the desk first saw
        it marked this day, or from zero when the desk saw it fill today before that (all
        of its P&L is today's)."""
        state = self.desk.state
        day = datetime.datetime.fromtimestamp(self.desk.clock.wall(), datetime.UTC)
        if day.date().isoformat() != self.day:  # midnight: from where each market stood
            self.day, self.filled = day.date().isoformat(), set()
            self.base = {account: dict(markets) for account, markets in self.latest.items()}
        base = self.base.setdefault(state.account, {})
        latest = self.latest.setdefault(state.account, {})
        total = Decimal(0)
        for symbol, position in state.positions.items():
            inst = state.instruments.get(symbol)
            if inst is None:
                continue
            pnl = position_pnl(position, inst.scales, state.books.get(symbol))
            if pnl.unrealized is None:
                continue
            now = latest[symbol] = pnl.realized + pnl.unrealized
            start = base.setdefault(symbol, Decimal(0) if symbol in self.filled else now)
            total += now - start
        return total
