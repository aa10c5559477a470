"""Drop copy (DropCopyAPI.CreateDropCopySubscription, spec §8 and §11.6): every execution of
a firm, resumable.

Live delivery and replay are one path: the stream keeps a cursor into the exchange's
execution journal and sends what lies past it; the hub only wakes it. So replay can
neither disagree with live nor leave a gap between the two, and each response's
resume_token is simply the journal position it covers, up to and including its
executions (and past any later entries of other firms or symbols it skipped).

Resume tokens: see resume_tokens (``pmsim-dc1:<exchange session>:<journal seq>``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import grpc

from tui.proto.polymarket.v1 import dropcopy_pb2 as dc_pb
from tui.proto.polymarket.v1 import dropcopy_pb2_grpc as dc_grpc
from tui.sim import wire
from tui.sim.exchange import Exchange
from tui.sim.grpc_base import Base
from tui.sim.hub import Subscriber
from tui.sim.model import ExecReport, firm_of
from tui.sim.resume_tokens import BATCH, TokenError, decode_token, encode_token, seq_at


def start_seq(request: dc_pb.CreateDropCopySubscriptionRequest, exchange: Exchange) -> int:
    """Where a subscription starts: after its token, at its time, or (neither) at the head.

    The token wins over a time. A resume_time replays executions with transact_time at or
    after it; one in the future means live only.
    """
    if request.resume_token:
        return decode_token(request.resume_token, exchange.session_id, exchange.journal_seq)
    if request.HasField("resume_time"):
        return seq_at(request.resume_time.ToNanoseconds(),
                      ((e.seq, e.transact_time) for e in exchange.journal()),
                      exchange.journal_seq)
    return exchange.journal_seq


class DropCopy(Base, dc_grpc.DropCopyAPIServicer):
    async def CreateDropCopySubscription(  # noqa: N802 - gRPC method name
        self, request: dc_pb.CreateDropCopySubscriptionRequest,
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[dc_pb.CreateDropCopySubscriptionResponse]:
        user = await self._user(context, account_scoped=True)
        others = {f.removeprefix("firms/") for f in request.firms} - {user.firm}
        if others:
            await context.abort(grpc.StatusCode.PERMISSION_DENIED,
                                f"drop copy is per firm: you may subscribe to firm {user.firm} "
                                f"only, not {sorted(others)[0]}")
        unknown = [s for s in request.symbols if s not in self.exchange.instruments]
        if unknown:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"unknown symbol {unknown[0]}")
        symbols = frozenset(request.symbols) or None
        try:
            cursor = start_seq(request, self.exchange)
        except TokenError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
            raise  # abort raises; keeps type checkers honest
        # no await since the start was read: nothing can fall between it and the subscription
        sub = self.hub.add(self.hub.dropcopy, Subscriber(symbols, firm=user.firm))
        try:
            quiet = True  # the first response goes at once: a token from the first moment
            while True:
                msgs, cursor = self._take(cursor, user.firm, symbols)
                if not msgs and quiet:
                    msgs = [self._response(cursor, [])]  # heartbeat: a token, no executions
                for msg in msgs:
                    if sub.dropped:  # a long replay is broken off like a live stream
                        await context.abort(grpc.StatusCode.UNAVAILABLE,
                                            "stream reset by the exchange")
                    yield msg
                quiet = not await self._wait(sub, context)
        finally:
            self.hub.dropcopy.discard(sub)

    def _take(self, cursor: int, firm: str, symbols: frozenset[str] | None
              ) -> tuple[list[dc_pb.CreateDropCopySubscriptionResponse], int]:
        """Responses for the firm's executions past ``cursor``, and the new cursor."""
        fresh = self.exchange.journal(cursor)
        if not fresh:
            return [], cursor
        end = fresh[-1].seq
        mine = [e for e in fresh
                if firm_of(e.account) == firm and (symbols is None or e.symbol in symbols)]
        msgs = []
        for start in range(0, len(mine), BATCH):
            batch = mine[start:start + BATCH]
            # the last response also covers the other firms' and symbols' entries after it
            covered = end if start + BATCH >= len(mine) else batch[-1].seq
            msgs.append(self._response(covered, batch))
        return msgs, end

    def _response(self, seq: int, batch: Sequence[ExecReport]
                  ) -> dc_pb.CreateDropCopySubscriptionResponse:
        return dc_pb.CreateDropCopySubscriptionResponse(
            resume_token=encode_token(self.exchange.session_id, seq),
            executions=[wire.execution_pb(e) for e in batch])
