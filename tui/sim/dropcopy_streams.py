"""The DropCopyAPI's other three streams (spec §8, §11.6), beside drop copy itself:

* CreateTradeCaptureReportSubscription: every trade of the caller's firm, as a ``Trade``
  with the firm's side(s): the aggressor's and passive execution; another firm's side is
  left unset, as SearchTrades does. Resumable, no snapshot, as drop copy.
* CreatePositionChangeSubscription: each change of a position of the firm's accounts, as a
  ``PositionChange`` (the position as that command left it). Resumable, no snapshot.
* CreateInstrumentStateChangeSubscription: a paged snapshot of every market's state, then
  each change live. No resume (§11.6: reconnect for a fresh snapshot): ``resume_token`` and
  ``resume_time`` are ignored. With ``slow_consumer_skip_to_head`` a reader that fell behind
  gets only each market's latest change.

Conventions the spec leaves open, chosen here: a trade is written as SearchTrades writes it
(see wire.trade_pb: CLEARED; CROSS with the host cross id as ``trade_link_id`` for a cross,
REGULAR otherwise); ``reporting_counterparty`` is the firm's side, the aggressor's when the
firm is on both. A response with a resume token and
nothing else is a quiet-period heartbeat, on every stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import grpc
from google.protobuf.message import Message

from tui.proto.polymarket.v1 import dropcopy_pb2 as dc_pb
from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.sim import wire
from tui.sim.auth import SimUser
from tui.sim.dropcopy import DropCopy
from tui.sim.dropcopy_journals import Entry, Journal
from tui.sim.hub import Subscriber
from tui.sim.model import InstrumentStateChanged, SimPosition, Trade, firm_of
from tui.sim.resume_tokens import BATCH, TokenError

T = TypeVar("T")


def trade_pb(trade: Trade, firm: str) -> rep_pb.Trade:
    """A trade as ``firm`` sees it: its own side(s); another firm's is left unset."""
    ours = [e for e in trade.fills if firm_of(e.account) == firm]
    msg = wire.trade_pb(trade, ours)
    if ours:
        msg.reporting_counterparty = int(ours[0].order.side)  # the aggressor's if both
    return msg


def position_change_pb(position: SimPosition) -> dc_pb.PositionChange:
    msg = dc_pb.PositionChange(position=wire.position_pb(position))
    msg.change_time.CopyFrom(wire.timestamp(position.update_time))
    return msg


class DropCopyStreams(DropCopy):
    """The DropCopyAPI servicer: drop copy (see dropcopy) and the three streams above."""

    async def CreateTradeCaptureReportSubscription(  # noqa: N802 - gRPC method name
        self, request: dc_pb.CreateTradeCaptureReportSubscriptionRequest,
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[dc_pb.CreateTradeCaptureReportSubscriptionResponse]:
        user = await self._user(context, account_scoped=True)
        journal = self.hub.journals.trades

        def respond(token: bytes, batch: Sequence[Entry[Trade]]) -> Message:
            return dc_pb.CreateTradeCaptureReportSubscriptionResponse(
                resume_token=token,
                trade_capture_reports=[trade_pb(e.item, user.firm) for e in batch])

        async for msg in self._firm_stream(request, context, user, journal, respond):
            yield msg

    async def CreatePositionChangeSubscription(  # noqa: N802
        self, request: dc_pb.CreatePositionChangeSubscriptionRequest,
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[dc_pb.CreatePositionChangeSubscriptionResponse]:
        user = await self._user(context, account_scoped=True)

        def respond(token: bytes, batch: Sequence[Entry[SimPosition]]) -> Message:
            return dc_pb.CreatePositionChangeSubscriptionResponse(
                resume_token=token, position_changes=[position_change_pb(e.item) for e in batch])

        async for msg in self._firm_stream(request, context, user, self.hub.journals.positions,
                                           respond):
            yield msg

    async def CreateInstrumentStateChangeSubscription(  # noqa: N802
        self, request: dc_pb.CreateInstrumentStateChangeSubscriptionRequest,
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[dc_pb.CreateInstrumentStateChangeSubscriptionResponse]:
        await self._user(context, account_scoped=False)
        symbols = await self._symbols(request.symbols, context)
        journal = self.hub.journals.states
        cursor = journal.seq
        # subscribed with no await since the snapshot's seq: no change falls between them
        sub = Subscriber(symbols)
        journal.subscribers.add(sub)
        try:
            current = [i for s, i in sorted(self.exchange.instruments.items())
                       if symbols is None or s in symbols]
            token = journal.token(cursor)
            pages = [current[at:at + BATCH] for at in range(0, len(current), BATCH)] or [[]]
            snapshot = [dc_pb.CreateInstrumentStateChangeSubscriptionResponse(
                resume_token=token, instruments=[wire.instrument_pb(i) for i in page])
                for page in pages]
            for msg in snapshot:
                yield msg

            def respond(token: bytes, batch: Sequence[Entry[InstrumentStateChanged]]
                        ) -> Message:
                if request.slow_consumer_skip_to_head:  # each market's latest change only
                    batch = list({e.symbol: e for e in batch}.values())
                return dc_pb.CreateInstrumentStateChangeSubscriptionResponse(
                    resume_token=token, instruments=[self._instrument(e.item) for e in batch])

            async for msg in self._follow(context, sub, journal, cursor, symbols, "", respond,
                                          quiet=False):
                yield msg
        finally:
            journal.subscribers.discard(sub)

    def _instrument(self, change: InstrumentStateChanged) -> Any:
        inst = self.exchange.instruments[change.symbol]
        return wire.instrument_pb(replace(inst, state=change.new))  # the state it changed to

    # --- the shared loop ----------------------------------------------------------------
    async def _symbols(self, symbols: Sequence[str], context: grpc.aio.ServicerContext
                       ) -> frozenset[str] | None:
        unknown = [s for s in symbols if s not in self.exchange.instruments]
        if unknown:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"unknown symbol {unknown[0]}")
        return frozenset(symbols) or None

    async def _firm_stream(self, request: Any, context: grpc.aio.ServicerContext,
                           user: SimUser, journal: Journal[T],
                           respond: Callable[[bytes, Sequence[Entry[T]]], Message],
                           ) -> AsyncIterator[Message]:
        """A firm's resumable stream: replay from the token or time, then live."""
        others = {f.removeprefix("firms/") for f in request.firms} - {user.firm}
        if others:
            await context.abort(grpc.StatusCode.PERMISSION_DENIED,
                                f"this stream is per firm: you may subscribe to firm "
                                f"{user.firm} only, not {sorted(others)[0]}")
        symbols = await self._symbols(request.symbols, context)
        try:
            cursor = journal.start(request.resume_token, request.resume_time
                                   if request.HasField("resume_time") else None)
        except TokenError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
            raise  # abort raises; keeps type checkers honest
        # no await since the start was read: nothing can fall between it and the subscription
        sub = Subscriber(symbols, firm=user.firm)
        journal.subscribers.add(sub)
        try:
            async for msg in self._follow(context, sub, journal, cursor, symbols, user.firm,
                                          respond, quiet=True):
                yield msg
        finally:
            journal.subscribers.discard(sub)

    async def _follow(self, context: grpc.aio.ServicerContext, sub: Subscriber,
                      journal: Journal[T], cursor: int, symbols: frozenset[str] | None,
                      firm: str, respond: Callable[[bytes, Sequence[Entry[T]]], Message], *,
                      quiet: bool) -> AsyncIterator[Message]:
        """What lies past ``cursor`` in batches, then each wake's news; on a quiet period a
        bare resume token (``quiet``: one at once too, so a client has a token at once)."""
        while True:
            fresh = journal.after(cursor)
            mine = [e for e in fresh if (not e.firms or firm in e.firms)
                    and (symbols is None or e.symbol in symbols)]
            end = fresh[-1].seq if fresh else cursor
            msgs = []
            for at in range(0, len(mine), BATCH):
                batch = mine[at:at + BATCH]
                # the last response also covers the skipped entries after it
                covered = end if at + BATCH >= len(mine) else batch[-1].seq
                msgs.append(respond(journal.token(covered), batch))
            cursor = end
            if not msgs and quiet:
                msgs = [respond(journal.token(cursor), [])]
            for msg in msgs:
                if sub.dropped:  # a long replay is broken off like a live stream
                    await context.abort(grpc.StatusCode.UNAVAILABLE, "stream reset by the exchange")
                yield msg
            quiet = not await self._wait(sub, context)
