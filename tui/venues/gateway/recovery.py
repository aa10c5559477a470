"""Never lose a fill: the drop copy with its resume token, and uncertain inserts resolved.

The order stream shows what happens while it is up; after an outage its snapshot holds
only the orders still working. The drop copy stream replays every execution since the
last resume token the desk applied, so the fills of the gap arrive too (at least once:
the desk keeps each execution id once). The token is kept in the local database only
after the executions of its batch were queued before it, so a restart resumes from there.
An insert whose answer never came is looked up by its clord_id, never sent again.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from tui.core.enums import ExecType
from tui.core.model import Fill, Order
from tui.core.state import DeskState
from tui.core.venue import LocalDatabase
from tui.proto.polymarket.v1 import dropcopy_pb2 as dc_pb
from tui.proto.polymarket.v1 import orders_pb2 as ord_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.venues.gateway import convert
from tui.venues.gateway.rest import GatewayRest

DROP_COPY = "dropcopy"  # the stream's name, and its resume token's key in the database
REPLAYED_AFTER = 2.0  # seconds: an execution older than this on arrival was missed live
REPLAYED_AFTER_NS = int(REPLAYED_AFTER * 1_000_000_000)


class Recovery:
    state: DeskState
    rest: GatewayRest
    account: str
    store: LocalDatabase | None
    _drop_copy_token: bytes

    if TYPE_CHECKING:  # from the venue base and Reports (no overrides)
        def _ours(self, order: Order) -> Order: ...
        def _take_fill(self, fill: Fill, order: Order) -> bool: ...
        def _fill(self, ex: tr_pb.Execution, order: Order) -> Fill: ...

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
            if (kind in (ExecType.FILL, ExecType.PARTIAL_FILL)
                    and self._take_fill(self._fill(ex, order), order)):
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

    async def _find_sent(self, pending: Order, before: set[str]) -> Order | None:
        """An insert whose answer was lost, asked for by its clord_id (never sent again)."""
        found = await self.rest.search_orders(ord_pb.SearchOrdersRequest(
            clord_id=pending.clord_id, accounts=[self.account]))
        return self._ours(convert.order(found.order[0])) if found.order else None
