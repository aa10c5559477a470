"""The synthetic traders: reproducible, and a market a trader would believe in."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from decimal import Decimal

import pytest

from tests.conftest import eventually
from tests.fake_clock import FakeClock
from tui.core.enums import OrderState, Side
from tui.sim.exchange import Exchange
from tui.sim.flow import SyntheticFlow
from tui.sim.markets import demo_instruments
from tui.sim.model import BookChanged, ExecReport, TradePrint

STEP = 0.05
TRADER = "firms/DESK/accounts/trader-1"


def make(seed: int) -> tuple[Exchange, SyntheticFlow, FakeClock, list[object]]:
    clock = FakeClock(0.0)
    ex = Exchange(demo_instruments(), clock=clock, id_prefix="f")
    ex.add_account(TRADER, "firms/DESK/users/trader-1", Decimal(10_000))
    events: list[object] = []
    ex.add_listener(events.append)
    return ex, SyntheticFlow(ex, seed=seed), clock, events


def play(flow: SyntheticFlow, clock: FakeClock, until: float, every=None) -> None:
    """Step the flow on the fake clock from its current time to ``until``."""
    i = round(clock.t / STEP)
    while clock.t < until:
        i += 1
        clock.t = i * STEP
        flow.step(clock.t)
        if every is not None:
            every(clock.t)


def test_same_seed_same_events_and_different_seed_differs() -> None:
    runs = []
    for seed in (11, 11, 12):
        _, flow, clock, events = make(seed)
        flow.step(0.0)
        play(flow, clock, 30.0)
        runs.append([repr(e) for e in events])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert len(runs[0]) > 1000  # something actually happened


def test_a_long_gap_between_steps_still_plays_out() -> None:
    ex, flow, clock, events = make(5)
    flow.step(0.0)
    clock.t = 60.0
    flow.step(60.0)
    assert any(isinstance(e, TradePrint) for e in events)
    for symbol in ex.instruments:
        bid, offer = ex.best(symbol)
        assert bid is not None and offer is not None and bid < offer


def test_books_stay_two_sided_tight_and_busy() -> None:
    ex, flow, clock, events = make(3)
    flow.step(0.0)
    spreads: dict[str, list[int]] = defaultdict(list)

    def look(now: float) -> None:
        for symbol, inst in ex.instruments.items():
            bid, offer = ex.best(symbol)
            assert bid is not None and offer is not None, f"{symbol} one-sided at {now:.2f}s"
            spreads[symbol].append((offer - bid) // inst.scales.tick)

    play(flow, clock, 120.0, every=look)
    seconds = 120.0
    intervals = []
    for symbol, inst in ex.instruments.items():
        ticks = spreads[symbol]
        assert max(ticks) <= 5, symbol
        assert 1 <= sum(ticks) / len(ticks) <= 3, symbol  # typical spread 1–3 ticks
        bids, offers = ex.book(symbol)
        assert len(bids) >= 3 and len(offers) >= 3, symbol  # depth, not just a touch
        prints = [e for e in events if isinstance(e, TradePrint) and e.symbol == symbol]
        changes = [e for e in events if isinstance(e, BookChanged) and e.symbol == symbol]
        intervals.append(seconds / len(prints))
        assert 0.5 <= intervals[-1] <= 8, symbol  # neither frantic nor dead
        assert len(changes) / seconds >= 3, symbol  # the book moves several times a second
        for p in prints:
            assert inst.scales.in_bounds(p.px) and inst.scales.on_tick(p.px)
    assert 1 <= sum(intervals) / len(intervals) <= 4  # a trade every 1–4 s on average
    # makers never trade with themselves: every print has two different accounts
    sides = defaultdict(set)
    for e in events:
        if isinstance(e, ExecReport) and e.trade_id:
            sides[e.trade_id].add(e.order.account)
    assert sides and all(len(accounts) == 2 for accounts in sides.values())
    # the synthetic traders leave no history behind: the order log is the humans' alone,
    # and their finished orders are forgotten (a demo can run all day)
    assert ex.order_log == [] and ex.executions() == []
    replaced = [e.replaced_order_id for e in events
                if isinstance(e, ExecReport) and e.replaced_order_id]
    assert replaced and all(ex.order(oid) is None for oid in replaced)


def test_a_resting_order_at_the_touch_gets_filled() -> None:
    ex, flow, clock, _ = make(1)
    flow.step(0.0)
    play(flow, clock, 10.0)
    mine = {}
    for symbol, inst in ex.instruments.items():
        bid, offer = ex.best(symbol)
        for side, price in ((Side.BUY, bid), (Side.SELL, offer)):
            mine[(symbol, side)] = ex.insert_order(
                account=TRADER, participant="p", symbol=symbol, side=side, price=price,
                order_qty=5 * inst.scales.qty_scale)
    filled_at: dict[tuple[str, Side], float] = {}

    def look(now: float) -> None:
        for key, oid in mine.items():
            if key not in filled_at and ex.order(oid).state is OrderState.FILLED:
                filled_at[key] = now - 10.0

    play(flow, clock, 130.0, every=look)
    # a random walk drifts away from one side sometimes, never from both
    for symbol in ex.instruments:
        assert (symbol, Side.BUY) in filled_at or (symbol, Side.SELL) in filled_at, symbol
    assert sorted(filled_at.values())[len(filled_at) // 2] < 30  # typically within seconds
    assert ex.position(TRADER, next(iter(ex.instruments))).update_time > 0


async def test_run_drives_the_flow_until_stopped() -> None:
    ex = Exchange(demo_instruments(), id_prefix="r")
    flow = SyntheticFlow(ex, seed=2, symbols=["AEC-NFL-KC-BUF-2026-11-29"])
    stop = asyncio.Event()
    task = asyncio.create_task(flow.run(stop, interval=0.01))
    await eventually(lambda: None not in ex.best("AEC-NFL-KC-BUF-2026-11-29"),
                     what="its market quoted on both sides")
    stop.set()
    await asyncio.wait_for(task, 1.0)
    assert ex.best("AEC-CRY-BTC-150K-2026-12-31") == (None, None)  # not one of its symbols


def test_fair_value_stays_inside_bounds() -> None:
    ex, flow, clock, _ = make(9)
    flow.step(0.0)
    lows = {s: Decimal(1) for s in ex.instruments}
    highs = {s: Decimal(0) for s in ex.instruments}

    def look(_: float) -> None:
        for s in ex.instruments:
            lows[s], highs[s] = min(lows[s], flow.fair(s)), max(highs[s], flow.fair(s))

    play(flow, clock, 60.0, every=look)
    for s in ex.instruments:
        assert Decimal("0.05") <= lows[s] < highs[s] <= Decimal("0.95")


@pytest.mark.parametrize("seed", [0, 1])
def test_partial_contract_market_shows_fractional_sizes(seed: int) -> None:
    ex, flow, clock, _ = make(seed)
    flow.step(0.0)
    play(flow, clock, 5.0)
    bids, offers = ex.book("AEC-NFL-PHI-DAL-2026-11-26", depth=20)
    assert any(qty % 100 for _, qty in bids + offers)
