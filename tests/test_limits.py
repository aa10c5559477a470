"""Fat-finger limits: hard refuses, soft asks, and the words name the numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.core.limits import Breach, Limit, Limits, hard, notional, soft
from tui.core.model import Book, Instrument
from tui.core.prices import Intent, Scales
from tui.core.ticket import OrderKind, Slippage, TicketError, build_order

CENTS = Scales(price_scale=100, tick=1)
PARTIAL = Scales(price_scale=1000, tick=10, qty_scale=100, min_qty=1)
MARKET = Instrument("M", "a market", CENTS)
BOOK = Book("M", bids=[(54, 10)], offers=[(56, 10)])  # mid 0.55


def limits(qty: int | None = None, dollars: str | None = None, ticks: int | None = None, *,
           hard_: bool = False) -> Limits:
    return Limits(
        max_qty=Limit(Decimal(qty), hard_) if qty is not None else None,
        max_notional=Limit(Decimal(dollars), hard_) if dollars is not None else None,
        max_ticks_from_mid=Limit(Decimal(ticks), hard_) if ticks is not None else None,
    )


def test_quantity_hard_and_soft_words() -> None:
    request = build_order(MARKET, Intent.BUY_YES, 55, 5000)
    assert limits(1000, hard_=True).check(request, MARKET, BOOK) == [
        Breach("max_qty", True, "Quantity 5,000 is over your hard limit of 1,000.")]
    assert limits(1000).check(request, MARKET, BOOK) == [
        Breach("max_qty", False,
               "Quantity 5,000 is over your soft limit of 1,000 (confirm to send).")]


def test_at_the_limit_is_within_it() -> None:
    request = build_order(MARKET, Intent.BUY_YES, 65, 1000)
    assert limits(1000, "650", 10, hard_=True).check(request, MARKET, BOOK) == []


def test_no_limits_no_breaches() -> None:
    assert Limits().check(build_order(MARKET, Intent.BUY_YES, 99, 10**6), MARKET, BOOK) == []


def test_quantity_in_contracts_on_a_partial_contract_market() -> None:
    inst = Instrument("P", "partial", PARTIAL)
    request = build_order(inst, Intent.SELL_YES, 500, 250)  # 2.5 contracts
    assert limits(2).check(request, inst, None)[0].words == (
        "Quantity 2.5 is over your soft limit of 2 (confirm to send).")
    assert limits(3).check(request, inst, None) == []


def test_notional_is_the_price_of_the_intents_outcome() -> None:
    request = build_order(MARKET, Intent.BUY_NO, 40, 100)  # YES 0.60, costs 0.40 each
    assert notional(request, CENTS) == Decimal("40")
    assert limits(dollars="39.99", hard_=True).check(request, MARKET, None) == [
        Breach("max_notional", True, "Notional $40.00 is over your hard limit of $39.99.")]
    assert limits(dollars="40").check(request, MARKET, None) == []


def test_cash_market_buy_notional_and_quantity_estimate() -> None:
    request = build_order(MARKET, Intent.BUY_YES, 0, 0, kind=OrderKind.MARKET, cash_qty=250_000,
                          slippage=Slippage(ticks=2), book=BOOK)  # $2,500 at best 0.56
    assert notional(request, CENTS) == Decimal("2500")
    words = [b.words for b in limits(1000, "5000", hard_=True).check(request, MARKET, BOOK)]
    assert words == ["Quantity up to 4,464 ($2,500.00 at 0.56) is over your hard limit of 1,000."]
    with pytest.raises(TicketError, match="YES buys only"):  # a NO buy is a YES sell
        build_order(MARKET, Intent.BUY_NO, 0, 0, kind=OrderKind.MARKET, cash_qty=4600,
                    slippage=Slippage(ticks=2), book=BOOK)


def test_a_no_sell_risks_the_yes_price_not_its_premium() -> None:
    """SELL NO 10 at 0.05 is a YES buy at 0.95: $9.50 at risk, over a $2 hard limit."""
    request = build_order(MARKET, Intent.SELL_NO, 5, 10)
    assert notional(request, CENTS) == Decimal("9.5")
    assert limits(dollars="2", hard_=True).check(request, MARKET, None)[0].name == (
        "max_notional")


def test_market_notional_uses_the_worst_price() -> None:
    request = build_order(MARKET, Intent.SELL_YES, 0, 10, kind=OrderKind.MARKET,
                          slippage=Slippage(ticks=4), book=BOOK)  # worst 0.50
    assert notional(request, CENTS) == Decimal("5")


def test_distance_from_mid_words_for_yes_and_no() -> None:
    far = build_order(MARKET, Intent.BUY_YES, 80, 1)
    assert limits(ticks=10).check(far, MARKET, Book("M", bids=[(54, 1)], offers=[(56, 1)])) == [
        Breach("max_ticks_from_mid", False,
               "Price 0.80 is 25 ticks from the mid 0.55; your soft limit is 10 "
               "(confirm to send).")]
    no = build_order(MARKET, Intent.BUY_NO, 20, 1)  # YES 0.80: the same 25 ticks
    assert limits(ticks=10, hard_=True).check(no, MARKET, BOOK)[0].words == (
        "Price 0.20 is 25 ticks from the mid 0.45; your hard limit is 10.")
    half = Book("M", bids=[(54, 1)], offers=[(57, 1)])  # mid 0.555
    assert limits(ticks=10).check(far, MARKET, half)[0].words.startswith(
        "Price 0.80 is 24.5 ticks from the mid 0.555;")
    one = build_order(MARKET, Intent.BUY_YES, 56, 1)
    assert "1 tick from" in limits(ticks=Decimal("0.5")).check(one, MARKET, BOOK)[0].words


@pytest.mark.parametrize("book", [None, Book("M", bids=[(54, 1)]), Book("M", offers=[(56, 1)]),
                                  Book("M"), Book("OTHER", bids=[(54, 1)], offers=[(56, 1)])])
def test_a_band_with_no_mid_to_check_against_refuses_when_hard(book: Book | None) -> None:
    """BUY YES 0.99 into a book with no offers must not slip past a hard band unchecked."""
    request = build_order(MARKET, Intent.BUY_YES, 99, 1)
    (breach,) = limits(ticks=1, hard_=True).check(request, MARKET, book)
    assert breach.hard and breach.words.startswith("There is no mid to check your hard")


def test_hard_breaches_come_first_and_split() -> None:
    mixed = Limits(max_qty=Limit(Decimal(10), False), max_notional=Limit(Decimal(1), True),
                   max_ticks_from_mid=Limit(Decimal(1), False))
    breaches = mixed.check(build_order(MARKET, Intent.BUY_YES, 80, 100), MARKET, BOOK)
    assert [b.name for b in breaches] == ["max_notional", "max_qty", "max_ticks_from_mid"]
    assert [b.name for b in hard(breaches)] == ["max_notional"]
    assert [b.name for b in soft(breaches)] == ["max_qty", "max_ticks_from_mid"]


def test_limit_values_are_exact_and_positive() -> None:
    assert Limit(5, True).value == Decimal(5) and Limit(5, True).mode == "hard"
    assert Limit(Decimal("2.5"), False).mode == "soft"
    with pytest.raises(TypeError):
        Limit(5.0, True)  # type: ignore[arg-type]
    for bad in (0, -1, Decimal("NaN")):
        with pytest.raises(ValueError):
            Limit(bad, True)  # type: ignore[arg-type]
