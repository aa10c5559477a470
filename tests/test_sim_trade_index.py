"""The embedded exchange's trade reports read one index and one tape: the Hub's trade
journal (trades with a kept side), the tape's prints in time order for GetTradeStats'
windows and bars; the engine copies a position only for an account whose history is kept;
a settlement is a session statistic, delivered with its payouts in one batch."""

from __future__ import annotations

from decimal import Decimal

from google.protobuf.timestamp_pb2 import Timestamp

from tests.fake_clock import FakeClock
from tests.simkit import CENT, A, B, Recorder, buy, make_exchange, sell
from tui.core.enums import InstrumentState
from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.sim.hub import Hub
from tui.sim.model import BookChanged, InstrumentStateChanged, PositionChanged
from tui.sim.trades_report import TradeReports
from tui.sim.wire import ns

FLOW = "firms/FLOW/accounts/mm"


def stamp(epoch_seconds: float) -> Timestamp:
    ts = Timestamp()
    ts.FromNanoseconds(ns(epoch_seconds))
    return ts


def test_bars_take_each_print_once_in_its_own_slice() -> None:
    clock = FakeClock(now=1_000.0)
    ex = make_exchange(clock)
    reports = TradeReports(ex, Hub(ex).journals.trades)
    for px in (40, 41, 42, 43):  # one trade a second, at 1000.5, 1001.5, ...
        clock.advance(0.5)
        sell(ex, B, px, 1)
        buy(ex, A, px, 1)
        clock.advance(0.5)
    got = reports.trade_stats(rep_pb.GetTradeStatsRequest(
        symbol=CENT, start_time=stamp(1_000.0), end_time=stamp(1_004.0), bars=8))
    assert got.stats.total_trade_count == 4 and got.stats.volume == 4
    assert [b.total_trade_count for b in got.bars] == [0, 1, 0, 1, 0, 1, 0, 1]
    assert [b.last for b in got.bars if b.total_trade_count] == [40, 41, 42, 43]
    assert reports.tape.prints(CENT, ns(1_001.5), ns(1_003.5)) == [
        (ns(1_001.5), 41, 1), (ns(1_002.5), 42, 1)]


def test_a_clock_stepping_back_never_reorders_the_tape() -> None:
    clock = FakeClock(now=1_000.0)
    ex = make_exchange(clock)
    reports = TradeReports(ex, Hub(ex).journals.trades)
    sell(ex, B, 40, 2)
    buy(ex, A, 40, 1)
    clock.t = 999.0  # a wall clock stepped back: the print is held at the last one's time
    buy(ex, A, 40, 1)
    assert [t for t, _, _ in reports.tape.prints(CENT, 0, ns(2_000.0))] == [ns(1_000.0)] * 2


def test_trades_are_the_hubs_journal_with_a_kept_side_only() -> None:
    ex = make_exchange(FakeClock())
    ex.add_account(FLOW, "firms/FLOW/users/mm", Decimal("1000"), history=False)
    hub = Hub(ex)
    reports = TradeReports(ex, hub.journals.trades)
    sell(ex, FLOW, 40, 2)
    buy(ex, FLOW, 40, 1)  # the flow with itself: not kept
    buy(ex, A, 40, 1)
    (entry,) = hub.journals.trades.after(0)
    assert reports.trades is hub.journals.trades
    assert (entry.item.aggressor.account, entry.item.passive.account) == (A, FLOW)


def test_a_position_is_copied_only_where_history_is_kept() -> None:
    ex = make_exchange(FakeClock())
    ex.add_account(FLOW, "firms/FLOW/users/mm", Decimal("1000"), history=False)
    rec = Recorder(ex)
    sell(ex, FLOW, 40, 1)
    buy(ex, A, 40, 1)
    changed = {e.account: e.position for e in rec.events if isinstance(e, PositionChanged)}
    assert changed.keys() == {A, FLOW}
    assert changed[FLOW] is None
    assert changed[A] is not None and changed[A].net_position == 1


def test_a_settlement_is_in_the_stats_and_delivered_once() -> None:
    ex = make_exchange(FakeClock())
    sell(ex, B, 40, 1)
    buy(ex, A, 40, 1)
    buy(ex, A, 30, 1)  # resting: canceled by the settlement
    assert ex.stats(CENT).as_dict()["settlement_px"] is None
    rec = Recorder(ex)
    ex.settle_market(CENT, 100)
    assert ex.stats(CENT).settlement_px == 100 == ex.stats(CENT).as_dict()["settlement_px"]
    assert ex.instruments[CENT].state is InstrumentState.TERMINATED
    kinds = [type(e).__name__ for e in rec.events
             if isinstance(e, InstrumentStateChanged | PositionChanged | BookChanged)]
    # one command, one delivery: the state, then the payouts and the book, each once
    assert kinds == ["InstrumentStateChanged", "PositionChanged", "PositionChanged",
                     "BookChanged"]
