"""The books on screen over REST while the gateway's price stream is down (GetOrderBook at
the embedded exchange): a change at the exchange reaches the desk's book, the trader is told
once, the stream's link stays down (the ladder stays marked stale), and nothing is read once
the stream is live again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from tests.conftest import eventually, live, make_venue
from tests.desk_kit import quote
from tests.faults.proxy import TcpProxy
from tui.core.model import Instrument
from tui.core.prices import Scales
from tui.core.state import DeskState, LinkState
from tui.proto.polymarket.v1 import orderbook_pb2 as ob_pb
from tui.sim.server import SimServer
from tui.venues.gateway.book_poll import (
    BACK_WORDS,
    BOOK_LIMIT,
    DOWN_WORDS,
    POLL_DEPTH,
    POLLED_MAX,
    PRICES,
    BookPoller,
)
from tui.venues.gateway.rest import GatewayRest
from tui.venues.gateway.venue import GatewayVenue

SYM = "AEC-NFL-KC-BUF-2026-11-29"  # price_scale 100, whole contracts


class Reads:
    """Every GetOrderBook the desk sent: the market, and whether the stream was live then."""

    def __init__(self, venue: GatewayVenue) -> None:
        self.asked: list[tuple[str, bool]] = []
        self._venue = venue
        self._real = venue.rest.order_book
        venue.rest.order_book = self._read  # type: ignore[method-assign]

    async def _read(self, symbol: str, depth: int) -> ob_pb.GetOrderBookResponse:
        link = self._venue.state.streams.get(PRICES)
        self.asked.append((symbol, link is not None and link.state is LinkState.LIVE))
        return await self._real(symbol, depth)

    def while_live(self) -> list[str]:
        return [symbol for symbol, was_live in self.asked if was_live]


def said(venue: GatewayVenue, words: str) -> int:
    return sum(n.text == words for n in venue.state.notices)


def prices_live(venue: GatewayVenue) -> bool:
    link = venue.state.streams.get(PRICES)
    return link is not None and link.state is LinkState.LIVE


def quoted(venue: GatewayVenue, bid: int, offer: int) -> bool:
    book = venue.state.books.get(SYM)
    return book is not None and book.best_bid == bid and book.best_offer == offer


@pytest.fixture
async def venue(quiet_sim: SimServer) -> AsyncIterator[GatewayVenue]:
    async with live(make_venue(quiet_sim)) as v:
        yield v


async def test_a_book_change_reaches_the_desk_over_rest_while_the_stream_is_down(
        quiet_sim: SimServer, venue: GatewayVenue) -> None:
    reads = Reads(venue)
    venue.state.watched = (SYM,)  # as the UI says: this market's ladder is on screen
    prices = venue._workers[0]
    await prices.stop()  # the outage: the market-data stream gone, REST still up
    await eventually(lambda: said(venue, DOWN_WORDS), within=5.0, what="the notice")

    quote(quiet_sim, SYM, bid=40, offer=45)  # at the exchange, seen by no stream
    changed = time.monotonic()
    await eventually(lambda: quoted(venue, 40, 45), within=2.5, what="the REST book")
    assert time.monotonic() - changed < 2.5
    book = venue.state.books[SYM]
    assert len(book.bids) <= POLL_DEPTH and book.transact_ns is not None
    assert time.monotonic() - book.received_at < 2.0  # its age: how fresh the read is
    # the link still says down: the ladder stays marked stale, the book is not the stream's
    assert venue.state.streams[PRICES].state is not LinkState.LIVE
    assert {symbol for symbol, _ in reads.asked} == {SYM}

    quote(quiet_sim, SYM, bid=41, offer=44)  # inside: the new best on each side
    await eventually(lambda: quoted(venue, 41, 44), within=2.5, what="the next REST book")
    assert said(venue, DOWN_WORDS) == 1  # once, however many reads

    prices.start()
    await eventually(lambda: prices_live(venue), what="the stream back")
    await eventually(lambda: said(venue, BACK_WORDS), within=2.0, what="the back notice")
    asked = len(reads.asked)
    await asyncio.sleep(2.5)  # more than two rounds' worth
    assert len(reads.asked) == asked  # no read once the stream is live
    assert reads.while_live() == []
    assert said(venue, DOWN_WORDS) == 1 and said(venue, BACK_WORDS) == 1

    quote(quiet_sim, SYM, bid=42, offer=43)  # the stream carries the books again
    await eventually(lambda: quoted(venue, 42, 43), within=2.0, what="the stream's book")
    assert len(reads.asked) == asked


async def test_nothing_is_read_while_the_stream_is_live(venue: GatewayVenue) -> None:
    reads = Reads(venue)
    venue.state.watched = (SYM,)
    await asyncio.sleep(3.0)  # longer than an outage must last before any read
    assert reads.asked == [] and venue.book_poller.reads == 0
    assert not any(n.text in (DOWN_WORDS, BACK_WORDS) for n in venue.state.notices)


async def test_a_grpc_outage_reads_the_books_over_rest_until_it_ends(
        quiet_sim: SimServer) -> None:
    """The whole gRPC link cut (every stream down), REST untouched: the first listed
    markets are read when nothing is on screen, and the reads end with the outage."""
    proxy = TcpProxy((quiet_sim.host, quiet_sim.grpc_port))
    await proxy.start()
    venue = make_venue(quiet_sim)
    venue.grpc_target = f"{proxy.host}:{proxy.port}"  # gRPC through the proxy, REST not
    try:
        async with live(venue):
            reads = Reads(venue)
            first = list(venue.state.instruments)[:POLLED_MAX]
            outage = asyncio.create_task(proxy.outage(6.0))
            await eventually(lambda: said(venue, DOWN_WORDS), within=5.0, what="the notice")
            symbol = first[0]
            scale = venue.state.instruments[symbol].scales.price_scale
            bid, offer = scale * 40 // 100, scale * 45 // 100
            quote(quiet_sim, symbol, bid=bid, offer=offer)
            await eventually(lambda: (b := venue.state.books.get(symbol)) is not None
                             and b.best_bid == bid and b.best_offer == offer,
                             within=2.5, what="the REST book")
            assert {s for s, _ in reads.asked} <= set(first)
            await outage
            await eventually(lambda: prices_live(venue), within=30.0, what="gRPC back")
            await eventually(lambda: said(venue, BACK_WORDS), within=2.0, what="back")
            asked = len(reads.asked)
            await asyncio.sleep(2.0)
            assert len(reads.asked) == asked and reads.while_live() == []
    finally:
        await proxy.stop()


def test_the_markets_read_are_those_on_screen_else_the_first_listed() -> None:
    state = DeskState()
    scales = Scales.from_refdata(price_scale=100, tick_size="0.01")
    state.set_instruments([Instrument(f"M{i}", f"market {i}", scales) for i in range(6)])
    poller = BookPoller(state, GatewayRest("http://127.0.0.1:1"), lambda update: None)
    assert poller.markets() == ["M0", "M1", "M2"]  # nothing on screen: a few, not all
    state.watched = ("M4", "GONE", "M4", "M1")  # unlisted and repeated names left out
    assert poller.markets() == ["M4", "M1"]
    state.watched = ("M5", "M4", "M3", "M2", "M1")
    assert len(poller.markets()) == POLLED_MAX


async def test_a_read_waiting_on_the_exchanges_limit_is_dropped_when_the_stream_returns(
        ) -> None:
    state = DeskState()
    state.set_link(PRICES, LinkState.DOWN)
    rest = GatewayRest("http://127.0.0.1:1")
    assert rest.limiter is not None
    bucket = rest.limiter.bucket_named(BOOK_LIMIT)
    assert bucket is not None
    bucket.drain()  # the firm's 12 reads a minute spent: the next is seconds away
    poller = BookPoller(state, rest, lambda update: None, every=0.05)
    waiting = asyncio.create_task(poller._paced())
    await asyncio.sleep(0.2)
    assert not waiting.done()
    state.set_link(PRICES, LinkState.LIVE)
    assert await asyncio.wait_for(waiting, 1.0) is False  # at once, not when a read is due
