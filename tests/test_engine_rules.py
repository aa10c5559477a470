"""The embedded exchange's rules and books: rejects, YES/NO intents, positions and cash,
event order, queries, and the demo universe."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.fake_clock import FakeClock
from tests.simkit import CENT, FRAC, HALF, SHUT, A, B, C, Recorder, buy, sell
from tui.core.enums import ExecType, InstrumentState, OrderState, OrderType, OrdRejectReason, Side
from tui.core.prices import Intent
from tui.sim.exchange import Exchange
from tui.sim.markets import demo_instruments
from tui.sim.model import BookChanged, ExecReport, PositionChanged, SimInstrument, TradePrint

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
    exchange.add_account(A, "p", Decimal(100))
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
    exchange.add_account(A, "p", Decimal(100))
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
    assert ex.balance(A).cash == Decimal("996.00")  # 10 NO at 0.40 cost $4


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
        exchange.add_account(A, "p", Decimal(100))
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
