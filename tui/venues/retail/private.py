"""The private socket's frames (retail-api.md §8.4): executions, the open-order
snapshot, position changes and balances, into DeskState (the local database listens).

Positions have no snapshot on the socket, so they are read over REST right after each
subscribe; orders that ended while the socket was down are looked up one by one, and
the fills the socket missed are fetched from the trade history (recovery.py).
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from typing import Any

from tui.core.enums import REJECT_WORDS, ExecType, OrderState, OrdRejectReason
from tui.core.model import Order, Position
from tui.core.ticket import new_clord_id
from tui.core.venue import VenueError
from tui.venues.refusals import refusal_words
from tui.venues.retail import convert
from tui.venues.retail.commands import RetailCommands
from tui.venues.retail.recovery import FillRecovery
from tui.venues.retail.socket import Frame

log = logging.getLogger(__name__)


def reject_words(execution: dict[str, Any]) -> str:
    """The reason in words: the exchange's text when the reason is the generic one."""
    name = str(execution.get("orderRejectReason") or "").removeprefix("ORD_REJECT_REASON_")
    reason = {"UNKNOWN_MARKET": "UNKNOWN_SYMBOL"}.get(name, name)
    text = refusal_words(str(execution.get("text") or ""))
    if reason in OrdRejectReason.__members__ and reason != "EXCHANGE_OPTION":
        return REJECT_WORDS[OrdRejectReason[reason]]
    return text or REJECT_WORDS[OrdRejectReason.EXCHANGE_OPTION]


class PrivateFrames(RetailCommands):
    _snapshot: list[Order]
    _successors: dict[str, deque[str]]
    _position_reads: int  # positions reads on their way
    _held_positions: list[dict[str, Any]]  # changes that came meanwhile, oldest first
    _recovery: FillRecovery

    def _on_private_frame(self, frame: Frame) -> None:
        if "orderSubscriptionUpdate" in frame:
            execution = (frame["orderSubscriptionUpdate"] or {}).get("execution")
            if isinstance(execution, dict):
                self._on_execution(execution)
        elif "orderSubscriptionSnapshot" in frame:
            self._on_snapshot(frame)
        elif "positionSubscription" in frame:
            self._on_position(frame["positionSubscription"] or {})
        elif "accountBalancesSnapshot" in frame:
            balances = (frame["accountBalancesSnapshot"] or {}).get("balances") or []
            with contextlib.suppress(ValueError):
                self.state.set_balance(convert.balance(balances))
        elif "accountBalancesUpdate" in frame:
            change = (frame["accountBalancesUpdate"] or {}).get("balanceChange") or {}
            if change.get("afterBalance"):
                with contextlib.suppress(ValueError):
                    self.state.set_balance(convert.balance([change["afterBalance"]]))
        elif frame.get("error"):
            self.state.notify(f"The exchange: {frame['error']}", "warning")

    def _on_snapshot(self, frame: Frame) -> None:
        body = frame["orderSubscriptionSnapshot"] or {}
        error = body.get("error") or frame.get("error")
        if error:  # a terminal snapshot failure (§8.3): the next reconnect asks again
            self.state.notify(f"Open orders could not be read: {error}", "warning")
            return
        for data in body.get("orders") or []:
            inst = self.state.instruments.get(str(data.get("marketSlug", "")))
            if inst is not None:
                oid = str(data.get("id", ""))
                try:
                    self._snapshot.append(convert.order(data, inst.scales,
                                                        clord_id=self._clords.get(oid, "")))
                except (ValueError, KeyError, TypeError):
                    # one unreadable order must not drop the socket on every reconnect
                    self.state.notify(f"An open order ({oid}) could not be read; it is "
                                      "not shown.", "warning")
        if body.get("eof"):
            orders, self._snapshot = self._snapshot, []
            self._note_ended(orders)
            self.state.replace_open_orders(orders)

    def _note_ended(self, snapshot: list[Order]) -> None:
        """Working orders missing from a snapshot ended while the socket was down: ask how,
        and fetch every fill the socket missed meanwhile (recovery.py)."""
        still = {o.order_id for o in snapshot}
        ended = [o for o in self.state.home.working_orders() if o.order_id
                 and o.order_id not in still]
        self._recovery.reconnected(snapshot, ended)

    def _on_execution(self, execution: dict[str, Any]) -> None:
        oid = str((execution.get("order") or {}).get("id", ""))
        if execution.get("type") == "EXECUTION_TYPE_REPLACE":
            self._follow_replace(execution)
        if oid and oid not in self._clords and self._inflight:
            # perhaps the insert whose answer is on its way: wait for it
            self._early.setdefault(oid, []).append(execution)
            return
        self._apply_execution(execution)

    def _follow_replace(self, execution: dict[str, Any]) -> None:
        """A modify reports twice (§5.3): the old order REPLACED, then its successor under
        a new exchange id. The successor is still the desk's order: give it a desk id of
        its own and the same intent, as a cancel-replace on the gateway does."""
        data = execution.get("order") or {}
        oid, slug = str(data.get("id", "")), str(data.get("marketSlug", ""))
        if data.get("state") == "ORDER_STATE_REPLACED":
            if oid in self._clords:  # in order: two changes in one market keep their own
                self._successors.setdefault(slug, deque()).append(self._clords[oid])
        elif oid and oid not in self._clords and self._successors.get(slug):
            clord = new_clord_id()
            self._clords[oid] = clord
            intent = self._intents.get(self._successors[slug].popleft())
            if intent is not None:
                self._intents[clord] = intent

    def _apply_execution(self, execution: dict[str, Any]) -> None:
        data = execution.get("order") or {}
        inst = self.state.instruments.get(str(data.get("marketSlug", "")))
        if inst is None:
            return
        oid = str(data.get("id", ""))
        try:
            order = convert.order(data, inst.scales, clord_id=self._clords.get(oid, ""))
            fill = convert.fill(execution, inst.scales)
        except (ValueError, KeyError, TypeError):
            log.warning("an execution for %s could not be read", oid)
            return
        name = str(execution.get("type") or "").removeprefix("EXECUTION_TYPE_")
        kind = ExecType[name] if name in ExecType.__members__ else None
        if kind is ExecType.REPLACE and order.state is not OrderState.REPLACED:
            self._recovery.born(order)
        if kind is ExecType.REJECTED:
            if order.state.is_working:  # a refused modify: the order works on, unchanged
                why = refusal_words(str(execution.get("text") or ""))
                self._refused(self._ours(order), "Change", why or "the order is unchanged")
                return
            order.reject_text = reject_words(execution)
        self._apply_report(order, kind, fill)

    def _on_position(self, change: dict[str, Any]) -> None:
        if self._position_reads:  # a read's snapshot may be older: apply this after it
            self._held_positions.append(change)
            return
        after, before = change.get("afterPosition"), change.get("beforePosition")
        either = after or before or {}
        slug = str((either.get("marketMetadata") or {}).get("slug") or "")
        inst = self.state.instruments.get(slug)
        if inst is None:
            if not slug:  # marketMetadata may be null (§3): read every position again
                self._reread_positions()
            return
        try:
            position = (convert.position(slug, after, inst.scales) if after
                        else Position(symbol=slug))
        except (ValueError, TypeError):
            return
        self.state.set_positions([position], snapshot=False)

    def _reread_positions(self) -> None:
        """One REST read of the positions at a time, however many changes ask for it."""
        if not self.tasks.running("reread-positions"):
            self.tasks.spawn(self._read_positions(), "reread-positions")

    async def _read_positions(self) -> None:
        """Positions have no snapshot on the socket (§8.4): read them after subscribing.
        The socket runs on meanwhile; its changes wait and follow the snapshot, in order."""
        self._position_reads += 1
        try:
            try:
                listed = await self.rest.positions()
            except VenueError as exc:
                self.state.notify(f"Positions could not be read: {exc}", "warning")
                return
            positions = []
            for slug, data in listed.items():
                inst = self.state.instruments.get(slug)
                if inst is not None:
                    with contextlib.suppress(ValueError, TypeError):
                        positions.append(convert.position(slug, data, inst.scales))
            self.state.set_positions(positions, snapshot=True)
        finally:
            self._position_reads -= 1
            if not self._position_reads:  # also when cancelled: nothing held is lost
                held, self._held_positions = self._held_positions, []
                for change in held:
                    self._on_position(change)
