"""The embedded exchange's matching engine: priority, fills, cancel, replace, time in force."""

from __future__ import annotations

import pytest

from tests.fake_clock import FakeClock
from tests.simkit import CENT, A, B, C, Recorder, buy, sell
from tui.core.enums import CxlRejReason, ExecType, OrderState, TimeInForce
from tui.sim import wire
from tui.sim.exchange import Exchange
from tui.sim.model import TradePrint

# --- priority and fills ---------------------------------------------------------------------

def test_same_price_fills_in_arrival_order(ex: Exchange, rec: Recorder, clock: FakeClock) -> None:
    first = buy(ex, A, 50, 10)
    clock.t += 1
    second = buy(ex, B, 50, 10)
    sell(ex, C, 50, 10)
    assert ex.order(first).state is OrderState.FILLED
    assert ex.order(second).state is OrderState.NEW
    assert ex.book(CENT) == ([(50, 10)], [])


def test_better_price_fills_first_and_trades_at_resting_price(ex: Exchange, rec: Recorder) -> None:
    low = buy(ex, A, 50, 10)
    high = buy(ex, B, 52, 10)
    taker = sell(ex, C, 49, 12)
    fills = [r for r in rec.reports(taker) if r.last_shares]
    assert [(r.last_px, r.last_shares) for r in fills] == [(52, 10), (50, 2)]
    assert ex.order(high).state is OrderState.FILLED
    assert ex.order(low).leaves_qty == 8
    assert ex.order(taker).avg_px == 52  # (52×10 + 50×2) / 12 = 51.67, rounded


def test_partial_fill_both_sides_and_report_sequence(ex: Exchange, rec: Recorder) -> None:
    resting = sell(ex, A, 60, 30)
    taker = buy(ex, B, 61, 10)
    assert rec.types(taker) == [ExecType.NEW, ExecType.FILL]
    passive = rec.reports(resting)
    assert [r.type for r in passive] == [ExecType.NEW, ExecType.PARTIAL_FILL]
    fill, own = passive[-1], rec.reports(taker)[-1]
    assert (fill.order.cum_qty, fill.order.leaves_qty, fill.order.avg_px) == (10, 20, 60)
    assert fill.order.state is OrderState.PARTIALLY_FILLED
    assert fill.trade_id == own.trade_id != ""
    assert (own.aggressor, fill.aggressor) == (True, False)
    assert own.last_px == fill.last_px == 60

    taker2 = buy(ex, C, 60, 25)
    assert [r.type for r in rec.reports(resting)][-1] is ExecType.FILL
    t2 = rec.reports(taker2)
    assert [r.type for r in t2] == [ExecType.NEW, ExecType.PARTIAL_FILL]
    assert (t2[-1].order.cum_qty, t2[-1].order.leaves_qty) == (20, 5)
    assert ex.book(CENT) == ([(60, 5)], [])


def test_new_partial_fill_fill_sequence_for_resting_order(ex: Exchange, rec: Recorder) -> None:
    oid = buy(ex, A, 40, 10)
    sell(ex, B, 40, 3)
    sell(ex, B, 40, 7)
    assert rec.types(oid) == [ExecType.NEW, ExecType.PARTIAL_FILL, ExecType.FILL]
    assert [r.order.cum_qty for r in rec.reports(oid)] == [0, 3, 10]


# --- cancel ---------------------------------------------------------------------------------

def test_cancel_removes_order(ex: Exchange, rec: Recorder) -> None:
    oid = buy(ex, A, 40, 10, clord_id="c1")
    ex.cancel_order(order_id=oid, account=A)
    assert rec.types(oid) == [ExecType.NEW, ExecType.CANCELED]
    assert ex.order(oid).state is OrderState.CANCELED and ex.order(oid).leaves_qty == 0
    assert ex.book(CENT) == ([], [])
    assert ex.open_orders() == []


def test_cancel_by_clord_id(ex: Exchange, rec: Recorder) -> None:
    oid = buy(ex, A, 40, 10, clord_id="mine")
    ex.cancel_order(clord_id="mine", account=A)
    assert ex.order(oid).state is OrderState.CANCELED


@pytest.mark.parametrize("case", ["unknown", "filled", "canceled", "other account"])
def test_cancel_reject_unknown_order(ex: Exchange, rec: Recorder, case: str) -> None:
    oid = buy(ex, A, 40, 10)
    if case == "unknown":
        oid = "no-such-order"
    elif case == "filled":
        sell(ex, B, 40, 10)
    elif case == "canceled":
        ex.cancel_order(order_id=oid, account=A)
    rec.clear()
    ex.cancel_order(order_id=oid, account=C if case == "other account" else A)
    [reject] = rec.rejects()
    assert reject.reason is CxlRejReason.UNKNOWN_ORDER and not reject.is_replace
    assert reject.order_id == oid and reject.text
    assert not rec.reports()
    if case == "other account":
        assert ex.order(oid).state is OrderState.NEW  # still working for its owner


# --- replace --------------------------------------------------------------------------------

def _replace(ex: Exchange, rec: Recorder, oid: str, **kw) -> str:
    rec.clear()
    ex.replace_order(order_id=oid, clord_id=f"r-{oid}", account=A, **kw)
    [gone, report] = rec.reports()
    assert gone.type is report.type is ExecType.REPLACE
    assert gone.order.order_id == oid and gone.order.state is OrderState.REPLACED
    assert report.replaced_order_id == oid
    assert ex.order(oid).state is OrderState.REPLACED
    assert report.order.clord_id == f"r-{oid}" and report.order.order_id != oid
    assert report.order.parent_order_id == oid
    return report.order.order_id


def test_replace_reports_the_old_order_replaced_then_the_new_one(ex: Exchange,
                                                                 rec: Recorder) -> None:
    mine = buy(ex, A, 50, 10, clord_id="first")
    sell(ex, B, 50, 4)
    rec.clear()
    ex.replace_order(order_id=mine, clord_id="second", price=48, account=A)
    old, new = (r.order for r in rec.reports())
    assert [r.type for r in rec.reports()] == [ExecType.REPLACE, ExecType.REPLACE]
    assert (old.order_id, old.clord_id, old.state, old.leaves_qty) == (
        mine, "first", OrderState.REPLACED, 0)
    assert new.order_id != mine and new.clord_id == "second"
    assert (new.state, new.cum_qty, new.leaves_qty, new.avg_px, new.price) == (
        OrderState.PARTIALLY_FILLED, 4, 6, 50, 48)
    assert [o.order_id for o in ex.open_orders(accounts=[A])] == [new.order_id]
    # on the wire: the old order is done, the new one names its parent
    old_pb, new_pb = (wire.execution_pb(r) for r in rec.reports())
    assert (old_pb.order.id, old_pb.order.state) == (mine, int(OrderState.REPLACED))
    assert old_pb.type == new_pb.type == int(ExecType.REPLACE)
    assert (new_pb.order.id, new_pb.order.parent_order_id) == (new.order_id, mine)
    assert new_pb.order.state == int(OrderState.PARTIALLY_FILLED)


def test_replace_price_change_loses_priority(ex: Exchange, rec: Recorder) -> None:
    mine = buy(ex, A, 50, 10)
    buy(ex, B, 49, 10)
    moved = _replace(ex, rec, mine, price=49)
    sell(ex, C, 49, 10)
    assert ex.order(moved).cum_qty == 0  # B was at 49 first
    assert ex.book(CENT) == ([(49, 10)], [])


def test_replace_qty_increase_loses_priority(ex: Exchange, rec: Recorder) -> None:
    mine = buy(ex, A, 50, 10)
    other = buy(ex, B, 50, 10)
    bigger = _replace(ex, rec, mine, order_qty=20)
    sell(ex, C, 50, 10)
    assert ex.order(other).state is OrderState.FILLED
    assert ex.order(bigger).cum_qty == 0 and ex.order(bigger).leaves_qty == 20


def test_replace_qty_decrease_keeps_priority(ex: Exchange, rec: Recorder) -> None:
    mine = buy(ex, A, 50, 10)
    other = buy(ex, B, 50, 10)
    smaller = _replace(ex, rec, mine, order_qty=4)
    assert ex.book(CENT) == ([(50, 14)], [])
    sell(ex, C, 50, 4)
    assert ex.order(smaller).state is OrderState.FILLED
    assert ex.order(other).cum_qty == 0


def test_replace_after_partial_fill_keeps_filled_qty(ex: Exchange, rec: Recorder) -> None:
    mine = buy(ex, A, 50, 10)
    sell(ex, B, 50, 4)
    new = _replace(ex, rec, mine, order_qty=8)
    order = ex.order(new)
    assert (order.cum_qty, order.leaves_qty, order.avg_px) == (4, 4, 50)
    assert order.state is OrderState.PARTIALLY_FILLED
    rec.clear()
    ex.replace_order(order_id=new, clord_id="x", order_qty=4, account=A)
    [reject] = rec.rejects()
    assert reject.is_replace and reject.reason is CxlRejReason.INCORRECT_QUANTITY
    assert ex.order(new).state is OrderState.PARTIALLY_FILLED


def test_replace_that_crosses_trades(ex: Exchange, rec: Recorder) -> None:
    offer = sell(ex, B, 55, 5)
    mine = buy(ex, A, 50, 10)
    new = _replace_and_keep_events(ex, rec, mine, price=55)
    assert [r.type for r in rec.reports(new)] == [ExecType.REPLACE, ExecType.PARTIAL_FILL]
    assert ex.order(offer).state is OrderState.FILLED
    assert ex.book(CENT) == ([(55, 5)], [])


def _replace_and_keep_events(ex: Exchange, rec: Recorder, oid: str, **kw) -> str:
    rec.clear()
    ex.replace_order(order_id=oid, clord_id="moved", account=A, **kw)
    assert rec.reports()[0].order.order_id == oid  # the old order's REPLACED report first
    return rec.reports()[1].order.order_id


@pytest.mark.parametrize(("kw", "reason"), [
    ({"price": 100}, CxlRejReason.PRICE_OUT_OF_BOUNDS),
    ({"price": 0}, CxlRejReason.PRICE_OUT_OF_BOUNDS),
    ({"order_qty": 0}, CxlRejReason.INCORRECT_QUANTITY),
])
def test_replace_validation(ex: Exchange, rec: Recorder, kw: dict, reason: CxlRejReason) -> None:
    oid = buy(ex, A, 50, 10)
    rec.clear()
    ex.replace_order(order_id=oid, clord_id="bad", account=A, **kw)
    [reject] = rec.rejects()
    assert reject.is_replace and reject.reason is reason
    assert ex.order(oid).state is OrderState.NEW and ex.book(CENT) == ([(50, 10)], [])


def test_replace_of_unknown_or_other_accounts_order(ex: Exchange, rec: Recorder) -> None:
    oid = buy(ex, B, 50, 10)
    rec.clear()
    ex.replace_order(order_id=oid, clord_id="steal", price=51, account=A)
    ex.replace_order(order_id="nope", clord_id="x", price=51, account=A)
    assert [r.reason for r in rec.rejects()] == [CxlRejReason.UNKNOWN_ORDER] * 2
    assert ex.book(CENT) == ([(50, 10)], [])


# --- time in force --------------------------------------------------------------------------

def test_ioc_remainder_expires(ex: Exchange, rec: Recorder) -> None:
    sell(ex, B, 50, 4)
    oid = buy(ex, A, 50, 10, tif=TimeInForce.IMMEDIATE_OR_CANCEL)
    assert rec.types(oid) == [ExecType.NEW, ExecType.PARTIAL_FILL, ExecType.EXPIRED]
    order = ex.order(oid)
    assert (order.state, order.cum_qty, order.leaves_qty) == (OrderState.EXPIRED, 4, 0)
    assert ex.book(CENT) == ([], [])


def test_fok_that_cannot_fill_expires_untouched(ex: Exchange, rec: Recorder) -> None:
    sell(ex, B, 50, 4)
    sell(ex, B, 51, 4)
    oid = buy(ex, A, 51, 10, tif=TimeInForce.FILL_OR_KILL)
    assert rec.types(oid) == [ExecType.NEW, ExecType.EXPIRED]
    assert ex.order(oid).cum_qty == 0
    assert ex.book(CENT) == ([], [(50, 4), (51, 4)])
    assert not [e for e in rec.events if isinstance(e, TradePrint)]


def test_fok_full_fill(ex: Exchange, rec: Recorder) -> None:
    sell(ex, B, 50, 4)
    sell(ex, B, 51, 6)
    oid = buy(ex, A, 51, 10, tif=TimeInForce.FILL_OR_KILL)
    assert rec.types(oid) == [ExecType.NEW, ExecType.PARTIAL_FILL, ExecType.FILL]
    assert ex.book(CENT) == ([], [])


def test_undefined_tif_is_day_and_rests(ex: Exchange) -> None:
    oid = buy(ex, A, 50, 10, tif=TimeInForce.UNDEFINED)
    assert ex.order(oid).tif is TimeInForce.DAY
    assert ex.book(CENT) == ([(50, 10)], [])


def test_gtd_expires_via_expire_due(ex: Exchange, rec: Recorder, clock: FakeClock) -> None:
    oid = buy(ex, A, 50, 10, tif=TimeInForce.GOOD_TILL_TIME, good_till_time=clock.t + 60)
    keep = buy(ex, A, 49, 10)
    ex.expire_due(clock.t + 59)
    assert ex.order(oid).state is OrderState.NEW
    ex.expire_due(clock.t + 60)
    assert rec.types(oid) == [ExecType.NEW, ExecType.EXPIRED]
    assert ex.book(CENT) == ([(49, 10)], [])
    assert ex.order(keep).state is OrderState.NEW


def test_gtd_without_future_time_rejected(ex: Exchange, rec: Recorder, clock: FakeClock) -> None:
    none = buy(ex, A, 50, 10, tif=TimeInForce.GOOD_TILL_TIME)
    past = buy(ex, A, 50, 10, tif=TimeInForce.GOOD_TILL_TIME, good_till_time=clock.t - 1)
    for oid in (none, past):
        assert rec.types(oid) == [ExecType.REJECTED]
    assert ex.book(CENT) == ([], [])


def test_post_only_that_would_cross_is_rejected(ex: Exchange, rec: Recorder) -> None:
    sell(ex, B, 55, 10)
    bad = buy(ex, A, 55, 5, participate_dont_initiate=True)
    good = buy(ex, A, 54, 5, participate_dont_initiate=True)
    [reject] = rec.reports(bad)
    assert reject.type is ExecType.REJECTED and reject.text == "post-only order would cross"
    assert rec.types(good) == [ExecType.NEW]
    assert ex.book(CENT) == ([(54, 5)], [(55, 10)])
