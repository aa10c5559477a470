"""The paper exchange's order lifecycle and cash (tui/venues/paper/), fast: a feed in memory
whose books the test writes, and no network. A change keeps an order's terms and fills; a
cancel sent at once is not lost; working orders share what the position can close."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest

from tests.conftest import eventually
from tui.core.enums import OrderState, TimeInForce
from tui.core.listener import LinkState
from tui.core.model import Book, Instrument, Order
from tui.core.prices import Intent, Scales
from tui.core.state import DeskState
from tui.core.ticket import OrderKind, OrderRequest, Slippage, Terms, build_order
from tui.core.venue import VenueError
from tui.venues.base import VenueBase
from tui.venues.paper.venue import PaperVenue, PaperWire

SYM = "MKT"
INST = Instrument(SYM, "A market in tenths of a cent", Scales(1000, 10, 1, 1))


class BooksOnly(VenueBase):
    """A feed that lists one market and shows the books the test writes; any order hook
    called on it is a failure (a paper desk must never use them)."""

    def __init__(self) -> None:
        super().__init__(state=DeskState(), venue_name="books", store=None, open_store=None)
        self.rest = PaperWire()  # nothing to close

    async def start(self) -> None:
        self.state.set_instruments([INST])
        self.state.set_link("prices", LinkState.LIVE)

    def wire_text(self, request: OrderRequest) -> str:
        raise AssertionError("a paper desk asked its feed for wire text")

    def _insert_sender(self, request: OrderRequest) -> Callable[[], Awaitable[str]]:
        raise AssertionError("a paper desk sent an order to its feed")

    async def _send_cancels(self, orders: list[Order]) -> None:
        raise AssertionError("a paper desk sent a cancel to its feed")

    def _replace_sender(self, order: Order, price: int | None, qty: int | None,
                        terms: Terms | None = None) -> Callable[[], Awaitable[object]]:
        raise AssertionError("a paper desk sent a change to its feed")

    async def _find_sent(self, pending: Order, before: set[str]) -> Order | None:
        raise AssertionError("a paper desk looked an order up at its feed")

    async def _list_open(self, symbols: list[str] | None) -> list[Order]:
        raise AssertionError("a paper desk listed its feed's orders")


async def paper(cash: Decimal = Decimal(1000)) -> PaperVenue:
    venue = PaperVenue(BooksOnly(), cash=cash)
    await venue.start()
    book([(480, 100)], [(520, 100)], venue)
    return venue


def book(bids: list[tuple[int, int]], offers: list[tuple[int, int]], venue: PaperVenue
         ) -> None:
    venue.state.replace_book(Book(SYM, bids=bids, offers=offers))


def buy(price: int, qty: int, **kw: object) -> OrderRequest:
    return build_order(INST, Intent.BUY_YES, price, qty, **kw)  # type: ignore[arg-type]


def sell(price: int, qty: int) -> OrderRequest:
    return build_order(INST, Intent.SELL_YES, price, qty)


def working(venue: PaperVenue) -> list[Order]:
    return venue.state.working_orders(SYM)


async def placed(venue: PaperVenue, request: OrderRequest) -> Order:
    await venue.submit(request)
    await eventually(lambda: any(o.clord_id == request.clord_id for o in working(venue)),
                     what="the order working")
    return next(o for o in working(venue) if o.clord_id == request.clord_id)


async def test_a_cancel_sent_the_moment_after_the_insert_ends_it() -> None:
    venue = await paper()
    request = buy(450, 10)
    await venue.submit(request)
    pending = venue.state.find_order(clord_id=request.clord_id)
    assert pending is not None
    await venue.cancel(pending)
    await eventually(lambda: not working(venue) and any(
        o.state is OrderState.CANCELED for o in venue.state.orders.values()), what="ended")
    assert not venue.paper.working(None)


async def test_a_move_keeps_post_only_and_a_resize_keeps_the_expiry() -> None:
    venue = await paper()
    order = await placed(venue, buy(490, 10, post_only=True))
    await venue.replace(order, price=530)  # through the 520 offer: post-only refuses it
    await eventually(lambda: any(o.state is OrderState.REJECTED
                                 for o in venue.state.orders.values()), what="refused")
    assert not venue.state.fills

    expiry = time.time() + 0.6
    order = await placed(venue, buy(450, 10, tif=TimeInForce.GOOD_TILL_TIME,
                                    expire_at=expiry, now=expiry - 600))
    await venue.replace(order, price=460)
    await eventually(lambda: [o.price for o in working(venue)] == [460], what="moved")
    await venue.replace(working(venue)[0], qty=5)  # same price, less: keeps its place
    await eventually(lambda: [o.order_qty for o in working(venue)] == [5], what="resized")
    await eventually(lambda: not working(venue), within=3.0, what="expired at its time")
    assert any(o.state is OrderState.EXPIRED for o in venue.state.orders.values())


async def test_a_moved_order_keeps_what_filled() -> None:
    venue = await paper()
    order = await placed(venue, buy(480, 100))
    book([(470, 10)], [(480, 40), (520, 100)], venue)  # the book crosses it: 40 fill
    await eventually(lambda: working(venue) and working(venue)[0].cum_qty == 40,
                     what="40 filled")
    order = working(venue)[0]
    await venue.replace(order, price=470)
    await eventually(lambda: [o.price for o in working(venue)] == [470], what="moved")
    moved = working(venue)[0]
    assert (moved.order_qty, moved.cum_qty, moved.leaves_qty, moved.avg_px) == (
        100, 40, 60, 480)


async def test_working_sales_share_what_is_held_and_cash_never_goes_below_zero() -> None:
    venue = await paper(cash=Decimal(100))
    book([(500, 1000)], [(510, 1000)], venue)
    await venue.submit(buy(510, 190))  # $96.90 for 190 YES
    await eventually(lambda: venue.state.positions.get(SYM) is not None
                     and venue.state.positions[SYM].net == 190, what="190 YES held")
    await placed(venue, sell(600, 190))  # closes what is held: opens nothing
    with pytest.raises(VenueError, match="not enough paper cash"):
        await venue.submit(sell(600, 190))  # would open 190 NO at $0.40: $76 of $3.10
    assert venue.paper.account.cash >= 0
    balance = venue.state.balance
    assert balance is not None and balance.buying_power == Decimal("3.10")


async def test_a_cash_buy_of_all_the_buying_power_is_taken() -> None:
    venue = await paper(cash=Decimal(100))
    book([(500, 1000)], [(510, 1000)], venue)
    request = build_order(INST, Intent.BUY_YES, 0, 0, kind=OrderKind.MARKET,
                          tif=TimeInForce.IMMEDIATE_OR_CANCEL, cash_qty=100 * 1000,
                          slippage=Slippage(ticks=3), book=venue.state.books[SYM])
    await venue.submit(request)
    await eventually(lambda: venue.state.fills, what="filled")
    assert sum(f.qty for f in venue.state.fills) == 196  # $100 buys 196 at $0.51
    assert venue.paper.account.cash == Decimal("0.04")


async def test_nothing_opens_or_reports_after_the_session_ends() -> None:
    venue = await paper()
    await venue.submit(buy(450, 10))
    await venue.stop()  # before the accepted order opened
    await asyncio.sleep(0)
    assert not venue.paper.working(None)
    assert all(o.state.is_terminal for o in venue.state.orders.values())


async def test_a_fault_in_paper_matching_is_said_and_never_cuts_the_feed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    venue = await paper()

    def broken(book: Book, trade: object) -> None:
        raise RuntimeError("a bug in matching")

    monkeypatch.setattr(venue.paper, "on_book", broken)
    book([(470, 10)], [(520, 100)], venue)  # the feed's handler would have died here
    book([(460, 10)], [(520, 100)], venue)
    assert venue.state.books[SYM].best_bid == 460
    said = [n.text for n in venue.state.notices if "matching a book failed" in n.text]
    assert len(said) == 1  # once, not per book


async def test_a_settled_market_pays_the_paper_position_and_ends_its_orders() -> None:
    venue = await paper()
    book([(500, 1000)], [(510, 1000)], venue)
    await venue.submit(buy(510, 100))  # $51.00 for 100 YES
    await eventually(lambda: venue.state.positions.get(SYM) is not None
                     and venue.state.positions[SYM].net == 100, what="100 YES held")
    await placed(venue, buy(400, 10))
    venue.state.replace_book(Book(SYM, settlement_px=1000))  # YES won
    assert not working(venue)
    position = venue.state.positions[SYM]
    assert not position.held and position.realized == 100 * (1000 - 510)
    assert venue.paper.account.cash == Decimal(1049)  # $1,000 - $51 + $100
    assert any("settled at 1.00; the paper position was paid $100.00" in n.text
               for n in venue.state.notices)
