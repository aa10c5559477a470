"""ReportAPI's SearchTrades and GetTradeStats (spec §8) over the embedded exchange's history,
shared by the gRPC and REST front ends (see reports_service; the server builds one).

A trade is the pair of fills one match made, as the Hub's trade journal keeps it (the one
trade capture replays: see dropcopy_journals), and is written as trade capture writes it
(wire.trade_pb). Conventions the spec leaves open, chosen here (paging, windows and accounts
as reports.py):

* a trade is found when a fill of one of the searched accounts is in it, and shows only the
  caller's own side(s): the other side's Execution (another trader's order) is left unset;
* every trade is ``TRADE_STATE_CLEARED`` (positions and cash are booked as it happens); a
  cross's is ``TRADE_TYPE_CROSS`` with the host cross id as its ``trade_link_id`` (which
  ``trade_link_id`` finds), any other ``TRADE_TYPE_REGULAR``; ``reporting_counterparty``
  is unset;
* ``order_id``/``exec_id`` match either shown side; a trade's time is its fills' time;
* GetTradeStats is market-wide (no participant id, every trader's trades) for a required,
  known ``symbol`` (INVALID_ARGUMENT otherwise); with no window and no bars it is the
  session's totals, as the market-data stream's stats; with a window (times or UTC trade
  dates, half open; a date's end is the end of that day) or ``bars`` (1–1000, equal
  slices of the window) it is read from the tape. A missing end is now; bars' missing
  start is the tape's start; every trade clears at once, so ``cleared_*`` equal the totals.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator

from google.protobuf.timestamp_pb2 import Timestamp

from tui.proto.polymarket.v1 import enums_pb2, types_pb2
from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.sim import wire
from tui.sim.auth import SimUser
from tui.sim.books_service import known_symbol
from tui.sim.dropcopy_journals import Journal
from tui.sim.exchange import Exchange
from tui.sim.model import ExecReport, Trade
from tui.sim.report_time import day_start_ns
from tui.sim.reports import _accounts, _cursor, _page_size, _take, _window
from tui.sim.service import INVALID_ARGUMENT, ServiceError
from tui.sim.tape import Print, Tape, print_time

CLEARED = enums_pb2.TRADE_STATE_CLEARED
MAX_BARS = 1000
_TRADE_PAGE = "trades-after:"  # + the last trade id returned


class TradeReports:
    def __init__(self, exchange: Exchange, trades: Journal[Trade]) -> None:
        """``trades``: the Hub's trade journal (hub.journals.trades), which holds every trade
        with a kept side; built, like this, before anything trades."""
        self.exchange = exchange
        self.trades = trades
        self.tape = Tape(exchange)

    def visible(self, user: SimUser, asked: Iterable[str]
                ) -> Iterator[tuple[Trade, list[ExecReport]]]:
        """(trade, the caller's fills in it) for trades of the ``asked`` accounts, in trade
        order."""
        accounts, mine = set(_accounts(user, asked)), set(user.accounts)
        for entry in self.trades.after(0):
            trade = entry.item
            if any(f.account in accounts for f in trade.fills):
                yield trade, [f for f in trade.fills if f.account in mine]

    def search_trades(self, user: SimUser, req: rep_pb.SearchTradesRequest
                      ) -> rep_pb.SearchTradesResponse:
        size = _page_size(req.page_size)
        after = _cursor(req.page_token, _TRADE_PAGE)
        in_window = _window(req.start_time if req.HasField("start_time") else None,
                            req.end_time if req.HasField("end_time") else None)
        states = set(req.states)

        def wanted(trade: Trade, fills: list[ExecReport]) -> bool:
            # trade ids are zero-padded issue numbers: their string order is trade order
            return ((after is None or trade.trade_id > after)
                    and (not req.trade_id or trade.trade_id == req.trade_id)
                    and (not req.order_id or any(f.order.order_id == req.order_id
                                                 for f in fills))
                    and (not req.exec_id or any(f.exec_id == req.exec_id for f in fills))
                    and (not req.symbol or trade.aggressor.symbol == req.symbol)
                    and (not states or CLEARED in states)
                    and (not req.trade_link_id or trade.host_cross_id == req.trade_link_id)
                    and in_window(trade.aggressor.transact_time))

        page, more = _take(((t, f) for t, f in self.visible(user, req.accounts)
                            if wanted(t, f)), size)
        return rep_pb.SearchTradesResponse(
            trade=[wire.trade_pb(t, f) for t, f in page],
            next_page_token=_TRADE_PAGE + page[-1][0].trade_id if more else "")

    def trade_stats(self, req: rep_pb.GetTradeStatsRequest) -> rep_pb.GetTradeStatsResponse:
        known_symbol(self.exchange, req.symbol)
        if not 0 <= req.bars <= MAX_BARS:
            raise ServiceError(INVALID_ARGUMENT, f"bars must be 0 to {MAX_BARS}")
        lo = _bound(req, "start_time", "start_trade_date", 0)
        hi = _bound(req, "end_time", "end_trade_date", 1)
        if lo is None and hi is None and not req.bars:
            return rep_pb.GetTradeStatsResponse(stats=self._session(req.symbol))
        if lo is None:  # bars slice the tape's life; a total needs no start
            lo = self.tape.since_ns if req.bars else 0
        hi = wire.ns(self.exchange.clock()) + 1 if hi is None else hi  # now included
        if hi <= lo:
            raise ServiceError(INVALID_ARGUMENT, "the window ends before it starts")
        prints = self.tape.prints(req.symbol, lo, hi)
        resp = rep_pb.GetTradeStatsResponse(stats=_stats(prints))
        at = 0  # the bars tile the window in time order: each takes the prints from here on
        for i in range(req.bars):
            start, end = lo + (hi - lo) * i // req.bars, lo + (hi - lo) * (i + 1) // req.bars
            stop = bisect_left(prints, end, lo=at, key=print_time)
            resp.bars.append(_stats(prints[at:stop]))
            resp.bar_start_time.append(_timestamp(start))
            resp.bar_end_time.append(_timestamp(end))
            at = stop
        return resp

    def _session(self, symbol: str) -> types_pb2.TradeStats:
        s = self.exchange.stats(symbol)
        return types_pb2.TradeStats(
            first=s.open_px or 0, last=s.last_px or 0, high=s.high_px or 0, low=s.low_px or 0,
            total_trade_count=s.trades, cleared_trade_count=s.trades, volume=s.volume,
            cleared_volume=s.volume, notional=s.notional, cleared_notional=s.notional)


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
