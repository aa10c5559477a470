"""What the gateway's streams report, applied to DeskState: books, orders, fills, positions.

The exchange's execution reports are the only source of an order's state; the desk keeps
only what the trader meant (intent by clord_id) and its own in-flight markers.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from tui.core import words
from tui.core.enums import (
    CANCEL_REJECT_WORDS,
    REJECT_WORDS,
    CxlRejReason,
    ExecType,
    OrdRejectReason,
)
from tui.core.model import Fill, Order, Position
from tui.core.state import DeskState
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.venues.gateway import convert
from tui.venues.market_states import market_moved
from tui.venues.refusals import refusal_words

log = logging.getLogger(__name__)


class Reports:
    state: DeskState
    account: str
    _balance_due: asyncio.Event

    @property
    def position_accounts(self) -> tuple[str, ...]:
        """The accounts the position stream carries: every one a firm's login trades."""
        return self.state.tradable or (self.account,)

    if TYPE_CHECKING:  # from the venue base (no overrides)
        def _ours(self, order: Order) -> Order: ...
        def _apply_report(self, order: Order, kind: ExecType | None,
                          fill: Fill | None = None) -> None: ...
        def _refused(self, order: Order | None, what: str, why: str) -> None: ...

    def _on_market(self, msg: md_pb.CreateMarketDataSubscriptionResponse) -> None:
        if msg.HasField("update"):
            self._on_book_update(msg.update)

    def _on_book_update(self, update: md_pb.MarketDataUpdate) -> None:
        """A market's whole book: from the stream, or read over REST while it is down."""
        book = convert.book(update)
        inst = self.state.instruments.get(book.symbol)
        if inst is not None:
            market_moved(self.state, inst, convert.market_state(update), book)
        self.state.replace_book(book)

    def _on_positions(self, msg: pos_pb.CreatePositionSubscriptionResponse) -> None:
        snapshot = msg.HasField("snapshot")
        if not snapshot and not msg.HasField("update"):
            return
        # a firm's login subscribes every account it trades: each is kept apart, so a
        # switch shows its positions at once and the firm's total sums them
        by_account: dict[str, list[Position]] = {a: [] for a in self.position_accounts}
        for p in msg.snapshot.positions if snapshot else msg.update.positions:
            inst = self.state.instruments.get(p.symbol)
            if inst is None:  # a market left out (no usable scale): its NO cost is unknown
                log.info("a position in %s, a market not listed, is not shown", p.symbol)
                continue
            by_account.setdefault(p.account or self.account, []).append(
                convert.position(p, inst.scales))
        for account, positions in by_account.items():
            if positions or snapshot:
                self.state.set_positions(positions, snapshot=snapshot, account=account)

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

    def _note_ended(self, snapshot: list[Order]) -> None:
        """After an outage: say which working orders ended while the stream was down."""
        still = {o.order_id for o in snapshot}
        ended = [o for o in self.state.home.working_orders() if o.order_id
                 and not o.is_pending and o.order_id not in still]
        if ended:
            named = ", ".join(words.order_words(self.state, o) for o in ended[:3])
            more = f" and {len(ended) - 3} more" if len(ended) > 3 else ""
            self.state.notify(f"While the order stream was down, {len(ended)} order(s) "
                              f"stopped working: {named}{more}. Their fills come from the "
                              "drop copy.", "warning")

    def _on_execution(self, ex: tr_pb.Execution) -> None:
        order = convert.order(ex.order)
        kind = ExecType(ex.type) if ex.type in ExecType._value2member_map_ else None
        if kind is ExecType.REJECTED:
            reason = (OrdRejectReason(ex.order_reject_reason)
                      if ex.order_reject_reason in OrdRejectReason._value2member_map_
                      else OrdRejectReason.EXCHANGE_OPTION)
            # the generic reason says nothing; the exchange's own text then says more
            order.reject_text = (refusal_words(ex.text) if reason is
                                 OrdRejectReason.EXCHANGE_OPTION and ex.text
                                 else REJECT_WORDS[reason])
        fill = None
        if kind in (ExecType.FILL, ExecType.PARTIAL_FILL):
            fill = self._fill(ex, self._ours(order))
            self._balance_due.set()
        self._apply_report(order, kind, fill)

    def _on_cancel_reject(self, rej: tr_pb.CancelReject) -> None:
        reason = (CxlRejReason(rej.reject_reason)
                  if rej.reject_reason in CxlRejReason._value2member_map_
                  else CxlRejReason.EXCHANGE_OPTION)
        why = (refusal_words(rej.text) if reason is CxlRejReason.EXCHANGE_OPTION
               and rej.text else CANCEL_REJECT_WORDS[reason])
        self._refused(self.state.find_order(order_id=rej.order_id, clord_id=rej.clord_id),
                      "Change" if rej.is_replace else "Cancel", why)
