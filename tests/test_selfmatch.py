"""Self-match: a new order that would trade against the trader's own resting order."""

from __future__ import annotations

from tui.core.enums import OrderState, Side
from tui.core.model import Book, Instrument, Order
from tui.core.prices import Intent, Scales
from tui.core.selfmatch import self_match, self_match_words
from tui.core.ticket import OrderKind, Slippage, build_order

CENTS = Scales(price_scale=100, tick=1)
MARKET = Instrument("M", "a market", CENTS)


def resting(order_id: str, side: Side, yes_price: int, intent: Intent | None = None, *,
            symbol: str = "M", state: OrderState = OrderState.NEW, leaves: int = 5,
            at: float = 0.0) -> Order:
    return Order(order_id=order_id, clord_id=f"c-{order_id}", symbol=symbol, side=side,
                 price=yes_price, order_qty=5, leaves_qty=leaves, state=state, intent=intent,
                 updated_at=at)


def test_buy_yes_against_my_buy_no_at_the_same_price() -> None:
    mine = resting("a", Side.SELL, 60, Intent.BUY_NO)  # BUY NO 0.40
    request = build_order(MARKET, Intent.BUY_YES, 60, 3)
    assert self_match(request, [mine], CENTS) is mine
    assert self_match_words(request, mine, CENTS) == (
        "This BUY YES 0.60 would trade against your own BUY NO 0.40 "
        "(the same price on the YES book).")


def test_buy_no_against_my_buy_yes_at_the_same_price() -> None:
    mine = resting("a", Side.BUY, 60, Intent.BUY_YES)
    request = build_order(MARKET, Intent.BUY_NO, 40, 3)  # SELL YES 0.60
    assert self_match(request, [mine], CENTS) is mine
    assert self_match_words(request, mine, CENTS) == (
        "This BUY NO 0.40 would trade against your own BUY YES 0.60 "
        "(the same price on the YES book).")


def test_crossing_through_names_both_yes_prices() -> None:
    mine = resting("a", Side.SELL, 58, Intent.BUY_NO)  # BUY NO 0.42
    request = build_order(MARKET, Intent.BUY_YES, 60, 3)
    assert self_match_words(request, self_match(request, [mine], CENTS), CENTS) == (
        "This BUY YES 0.60 would trade against your own BUY NO 0.42 "
        "(on the YES book, BUY YES 0.60 meets SELL YES 0.58).")


def test_same_outcome_needs_no_yes_book_note() -> None:
    mine = resting("a", Side.SELL, 55)  # no intent: shown as SELL YES
    request = build_order(MARKET, Intent.BUY_YES, 57, 1)
    assert self_match_words(request, self_match(request, [mine], CENTS), CENTS) == (
        "This BUY YES 0.57 would trade against your own SELL YES 0.55.")


def test_no_self_match_when_it_would_not_cross() -> None:
    request = build_order(MARKET, Intent.BUY_YES, 60, 1)
    not_crossing = [
        resting("above", Side.SELL, 61, Intent.BUY_NO),  # my offer above the new bid
        resting("same-side", Side.BUY, 60),
        resting("other-market", Side.SELL, 50, symbol="X"),
        resting("done", Side.SELL, 50, state=OrderState.FILLED),
        resting("cancelled", Side.SELL, 50, state=OrderState.CANCELED),
        resting("empty", Side.SELL, 50, leaves=0),
    ]
    assert self_match(request, not_crossing, CENTS) is None
    assert self_match(request, [], CENTS) is None


def test_sell_side_checks_my_bids() -> None:
    request = build_order(MARKET, Intent.SELL_YES, 50, 1)
    low, high = resting("low", Side.BUY, 49), resting("high", Side.BUY, 52, Intent.SELL_NO)
    assert self_match(request, [low], CENTS) is None
    assert self_match(request, [low, high], CENTS) is high
    assert self_match_words(request, high, CENTS) == (
        "This SELL YES 0.50 would trade against your own SELL NO 0.48 "
        "(on the YES book, SELL YES 0.50 meets BUY YES 0.52).")


def test_best_priced_resting_order_first() -> None:
    request = build_order(MARKET, Intent.BUY_YES, 60, 1)
    older = resting("older", Side.SELL, 57, at=1.0)
    cheaper = resting("cheaper", Side.SELL, 55, at=5.0)
    tie = resting("tie", Side.SELL, 55, at=9.0)
    pending = resting("pending", Side.SELL, 58, state=OrderState.PENDING_NEW)
    assert self_match(request, [older, tie, pending, cheaper], CENTS) is cheaper
    assert self_match(request, [pending], CENTS) is pending  # may be working already


def test_market_order_uses_its_protective_price() -> None:
    book = Book("M", bids=[(50, 1)], offers=[(55, 1)])
    request = build_order(MARKET, Intent.BUY_YES, 0, 1, kind=OrderKind.MARKET,
                          slippage=Slippage(ticks=3), book=book)  # worst 0.58
    mine = resting("a", Side.SELL, 58, Intent.BUY_NO)
    assert self_match(request, [mine], CENTS) is mine
    assert self_match(request, [resting("b", Side.SELL, 59)], CENTS) is None
