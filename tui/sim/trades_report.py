"""ReportAPI's SearchTrades and GetTradeStats (spec §8) over the embedded exchange's history,
shared by the gRPC and REST front ends (see reports_service).

A trade is the pair of fills one match made, found in the execution journal by trade id.
Conventions the spec leaves open, chosen here (paging, windows and accounts as reports.py):

* a trade is found when a fill of one of the searched accounts is in it, and shows only the
  caller's own side(s): the other side's Execution (another trader's order) is left unset;
* every trade is ``TRADE_TYPE_REGULAR`` and ``TRADE_STATE_CLEARED`` (positions and cash
  are booked as it happens); ``reporting_counterparty`` is unset; no trade has a
  ``trade_link_id``, so asking for one finds nothing;
* ``order_id``/``exec_id`` match either shown side; a trade's time is its fills' time;
* GetTradeStats is market-wide (no participant id, every trader's trades) for a required,
  known ``symbol`` (INVALID_ARGUMENT otherwise); with no window and no bars it is the
  session's totals, as the market-data stream's stats; with a window (times or UTC trade
  dates, half open; a date's end is the end of that day) or ``bars`` (1–1000, equal
  slices of the window) it is read from the tape. A missing end is now; bars' missing
  start is the tape's start; every trade clears at once, so ``cleared_*`` equal the totals.
"""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf.timestamp_pb2 import Timestamp

from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.proto.polymarket.v1 import types_pb2
from tui.sim import wire
from tui.sim.auth import SimUser
from tui.sim.exchange import Exchange
from tui.sim.model import ExecReport
from tui.sim.report_time import day_start_ns, ns
from tui.sim.reports import _accounts, _cursor, _page_size, _take, _window
from tui.sim.service import INVALID_ARGUMENT, ServiceError
from tui.sim.tape import Print, tape_of

REGULAR, CLEARED = 1, 2  # TradeType, TradeState numbers
MAX_BARS = 1000
_TRADE_PAGE = "trades-after:"  # + the last trade id returned


class TradeReports:
    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self.tape = tape_of(exchange)
        self._seen = 0  # journal seq read so far
        self._fills: dict[str, list[ExecReport]] = {}  # trade id → its kept fills, in order

    def trades(self) -> dict[str, list[ExecReport]]:
        """Every trade with a kept fill, oldest first (read on from where we left off)."""
        for e in self.exchange.journal(self._seen):
            if e.trade_id and e.last_shares:
                self._fills.setdefault(e.trade_id, []).append(e)
        self._seen = self.exchange.journal_seq
        return self._fills

    def visible(self, user: SimUser, asked: Iterable[str]
                ) -> Iterable[tuple[str, list[ExecReport]]]:
        """(trade id, the caller's fills in it) for trades of the ``asked`` accounts."""
        accounts, mine = set(_accounts(user, asked)), set(user.accounts)
        for trade_id, fills in list(self.trades().items()):
            if any(f.account in accounts for f in fills):
                yield trade_id, [f for f in fills if f.account in mine]

    def search_trades(self, user: SimUser, req: rep_pb.SearchTradesRequest
                      ) -> rep_pb.SearchTradesResponse:
        size = _page_size(req.page_size)
        after = _cursor(req.page_token, _TRADE_PAGE)
        in_window = _window(req.start_time if req.HasField("start_time") else None,
                            req.end_time if req.HasField("end_time") else None)
        states = set(req.states)

        def wanted(trade_id: str, fills: list[ExecReport]) -> bool:
            # trade ids are zero-padded issue numbers: their string order is trade order
            return (bool(fills) and (after is None or trade_id > after)
                    and (not req.trade_id or trade_id == req.trade_id)
                    and (not req.order_id or any(f.order.order_id == req.order_id
                                                 for f in fills))
                    and (not req.exec_id or any(f.exec_id == req.exec_id for f in fills))
                    and (not req.symbol or fills[0].symbol == req.symbol)
                    and (not states or CLEARED in states) and not req.trade_link_id
                    and in_window(fills[0].transact_time))

        page, more = _take(((t, f) for t, f in self.visible(user, req.accounts)
                            if wanted(t, f)), size)
        return rep_pb.SearchTradesResponse(
            trade=[trade_pb(t, f) for t, f in page],
            next_page_token=_TRADE_PAGE + page[-1][0] if more else "")

    def trade_stats(self, req: rep_pb.GetTradeStatsRequest) -> rep_pb.GetTradeStatsResponse:
        if not req.symbol:
            raise ServiceError(INVALID_ARGUMENT, "symbol is required")
        if req.symbol not in self.exchange.instruments:
            raise ServiceError(INVALID_ARGUMENT, f"unknown symbol {req.symbol}")
        if not 0 <= req.bars <= MAX_BARS:
            raise ServiceError(INVALID_ARGUMENT, f"bars must be 0 to {MAX_BARS}")
        lo = _bound(req, "start_time", "start_trade_date", 0)
        hi = _bound(req, "end_time", "end_trade_date", 1)
        if lo is None and hi is None and not req.bars:
            return rep_pb.GetTradeStatsResponse(stats=self._session(req.symbol))
        if lo is None:  # bars slice the tape's life; a total needs no start
            lo = self.tape.since_ns if req.bars else 0
        hi = ns(self.exchange.clock()) + 1 if hi is None else hi  # now included
        if hi <= lo:
            raise ServiceError(INVALID_ARGUMENT, "the window ends before it starts")
        prints = self.tape.prints(req.symbol, lo, hi)
        resp = rep_pb.GetTradeStatsResponse(stats=_stats(prints))
        for i in range(req.bars):
            start, end = lo + (hi - lo) * i // req.bars, lo + (hi - lo) * (i + 1) // req.bars
            resp.bars.append(_stats([p for p in prints if start <= p[0] < end]))
            resp.bar_start_time.append(_timestamp(start))
            resp.bar_end_time.append(_timestamp(end))
        return resp

    def _session(self, symbol: str) -> types_pb2.TradeStats:
        s = self.exchange.stats(symbol)
        return types_pb2.TradeStats(
            first=s.open_px or 0, last=s.last_px or 0, high=s.high_px or 0, low=s.low_px or 0,
            total_trade_count=s.trades, cleared_trade_count=s.trades, volume=s.volume,
            cleared_volume=s.volume, notional=s.notional, cleared_notional=s.notional)


def trade_pb(trade_id: str, fills: list[ExecReport]) -> rep_pb.Trade:
    msg = rep_pb.Trade(id=trade_id, trade_type=REGULAR, state=CLEARED)
    for fill in fills:
        (msg.aggressor if fill.aggressor else msg.passive).CopyFrom(wire.execution_pb(fill))
    return msg


def _bound(req: rep_pb.GetTradeStatsRequest, time_field: str, date_field: str,
           days_after: int) -> int | None:
    """One end of the window in epoch ns: a time, or a trade date's start (or end)."""
    has_time, has_date = req.HasField(time_field), req.HasField(date_field)
    if has_time and has_date:
        raise ServiceError(INVALID_ARGUMENT, f"{time_field} and {date_field} are exclusive")
    if has_time:
        stamp: Timestamp = getattr(req, time_field)
        return stamp.ToNanoseconds()
    return day_start_ns(getattr(req, date_field), days_after) if has_date else None


def _stats(prints: list[Print]) -> types_pb2.TradeStats:
    if not prints:
        return types_pb2.TradeStats()
    pxs = [px for _, px, _ in prints]
    volume = sum(qty for _, _, qty in prints)
    notional = sum(px * qty for _, px, qty in prints)
    return types_pb2.TradeStats(
        first=pxs[0], last=pxs[-1], high=max(pxs), low=min(pxs),
        total_trade_count=len(prints), cleared_trade_count=len(prints), volume=volume,
        cleared_volume=volume, notional=notional, cleared_notional=notional)


def _timestamp(epoch_ns: int) -> Timestamp:
    ts = Timestamp()
    ts.FromNanoseconds(epoch_ns)
    return ts
