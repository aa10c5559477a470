"""The embedded exchange's accounts: who may touch an order, binary-market cash, buying power."""

from __future__ import annotations

from decimal import Decimal

from tests.simkit import CENT, FRAC, A, B, C, Recorder, buy, sell
from tui.core.enums import CxlRejReason, ExecType, OrderState, OrdRejectReason
from tui.core.prices import Intent
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim.auth import SimUser
from tui.sim.exchange import Exchange
from tui.sim.service import GatewayService

START = Decimal("1000")  # every simkit account starts with $1000
NO_FUNDS = "insufficient buying power"


def _user(name: str, *accounts: str) -> SimUser:
    return SimUser(username=name, password="x", firm="T", display_name=name,
                   accounts=accounts)


def _buy_no(ex: Exchange, account: str, no_price: int, qty: int) -> str:
    return ex.insert_intent(intent=Intent.BUY_NO, price=no_price, account=account,
                            participant="p", symbol=CENT, order_qty=qty)


def _sell_no(ex: Exchange, account: str, no_price: int, qty: int) -> str:
    return ex.insert_intent(intent=Intent.SELL_NO, price=no_price, account=account,
                            participant="p", symbol=CENT, order_qty=qty)


# --- who may cancel or replace an order ----------------------------------------------------

TWO = _user("two", A, B)  # a trader with two accounts
OTHER = _user("other", C)  # another firm's trader


def test_cancel_of_another_users_order_by_id_is_refused(ex: Exchange, rec: Recorder) -> None:
    theirs = buy(ex, C, 40, 10, clord_id="c-1")
    rec.clear()
    GatewayService(ex).cancel_order(TWO, tr_pb.CancelOrderRequest(order_id=theirs))
    [reject] = rec.rejects()
    assert reject.reason is CxlRejReason.UNKNOWN_ORDER and not reject.is_replace
    assert reject.account == A  # addressed to the caller, so its own order stream sees it
    assert not rec.reports()
    assert ex.order(theirs).state is OrderState.NEW


def test_cancel_of_another_users_order_by_clord_id_is_refused(ex: Exchange,
                                                              rec: Recorder) -> None:
    theirs = buy(ex, C, 40, 10, clord_id="shared")
    rec.clear()
    GatewayService(ex).cancel_order(TWO, tr_pb.CancelOrderRequest(clord_id="shared"))
    [reject] = rec.rejects()
    assert (reject.reason, reject.account) == (CxlRejReason.UNKNOWN_ORDER, A)
    assert ex.order(theirs).state is OrderState.NEW


def test_replace_of_another_users_order_is_refused(ex: Exchange, rec: Recorder) -> None:
    theirs = buy(ex, C, 40, 10)
    rec.clear()
    GatewayService(ex).cancel_replace(TWO, tr_pb.CancelReplaceOrderRequest(
        order_id=theirs, clord_id="steal", price=41))
    [reject] = rec.rejects()
    assert reject.is_replace and (reject.reason, reject.account) == (
        CxlRejReason.UNKNOWN_ORDER, A)
    assert ex.order(theirs).state is OrderState.NEW and ex.book(CENT) == ([(40, 10)], [])


def test_own_orders_in_any_account_can_be_canceled_and_replaced(ex: Exchange,
                                                                rec: Recorder) -> None:
    service = GatewayService(ex)
    buy(ex, C, 40, 10, clord_id="shared")  # the same clord_id in another firm's account
    mine = buy(ex, B, 40, 10, clord_id="shared")
    service.cancel_order(TWO, tr_pb.CancelOrderRequest(clord_id="shared"))
    assert ex.order(mine).state is OrderState.CANCELED
    second = buy(ex, B, 30, 10)
    rec.clear()
    service.cancel_replace(TWO, tr_pb.CancelReplaceOrderRequest(
        order_id=second, clord_id="moved", price=31))
    assert ex.order(second).state is OrderState.REPLACED
    assert ex.order_by_clord(B, "moved").price == 31
    assert not rec.rejects()
    # the other user cannot reach either of them
    service.cancel_order(OTHER, tr_pb.CancelOrderRequest(clord_id="moved"))
    [reject] = rec.rejects()
    assert reject.account == C
    assert ex.order_by_clord(B, "moved").state is OrderState.NEW


# --- binary-market cash ---------------------------------------------------------------------

def test_buying_no_costs_the_no_price(ex: Exchange) -> None:
    buy(ex, B, 77, 10)
    _buy_no(ex, A, 23, 10)  # a YES sale at 0.77 from flat
    assert ex.position(A, CENT).net_position == -10
    assert ex.balance(A).cash == START - Decimal("2.30")
    assert ex.balance(B).cash == START - Decimal("7.70")


def test_no_round_trip_pnl_equals_cash_change(ex: Exchange) -> None:
    buy(ex, B, 77, 10)
    _buy_no(ex, A, 23, 10)
    assert ex.balance(A).cash == START - Decimal("2.30")
    sell(ex, C, 70, 10)
    _sell_no(ex, A, 30, 10)  # a YES purchase at 0.70 closes the NO
    pos = ex.position(A, CENT)
    assert (pos.net_position, pos.cost) == (0, 0)
    change = ex.balance(A).cash - START
    assert change == Decimal("0.70")
    assert Decimal(pos.realized) / 100 == change


def test_buying_yes_against_no_held_closes_then_opens(ex: Exchange) -> None:
    buy(ex, B, 60, 10)
    sell(ex, A, 60, 10)  # 10 NO at 0.40: −$4
    sell(ex, C, 50, 15)
    buy(ex, A, 50, 15)  # sells 10 NO at 0.50 (+$5), buys 5 YES at 0.50 (−$2.50)
    assert ex.balance(A).cash == START - Decimal("4") + Decimal("5") - Decimal("2.50")
    pos = ex.position(A, CENT)
    assert (pos.net_position, pos.cost, pos.realized) == (5, 250, 100)


def test_partial_contract_no_cost(ex: Exchange) -> None:
    buy(ex, B, 62, 25, symbol=FRAC)
    sell(ex, A, 62, 25, symbol=FRAC)  # 0.25 NO at 0.38
    assert ex.balance(A).cash == START - Decimal("0.095")


# --- buying power ---------------------------------------------------------------------------

def _rejected_for_funds(rec: Recorder, oid: str) -> None:
    [report] = rec.reports(oid)
    assert report.type is ExecType.REJECTED
    assert report.reject_reason is OrdRejectReason.EXCHANGE_OPTION and report.text == NO_FUNDS


def test_order_over_buying_power_is_rejected_and_nothing_rests(ex: Exchange,
                                                              rec: Recorder) -> None:
    assert ex.buying_power(A) == START
    _rejected_for_funds(rec, buy(ex, A, 50, 2001))  # $1000.50
    _rejected_for_funds(rec, sell(ex, A, 50, 2001))  # 2001 NO at 0.50
    _rejected_for_funds(rec, _buy_no(ex, A, 1, 100_001))  # 100001 NO at 0.01
    assert ex.book(CENT) == ([], [])
    assert ex.buying_power(A) == START
    assert ex.order_log[-1].outcome == "rejected"
    fits = buy(ex, A, 50, 2000)  # exactly $1000
    assert rec.types(fits) == [ExecType.NEW]
    assert ex.buying_power(A) == 0


def test_working_orders_reserve_funds(ex: Exchange, rec: Recorder) -> None:
    first = buy(ex, A, 50, 1200)  # $600
    assert ex.buying_power(A) == Decimal("400")
    assert ex.balance(A).cash == START
    _rejected_for_funds(rec, sell(ex, A, 60, 1001))  # 1001 NO at 0.40 = $400.40
    assert ex.book(CENT) == ([(50, 1200)], [])
    second = sell(ex, A, 60, 1000)  # 1000 NO at 0.40 = $400: fits exactly
    assert rec.types(second) == [ExecType.NEW]
    assert ex.buying_power(A) == 0
    ex.cancel_order(order_id=first, account=A)
    assert ex.buying_power(A) == Decimal("600")


def test_a_fill_releases_the_reservation(ex: Exchange, rec: Recorder) -> None:
    mine = buy(ex, A, 50, 1200)
    sell(ex, B, 50, 200)  # partial: $100 paid, $500 still reserved
    assert ex.balance(A).cash == Decimal("900")
    assert ex.buying_power(A) == Decimal("400")
    sell(ex, B, 50, 1000)
    assert ex.order(mine).state is OrderState.FILLED
    assert ex.balance(A).cash == ex.buying_power(A) == Decimal("400")


def test_closing_a_position_needs_no_buying_power(ex: Exchange, rec: Recorder) -> None:
    sell(ex, B, 50, 2000)
    buy(ex, A, 50, 2000)  # all $1000 spent on 2000 YES
    assert ex.buying_power(A) == 0
    close = sell(ex, A, 10, 2000)  # selling YES held costs nothing, even at 0.10
    assert rec.types(close)[0] is ExecType.NEW
    _rejected_for_funds(rec, sell(ex, A, 90, 1))  # one more would be a NO at 0.10
    _rejected_for_funds(rec, buy(ex, A, 1, 1))


def test_orders_on_one_side_share_the_position_they_close(ex: Exchange, rec: Recorder) -> None:
    # rule: same-side working orders close the held position in arrival order; the rest opens
    buy(ex, B, 10, 1000)
    sell(ex, A, 10, 1000)  # 1000 NO at 0.90: $900
    assert ex.buying_power(A) == Decimal("100")
    closing = buy(ex, A, 90, 1000)  # closes all the NO: free
    assert rec.types(closing) == [ExecType.NEW]
    _rejected_for_funds(rec, buy(ex, A, 90, 112))  # would open 112 YES at 0.90 = $100.80
    opening = buy(ex, A, 90, 111)  # $99.90
    assert rec.types(opening) == [ExecType.NEW]
    assert ex.buying_power(A) == Decimal("0.10")


def test_replace_is_checked_for_buying_power(ex: Exchange, rec: Recorder) -> None:
    oid = buy(ex, A, 50, 1000)
    rec.clear()
    ex.replace_order(order_id=oid, clord_id="big", order_qty=2001, account=A)
    [reject] = rec.rejects()
    assert reject.is_replace and reject.reason is CxlRejReason.EXCHANGE_OPTION
    assert reject.text == NO_FUNDS
    assert ex.order(oid).state is OrderState.NEW and ex.book(CENT) == ([(50, 1000)], [])
    ex.replace_order(order_id=oid, clord_id="ok", order_qty=2000, account=A)
    assert ex.order_by_clord(A, "ok").leaves_qty == 2000
    assert ex.buying_power(A) == 0
    ex.replace_order(order_id=ex.order_by_clord(A, "ok").order_id, clord_id="small",
                     price=40, account=A)
    assert ex.buying_power(A) == Decimal("200")


def test_balance_reports_buying_power(ex: Exchange) -> None:
    buy(ex, A, 25, 1000)  # $250 reserved
    resp = GatewayService(ex).balance(_user("a", A), pos_pb.GetAccountBalanceRequest(name=A))
    assert (resp.balance, resp.buying_power) == ("1000.00", "750.00")
