"""Paper trading on a venue's live data (issue 17): the desk streams the real venue's books
through the real sockets, and its orders are matched on this machine. Asserted at the socket
(a recording proxy in front of the venue's REST port) and at the exchange: nothing reaches an
order route; a paper fill is one the live book could have given."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from tests.conftest import DEMO_ACCOUNT, _opener, eventually
from tests.desk_kit import ALICE, BOB, place, quote
from tests.faults.proxy import HttpProxy, Rules
from tui.core.enums import OrderState, Side, TimeInForce
from tui.core.listener import DeskListener
from tui.core.model import Book
from tui.core.prices import Intent
from tui.core.tape import Trade
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.clob.api import DEMO_CLOB_KEY
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
from tui.sim.server import SimServer
from tui.store import Store, db_path
from tui.store.export import ExportError, find_database
from tui.venues.base import VenueBase
from tui.venues.clob.venue import ClobVenue
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.paper.venue import PaperVenue
from tui.venues.retail.venue import RetailVenue

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"
ORDER_ROUTE = re.compile(r"order|cancel|replace|modify|heartbeat", re.IGNORECASE)


class Books(DeskListener):
    """Every book the desk was shown, in order: what a paper fill may be checked against."""

    def __init__(self) -> None:
        self.seen: list[Book] = []

    def on_book(self, book: Book, trade: Trade | None) -> None:
        self.seen.append(book)


def feed(via: str, rest_url: str, sim: SimServer) -> VenueBase:
    if via == "clob":
        return ClobVenue(rest_url=rest_url, private_key=DEMO_CLOB_KEY)
    if via == "retail":
        return RetailVenue(rest_url=rest_url, key_id=DEMO_RETAIL_KEY_ID,
                           secret=DEMO_RETAIL_SECRET, silence_timeout=5.0)
    return GatewayVenue(rest_url=rest_url, grpc_target=sim.grpc_target, username="demo",
                        password=DEMO_PASSWORD, silence_timeout=5.0)


@asynccontextmanager
async def recorded(sim: SimServer) -> AsyncIterator[tuple[HttpProxy, list[tuple[str, str]]]]:
    """A proxy in front of the exchange's REST port (and the retail sockets) that records
    every request's method and path and lets each through untouched."""
    seen: list[tuple[str, str]] = []
    proxy = HttpProxy(("127.0.0.1", sim.rest_port),
                      Rules(applies=lambda method, path: bool(seen.append((method, path)))))
    await proxy.start()
    try:
        yield proxy, seen
    finally:
        await proxy.stop()


def symbol(via: str) -> str:
    """The market as the desk names it: the retail API by its slug."""
    return SYMBOL.lower() if via in ("retail", "clob") else SYMBOL


@asynccontextmanager
async def paper_desk(via: str, rest_url: str, sim: SimServer) -> AsyncIterator[PaperVenue]:
    venue = PaperVenue(feed(via, rest_url, sim), open_store=_opener("paper-test"))
    here = symbol(via)
    try:
        await venue.start()
        await eventually(lambda: here in venue.state.books and venue.state.books[here].offers,
                         what="the live book")
        yield venue
    finally:
        await venue.stop()


def others_only(sim: SimServer) -> list[str]:
    """Commands the exchange logged from anyone but the test's other traders."""
    return [c.kind for c in sim.exchange.order_log
            if ALICE[0] not in str(c.params) and BOB[0] not in str(c.params)]


@pytest.mark.parametrize("via", ["gateway", "retail", "clob"])
async def test_paper_orders_never_reach_an_order_route_and_fill_as_the_live_book_could(
        quiet_sim: SimServer, via: str) -> None:
    quote(quiet_sim, SYMBOL, bid=40, offer=45, qty=100)
    async with recorded(quiet_sim) as (proxy, seen), \
            paper_desk(via, proxy.url, quiet_sim) as venue:
        here = symbol(via)
        books = Books()
        books.seen.append(venue.state.books[here])  # the book so far, then each new one
        venue.state.listen(books)
        inst = venue.state.instruments[here]
        sc = inst.scales  # the CLOB desk keeps prices in ten-thousandths

        def px(cents: int) -> int:
            return cents * sc.price_scale // 100

        def q(contracts: int) -> int:
            return contracts * sc.qty_scale
        assert venue.state.paper and venue.state.account == "paper"

        # a buy through the offer takes what the book showed there, at its price
        await venue.submit(build_order(inst, Intent.BUY_YES, px(46), q(30)))
        await eventually(lambda: [f.qty for f in venue.state.fills] == [q(30)], what="a fill")
        fill = venue.state.fills[0]
        assert (fill.price, fill.qty) == (px(45), q(30))
        assert any((px(45), q(100)) in b.offers for b in books.seen)  # the book showed 100 there

        # a bid joins behind the 100 shown at 40: a sale of 105 there fills the queue first,
        # and the paper bid only gets the 5 left shown on the offer at its price
        await venue.submit(build_order(inst, Intent.BUY_YES, px(40), q(10)))
        await eventually(lambda: venue.state.working_orders(here), what="working")
        place(quiet_sim, BOB, SYMBOL, Side.SELL, 40, 105)
        await eventually(lambda: sum(f.qty for f in venue.state.fills) == q(35),
                         what="the 5 the book showed at 40")
        assert [f.qty for f in venue.state.fills if f.price == px(40)] == [q(5)]
        shown = [dict(b.offers).get(px(40), 0) for b in books.seen]
        assert max(shown) >= q(5)  # the book did show an offer of 5 at 40
        working = venue.state.working_orders(here)
        assert [(o.price, o.leaves_qty) for o in working] == [(px(40), q(5))]

        # moved, then every order cancelled by the kill switch: all on this machine
        await venue.replace(working[0], price=px(39))
        await eventually(lambda: [o.price for o in venue.state.working_orders(here)]
                         == [px(39)], what="moved to 39")
        report = await venue.kill_switch()
        assert report.confirmed and not venue.state.working_orders()
        position = venue.state.positions[here]
        assert position.net == q(35)

    assert seen, "the desk's requests went through the proxy"
    assert [p for _m, p in seen if ORDER_ROUTE.search(p)] == []
    assert [p for _m, p in seen if p.endswith(("/ws/user", "/ws/private"))] == []  # no account
    assert others_only(quiet_sim) == []  # the exchange never heard of a paper order
    assert not quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])


async def test_the_route_check_would_see_a_live_order(quiet_sim: SimServer) -> None:
    """The same proxy and the same check catch an order a live desk sends: the test above
    can fail."""
    quote(quiet_sim, SYMBOL, bid=40, offer=45, qty=100)
    async with recorded(quiet_sim) as (proxy, seen):
        venue = feed("gateway", proxy.url, quiet_sim)
        await venue.start()
        try:
            await eventually(lambda: venue.state.streams.get("orders") is not None
                             and venue.state.streams["orders"].state.value == "live",
                             what="the order stream")
            inst = venue.state.instruments[SYMBOL]
            await venue.submit(build_order(inst, Intent.BUY_YES, 38, 1))
        finally:
            await venue.stop()
    assert [p for _m, p in seen if ORDER_ROUTE.search(p)]
    assert others_only(quiet_sim) == ["insert"]


async def test_paper_refuses_what_its_cash_cannot_pay_and_ends_its_orders_with_the_session(
        quiet_sim: SimServer) -> None:
    quote(quiet_sim, SYMBOL, bid=40, offer=45, qty=100)
    async with paper_desk("gateway", quiet_sim.rest_url, quiet_sim) as venue:
        inst = venue.state.instruments[SYMBOL]
        with pytest.raises(VenueError, match="not enough paper cash"):
            await venue.submit(build_order(inst, Intent.BUY_YES, 40, 100_000))
        assert not venue.state.orders  # refused before anything was shown
        await venue.submit(build_order(inst, Intent.BUY_YES, 30, 10))
        await eventually(lambda: venue.state.working_orders(SYMBOL), what="working")
        order_id = venue.state.working_orders(SYMBOL)[0].order_id
        assert order_id.startswith("PAPER-")
        ioc = build_order(inst, Intent.BUY_YES, 46, 150, tif=TimeInForce.IMMEDIATE_OR_CANCEL)
        await venue.submit(ioc)
        await eventually(lambda: any(o.clord_id == ioc.clord_id and o.state.is_terminal
                                     for o in venue.state.orders.values()), what="IOC done")
        done = next(o for o in venue.state.orders.values() if o.clord_id == ioc.clord_id)
        assert (done.cum_qty, done.state) == (100, OrderState.EXPIRED)
    # a new session: yesterday's paper bid is shown ended, never working
    async with paper_desk("gateway", quiet_sim.rest_url, quiet_sim) as venue:
        assert not venue.state.working_orders()
        past = {o.order_id: o for o in venue.state.history}
        assert past[order_id].state is OrderState.CANCELED
        assert venue.state.balance is not None and venue.state.balance.balance == 1000


def test_a_paper_database_never_makes_the_live_one_ambiguous() -> None:
    """export, replay and db name a profile's only database without --account: the paper
    desk's beside it is named only when asked for (or when it is the only one)."""
    Store.open(db_path("both", "paper")).close()
    assert find_database("both", None) == db_path("both", "paper")  # the only one
    Store.open(db_path("both", DEMO_ACCOUNT)).close()
    assert find_database("both", None) == db_path("both", DEMO_ACCOUNT)
    assert find_database("both", "paper") == db_path("both", "paper")
    Store.open(db_path("both", "firms/DEMO/accounts/alice-1")).close()
    with pytest.raises(ExportError, match="several accounts") as said:
        find_database("both", None)
    assert "paper" not in str(said.value)
