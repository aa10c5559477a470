"""What the DropCopyAPI's trade capture, position change and instrument state streams replay
from (spec §8, §11.6): the exchange's trades, position changes and state changes, each kept
in order and numbered from 1, as the execution journal is for drop copy.

One listener on the exchange fills all three, so a stream started at any time can replay
from a resume token or time and then go on live along the same path (see dropcopy). The
synthetic flow's history is not kept: a trade is kept when one of its sides is kept, a
position change when its account is.

Resume tokens (opaque to clients) are ASCII ``<kind>:<exchange session>:<seq>``, one kind
per stream, so a token of one stream is never taken by another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from google.protobuf.timestamp_pb2 import Timestamp

from tui.core.enums import ExecType
from tui.sim.model import (
    ExecReport,
    InstrumentStateChanged,
    PositionChanged,
    SimPosition,
    firm_of,
)

if TYPE_CHECKING:  # the Hub holds the journals: no import of it at run time
    from tui.sim.exchange import Exchange
    from tui.sim.hub import Subscriber

T = TypeVar("T")

TRADES, POSITIONS, STATES = "pmsim-tc1", "pmsim-pc1", "pmsim-is1"  # token kinds


class ResumeError(ValueError):
    """A resume token this exchange cannot resume from; the message is for the client."""


@dataclass(frozen=True, slots=True)
class Trade:
    """One trade: the two fills that made it, the aggressor's first."""

    trade_id: str
    aggressor: ExecReport
    passive: ExecReport

    @property
    def host_cross_id(self) -> str:
        return self.aggressor.order.host_cross_id


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    seq: int
    time: float
    symbol: str
    firms: frozenset[str]  # the firms whose streams see it; empty: every stream
    item: T


class Journal(Generic[T]):
    def __init__(self, kind: str, session: str) -> None:
        self.kind = kind
        self.session = session
        self.entries: list[Entry[T]] = []
        self.subscribers: set[Subscriber] = set()

    @property
    def seq(self) -> int:
        return len(self.entries)

    def after(self, seq: int) -> list[Entry[T]]:
        return self.entries[max(seq, 0):]

    def add(self, time: float, symbol: str, firms: frozenset[str], item: T) -> None:
        self.entries.append(Entry(self.seq + 1, time, symbol, firms, item))
        for sub in self.subscribers:
            if (not firms or sub.firm in firms) and sub.wants(symbol):
                sub.wake.set()

    def token(self, seq: int) -> bytes:
        return f"{self.kind}:{self.session}:{seq}".encode("ascii")

    def start(self, token: bytes, since: Timestamp | None) -> int:
        """Where a subscription starts: after its token, else at its time, else at the head.

        As drop copy's: a token of another life of the exchange replays all of this one's;
        one that does not parse, is another stream's, or is ahead is ResumeError.
        """
        if token:
            text = token.decode("ascii", errors="replace")
            kind, _, rest = text.partition(":")
            session, _, seq_text = rest.rpartition(":")
            if kind != self.kind or not session or not seq_text.isdigit():
                raise ResumeError("resume_token is not one this stream issued")
            if session != self.session:
                return 0
            if int(seq_text) > self.seq:
                raise ResumeError("resume_token is ahead of this exchange's history")
            return int(seq_text)
        if since is not None:
            nanos = since.ToNanoseconds()
            # the same float → ns conversion as wire.timestamp, so an echoed time matches
            return next((e.seq - 1 for e in self.entries
                         if int(e.time * 1_000_000_000) >= nanos), self.seq)
        return self.seq


class Journals:
    """The three journals, filled by one listener on the exchange."""

    def __init__(self, exchange: Exchange) -> None:
        self._kept: Callable[[str], bool] = exchange.keeps_history
        session = exchange.session_id
        self.trades: Journal[Trade] = Journal(TRADES, session)
        self.positions: Journal[SimPosition] = Journal(POSITIONS, session)
        self.states: Journal[InstrumentStateChanged] = Journal(STATES, session)
        self._fill: ExecReport | None = None  # a trade's first fill, waiting for its second
        exchange.add_listener(self._on_event)

    @property
    def subscriber_sets(self) -> tuple[set[Subscriber], ...]:
        return self.trades.subscribers, self.positions.subscribers, self.states.subscribers

    def _on_event(self, event: object) -> None:
        if isinstance(event, ExecReport):
            if event.trade_id and event.type in (ExecType.FILL, ExecType.PARTIAL_FILL):
                self._on_fill(event)
        elif isinstance(event, PositionChanged):
            if event.position is not None and self._kept(event.account):
                self.positions.add(event.position.update_time, event.symbol,
                                   frozenset({firm_of(event.account)}), event.position)
        elif isinstance(event, InstrumentStateChanged):
            self.states.add(event.time, event.symbol, frozenset(), event)

    def _on_fill(self, fill: ExecReport) -> None:
        # the engine reports a trade's two fills one after the other, the aggressor's first
        first, self._fill = self._fill, None
        if first is None or first.trade_id != fill.trade_id:
            self._fill = fill
            return
        aggressor, passive = (first, fill) if first.aggressor else (fill, first)
        if not (self._kept(aggressor.account) or self._kept(passive.account)):
            return
        firms = frozenset({firm_of(aggressor.account), firm_of(passive.account)})
        self.trades.add(fill.transact_time, fill.symbol, firms,
                        Trade(fill.trade_id, aggressor, passive))
