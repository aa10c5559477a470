"""Ladder benchmark: pmdesk's ladder against a stock DataTable, fed the same books.

Exchange phase:
1. The real desk (PmdeskApp + GatewayVenue, headless) on the embedded exchange, in-process, while
   a driver inserts, cancels and replaces resting orders on the ladder's market at --rate/s over
   2 x LEVELS levels (never crossing: no trades); the books the desk receives are recorded. The
   exchange coalesces market data per subscriber: the desk receives far fewer books than changes.
2. A stock DataTable ladder (bid / price / offer, a row per tick) fed those books on the same
   timeline; the same frame timer updates only the cells that changed.
Feed phase (ladder_feed.py):
3. The real desk again, on a fresh exchange, with resting orders of its own in the ladder's
   market; its market-data ingest is handed --books synthetic book updates a second, in-process,
   through the steps of its market-data worker (parse, convert.book, DeskState.replace_book).
4. The stock DataTable ladder fed the same updates on the same timeline.
Figures: main-thread CPU per painted frame (see ladder_common.py) and CPU per book update inside
DeskState.replace_book (tape, queue estimates, dirty marking).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from decimal import Decimal

from ladder_common import METER, SIZE, Result, TableLadder, install_hooks, machine, until
from ladder_feed import run_desk_feed, run_table_feed

from tui.core.enums import Side
from tui.core.model import Book, Instrument
from tui.core.prices import Scales
from tui.core.state import DeskState
from tui.sim.exchange import Exchange
from tui.sim.model import BookChanged
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.venues.gateway.venue import BOOK_DEPTH, GatewayVenue

ACCOUNTS = [(f"firms/DEMO/accounts/bench-{n}", f"firms/DEMO/users/bench-{n}") for n in range(30)]
LEVELS = 20  # price levels used on each side of the middle
POOL = 300  # resting orders the driver keeps at most, spread over ACCOUNTS (the exchange's
# buying-power check walks one account's orders in a market: one account would dominate)
Stream = list[tuple[float, Book]]  # (seconds since the window opened, book as received)


class Driver:
    """Inserts, cancels and replaces resting orders over 2 x LEVELS levels; never crosses."""

    def __init__(self, ex: Exchange, symbol: str, scales: Scales, seed: int) -> None:
        self.ex, self.symbol, self.s, self.rng = ex, symbol, scales, random.Random(seed)
        self.mid = (scales.min_price + scales.max_price) // 2 // scales.tick * scales.tick
        self.live: list[tuple[str, str]] = []  # our resting orders: (account, clord id)
        self.serial = 0

    def price(self, side: Side) -> int:
        offset = self.rng.randint(1, LEVELS) * self.s.tick
        return self.mid - offset if side is Side.BUY else self.mid + offset

    def qty(self) -> int:  # whole contracts, raw units
        return self.rng.randint(1, 200) * self.s.qty_scale

    def step(self) -> None:
        rng, live = self.rng, self.live
        if len(live) < POOL // 2 or (len(live) < POOL and rng.random() < 0.4):
            side, (account, participant) = rng.choice((Side.BUY, Side.SELL)), rng.choice(ACCOUNTS)
            self.serial += 1
            live.append((account, f"bench-{self.serial}"))
            self.ex.insert_order(account=account, participant=participant, symbol=self.symbol,
                                 side=side, price=self.price(side), order_qty=self.qty(),
                                 clord_id=live[-1][1])
        elif rng.random() < 0.5:
            index = rng.randrange(len(live))
            live[index], live[-1] = live[-1], live[index]
            account, clord_id = live.pop()
            self.ex.cancel_order(account=account, clord_id=clord_id)
        else:
            account, clord_id = rng.choice(live)
            order = self.ex.order_by_clord(account, clord_id)
            if order is not None:  # the clord id follows the order through replaces
                self.ex.replace_order(account=account, order_id=order.order_id, clord_id="",
                                      price=self.price(order.side), order_qty=self.qty())

    async def run(self, rate: int, seconds: float) -> int:
        start, done = time.monotonic(), 0
        while (elapsed := time.monotonic() - start) < seconds:
            due = min(int(elapsed * rate), done + max(rate // 10, 1))  # bursts <= 100 ms' worth
            for _ in range(due - done):
                self.step()
            done = max(done, due)
            await asyncio.sleep(0.001)
        return done


async def run_pmdesk(args: argparse.Namespace) -> tuple[Result, Stream, Instrument, str]:
    server = SimServer(flow=False, heartbeat=1.0)
    await server.start()
    try:
        ex = server.exchange
        for account, participant in ACCOUNTS:
            ex.add_account(account, participant, Decimal("1000000"), history=False)
        venue = GatewayVenue(rest_url=server.rest_url, grpc_target=server.grpc_target,
                             username="demo", password="demo")
        app = PmdeskApp(venue, frame_hz=args.frame_hz)
        async with app.run_test(size=SIZE):
            await until(lambda: app.instrument is not None, "the ladder's first market")
            inst = app.instrument
            assert inst is not None and app.symbol is not None
            symbol = app.symbol
            driver = Driver(ex, symbol, ex.instruments[symbol].scales, args.seed)
            for _ in range(POOL // 2):  # a resting book before the window opens
                driver.step()
            await until(lambda: symbol in app.state.books and app.ladder.symbol == symbol,
                        "the book on the ladder")
            await asyncio.sleep(1.0)  # settle: first paint, layout, status
            stream: Stream = []
            changes, ingest, opened = [0], [0.0], time.monotonic()
            replace_book = app.state.replace_book

            def record(book: Book) -> None:
                if book.symbol != symbol:
                    replace_book(book)
                    return
                stream.append((time.monotonic() - opened, book))
                start = time.thread_time()  # includes one clock read (~0.5 µs)
                replace_book(book)
                ingest[0] += time.thread_time() - start

            def count(event: object) -> None:
                if isinstance(event, BookChanged) and event.symbol == symbol:
                    changes[0] += 1

            app.state.replace_book = record  # type: ignore[method-assign]
            ex.add_listener(count)
            METER.reset()
            cpu0, opened = time.process_time(), time.monotonic()
            stream.append((0.0, app.state.books[symbol]))  # the book as the window opens
            commands = await driver.run(args.rate, args.seconds)
            wall, cpu = time.monotonic() - opened, time.process_time() - cpu0
            METER.on = False
            ex.remove_listener(count)
            app.state.replace_book = replace_book  # type: ignore[method-assign]
        result = Result("pmdesk, via exchange", wall, cpu, METER.frames, METER.widget,
                        len(stream) - 1, ingest[0])
        print(f"market {symbol}, exchange phase: {commands} exchange commands, {changes[0]} "
              f"exchange book changes ({changes[0] / wall:.0f}/s), {len(stream) - 1} book "
              f"messages received by the desk ({(len(stream) - 1) / wall:.0f}/s)")
        return result, stream, inst, symbol
    finally:
        await server.stop()


async def run_table(args: argparse.Namespace, stream: Stream, inst: Instrument,
                    symbol: str) -> Result:
    state = DeskState()
    state.set_instruments([inst])
    state.replace_book(stream[0][1])
    app = TableLadder(state, symbol, args.frame_hz)
    async with app.run_test(size=SIZE):
        await asyncio.sleep(1.0)  # settle: rows added, first paint, centred
        METER.reset()
        cpu0, opened, ingest = time.process_time(), time.monotonic(), 0.0
        for offset, book in stream[1:]:  # the same books, on the same timeline
            delay = offset - (time.monotonic() - opened)
            if delay > 0:
                await asyncio.sleep(delay)
            start = time.thread_time()
            state.replace_book(book)
            ingest += time.thread_time() - start
        await asyncio.sleep(max(0.0, args.seconds - (time.monotonic() - opened)))
        wall, cpu = time.monotonic() - opened, time.process_time() - cpu0
        METER.on = False
    return Result("stock DataTable, replayed", wall, cpu, METER.frames, METER.widget,
                  len(stream) - 1, ingest)


async def main(args: argparse.Namespace) -> None:
    install_hooks()
    rows: list[Result] = []
    lines: list[str] = []
    if args.phase in ("both", "exchange"):
        desk, stream, inst, symbol = await run_pmdesk(args)
        rows += [desk, await run_table(args, stream, inst, symbol)]
        s = inst.scales
        lines.append(f"exchange phase: {args.rate} commands/s for {args.seconds:g} s over "
                     f"{2 * LEVELS} levels; {(s.max_price - s.min_price) // s.tick + 1} price "
                     f"rows; {len(stream) - 1} books reached the desk")
    if args.phase in ("both", "feed"):
        desk, updates, inst = await run_desk_feed(args)
        rows += [desk, await run_table_feed(args, updates, inst)]
        lines.append(f"feed phase: {args.books} book updates/s asked for {args.seconds:g} s, "
                     f"{BOOK_DEPTH} levels a side, ~10% of updates a trade; the desk rests 4 "
                     "orders in the market")
    print(machine())
    print(f"screen {SIZE[0]}x{SIZE[1]}; frame timer {args.frame_hz:g} Hz")
    print("\n".join(lines))
    print(Result.HEADER)
    print("\n".join(row.row() for row in rows))
    print("books/s = book updates that reached DeskState.replace_book per second; ms = main-"
          "thread CPU per painted frame (frame pull + Textual paint + terminal string); widget "
          "ms = mean render_lines CPU per painted frame; ingest µs = mean CPU per book update "
          "inside DeskState.replace_book (the DataTable's state has no orders: no queue "
          "estimates)")
    print(f"reproduce: .venv/bin/python bench/ladder_bench.py --rate {args.rate} "
          f"--books {args.books} --seconds {args.seconds:g} --frame-hz {args.frame_hz:g} "
          f"--seed {args.seed}" + (f" --phase {args.phase}" if args.phase != "both" else ""))


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--rate", type=int, default=2000, help="exchange commands per second")
    cli.add_argument("--books", type=int, default=2000,
                     help="book updates per second fed to the desk in the feed phase")
    cli.add_argument("--seconds", type=float, default=30.0, help="length of each window")
    cli.add_argument("--frame-hz", type=float, default=20.0, help="both apps' frame timer")
    cli.add_argument("--seed", type=int, default=7, help="the driver's and the feed's seed")
    cli.add_argument("--phase", choices=("both", "exchange", "feed"), default="both")
    asyncio.run(main(cli.parse_args()))
