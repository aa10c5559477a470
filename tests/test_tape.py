"""The trade tape and queue estimates, derived from consecutive market-data snapshots."""

from __future__ import annotations

from tests.conftest import eventually, make_venue
from tui.core.enums import OrderState, Side
from tui.core.model import Book, Order
from tui.core.state import DeskState, LinkState
from tui.core.tape import BUCKET_SECONDS, FeedGap, MarketTape, Trade, spark
from tui.sim.server import SimServer
from tui.ui.widgets.status import is_stale


def book(volume: int, last: int | None = None, last_qty: int | None = None,
         bids: list[tuple[int, int]] | None = None,
         offers: list[tuple[int, int]] | None = None, open_px: int | None = None) -> Book:
    return Book("M", bids=bids or [(50, 10)], offers=offers or [(55, 10)],
                last_trade_px=last, last_trade_qty=last_qty, volume=volume, open_px=open_px)


def test_a_rise_in_volume_is_a_trade_with_its_direction() -> None:
    tape = MarketTape("M")
    first = book(100, last=52, last_qty=5, open_px=48)
    assert tape.on_book(None, first, 0.0) is None  # a baseline, not a trade of 100
    lifted = tape.on_book(first, second := book(107, last=55, last_qty=7), 1.0)
    assert lifted is not None and (lifted.px, lifted.qty, lifted.aggressor) == (55, 7, Side.BUY)
    hit = tape.on_book(second, third := book(110, last=50, last_qty=3), 2.0)
    assert hit is not None and hit.aggressor is Side.SELL
    assert tape.on_book(third, book(110, last=50, last_qty=3), 3.0) is None  # book-only
    assert tape.volume_at == {55: 7, 50: 3}
    assert tape.last_qty_at == {55: 7, 50: 3}
    assert tape.change == 50 - 48


def test_reported_trades_are_counted_once_and_keep_the_takers_side() -> None:
    """A venue with a trade feed: each trade as reported; books only move the totals,
    even a book that shows the trade before the trade's own message arrives."""
    state = DeskState()
    state.trades_reported = True
    state.replace_book(book(100, last=52, last_qty=5))
    assert state.replace_book(book(107, last=55, last_qty=7)) is None  # the book came first
    state.add_trade(Trade("M", 55, 7, Side.SELL, 1.0))  # the taker sold at 0.55
    tape = state.tapes["M"]
    assert tape.volume_at == {55: 7} and tape.last_px == 55 and tape.session_volume == 107
    assert [(t.px, t.qty, t.aggressor) for t in state.trades] == [(55, 7, Side.SELL)]


def test_merged_trades_keep_the_last_price_and_count_the_rest_unplaced() -> None:
    tape = MarketTape("M")
    tape.on_book(None, first := book(10), 0.0)
    trade = tape.on_book(first, book(25, last=53, last_qty=4), 1.0)
    assert trade is not None and (trade.qty, trade.merged) == (4, 11)
    assert tape.volume_at == {53: 4} and tape.unplaced == 11
    assert tape.session_volume == 25


def test_inside_the_spread_uses_the_tick_rule() -> None:
    tape = MarketTape("M")
    tape.on_book(None, a := book(0), 0.0)
    tape.on_book(a, b := book(1, last=52, last_qty=1, bids=[(50, 1)], offers=[(56, 1)]), 1.0)
    up = tape.on_book(b, book(2, last=53, last_qty=1, bids=[(50, 1)], offers=[(56, 1)]), 2.0)
    assert up is not None and up.aggressor is Side.BUY


def test_a_feed_outage_rebases_and_breaks_the_sparkline() -> None:
    state = DeskState()
    state.clock = lambda: 1000.0
    state.set_link("prices", LinkState.LIVE)
    state.replace_book(book(10, last=50, last_qty=1))
    state.set_link("prices", LinkState.DOWN)
    state.clock = lambda: 1000.0 + 5 * BUCKET_SECONDS
    state.set_link("prices", LinkState.CONNECTING)
    state.set_link("prices", LinkState.LIVE)
    state.replace_book(book(60, last=52, last_qty=2))  # 50 traded while away: not one trade
    assert list(state.trades) == []
    assert len(state.gaps) == 1 and state.gaps[0].end == 1000.0 + 5 * BUCKET_SECONDS
    points = state.tapes["M"].history(1000.0 + 6 * BUCKET_SECONDS, 8, list(state.gaps))
    assert points[:2] == [None, 50]  # nothing before the first price
    assert None in points[2:]  # the outage is a break, not a flat line
    assert spark(points).startswith(" ")


def test_history_carries_the_price_through_quiet_buckets() -> None:
    tape = MarketTape("M")
    tape.on_book(None, a := book(0), 0.0)
    tape.on_book(a, book(1, last=60, last_qty=1), 0.0)
    assert tape.history(3 * BUCKET_SECONDS, 4, [FeedGap(100.0 * BUCKET_SECONDS)]) == [60] * 4


def resting(order_id: str, price: int, qty: int, side: Side = Side.BUY, *,
            at: int = 100) -> Order:
    return Order(order_id, "c" + order_id, "M", side, price, qty, qty, state=OrderState.NEW,
                 inserted_ns=at)


def timed(at: int, *args: object, **kwargs: object) -> Book:
    b = book(*args, **kwargs)  # type: ignore[arg-type]
    b.transact_ns = at
    return b


def test_queue_position_shrinks_with_trades_and_is_capped_by_the_level() -> None:
    state = DeskState()
    state.replace_book(timed(50, 0, bids=[(50, 30), (49, 5)]))
    state.upsert_order(resting("A", 50, 4, at=100))  # 30 shown at 50 when it joined
    assert state.queue.ahead("A") == 30
    # 12 traded at 50 (the bids there were hit); the level now shows 30 - 12 + my 4
    state.replace_book(timed(200, 12, last=50, last_qty=12, bids=[(50, 22), (49, 5)]))
    assert state.queue.ahead("A") == 18
    state.replace_book(timed(300, 12, last=50, last_qty=12, bids=[(50, 9), (49, 5)]))
    assert state.queue.ahead("A") == 5  # cancels: at most what is shown, less my own 4
    state.upsert_order(resting("B", 50, 2, at=400))  # behind A: A's 4 are not counted twice
    assert state.queue.ahead("B") == 9  # A's 5 ahead, then A itself
    state.upsert_order(Order("A", "cA", "M", Side.BUY, 50, 4, 0, cum_qty=4,
                             state=OrderState.FILLED, inserted_ns=100))
    assert state.queue.ahead("A") is None


def test_a_reported_trade_moves_my_place_once_whichever_message_comes_first() -> None:
    """With a trade feed, the book and the trade's own message race: counted once."""
    for book_first in (True, False):
        state = DeskState()
        state.trades_reported = True
        state.replace_book(timed(50, 0, bids=[(50, 100)]))
        state.upsert_order(resting("A", 50, 5, at=100))
        after = timed(200, 30, last=50, last_qty=30, bids=[(50, 75)])  # 100 - 30 + my 5
        trade = Trade("M", 50, 30, Side.SELL, 2.0)
        if book_first:
            state.replace_book(after)
            state.add_trade(trade)
        else:
            state.add_trade(trade)
            state.replace_book(after)
        assert state.queue.ahead("A") == 70, book_first


def test_a_book_from_before_my_order_never_shrinks_the_queue_ahead() -> None:
    """Market data often lags the order's ack: a book without my order must not be read
    as if it held it (that would show less ahead than there is)."""
    state = DeskState()
    state.replace_book(timed(50, 0, bids=[(45, 10)]))
    state.upsert_order(resting("A", 45, 5, at=100))
    state.replace_book(timed(60, 0, bids=[(45, 10)]))  # sent before my order joined
    assert state.queue.ahead("A") == 10
    state.replace_book(timed(150, 0, bids=[(45, 15)]))  # now it shows me too
    assert state.queue.ahead("A") == 10
    # a trade at 45 reported now, but the exchange made it before my order joined
    state.replace_book(timed(90, 4, last=45, last_qty=4, bids=[(45, 15)]))
    assert state.queue.ahead("A") == 10


def test_volume_of_unknown_size_does_not_move_me_up() -> None:
    state = DeskState()
    state.replace_book(timed(50, 0, bids=[(44, 10), (43, 1)]))
    state.upsert_order(resting("A", 44, 5, at=100))
    # a sweep the feed merged into one update, without the last trade's size
    state.replace_book(timed(200, 12, last=44, bids=[(44, 8), (43, 1)]))
    assert state.queue.ahead("A") == 3  # capped by the level (8 less my 5), not taken to 0
    state.upsert_order(Order("A", "cA", "M", Side.BUY, 44, 5, 3, cum_qty=2,
                             state=OrderState.PARTIALLY_FILLED, inserted_ns=100))
    assert state.queue.ahead("A") == 0  # it traded: nothing is ahead of it any more


def test_queue_position_is_unknown_past_the_shown_depth() -> None:
    state = DeskState()
    state.replace_book(book(0, bids=[(50, 30), (49, 5)]))
    state.upsert_order(resting("deep", 40, 1))
    assert state.queue.ahead("deep") is None


def test_a_feed_is_stale_when_a_heartbeat_was_due_and_none_came() -> None:
    state = DeskState()
    state.set_link("prices", LinkState.LIVE)
    feed = state.streams["prices"]
    feed.last_message_at = 100.0
    assert not is_stale(feed, 101.9)
    assert is_stale(feed, 102.1)  # the embedded exchange's 1 s heartbeats: stale after 2 s
    feed.quiet_gaps.extend([29.0, 30.0])  # a venue that heartbeats every 30 s of quiet
    assert not is_stale(feed, 130.5)  # a quiet market is not a dead feed
    assert is_stale(feed, 131.5)  # a heartbeat was due and none came


async def test_the_desk_learns_the_exchanges_heartbeat(quiet_sim: SimServer) -> None:
    venue = make_venue(quiet_sim)
    await venue.start()
    try:
        await eventually(lambda: venue.state.streams.get("prices") is not None
                         and venue.state.streams["prices"].heartbeat_every is not None,
                         what="a heartbeat on the price stream")
        every = venue.state.streams["prices"].heartbeat_every
        assert every is not None and 0.3 < every < 1.5  # quiet_sim heartbeats every 0.5 s
    finally:
        await venue.stop()


def test_after_an_outage_the_price_the_feed_comes_back_with_is_the_last() -> None:
    state = DeskState()
    state.set_link("prices", LinkState.LIVE)
    state.replace_book(book(10, last=46, last_qty=1, open_px=40))
    state.set_link("prices", LinkState.DOWN)
    state.set_link("prices", LinkState.LIVE)
    state.replace_book(book(90, last=61, last_qty=3, open_px=40))  # it moved while away
    tape = state.tapes["M"]
    assert list(state.trades) == []  # the gap's volume is not a trade
    assert (tape.last_px, tape.change) == (61, 21)


def test_an_update_without_the_session_volume_is_not_a_phantom_trade() -> None:
    state = DeskState()
    state.replace_book(book(5000, last=50, last_qty=1))
    state.replace_book(Book("M", bids=[(50, 10)], offers=[(55, 10)], last_trade_px=50))
    state.replace_book(book(5001, last=51, last_qty=1))
    assert [(t.px, t.qty, t.merged) for t in state.trades] == [(51, 1, 0)]


def test_one_stall_does_not_teach_a_long_heartbeat() -> None:
    state = DeskState()
    feed = state.stream("prices")
    feed.quiet_gaps.extend([1.0, 1.0, 9.0])  # one 9 s stall that ended in a heartbeat
    assert feed.heartbeat_every == 1.0
