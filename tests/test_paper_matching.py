"""Paper orders against a live book (tui/matching/paper.py): a paper fill is one the live
market could have given, at a price it showed, never more than it showed, queue first."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.enums import Side
from tui.core.model import Book
from tui.core.tape import Trade
from tui.matching.paper import PaperMarket, PaperOrder

SYM = "aec-nfl-kc-buf"


def book(bids: list[tuple[int, int]], offers: list[tuple[int, int]]) -> Book:
    return Book(SYM, bids=bids, offers=offers)


def market(bids: list[tuple[int, int]], offers: list[tuple[int, int]]) -> PaperMarket:
    m = PaperMarket(SYM)
    m.on_book(book(bids, offers))
    return m


def sale(px: int, qty: int, aggressor: Side | None = Side.SELL, exact: bool = True) -> Trade:
    return Trade(SYM, px, qty, aggressor, at=0.0, exact=exact)


def test_a_crossing_buy_takes_the_shown_offers_best_first_at_their_prices_and_sizes() -> None:
    m = market([(480, 10)], [(500, 3), (510, 4), (530, 50)])
    order = PaperOrder("p1", Side.BUY, 510, 20)
    fills = m.arrive(order)
    assert [(f.price, f.qty, f.taker) for f in fills] == [(500, 3, True), (510, 4, True)]
    assert order.leaves_qty == 13  # 530 is past its limit: the rest is the caller's to rest


def test_the_same_shown_offer_is_not_taken_twice_while_the_book_still_shows_it() -> None:
    m = market([], [(500, 5)])
    assert sum(f.qty for f in m.arrive(PaperOrder("p1", Side.BUY, 500, 3))) == 3
    m.on_book(book([], [(500, 5)]))  # the venue never saw the paper trade
    assert [(f.price, f.qty) for f in m.arrive(PaperOrder("p2", Side.BUY, 500, 9))] == [
        (500, 2)]
    m.on_book(book([], [(500, 4)]))  # it shrank: what is left is presumed what was taken
    assert m.arrive(PaperOrder("p3", Side.BUY, 500, 9)) == []
    m.on_book(book([], [(500, 7)]))  # new size joined: that much is there to take
    assert [(f.price, f.qty) for f in m.arrive(PaperOrder("p4", Side.BUY, 500, 9))] == [
        (500, 3)]


def test_post_only_takes_nothing() -> None:
    m = market([], [(500, 5)])
    assert m.arrive(PaperOrder("p1", Side.BUY, 500, 3), post_only=True) == []


def test_a_resting_bid_waits_behind_the_size_shown_when_it_joined() -> None:
    m = market([(480, 10)], [(500, 5)])
    order = PaperOrder("p1", Side.BUY, 480, 4)
    m.rest(order)
    assert order.ahead == 10
    assert m.on_trade(sale(480, 6)) == []  # the queue ahead took it
    assert order.ahead == 4
    fills = m.on_trade(sale(480, 7))  # 4 more ahead, then 3 for the paper bid
    assert [(f.order_id, f.price, f.qty, f.taker) for f in fills] == [("p1", 480, 3, False)]
    assert order.leaves_qty == 1 and order.ahead == 0


def test_a_purchase_at_the_bid_price_or_a_trade_of_unknown_size_fills_no_bid() -> None:
    m = market([(480, 0)], [(500, 5)])
    order = PaperOrder("p1", Side.BUY, 480, 4)
    m.rest(order)
    assert m.on_trade(sale(480, 9, aggressor=Side.BUY)) == []
    assert m.on_trade(sale(480, 9, exact=False)) == []
    assert order.leaves_qty == 4


def test_a_sale_through_the_bid_would_have_met_it_first_at_its_own_price() -> None:
    m = market([(480, 10), (470, 5)], [(500, 5)])
    order = PaperOrder("p1", Side.BUY, 480, 4)
    m.rest(order)
    fills = m.on_trade(sale(470, 3))
    assert [(f.price, f.qty) for f in fills] == [(480, 3)]


def test_the_queue_ahead_never_exceeds_what_the_level_shows_now() -> None:
    m = market([(480, 10)], [(500, 5)])
    order = PaperOrder("p1", Side.BUY, 480, 4)
    m.rest(order)
    m.on_book(book([(480, 2)], [(500, 5)]))  # cancels ahead (or behind): at most 2 ahead
    assert order.ahead == 2
    m.on_book(book([(480, 8)], [(500, 5)]))  # size joining behind never goes ahead
    assert order.ahead == 2


def test_a_live_book_crossing_a_resting_bid_fills_it_at_its_price_up_to_the_size_shown() -> None:
    m = market([(480, 10)], [(500, 5)])
    order = PaperOrder("p1", Side.BUY, 490, 6)
    m.rest(order)
    fills = m.on_book(book([(480, 10)], [(490, 2), (500, 5)]))
    assert [(f.price, f.qty, f.taker) for f in fills] == [(490, 2, False)]
    assert m.on_book(book([(480, 10)], [(490, 2), (500, 5)])) == []  # taken already
    fills = m.on_book(book([(480, 10)], [(485, 9)]))
    assert [(f.price, f.qty) for f in fills] == [(490, 4)]
    assert order.leaves_qty == 0 and len(m.resting) == 0


def test_paper_orders_at_one_price_fill_in_time_order() -> None:
    m = market([(480, 1)], [(500, 5)])
    first, second = PaperOrder("p1", Side.BUY, 480, 2), PaperOrder("p2", Side.BUY, 480, 2)
    m.rest(first)
    m.rest(second)
    fills = m.on_trade(sale(480, 4))  # 1 ahead, then p1's 2, then 1 of p2
    assert [(f.order_id, f.qty) for f in fills] == [("p1", 2), ("p2", 1)]


def test_an_offer_rests_and_is_lifted_like_a_bid_is_hit() -> None:
    m = market([(480, 5)], [(500, 3)])
    order = PaperOrder("p1", Side.SELL, 500, 4)
    m.rest(order)
    assert m.on_trade(sale(500, 3, aggressor=Side.BUY)) == []
    assert [(f.price, f.qty) for f in m.on_trade(sale(500, 2, aggressor=Side.BUY))] == [
        (500, 2)]


levels = st.lists(st.tuples(st.integers(1, 99), st.integers(1, 50)), max_size=6,
                  unique_by=lambda lv: lv[0])


@settings(max_examples=200, deadline=None)
@given(bids=levels, offers=levels, side=st.sampled_from([Side.BUY, Side.SELL]),
       price=st.integers(1, 99),
       qty=st.integers(1, 200), later=st.lists(st.tuples(levels, levels), max_size=4))
def test_every_paper_fill_is_at_a_price_shown_and_within_the_size_shown(
        bids: list[tuple[int, int]], offers: list[tuple[int, int]], side: Side, price: int,
        qty: int, later: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]) -> None:
    def ordered(b: list[tuple[int, int]], o: list[tuple[int, int]]) -> Book:
        top = min((px for px, _ in o), default=100)
        b = sorted((lv for lv in b if lv[0] < top), reverse=True)
        return book(b, sorted(o))

    live = ordered(bids, offers)
    m = PaperMarket(SYM)
    m.on_book(live)
    order = PaperOrder("p1", side, price, qty)
    shown = dict(live.offers if side is Side.BUY else live.bids)
    for fill in m.arrive(order):
        assert fill.price in shown and fill.qty <= shown[fill.price]
        assert (fill.price <= price) if side is Side.BUY else (fill.price >= price)
    if order.leaves_qty:
        m.rest(order)
    for b, o in later:
        after = ordered(b, o)
        crossing = dict(after.offers if side is Side.BUY else after.bids)
        for fill in m.on_book(after):  # met at its own price, only by size shown through it
            assert fill.price == price
            assert fill.qty <= sum(q for px, q in crossing.items()
                                   if (px <= price if side is Side.BUY else px >= price))
    assert 0 <= order.leaves_qty <= qty


def test_a_trade_printed_after_the_book_that_showed_it_does_not_fill_twice() -> None:
    m = market([(480, 100), (470, 5)], [(500, 5)])
    order = PaperOrder("p1", Side.BUY, 480, 10)
    m.rest(order)
    # a sale of 105 at 480: the book comes first (the bids there gone, 5 left offered)...
    fills = m.on_book(book([(470, 5)], [(480, 5), (500, 5)]))
    assert [(f.price, f.qty) for f in fills] == [(480, 5)]
    # ...then the trade that took the 100 ahead: it was the queue, not the paper bid
    assert m.on_trade(sale(480, 100)) == []
    assert order.leaves_qty == 5


def test_the_same_sale_printed_before_its_book_fills_the_same() -> None:
    m = market([(480, 100), (470, 5)], [(500, 5)])
    order = PaperOrder("p1", Side.BUY, 480, 10)
    m.rest(order)
    assert m.on_trade(sale(480, 100)) == []
    fills = m.on_book(book([(470, 5)], [(480, 5), (500, 5)]))
    assert [(f.price, f.qty) for f in fills] == [(480, 5)]
    assert order.leaves_qty == 5


def test_a_bid_below_the_shown_depth_waits_behind_the_size_its_level_shows_first() -> None:
    m = market([(480, 10), (470, 10)], [(500, 5)])
    order = PaperOrder("p1", Side.BUY, 200, 50)
    m.rest(order)
    assert order.ahead is None  # not shown: unknown, never "nothing ahead"
    assert m.on_trade(sale(200, 50)) == []
    m.on_book(book([(480, 10), (200, 5000)], [(500, 5)]))
    assert order.ahead == 5000
    assert m.on_trade(sale(200, 50)) == []


def test_a_trade_whose_taker_is_unknown_fills_neither_side() -> None:
    m = market([(490, 1)], [(510, 1)])
    bid, offer = PaperOrder("b", Side.BUY, 500, 10), PaperOrder("o", Side.SELL, 500, 10)
    m.rest(bid)
    m.rest(offer)
    assert m.on_trade(sale(500, 10, aggressor=None)) == []
    assert m.on_trade(sale(480, 10, aggressor=None)) == []


def test_a_locked_live_book_does_not_jump_the_queue_it_still_shows() -> None:
    m = market([(500, 100)], [(510, 5)])
    order = PaperOrder("p1", Side.BUY, 500, 10)
    m.rest(order)
    assert m.on_book(book([(500, 100)], [(500, 30)])) == []  # locked: 100 still ahead
    fills = m.on_book(book([(490, 10)], [(500, 30)]))  # the bids there are gone
    assert [(f.price, f.qty) for f in fills] == [(500, 10)]
