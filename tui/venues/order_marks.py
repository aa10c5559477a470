"""What both venues do around a cancel or a change: wait for an unanswered insert, mark
the order as cancelling or changing, and undo the mark when the request surely failed."""

from __future__ import annotations

import asyncio
import contextlib

from tui.core.enums import OrderState
from tui.core.model import Order
from tui.core.state import DeskState
from tui.core.venue import VenueError

MARKERS = (OrderState.PENDING_CANCEL, OrderState.PENDING_REPLACE)


class OrderMarks:
    state: DeskState
    _inflight: dict[str, asyncio.Future[str]]  # the desk's id → the exchange's answer
    _before_cancel: dict[str, OrderState]  # order id → state to restore

    @property
    def answer_timeout(self) -> float:
        """How long a cancel waits for the answer to the insert it follows."""
        raise NotImplementedError

    async def _acknowledged(self, order: Order) -> Order | None:
        """The current, exchange-acknowledged copy of a working order (waits for an
        unanswered insert); None when it no longer works or is already being changed."""
        current = self.state.find_order(order_id=order.order_id, clord_id=order.clord_id)
        if current is not None and not current.order_id:
            answered = self._inflight.get(current.clord_id)
            if answered is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.shield(answered), self.answer_timeout)
            current = self.state.find_order(clord_id=order.clord_id)
            if current is not None and current.state.is_working and not current.order_id:
                raise VenueError("The exchange has not acknowledged this order yet; try "
                                 "again once it shows as working.")
        if current is None or not current.state.is_working or current.state in MARKERS:
            return None
        return current

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
