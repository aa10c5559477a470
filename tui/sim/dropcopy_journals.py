"""What the DropCopyAPI's trade capture, position change and instrument state streams replay
from (spec §8, §11.6): the exchange's trades, position changes and state changes, each kept
in order and numbered from 1, as the execution journal is for drop copy.

One listener on the exchange fills all three, so a stream started at any time can replay
from a resume token or time and then go on live along the same path (see dropcopy). The
synthetic flow's history is not kept: a trade is kept when one of its sides is kept, a
position change when its account is.

Resume tokens are drop copy's (see resume_tokens), with one kind per stream, so a token of
one stream is never taken by another.
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
    Trade,
    firm_of,
)
from tui.sim.resume_tokens import decode_token, encode_token, seq_at

if TYPE_CHECKING:  # the Hub holds the journals: no import of it at run time
    from tui.sim.exchange import Exchange
    from tui.sim.hub import Subscriber

T = TypeVar("T")

TRADES, POSITIONS, STATES = "pmsim-tc1", "pmsim-pc1", "pmsim-is1"  # token kinds


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
        return encode_token(self.session, seq, self.kind)

    def start(self, token: bytes, since: Timestamp | None) -> int:
        """Where a subscription starts: after its token, else at its time, else at the head.

        As drop copy's (see resume_tokens): a bad token is TokenError.
        """
        if token:
            return decode_token(token, self.session, self.seq, self.kind)
        if since is not None:
            return seq_at(since.ToNanoseconds(), ((e.seq, e.time) for e in self.entries),
                          self.seq)
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
