"""What every venue does around a cancel or a change: wait for an unanswered insert, mark
the order as cancelling or changing while the request is out, undo the mark when the
request surely failed, and, on a venue whose streams never report a refused cancel, ask
the exchange what became of an order still marked after a while."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from tui.core import words
from tui.core.enums import OrderState
from tui.core.model import Order
from tui.core.state import DeskState
from tui.core.venue import VenueError
from tui.venues.tasks import Tasks

log = logging.getLogger(__name__)
MARKERS = (OrderState.PENDING_CANCEL, OrderState.PENDING_REPLACE)
SETTLE_TRIES = 3  # reads of a marked order before the desk says it could not ask
T = TypeVar("T")


class OrderMarks:
    state: DeskState
    tasks: Tasks
    _inflight: dict[str, asyncio.Future[str]]  # the desk's id → the exchange's answer
    _before_cancel: dict[str, OrderState]  # order id → state to restore
    # seconds before a still-marked order is looked up; None: the venue's streams report
    # every refused cancel or change, so nothing is asked
    settle_after: float | None = None

    @property
    def answer_timeout(self) -> float:
        """How long a cancel waits for the answer to the insert it follows."""
        raise NotImplementedError

    async def _fetch(self, order: Order) -> Order:
        """The order as the exchange holds it now (VenueError: it could not be asked)."""
        raise NotImplementedError

    def _report(self, order: Order) -> None:
        """Show the exchange's word on an order (defined by the venue base)."""
        raise NotImplementedError

    async def _acknowledged(self, order: Order, *, unanswered: bool = False) -> Order | None:
        """The current, exchange-acknowledged copy of a working order (waits for an
        unanswered insert); None when it no longer works or is already being changed.
        unanswered: an insert whose answer was lost is returned as it is (a venue that keeps
        the desk's id takes a cancel by it), not refused."""
        current = self.state.find_order(order_id=order.order_id, clord_id=order.clord_id)
        if current is not None and not current.order_id:
            answered = self._inflight.get(current.clord_id)
            if answered is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.shield(answered), self.answer_timeout)
            current = self.state.find_order(clord_id=order.clord_id)
            if current is not None and current.state.is_working and not current.order_id:
                if unanswered:
                    return current
                raise VenueError("The exchange has not acknowledged this order yet; try "
                                 "again once it shows as working.")
        if current is None or not current.state.is_working or current.state in MARKERS:
            return None
        return current

    async def _while_marked(self, orders: list[Order], marker: OrderState,
                            send: Callable[[], Awaitable[T]]) -> T:
        """Mark the orders, send the request; a sure failure undoes the marks, and a venue
        that never reports a refusal looks up what is still marked later."""
        for order in orders:
            self._mark(order, marker)
        try:
            answer = await send()
        except VenueError as exc:
            for order in orders:
                self._unmark(order, exc, marker)
            if exc.uncertain:  # the mark stays: look it up, or it shows cancelling forever
                self._settle_later(orders)
            raise
        self._settle_later(orders)
        return answer

    def _mark(self, order: Order, marker: OrderState) -> None:
        if order.state not in MARKERS:
            self._before_cancel[order.order_id] = order.state
        order.state = marker
        self.state.upsert_order(order)

    def _unmark(self, order: Order, exc: VenueError, marker: OrderState) -> None:
        """Undo our own marker after a certain failure, unless a report replaced the order."""
        still = self.state.find_order(order_id=order.order_id)
        if not exc.uncertain and still is order and order.state is marker:
            order.state = self._before_cancel.pop(order.order_id, OrderState.NEW)
            self.state.upsert_order(order)

    def _refused(self, order: Order | None, what: str, why: str) -> None:
        """The exchange refused a cancel or a change ("Cancel", "Change"): the order is
        back to what the exchange last said, never a state it did not report."""
        if order is None:
            self.state.notify(f"{what} refused: {why}.", "error")
            return
        restored = self._before_cancel.pop(order.order_id, order.state)
        if order.state in MARKERS:
            order.state = restored
        order.reject_text = f"{what.lower()} refused: {why}"
        self._report(order)  # the refusal is the order's latest word
        self.state.notify(f"{what} of {words.order_words(self.state, order)} refused: {why}.",
                          "error")

    def _still_marked(self, order: Order) -> Order | None:
        current = self.state.find_order(order_id=order.order_id)
        return current if current is not None and current.state in MARKERS else None

    def _settle_later(self, orders: Iterable[Order]) -> None:
        if self.settle_after is not None:
            for order in orders:
                self.tasks.spawn(self._settle(order, self.settle_after), "settle")

    async def _settle(self, order: Order, after: float) -> None:
        """A refused cancel is reported nowhere on some venues: if the order still shows as
        cancelling or changing after a while, ask the exchange what it is."""
        await asyncio.sleep(after)
        for attempt in range(SETTLE_TRIES):
            if attempt:
                await asyncio.sleep(1.0)
            if self._still_marked(order) is None:
                return
            try:
                settled = await self._fetch(order)
            except VenueError:
                continue  # one failed read must not leave it marked for good
            break
        else:
            self._unknown_outcome(order)
            return
        if self._still_marked(order) is None:
            return  # a stream told while the read was on its way: that is newer
        settled.clord_id = settled.clord_id or order.clord_id
        settled.intent = settled.intent or order.intent
        if settled.state.is_working:
            settled.reject_text = "the exchange kept the order as it was"
            self.state.notify(f"{words.order_words(self.state, settled)}: the exchange kept "
                              "the order working.", "warning")
        self._before_cancel.pop(order.order_id, None)
        self._report(settled)  # its last word must not be "cancelling"

    def _unknown_outcome(self, order: Order) -> None:
        """The exchange could not be asked: drop the mark, so a second cancel is sent
        rather than nothing (a stale cancel is refused), and say the first may yet act."""
        current = self._still_marked(order)
        if current is None:
            return
        current.state = self._before_cancel.pop(order.order_id, OrderState.NEW)
        current.reject_text = "no word on the cancel or change; it may still take effect"
        self._report(current)
        self.state.notify(f"{words.order_words(self.state, current)}: the exchange could not be "
                          "asked how the cancel or change went; it is shown as it was.",
                          "warning")
