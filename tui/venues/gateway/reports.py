"""What the gateway's streams report, applied to DeskState: books, orders, fills, positions.

The exchange's execution reports are the only source of an order's state; the desk keeps
only what the trader meant (intent by clord_id) and its own in-flight markers.
"""

from __future__ import annotations

import asyncio

from tui.core import words
from tui.core.enums import (
    CANCEL_REJECT_WORDS,
    REJECT_WORDS,
    CxlRejReason,
    ExecType,
    OrderState,
    OrdRejectReason,
)
from tui.core.model import Fill, Order
from tui.core.prices import Intent
from tui.core.state import DeskState
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.venues.gateway import convert
from tui.venues.refusals import refusal_words


class Reports:
    state: DeskState
    _intents: dict[str, Intent]
    _before_cancel: dict[str, OrderState]
    _balance_due: asyncio.Event

    def _on_market(self, msg: md_pb.CreateMarketDataSubscriptionResponse) -> None:
        if msg.HasField("update"):
            self.state.replace_book(convert.book(msg.update))

    def _on_positions(self, msg: pos_pb.CreatePositionSubscriptionResponse) -> None:
        snapshot = msg.HasField("snapshot")
        if not snapshot and not msg.HasField("update"):
            return
        positions = [convert.position(p) for p in
                     (msg.snapshot.positions if snapshot else msg.update.positions)]
        self.state.set_positions(positions, snapshot=snapshot)

    def _on_orders(self, msg: tr_pb.CreateOrderSubscriptionResponse) -> None:
        if msg.HasField("snapshot"):
            orders = [self._ours(convert.order(o)) for o in msg.snapshot.orders]
            self._note_ended(orders)
            self.state.replace_open_orders(orders)
        elif msg.HasField("update"):
            for execution in msg.update.executions:
                self._on_execution(execution)
            if msg.update.HasField("cancel_reject"):
                self._on_cancel_reject(msg.update.cancel_reject)

    def _fill(self, ex: tr_pb.Execution, order: Order) -> Fill:
        return Fill(exec_id=ex.id, order_id=order.order_id, symbol=order.symbol,
                    side=order.side, price=ex.last_px, qty=ex.last_shares, intent=order.intent,
                    at=self.state.clock())

    def _take_fill(self, ex: tr_pb.Execution, order: Order) -> bool:
        """Keep a fill and tell the trader once; True when this execution id is new.

        The order stream and the drop copy both report every fill, in no set order: the
        first to arrive tells it (telling only from one stream lost it when the other won).
        """
        first = self.state.add_fill(self._fill(ex, order), clord_id=order.clord_id)
        if first and order.intent is not None:  # an order this desk placed
            self.state.notify(f"Filled {self._qty(order, ex.last_shares)} "
                              f"{self._describe(order, ex.last_px)}.")
        return first

    def _note_ended(self, snapshot: list[Order]) -> None:
        """After an outage: say which working orders ended while the stream was down."""
        still = {o.order_id for o in snapshot}
        ended = [o for o in self.state.working_orders() if o.order_id
                 and not o.is_pending and o.order_id not in still]
        if ended:
            words = ", ".join(self._describe(o) for o in ended[:3])
            more = f" and {len(ended) - 3} more" if len(ended) > 3 else ""
            self.state.notify(f"While the order stream was down, {len(ended)} order(s) "
                              f"stopped working: {words}{more}. Their fills come from the "
                              "drop copy.", "warning")

    def _ours(self, order: Order) -> Order:
        order.intent = self._intents.get(order.clord_id)
        return order

    def _on_execution(self, ex: tr_pb.Execution) -> None:
        order = self._ours(convert.order(ex.order))
        kind = ExecType(ex.type) if ex.type in ExecType._value2member_map_ else None
        pending_key = order.clord_id if order.clord_id in self.state.orders else None
        if kind is ExecType.REJECTED:
            reason = (OrdRejectReason(ex.order_reject_reason)
                      if ex.order_reject_reason in OrdRejectReason._value2member_map_
                      else OrdRejectReason.EXCHANGE_OPTION)
            # the generic reason says nothing; the exchange's own text then says more
            order.reject_text = (refusal_words(ex.text) if reason is
                                 OrdRejectReason.EXCHANGE_OPTION and ex.text
                                 else REJECT_WORDS[reason])
            self.state.notify(f"{self._describe(order)} rejected: {order.reject_text}.",
                              "error")
        elif kind in (ExecType.FILL, ExecType.PARTIAL_FILL):
            self._take_fill(ex, order)
            self._balance_due.set()
        elif kind is ExecType.EXPIRED and order.intent is not None:
            self.state.notify(f"{self._describe(order)} expired"
                              f"{' unfilled' if not order.cum_qty else ''}.", "warning")
        if order.state.is_terminal:
            self._before_cancel.pop(order.order_id, None)
        self.state.upsert_order(order, pending_key=pending_key)

    def _on_cancel_reject(self, rej: tr_pb.CancelReject) -> None:
        order = self.state.find_order(order_id=rej.order_id, clord_id=rej.clord_id)
        reason = (CxlRejReason(rej.reject_reason)
                  if rej.reject_reason in CxlRejReason._value2member_map_
                  else CxlRejReason.EXCHANGE_OPTION)
        words = (refusal_words(rej.text) if reason is CxlRejReason.EXCHANGE_OPTION
                 and rej.text else CANCEL_REJECT_WORDS[reason])
        what = "Change" if rej.is_replace else "Cancel"
        if order is not None:
            if order.state in (OrderState.PENDING_CANCEL, OrderState.PENDING_REPLACE):
                # back to what the exchange last said, never a state it did not report
                order.state = self._before_cancel.pop(order.order_id, order.state)
            order.reject_text = f"{what.lower()} refused: {words}"
            self.state.upsert_order(order)  # the refusal is the order's latest word
            self.state.notify(f"{what} of {self._describe(order)} refused: {words}.", "error")
        else:
            self.state.notify(f"{what} refused: {words}.", "error")

    def _describe(self, order: Order, yes_px: int | None = None) -> str:
        return words.describe(self.state, order, yes_px)

    def _qty(self, order: Order, qty: int) -> str:
        return words.quantity(self.state, order, qty)
