"""The embedded exchange's cash-quantity buys and order previews, at the engine."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fake_clock import FakeClock
from tests.simkit import CENT, FRAC, HALF, A, B, Recorder, buy, make_exchange, sell
from tui.core.enums import ExecType, OrderState, OrdRejectReason, Side, TimeInForce
from tui.sim import rules
from tui.sim.exchange import Exchange

IOC, FOK, GTT = (TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL,
                 TimeInForce.GOOD_TILL_TIME)


def cash_buy(ex: Exchange, account: str, price: int, cash: int, symbol: str = CENT,
             **kw: Any) -> str:
    return buy(ex, account, price, 0, symbol=symbol, cash_order_qty=cash, **kw)


# --- cash-quantity buys ---------------------------------------------------------------------

def test_cash_buy_walks_the_book_and_spends_at_most_its_cash(ex: Exchange, rec: Recorder) -> None:
    sell(ex, B, 40, 5)
    sell(ex, B, 45, 5)
    oid = cash_buy(ex, A, 50, 300, tif=IOC)  # $3.00 at scale 100 × 1
    order = ex.order(oid)
    # 5 at 0.40 = $2.00, then $1.00 buys 2 at 0.45 ($0.90); $0.10 buys nothing more
    assert (order.order_qty, order.cum_qty, order.state) == (7, 7, OrderState.FILLED)
    assert order.filled_notional == 290 <= order.cash_order_qty == 300
    assert [(r.last_px, r.last_shares) for r in rec.reports(oid) if r.last_shares] == [
        (40, 5), (45, 2)]
    assert all(r.order.cash_order_qty == 300 for r in rec.reports(oid))
    assert ex.book(CENT) == ([], [(45, 3)])
    assert ex.balance(A).cash == Decimal("1000") - Decimal("2.90")


def test_cash_buy_rests_what_its_leftover_cash_buys_at_the_limit(ex: Exchange) -> None:
    sell(ex, B, 40, 2)
    oid = cash_buy(ex, A, 50, 300)  # GTC: $0.80 now, the $2.20 left buys 4 resting at 0.50
    order = ex.order(oid)
    assert (order.order_qty, order.cum_qty, order.leaves_qty) == (6, 2, 4)
    assert order.state is OrderState.PARTIALLY_FILLED
    assert ex.book(CENT) == ([(50, 4)], [])
    # what it reserves is what it can still spend: 4 × 0.50, within the $2.20 left
    assert ex.buying_power(A) == Decimal("1000") - Decimal("0.80") - Decimal("2.00")


def test_cash_buy_ioc_expires_the_rest(ex: Exchange, rec: Recorder) -> None:
    sell(ex, B, 40, 2)
    oid = cash_buy(ex, A, 50, 300, tif=IOC)
    assert rec.types(oid) == [ExecType.NEW, ExecType.PARTIAL_FILL, ExecType.EXPIRED]
    order = ex.order(oid)
    assert (order.order_qty, order.cum_qty, order.leaves_qty, order.state) == (
        6, 2, 0, OrderState.EXPIRED)
    assert ex.open_orders() == []


def test_cash_buy_fok_needs_all_its_cash_to_fill_now(ex: Exchange, rec: Recorder) -> None:
    sell(ex, B, 40, 5)
    short = cash_buy(ex, A, 50, 300, tif=FOK)  # $2.00 of offers for $3.00
    assert rec.types(short) == [ExecType.NEW, ExecType.EXPIRED]
    sell(ex, B, 50, 10)
    full = cash_buy(ex, A, 50, 300, tif=FOK)  # 5 at 0.40, 2 at 0.50: exactly $3.00
    assert (ex.order(full).cum_qty, ex.order(full).filled_notional) == (7, 300)
    assert ex.order(full).state is OrderState.FILLED


def test_cash_buy_on_a_partial_contract_market(ex: Exchange) -> None:
    sell(ex, B, 40, 150, symbol=FRAC)  # 1.50 contracts
    oid = cash_buy(ex, A, 40, 100 * 100, symbol=FRAC)  # $1.00 at scale 100 × 100
    order = ex.order(oid)
    # $0.60 buys the 1.50 offered; $0.40 left rests 1.00 at 0.40
    assert (order.order_qty, order.cum_qty, order.leaves_qty) == (250, 150, 100)
    assert ex.position(A, FRAC).cost == 6000  # notional units, 150 × 40


@pytest.mark.parametrize(("side", "qty", "cash", "text"), [
    (Side.SELL, 0, 300, "a cash amount is for buy orders only"),
    (Side.BUY, 5, 300, "give a quantity or a cash amount, not both"),
    (Side.BUY, 0, -300, "cash amount must be more than zero"),
    (Side.BUY, 0, 30, "$0.30 buys less than the minimum quantity of 1 at 0.50"),
])
def test_cash_order_rejects_in_words(ex: Exchange, rec: Recorder, side: Side, qty: int,
                                     cash: int, text: str) -> None:
    oid = ex.insert_order(account=A, participant="p", symbol=CENT, side=side, price=50,
                          order_qty=qty, cash_order_qty=cash)
    [report] = rec.reports(oid)
    assert report.type is ExecType.REJECTED
    assert report.reject_reason is OrdRejectReason.INCORRECT_QUANTITY
    assert report.text == text
    assert ex.book(CENT) == ([], [])


def test_cash_buy_buying_power_checks_the_cash_not_qty_times_limit(ex: Exchange,
                                                                    rec: Recorder) -> None:
    too_much = cash_buy(ex, A, 50, 120_000)  # $1,200 with $1,000 of cash
    assert rec.reports(too_much)[-1].text == rules.NO_BUYING_POWER
    sell(ex, B, 10, 1000)
    # $900: 1000 at 0.10 ($100), then $800 buys 808 resting at 0.99; 1808 × 0.99 would be
    # $1,789.92, but the order can never spend more than its $900
    oid = cash_buy(ex, A, 99, 90_000)
    order = ex.order(oid)
    assert (order.order_qty, order.cum_qty, order.leaves_qty) == (1808, 1000, 808)
    assert ex.buying_power(A) == Decimal("900") - Decimal("799.92")


def test_replacing_a_cash_order_needs_buying_power_for_its_new_size(ex: Exchange,
                                                                    rec: Recorder) -> None:
    oid = cash_buy(ex, A, 50, 50_000)  # $500: 1000 resting at 0.50
    assert ex.order(oid).order_qty == 1000
    ex.replace_order(account=A, order_id=oid, clord_id="", order_qty=2200)  # $1,100 > cash
    assert rec.rejects()[-1].text == rules.NO_BUYING_POWER


# --- previews -------------------------------------------------------------------------------

def _fingerprint(ex: Exchange) -> tuple[object, ...]:
    books = tuple(ex.book(s) for s in ex.instruments)
    return (books, len(ex.order_log), len(ex.executions()), ex.buying_power(A),
            ex.open_orders())


def test_preview_changes_nothing(ex: Exchange, rec: Recorder) -> None:
    sell(ex, B, 40, 5)
    rec.clear()
    before = _fingerprint(ex)
    est = ex.preview(account=A, participant="p", symbol=CENT, side=Side.BUY, price=45,
                     order_qty=8, clord_id="pv-1")
    assert (est.state, est.order_qty, est.cum_qty, est.avg_px, est.leaves_qty) == (
        OrderState.PARTIALLY_FILLED, 8, 5, 40, 3)
    assert est.notional == 200 and not est.rejected and est.order.order_id == ""
    assert _fingerprint(ex) == before and rec.events == []
    # no id was used up and the clord_id is still free
    oid = buy(ex, A, 45, 8, clord_id="pv-1")
    assert oid == "t-O0000000002"
    assert ex.order(oid).cum_qty == 5


def test_preview_of_a_cash_buy_says_what_the_cash_buys(ex: Exchange) -> None:
    sell(ex, B, 40, 5)
    sell(ex, B, 45, 5)
    est = ex.preview(account=A, participant="p", symbol=CENT, side=Side.BUY, price=50,
                     order_qty=0, cash_order_qty=300, tif=IOC)
    assert (est.state, est.order_qty, est.cum_qty, est.avg_px) == (
        OrderState.FILLED, 7, 7, 41)  # 290 / 7 = 41.4
    assert est.order.cash_order_qty == 300


@pytest.mark.parametrize(("tif", "state", "cum", "leaves", "text"), [
    (TimeInForce.GOOD_TILL_CANCEL, OrderState.PARTIALLY_FILLED, 5, 3, ""),
    (IOC, OrderState.EXPIRED, 5, 3, "unfilled rest of an IOC expired"),
    (FOK, OrderState.EXPIRED, 0, 8, "fill-or-kill could not fill in full"),
])
def test_preview_says_what_would_rest_or_expire(ex: Exchange, tif: TimeInForce,
                                                state: OrderState, cum: int, leaves: int,
                                                text: str) -> None:
    sell(ex, B, 40, 5)
    est = ex.preview(account=A, participant="p", symbol=CENT, side=Side.BUY, price=45,
                     order_qty=8, tif=tif)
    assert (est.state, est.cum_qty, est.leaves_qty, est.text) == (state, cum, leaves, text)


@pytest.mark.parametrize(("kw", "reason", "text"), [
    ({"price": 55, "participate_dont_initiate": True}, OrdRejectReason.EXCHANGE_OPTION,
     rules.POST_ONLY_CROSS),
    ({"order_qty": 5000, "price": 30}, OrdRejectReason.EXCHANGE_OPTION, rules.NO_BUYING_POWER),
    ({"price": 552, "symbol": HALF}, OrdRejectReason.INVALID_PRICE_INCREMENT, None),
    ({"side": Side.SELL, "order_qty": 0, "cash_order_qty": 100},
     OrdRejectReason.INCORRECT_QUANTITY, "a cash amount is for buy orders only"),
    ({"tif": GTT, "good_till_time": 999.0}, OrdRejectReason.EXCHANGE_OPTION,
     "good-till-time needs a future expiry time"),
    ({"clord_id": "taken"}, OrdRejectReason.EXCHANGE_OPTION, "clord_id already used"),
])
def test_preview_rejects_as_the_insert_would(ex: Exchange, rec: Recorder, kw: dict[str, Any],
                                             reason: OrdRejectReason, text: str | None) -> None:
    sell(ex, B, 50, 5)
    buy(ex, A, 20, 1, clord_id="taken")
    rec.clear()
    args: dict[str, Any] = dict(account=A, participant="p", symbol=CENT, side=Side.BUY,
                                price=45, order_qty=5) | kw
    est = ex.preview(**args)
    assert est.rejected and est.state is OrderState.REJECTED and est.reject_reason is reason
    assert est.text == text if text else est.text
    assert rec.events == []
    if "clord_id" not in kw:  # the insert itself says the same
        ex.insert_order(**args)
        assert rec.reports()[-1].text == est.text


def test_preview_skips_good_till_time_orders_already_due(ex: Exchange,
                                                         clock: FakeClock) -> None:
    sell(ex, B, 40, 5, tif=GTT, good_till_time=clock.t + 10)
    sell(ex, B, 45, 5)
    clock.t += 10  # due, not yet expired: the next command expires it before matching
    est = ex.preview(account=A, participant="p", symbol=CENT, side=Side.BUY, price=45,
                     order_qty=5)
    assert (est.cum_qty, est.avg_px) == (5, 45)
    assert ex.book(CENT)[1] == [(40, 5), (45, 5)]  # still untouched


_resting = st.lists(st.tuples(st.sampled_from([Side.BUY, Side.SELL]),
                              st.integers(30, 70), st.integers(1, 40)), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resting=_resting, side=st.sampled_from([Side.BUY, Side.SELL]),
       price=st.integers(25, 75), qty=st.integers(0, 300), cash=st.sampled_from([0, 0, 1500]),
       tif=st.sampled_from([TimeInForce.GOOD_TILL_CANCEL, IOC, FOK]),
       post_only=st.booleans())
def test_preview_agrees_with_the_insert(resting: list[tuple[Side, int, int]], side: Side,
                                        price: int, qty: int, cash: int, tif: TimeInForce,
                                        post_only: bool) -> None:
    ex = make_exchange(FakeClock())
    for rest_side, px, n in resting:  # B's book; a crossing one trades, as it would
        ex.insert_order(account=B, participant="p", symbol=CENT, side=rest_side, price=px,
                        order_qty=n)
    rec = Recorder(ex)
    args: dict[str, Any] = dict(account=A, participant="p", symbol=CENT, side=side,
                                price=price, order_qty=qty if not cash else 0,
                                cash_order_qty=cash, tif=tif,
                                participate_dont_initiate=post_only)
    est = ex.preview(**args)
    assert rec.events == []
    oid = ex.insert_order(**args)
    done = ex.order(oid)
    assert (est.state, est.order_qty, est.cum_qty, est.avg_px) == (
        done.state, done.order_qty, done.cum_qty, done.avg_px)
    # the rest: resting, or (IOC/FOK) what expired; none for a reject
    left = 0 if done.state is OrderState.REJECTED else done.order_qty - done.cum_qty
    assert est.leaves_qty == left
    assert est.text == rec.reports(oid)[-1].text
