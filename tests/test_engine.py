"""The embedded exchange's matching engine, as a trader would see it through its reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.core.enums import (
    CxlRejReason,
    ExecType,
    InstrumentState,
    OrderState,
    OrderType,
    OrdRejectReason,
    Side,
    TimeInForce,
)
from tui.core.prices import Intent
from tui.sim.exchange import Exchange
from tui.sim.markets import demo_instruments
from tui.sim.model import (
    BookChanged,
    CancelRejectReport,
    ExecReport,
    PositionChanged,
    SimInstrument,
    TradePrint,
)

CENT = "TEST-CENT"  # price_scale 100, tick 0.01
HALF = "TEST-HALF"  # price_scale 1000, tick 0.005
FRAC = "TEST-FRAC"  # price_scale 100, qty_scale 100: hundredths of a contract
SHUT = "TEST-SHUT"  # not open
A, B, C = "firms/T/accounts/a", "firms/T/accounts/b", "firms/T/accounts/c"


class FakeClock:
    def __init__(self, t: float = 1_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ex(clock: FakeClock) -> Exchange:
    instruments = [
        SimInstrument.make(CENT, "cent market", price_scale=100, tick_size="0.01"),
        SimInstrument.make(HALF, "half-cent market", price_scale=1000, tick_size="0.005"),
        SimInstrument.make(FRAC, "partial contracts", price_scale=100, tick_size="0.01",
                           qty_scale=100, min_qty=1),
        SimInstrument.make(SHUT, "closed market", price_scale=100, tick_size="0.01",
                           state=InstrumentState.CLOSED),
    ]
    exchange = Exchange(instruments, clock=clock, id_prefix="t")
    for account in (A, B, C):
        exchange.add_account(account, account.replace("accounts", "users"), Decimal("1000"))
    return exchange


class Recorder:
    def __init__(self, ex: Exchange) -> None:
        self.events: list[object] = []
        ex.add_listener(self.events.append)

    def reports(self, order_id: str | None = None) -> list[ExecReport]:
        return [e for e in self.events if isinstance(e, ExecReport)
                and (order_id is None or e.order.order_id == order_id)]

    def types(self, order_id: str) -> list[ExecType]:
        return [r.type for r in self.reports(order_id)]

    def rejects(self) -> list[CancelRejectReport]:
        return [e for e in self.events if isinstance(e, CancelRejectReport)]

    def clear(self) -> None:
        self.events.clear()


@pytest.fixture
def rec(ex: Exchange) -> Recorder:
    return Recorder(ex)


def buy(ex: Exchange, account: str, price: int, qty: int, symbol: str = CENT, **kw) -> str:
    return ex.insert_order(account=account, participant="p", symbol=symbol, side=Side.BUY,
                           price=price, order_qty=qty, **kw)


def sell(ex: Exchange, account: str, price: int, qty: int, symbol: str = CENT, **kw) -> str:
    return ex.insert_order(account=account, participant="p", symbol=symbol, side=Side.SELL,
                           price=price, order_qty=qty, **kw)


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
    taker = sell(ex, C, 49, 15)
    fills = [r for r in rec.reports(taker) if r.last_shares]
    assert [(r.last_px, r.last_shares) for r in fills] == [(52, 10), (50, 5)]
    assert ex.order(high).state is OrderState.FILLED
    assert ex.order(low).leaves_qty == 5
    assert ex.order(taker).avg_px == 51  # (52×10 + 50×5) / 15 = 51.33 → 51


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
        ex.cancel_order(order_id=oid)
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
    [report] = rec.reports()
    assert report.type is ExecType.REPLACE and report.replaced_order_id == oid
    assert ex.order(oid).state is OrderState.REPLACED
    assert report.order.clord_id == f"r-{oid}" and report.order.order_id != oid
    return report.order.order_id


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
    return rec.reports()[0].order.order_id


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


# --- rejects --------------------------------------------------------------------------------

@pytest.mark.parametrize(("symbol", "price", "qty", "kw", "reason"), [
    ("NO-SUCH-MARKET", 50, 10, {}, OrdRejectReason.UNKNOWN_SYMBOL),
    (CENT, 0, 10, {}, OrdRejectReason.PRICE_OUT_OF_BOUNDS),
    (CENT, 100, 10, {}, OrdRejectReason.PRICE_OUT_OF_BOUNDS),
    (HALF, 0, 10, {}, OrdRejectReason.PRICE_OUT_OF_BOUNDS),
    (HALF, 1000, 10, {}, OrdRejectReason.PRICE_OUT_OF_BOUNDS),
    (HALF, 552, 10, {}, OrdRejectReason.INVALID_PRICE_INCREMENT),
    (CENT, 50, 0, {}, OrdRejectReason.INCORRECT_QUANTITY),
    (CENT, 50, -5, {}, OrdRejectReason.INCORRECT_QUANTITY),
    (SHUT, 50, 10, {}, OrdRejectReason.EXCHANGE_CLOSED),
    (CENT, 50, 10, {"order_type": OrderType.MARKET_TO_LIMIT},
     OrdRejectReason.INCORRECT_ORDER_TYPE),
    (CENT, 50, 10, {"order_type": OrderType.STOP_LIMIT}, OrdRejectReason.INCORRECT_ORDER_TYPE),
])
def test_reject_reasons(ex: Exchange, rec: Recorder, symbol: str, price: int, qty: int,
                        kw: dict, reason: OrdRejectReason) -> None:
    oid = buy(ex, A, price, qty, symbol=symbol, **kw)
    [report] = rec.reports()
    assert report.order.order_id == oid
    assert report.type is ExecType.REJECTED and report.reject_reason is reason
    assert report.order.state is OrderState.REJECTED and report.text
    assert ex.open_orders() == []
    assert ex.order_log[-1].outcome == "rejected"


def test_off_tick_on_cent_market(ex: Exchange, rec: Recorder) -> None:
    # 0.505 on a 0.01 tick cannot even be written at scale 100; on scale 1000 it is off tick
    cent_1000 = SimInstrument.make("C1000", "cent at 1000", price_scale=1000, tick_size="0.01")
    exchange = Exchange([cent_1000], id_prefix="t")
    exchange.add_account(A, "p", Decimal(0))
    r = Recorder(exchange)
    buy(exchange, A, 505, 1, symbol="C1000")
    buy(exchange, A, 510, 1, symbol="C1000")
    assert [x.type for x in r.reports()] == [ExecType.REJECTED, ExecType.NEW]
    assert r.reports()[0].reject_reason is OrdRejectReason.INVALID_PRICE_INCREMENT
    assert "0.01 tick" in r.reports()[0].text


def test_half_cent_tick_accepts_its_grid(ex: Exchange, rec: Recorder) -> None:
    buy(ex, A, 555, 10, symbol=HALF)
    sell(ex, B, 560, 10, symbol=HALF)
    assert ex.book(HALF) == ([(555, 10)], [(560, 10)])


def test_min_qty_on_partial_contract_market(ex: Exchange, rec: Recorder) -> None:
    small = SimInstrument.make("MIN5", "min 0.05", price_scale=100, tick_size="0.01",
                               qty_scale=100, min_qty=5)
    exchange = Exchange([small], id_prefix="t")
    exchange.add_account(A, "p", Decimal(0))
    r = Recorder(exchange)
    buy(exchange, A, 50, 4, symbol="MIN5")
    [report] = r.reports()
    assert report.reject_reason is OrdRejectReason.INCORRECT_QUANTITY
    assert "0.05" in report.text


def test_unknown_account_rejected(ex: Exchange, rec: Recorder) -> None:
    buy(ex, "firms/T/accounts/ghost", 50, 10)
    [report] = rec.reports()
    assert report.type is ExecType.REJECTED
    assert ex.book(CENT) == ([], [])


def test_order_log_records_every_command(ex: Exchange, clock: FakeClock) -> None:
    assert ex.order_log == []
    bad = buy(ex, A, 0, 10)
    good = buy(ex, A, 50, 10, clord_id="k1")
    ex.cancel_order(order_id="nope", account=A)
    ex.replace_order(order_id=good, clord_id="k2", price=51, account=A)
    log = [(c.kind, c.outcome) for c in ex.order_log]
    assert log == [("insert", "rejected"), ("insert", "accepted"), ("cancel", "rejected"),
                   ("replace", "accepted")]
    assert ex.order_log[0].order_id == bad and ex.order_log[0].params["price"] == 0


def test_duplicate_clord_id_does_not_create_second_order(ex: Exchange, rec: Recorder) -> None:
    first = buy(ex, A, 50, 10, clord_id="same")
    again = buy(ex, A, 50, 10, clord_id="same")
    assert again == first
    assert ex.book(CENT) == ([(50, 10)], [])
    assert ex.order_log[-1].outcome == "duplicate"
    assert ex.order_by_clord(A, "same").order_id == first


# --- YES / NO -------------------------------------------------------------------------------

def test_buy_no_rests_as_yes_offer_and_trades(ex: Exchange, rec: Recorder) -> None:
    oid = ex.insert_intent(intent=Intent.BUY_NO, price=40, account=A, participant="p",
                           symbol=CENT, order_qty=10)
    order = ex.order(oid)
    assert (order.side, order.price) == (Side.SELL, 60)
    assert ex.book(CENT) == ([], [(60, 10)])
    buy(ex, B, 60, 10)
    assert ex.order(oid).state is OrderState.FILLED
    assert ex.position(A, CENT).net_position == -10  # long NO is short YES
    assert ex.balance(A).cash == Decimal("1006.00")  # sold YES at 0.60 for 10


def test_sell_no_is_a_yes_bid(ex: Exchange) -> None:
    oid = ex.insert_intent(intent=Intent.SELL_NO, price=30, account=A, participant="p",
                           symbol=CENT, order_qty=5)
    assert (ex.order(oid).side, ex.order(oid).price) == (Side.BUY, 70)
    assert ex.best(CENT) == (70, None)


def test_yes_intents_pass_through(ex: Exchange) -> None:
    oid = ex.insert_intent(intent=Intent.SELL_YES, price=555, account=A, participant="p",
                           symbol=HALF, order_qty=5)
    assert (ex.order(oid).side, ex.order(oid).price) == (Side.SELL, 555)
    off = ex.insert_intent(intent=Intent.BUY_NO, price=447, account=A, participant="p",
                           symbol=HALF, order_qty=5)
    assert ex.order(off).price == 553  # 1 − 0.447, still checked against the 0.005 tick
    assert ex.order(off).state is OrderState.REJECTED


# --- accounting -----------------------------------------------------------------------------

def test_positions_and_cash_round_trip(ex: Exchange) -> None:
    sell(ex, B, 40, 10)
    buy(ex, A, 40, 10)
    pos = ex.position(A, CENT)
    assert (pos.net_position, pos.qty_bought, pos.cost, pos.realized) == (10, 10, 400, 0)
    assert ex.balance(A).cash == Decimal("996.00")
    assert ex.position(B, CENT).net_position == -10
    assert ex.position(B, CENT).cost == -400

    buy(ex, C, 55, 4)
    sell(ex, A, 55, 4)  # close 4 at +0.15
    pos = ex.position(A, CENT)
    assert (pos.net_position, pos.qty_sold, pos.cost, pos.realized) == (6, 4, 240, 60)
    assert pos.avg_cost() == 40

    buy(ex, C, 30, 6)
    sell(ex, A, 30, 6)  # close the rest at −0.10
    pos = ex.position(A, CENT)
    assert (pos.net_position, pos.cost, pos.realized) == (0, 0, 60 - 60)
    assert ex.balance(A).cash == Decimal("1000.00") - Decimal("4.00") + Decimal("2.20") \
        + Decimal("1.80")
    assert [p.symbol for p in ex.positions(A)] == [CENT]


def test_short_then_flip_long(ex: Exchange) -> None:
    buy(ex, B, 60, 10)
    sell(ex, A, 60, 10)  # short 10 at 0.60
    sell(ex, C, 50, 15)
    buy(ex, A, 50, 15)  # cover 10 (+0.10 each), then long 5 at 0.50
    pos = ex.position(A, CENT)
    assert (pos.net_position, pos.cost, pos.realized) == (5, 250, 100)


def test_partial_contract_quantities(ex: Exchange) -> None:
    sell(ex, B, 62, 150, symbol=FRAC)  # 1.50 contracts
    buy(ex, A, 62, 25, symbol=FRAC)  # 0.25 contracts
    pos = ex.position(A, FRAC)
    assert (pos.net_position, pos.cost) == (25, 62 * 25)
    assert ex.balance(A).cash == Decimal("1000") - Decimal("0.155")  # 0.25 × $0.62
    assert ex.book(FRAC) == ([], [(62, 125)])


# --- events ---------------------------------------------------------------------------------

def test_listener_event_order(ex: Exchange, rec: Recorder) -> None:
    resting = sell(ex, B, 60, 10)
    assert [type(e) for e in rec.events] == [ExecReport, BookChanged]
    rec.clear()
    taker = buy(ex, A, 61, 15)
    kinds = [(type(e).__name__, getattr(e, "type", None)) for e in rec.events]
    assert kinds == [
        ("ExecReport", ExecType.NEW),
        ("ExecReport", ExecType.PARTIAL_FILL),
        ("ExecReport", ExecType.FILL),
        ("TradePrint", None),
        ("PositionChanged", None),
        ("PositionChanged", None),
        ("BookChanged", None),
    ]
    assert rec.events[1].order.order_id == taker and rec.events[2].order.order_id == resting
    trade = rec.events[3]
    assert (trade.px, trade.qty, trade.aggressor_side) == (60, 10, Side.BUY)
    assert {(e.account, e.symbol) for e in rec.events if isinstance(e, PositionChanged)} == {
        (A, CENT), (B, CENT)}


def test_one_book_change_per_command_even_when_sweeping(ex: Exchange, rec: Recorder) -> None:
    for px in (50, 51, 52):
        sell(ex, B, px, 1)
    rec.clear()
    buy(ex, A, 52, 3)
    assert sum(isinstance(e, BookChanged) for e in rec.events) == 1
    assert sum(isinstance(e, TradePrint) for e in rec.events) == 3


def test_listener_command_is_delivered_after_current_events(ex: Exchange) -> None:
    seen: list[str] = []

    def react(event: object) -> None:
        seen.append(type(event).__name__)
        if isinstance(event, TradePrint) and event.qty == 10:
            buy(ex, C, 40, 1)  # a reaction inside delivery

    ex.add_listener(react)
    sell(ex, B, 50, 10)
    seen.clear()
    buy(ex, A, 50, 10)
    # the reaction's NEW comes after the trade command's own PositionChanged and BookChanged
    assert seen[-3:] == ["BookChanged", "ExecReport", "BookChanged"]
    ex.remove_listener(react)


def test_stats_and_queries(ex: Exchange) -> None:
    assert ex.stats(CENT).last_px is None
    sell(ex, B, 50, 10)
    sell(ex, B, 52, 10)
    buy(ex, A, 52, 15)
    buy(ex, C, 45, 3)
    stats = ex.stats(CENT)
    assert (stats.open_px, stats.high_px, stats.low_px, stats.last_px) == (50, 52, 50, 52)
    assert (stats.volume, stats.last_qty) == (15, 5)
    assert ex.best(CENT) == (45, 52)
    assert [o.account for o in ex.open_orders(accounts=[B])] == [B]
    assert ex.open_orders(symbols=[HALF]) == []
    assert len(ex.executions(A)) == 3  # NEW + two fills
    assert all(e.order.account == A for e in ex.executions(A))


def test_ids_unique_across_restarts_and_increasing() -> None:
    one, two = Exchange(demo_instruments()), Exchange(demo_instruments())
    for exchange in (one, two):
        exchange.add_account(A, "p", Decimal(0))
    sym = demo_instruments()[0].symbol
    a = [buy(one, A, 50, 1, symbol=sym) for _ in range(3)]
    b = buy(two, A, 50, 1, symbol=sym)
    assert a == sorted(a) and len(set(a)) == 3
    assert b not in a


def test_demo_instruments_mix_of_scales() -> None:
    instruments = demo_instruments()
    assert len(instruments) >= 6
    assert len({i.symbol for i in instruments}) == len(instruments)
    combos = {(i.scales.price_scale, str(i.tick_size), i.scales.qty_scale) for i in instruments}
    assert {(100, "0.01", 1), (1000, "0.001", 1), (1000, "0.005", 1)} <= combos
    assert any(i.scales.qty_scale == 100 and i.scales.min_qty == 1 for i in instruments)
    assert {i.metadata["event_category"] for i in instruments} == {"SPR", "POL", "CRY", "CUL"}
    for i in instruments:
        assert i.state is InstrumentState.OPEN and i.description.endswith("?")
        assert i.scales.in_bounds(i.scales.to_raw(i.start_fair))
