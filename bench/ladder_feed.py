"""Feed phase: the desk's market-data ingest fed --books updates/s, and the DataTable the same.

The exchange coalesces market data per subscriber, so the exchange phase never hands the desk
more books than its stream drains (about a dozen a second). Here the socket is skipped: a
synthetic market (BookWalk) makes one change per update, encoded as the embedded exchange
encodes it (tui.sim.wire.book_update_pb, BOOK_DEPTH levels a side, session statistics with
volume that rises on trades), serialized, and handed to the desk with the steps its
market-data worker takes per message (StreamWorker + Reports._on_market): parse,
touch_stream, convert.book, DeskState.replace_book. The desk keeps resting orders of its own
in the market, so queue estimates run on every update; trades in the statistics feed the tape
and the ladder's volume columns.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Sequence
from decimal import Decimal

from ladder_common import METER, SIZE, Result, TableLadder, until

from tui.core.enums import InstrumentState, Side
from tui.core.model import Book, Instrument
from tui.core.prices import Intent, Scales
from tui.core.state import DeskState, LinkState
from tui.core.ticket import OrderRequest, build_order
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.sim.exchange import Exchange
from tui.sim.server import SimServer
from tui.sim.wire import book_update_pb
from tui.ui.app import PmdeskApp
from tui.venues.base import ORDER_STREAM
from tui.venues.gateway import convert
from tui.venues.gateway.venue import BOOK_DEPTH, GatewayVenue

STREAM = "prices"  # the name of GatewayVenue's market-data worker
TRADES, IMPROVES = 0.10, 0.03  # shares of updates that are a trade / a new best price
# the desk's own resting orders: (intent, ticks beyond the opening best bid / best offer)
OWN_ORDERS = ((Intent.BUY_YES, -2), (Intent.BUY_YES, -5), (Intent.SELL_YES, 3),
              (Intent.SELL_YES, 6))
EPOCH = 1_795_000_000.0  # transact times start here (fixed, so the bytes are reproducible)
Response = md_pb.CreateMarketDataSubscriptionResponse


class BookWalk:
    """A synthetic market: sizes move, trades take from the top, the spread refills.

    Levels hold other traders' sizes; the desk's own resting orders (``mine``) are added to
    the size shown at their level, stand behind the others and are never traded (an
    emptied level with an order of ours stays). The mid wanders but is pulled back to where
    it started, so those orders stay inside the shown depth.
    """

    def __init__(self, symbol: str, scales: Scales, seed: int, depth: int = BOOK_DEPTH) -> None:
        self.symbol, self.s, self.rng, self.depth = symbol, scales, random.Random(seed), depth
        tick = scales.tick
        self.centre = (scales.min_price + scales.max_price) // 2 // tick * tick
        self.bids = [[self.centre - (i + 1) * tick, self.size()] for i in range(depth)]
        self.offers = [[self.centre + (i + 1) * tick, self.size()] for i in range(depth)]
        self.mine: dict[tuple[bool, int], int] = {}  # (is a bid, price) -> the desk's qty
        self.stats: dict[str, int | None] = {
            "open_px": self.centre, "last_trade_px": self.centre,
            "last_trade_qty": scales.qty_scale, "shares_traded": 50_000 * scales.qty_scale}
        self.trades = 0

    def size(self, most: int = 500) -> int:
        return self.rng.randint(1, most) * self.s.qty_scale

    def drift(self) -> float:
        """Ticks the mid stands above where it started."""
        return (self.bids[0][0] + self.offers[0][0] - 2 * self.centre) / 2 / self.s.tick

    def step(self) -> None:
        rng = self.rng
        roll, hit_bid = rng.random(), rng.random() < 0.5 + 0.05 * self.drift()
        if roll < TRADES and (self.bids if hit_bid else self.offers)[0][1]:
            self.trade(hit_bid=hit_bid)
        elif roll < TRADES + IMPROVES and self.offers[0][0] - self.bids[0][0] > self.s.tick:
            self.improve(bid=(self.drift() < 0) == (rng.random() < 0.75))
        else:
            levels = self.bids if rng.random() < 0.5 else self.offers
            levels[min(int(rng.expovariate(0.25)), len(levels) - 1)][1] = self.size()

    def trade(self, *, hit_bid: bool) -> None:
        """A sell hits the best bid or a buy lifts the best offer; an emptied level goes."""
        levels, away = (self.bids, -self.s.tick) if hit_bid else (self.offers, self.s.tick)
        price, others = levels[0]
        qty = min(others, self.size(50))
        merged = self.size(20) if self.rng.random() < 0.2 else 0  # another trade, merged
        levels[0][1] -= qty
        if not levels[0][1] and (hit_bid, price) not in self.mine:
            levels.pop(0)
            far = levels[-1][0] + away
            if self.s.min_price <= far <= self.s.max_price:
                levels.append([far, self.size()])
        volume = self.stats["shares_traded"] or 0
        self.stats |= {"last_trade_px": price, "last_trade_qty": qty,
                       "shares_traded": volume + qty + merged}
        self.trades += 1

    def improve(self, *, bid: bool) -> None:
        """A new best price inside the spread; the far end of that side drops off."""
        levels, step = (self.bids, self.s.tick) if bid else (self.offers, -self.s.tick)
        levels.insert(0, [levels[0][0] + step, self.size(100)])
        if len(levels) > self.depth:
            levels.pop()

    def shown(self, bid: bool) -> list[tuple[int, int]]:
        mine = self.mine
        return [(p, q + mine.get((bid, p), 0)) for p, q in (self.bids if bid else self.offers)]

    def updates(self, count: int, rate: int) -> list[bytes]:
        """``count`` market-data messages, one change apart, serialized as on the wire."""
        out: list[bytes] = []
        for n in range(count):
            if n:
                self.step()
            update = book_update_pb(self.symbol, InstrumentState.OPEN, self.shown(True),
                                    self.shown(False), self.stats, EPOCH + n / rate)
            out.append(Response(update=update).SerializeToString())
        return out


class Feeder:
    """Hands serialized messages to one DeskState as the venue's market-data worker does."""

    def __init__(self, state: DeskState) -> None:
        self.state = state
        self.decode = 0.0  # CPU for parse + touch_stream + convert.book, seconds
        self.ingest = 0.0  # CPU inside DeskState.replace_book, seconds
        self.last: Book | None = None

    def apply(self, raws: Sequence[bytes]) -> None:
        """One batch: decode it all, then replace the books (timed apart, once per batch)."""
        state, start = self.state, time.thread_time()
        books: list[Book] = []
        for raw in raws:
            msg = Response.FromString(raw)
            state.touch_stream(STREAM)
            books.append(convert.book(msg.update))
        mid = time.thread_time()
        for book in books:
            state.replace_book(book)
        self.decode += mid - start
        self.ingest += time.thread_time() - mid
        self.last = books[-1]

    async def run(self, updates: Sequence[bytes], rate: int, seconds: float) -> tuple[int, float]:
        """Feed updates[1:] on the wall clock, update n due n / rate s after the start; each
        event-loop turn takes what is due, at most 100 ms' worth. Returns (fed, seconds)."""
        self.decode = self.ingest = 0.0
        start, done, total, burst = time.monotonic(), 0, len(updates) - 1, max(rate // 10, 1)
        while (elapsed := time.monotonic() - start) < seconds:
            due = min(int(elapsed * rate), done + burst, total)
            if due > done:
                self.apply(updates[1 + done:1 + due])
                done = due
            await asyncio.sleep(0.001)
        return done, time.monotonic() - start


def mirror(ex: Exchange, walk: BookWalk) -> None:
    """Rest the feed's opening book at the exchange too, as another trader's orders: the
    exchange's own book messages before the window then agree with the feed, and the desk's
    queue estimates start from the sizes the feed shows."""
    account, participant = "firms/DEMO/accounts/bench-book", "firms/DEMO/users/bench-book"
    ex.add_account(account, participant, Decimal("1000000"), history=False)
    for side, levels in ((Side.BUY, walk.bids), (Side.SELL, walk.offers)):
        for price, qty in levels:
            ex.insert_order(account=account, participant=participant, symbol=walk.symbol,
                            side=side, price=price, order_qty=qty)


def own_orders(inst: Instrument, walk: BookWalk) -> list[OrderRequest]:
    """The desk's resting orders inside the opening book, two bids and two offers; the walk
    shows them in its levels from here on."""
    tick, qty = inst.scales.tick, 10 * inst.scales.qty_scale
    requests: list[OrderRequest] = []
    for intent, ticks in OWN_ORDERS:
        bid = intent is Intent.BUY_YES
        price = (walk.bids if bid else walk.offers)[0][0] + ticks * tick
        walk.mine[(bid, price)] = walk.mine.get((bid, price), 0) + qty
        requests.append(build_order(inst, intent, price, qty))
    return requests


async def run_desk_feed(args: argparse.Namespace) -> tuple[Result, list[bytes], Instrument]:
    server = SimServer(flow=False, heartbeat=1.0)
    await server.start()
    try:
        venue = GatewayVenue(rest_url=server.rest_url, grpc_target=server.grpc_target,
                             username="demo", password="demo")
        app = PmdeskApp(venue, frame_hz=args.frame_hz)
        async with app.run_test(size=SIZE):
            await until(lambda: app.instrument is not None, "the ladder's first market")
            inst, symbol, state = app.instrument, app.symbol, app.state
            assert inst is not None and symbol is not None
            walk = BookWalk(symbol, inst.scales, args.seed)
            mirror(server.exchange, walk)
            requests = own_orders(inst, walk)
            # off the event loop, so the desk's streams keep flowing meanwhile (seconds of work)
            updates = await asyncio.to_thread(walk.updates, int(args.books * args.seconds) + 1,
                                              args.books)
            feeder = Feeder(state)
            feeder.apply(updates[:1])
            await until(lambda: app.ladder.symbol == symbol, "the book on the ladder")
            await until(lambda: ORDER_STREAM in state.streams and state.streams[
                ORDER_STREAM].state is LinkState.LIVE, "the order stream")
            for request in requests:
                await venue.submit(request)
            placed = len(requests)
            await until(lambda: len(state.working_orders(symbol)) == placed
                        and all(o.order_id for o in state.working_orders(symbol)),
                        "the desk's resting orders")
            await asyncio.sleep(0.5)  # the exchange's own book message (the same levels) in
            feeder.apply(updates[:1])  # the feed's opening book again: the tape's baseline
            await asyncio.sleep(1.0)  # settle: paint, layout, status
            trades0 = state.trades_version
            METER.reset()
            cpu0 = time.process_time()
            fed, wall = await feeder.run(updates, args.books, args.seconds)
            cpu = time.process_time() - cpu0
            METER.on = False
            estimates = sum(state.queue.ahead(o.order_id) is not None
                            for o in state.working_orders(symbol))
            if state.books[symbol] is not feeder.last:
                print("warning: a book from the exchange replaced the fed one in the window")
            trades = state.trades_version - trades0
        print(f"market {symbol}, feed phase: {fed} book updates in {wall:.1f} s "
              f"({fed / wall:.0f}/s, {args.books}/s asked), {trades} trades derived, queue "
              f"estimates for {estimates} of {placed} resting orders; before replace_book, "
              f"parse + touch_stream + convert.book {feeder.decode * 1e6 / max(fed, 1):.1f} "
              "µs/update")
        return (Result(f"pmdesk, {args.books}/s fed", wall, cpu, METER.frames, METER.widget,
                       fed, feeder.ingest), updates, inst)
    finally:
        await server.stop()


async def run_table_feed(args: argparse.Namespace, updates: list[bytes],
                         inst: Instrument) -> Result:
    state = DeskState()
    state.set_instruments([inst])
    feeder = Feeder(state)
    feeder.apply(updates[:1])
    app = TableLadder(state, inst.symbol, args.frame_hz)
    async with app.run_test(size=SIZE):
        await asyncio.sleep(1.0)  # settle: rows added, first paint, centred
        METER.reset()
        cpu0 = time.process_time()
        fed, wall = await feeder.run(updates, args.books, args.seconds)
        cpu = time.process_time() - cpu0
        METER.on = False
    return Result(f"stock DataTable, {args.books}/s", wall, cpu, METER.frames, METER.widget,
                  fed, feeder.ingest)
