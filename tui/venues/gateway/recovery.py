"""Never lose a fill: the drop copy with its resume token, and uncertain inserts resolved.

The order stream shows what happens while it is up; after an outage its snapshot holds
only the orders still working. The drop copy stream replays every execution since the
last resume token the desk applied, so the fills of the gap arrive too (at least once:
the desk keeps each execution id once). The token is kept in the local database only
after the executions of its batch were queued before it, so a restart resumes from there.
An insert whose answer never came is looked up by its clord_id, never sent again.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from tui.core.enums import ExecType, OrderState
from tui.core.model import Order
from tui.core.prices import Intent
from tui.core.state import DeskState
from tui.core.venue import LocalDatabase, VenueError
from tui.proto.polymarket.v1 import dropcopy_pb2 as dc_pb
from tui.proto.polymarket.v1 import orders_pb2 as ord_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.venues.gateway import convert
from tui.venues.gateway.rest import GatewayRest

DROP_COPY = "dropcopy"  # the stream's name, and its resume token's key in the database
REPLAYED_AFTER = 2.0  # seconds: an execution older than this on arrival was missed live
REPLAYED_AFTER_NS = int(REPLAYED_AFTER * 1_000_000_000)
LOOKUP_WAITS = (0.5, 1.0, 2.0, 4.0, 8.0)  # seconds between clord_id lookups


class Recovery:
    state: DeskState
    rest: GatewayRest
    account: str
    store: LocalDatabase | None
    lookup_waits: tuple[float, ...] = LOOKUP_WAITS
    _intents: dict[str, Intent]
    _drop_copy_token: bytes

    if TYPE_CHECKING:  # from Reports; declared only for the type checker (no overrides)
        def _ours(self, order: Order) -> Order: ...
        def _take_fill(self, ex: tr_pb.Execution, order: Order) -> bool: ...
        def _describe(self, order: Order, yes_px: int | None = None) -> str: ...

    def _drop_copy_request(self) -> dc_pb.CreateDropCopySubscriptionRequest:
        """From the last applied token (replay), else live only (the spec: no snapshot)."""
        return dc_pb.CreateDropCopySubscriptionRequest(resume_token=self._drop_copy_token)

    def _on_drop_copy(self, msg: dc_pb.CreateDropCopySubscriptionResponse) -> None:
        recovered = 0
        now = time.time_ns()
        for ex in msg.executions:
            if ex.order.account and ex.order.account != self.account:
                continue  # the stream is firm-wide; this desk trades one account
            kind = ExecType(ex.type) if ex.type in ExecType._value2member_map_ else None
            order = self._ours(convert.order(ex.order))
            # new to the desk: "Filled ..." now (the order stream's copy then says nothing)
            if kind in (ExecType.FILL, ExecType.PARTIAL_FILL) and self._take_fill(ex, order):
                # in ns since the epoch: ToDatetime() is naive UTC, which .timestamp() read
                # as local time (hours off in New York or Tokyo)
                late = ex.HasField("transact_time") and (
                    now - convert.epoch_ns(ex.transact_time) > REPLAYED_AFTER_NS)
                recovered += late
            if self.state.find_order(order_id=order.order_id) is None:
                self.state.record_order(order)  # ended while we were away: kept, not shown
        if msg.resume_token and bytes(msg.resume_token) != self._drop_copy_token:
            self._drop_copy_token = bytes(msg.resume_token)
            if self.store is not None:  # queued after this batch's executions: applied first
                self.store.set_resume_token(DROP_COPY, self._drop_copy_token)
        if recovered:
            self.state.notify(f"Recovered {recovered} fill(s) made while the desk could not "
                              "see them (from the exchange's drop copy).", "warning")

    def _forget_drop_copy_token(self) -> None:
        """A token this exchange does not know (e.g. a new demo exchange): go live instead."""
        self._drop_copy_token = b""

    async def _resolve_uncertain(self, clord_id: str) -> None:
        """An insert that got no answer: ask the exchange by clord_id; never send it again."""
        answered = False  # did the exchange ever answer a lookup?
        for wait in self.lookup_waits:
            await asyncio.sleep(wait)
            pending = self.state.find_order(clord_id=clord_id)
            if pending is None or pending.order_id or not pending.is_pending:
                return  # a stream has told its fate already
            try:
                found = await self.rest.search_orders(ord_pb.SearchOrdersRequest(
                    clord_id=clord_id, accounts=[self.account]))
            except VenueError:
                continue  # still cut off: try again later
            answered = True
            if found.order:
                order = self._ours(convert.order(found.order[0]))
                self.state.upsert_order(order, pending_key=clord_id)
                self.state.notify(f"The exchange has {self._describe(order)}: the insert "
                                  "did reach it.")
                return
        pending = self.state.find_order(clord_id=clord_id)
        if pending is None or pending.order_id or not pending.is_pending:
            return
        if not answered:  # unknown: it stays pending until a stream or a lookup tells
            self.state.notify(f"{self._describe(pending)}: still no word from the exchange; "
                              "it was not sent again.", "warning")
            return
        pending.state = OrderState.REJECTED
        pending.reject_text = "never reached the exchange (looked up by its id)"
        self.state.upsert_order(pending)
        self.state.notify(f"{self._describe(pending)} never reached the exchange; "
                          "nothing was sent again.", "warning")
