"""Ladder benchmark: pmdesk's ladder against a stock DataTable, fed the same books.

1. The real desk (PmdeskApp + GatewayVenue, headless) on the embedded exchange, in-process, while
   a driver inserts, cancels and replaces resting orders on the ladder's market at --rate/s over
   2 x LEVELS levels (never crossing: no trades); the books the desk receives are recorded.
2. A stock DataTable ladder (bid / price / offer, a row per tick) fed those books on the same
   timeline; the same frame timer updates only the cells that changed.
Figure: main-thread CPU (time.thread_time) per painted frame = frame-timer pull + Textual paint
(Screen._on_timer_update / _compositor_refresh) + the terminal string headless mode skips.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import textual
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable

from tui.app import PmdeskApp
from tui.core.enums import Side
from tui.core.model import Book, Instrument
from tui.core.prices import Scales
from tui.core.state import DeskState
from tui.sim.exchange import Exchange
from tui.sim.model import BookChanged
from tui.sim.server import SimServer
from tui.venues.gateway.venue import GatewayVenue
from tui.widgets.ladder import Ladder

SIZE = (160, 48)
ACCOUNTS = [(f"firms/DEMO/accounts/bench-{n}", f"firms/DEMO/users/bench-{n}") for n in range(30)]
LEVELS = 20  # price levels used on each side of the middle
POOL = 300  # resting orders the driver keeps at most, spread over ACCOUNTS (the exchange's
# buying-power check walks one account's orders in a market: one account would dominate)
Stream = list[tuple[float, Book]]  # (seconds since the window opened, book as received)


@dataclass
class Meter:
    """Main-thread CPU of frame work, charged to the painted frame it led to."""

    on: bool = False
    depth: int = 0
    displayed: bool = False
    pending: float = 0.0  # pull/paint CPU not yet charged to a painted frame
    frames: list[float] = field(default_factory=list)  # CPU per painted frame, seconds
    widget: float = 0.0  # CPU inside the ladder widget's render_lines

    def reset(self) -> None:
        self.on, self.pending, self.frames, self.widget = True, 0.0, [], 0.0

    def span(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Time the outermost call; a span that displayed closes a frame."""
        def wrapper(*args: Any, **kw: Any) -> Any:
            outer, self.depth, start = self.depth == 0, self.depth + 1, time.thread_time()
            try:
                return fn(*args, **kw)
            finally:
                self.depth -= 1
                if outer and self.on:
                    self.pending += time.thread_time() - start
                    if self.displayed:
                        self.frames.append(self.pending)
                        self.pending, self.displayed = 0.0, False
        return wrapper

    def render(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kw: Any) -> Any:
            start = time.thread_time()
            lines = fn(*args, **kw)
            self.widget += time.thread_time() - start
            return lines
        return wrapper

    def display(self, fn: Callable[..., None]) -> Callable[..., None]:
        """App._display, plus building the terminal string that headless mode skips."""
        def wrapper(app: App[Any], screen: Screen[Any], renderable: Any) -> None:
            fn(app, screen, renderable)
            if self.on and renderable is not None and not app._batch_count:
                renderable.render_segments(app.console)  # a CompositorUpdate
                self.displayed = True
        return wrapper


METER = Meter()


class TableLadder(App[None]):
    """The stock alternative: one DataTable, cells updated from DeskState on a frame timer."""

    def __init__(self, state: DeskState, symbol: str, frame_hz: float) -> None:
        super().__init__()
        self.state, self.symbol, self.frame_hz = state, symbol, frame_hz
        self.scales: Scales = state.instruments[symbol].scales
        self.shown: dict[tuple[str, str], str] = {}  # (row key, column) -> text on screen
        self.centred = False  # scrolled to the inside once

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table, s = self.query_one(DataTable), self.scales
        for key, width in (("bid", 10), ("price", 8), ("offer", 10)):
            table.add_column(key, key=key, width=width)
        for price in range(s.max_price, s.min_price - 1, -s.tick):
            table.add_row("", s.price_text(price), "", key=str(price))
        table.focus()
        self.set_interval(1 / self.frame_hz, self.frame, name="frame")

    def frame(self) -> None:
        if self.symbol not in self.state.take_dirty_books():
            return
        table, s, book = self.query_one(DataTable), self.scales, self.state.books[self.symbol]
        now = {(str(price), "bid"): s.qty_text(qty) for price, qty in book.bids}
        now |= {(str(price), "offer"): s.qty_text(qty) for price, qty in book.offers}
        with self.batch_update():
            for cell in self.shown.keys() | now.keys():
                if self.shown.get(cell, "") != (text := now.get(cell, "")):
                    table.update_cell(*cell, text)
            if not self.centred and book.bids:
                self.centred = True
                row = (s.max_price - book.bids[0][0]) // s.tick
                table.move_cursor(row=row, animate=False)
                table.scroll_to(y=max(row - table.size.height // 2, 0), animate=False)
        self.shown = now


def install_hooks() -> None:
    """Class-level wrappers, installed before any app or timer exists (timers bind early)."""
    span, render = METER.span, METER.render
    for cls, name, wrap in ((PmdeskApp, "frame", span), (TableLadder, "frame", span),
                            (Screen, "_on_timer_update", span), (App, "_display", METER.display),
                            (Screen, "_compositor_refresh", span),
                            (Ladder, "render_lines", render), (DataTable, "render_lines", render)):
        setattr(cls, name, wrap(getattr(cls, name)))


@dataclass
class Result:
    name: str
    wall: float  # seconds
    cpu: float  # process CPU, all threads, seconds
    frames: list[float]  # main-thread CPU per painted frame, seconds
    widget: float  # render_lines CPU in total, seconds

    def row(self) -> str:
        fps = len(self.frames) / self.wall
        ms = sorted(f * 1000 for f in self.frames) or [0.0]
        pct = ms[min(len(ms) - 1, int(0.99 * len(ms)))]
        widget = self.widget * 1000 / max(len(self.frames), 1)
        return (f"{self.name:<28}{fps:>9.1f}{ms[len(ms) // 2]:>10.2f}{pct:>10.2f}"
                f"{widget:>12.2f}{100 * self.cpu / self.wall:>11.1f}")


async def until(check: Callable[[], object], what: str, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


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
            changes, opened = [0], time.monotonic()
            replace_book = app.state.replace_book

            def record(book: Book) -> None:
                if book.symbol == symbol:
                    stream.append((time.monotonic() - opened, book))
                replace_book(book)

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
        result = Result("pmdesk (whole desk)", wall, cpu, METER.frames, METER.widget)
        print(f"market {symbol}: {commands} exchange commands, {changes[0]} exchange book "
              f"changes ({changes[0] / wall:.0f}/s), {len(stream) - 1} book messages received "
              f"by the desk ({(len(stream) - 1) / wall:.0f}/s)")
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
        cpu0, opened = time.process_time(), time.monotonic()
        for offset, book in stream[1:]:  # the same books, on the same timeline
            delay = offset - (time.monotonic() - opened)
            if delay > 0:
                await asyncio.sleep(delay)
            state.replace_book(book)
        await asyncio.sleep(max(0.0, args.seconds - (time.monotonic() - opened)))
        wall, cpu = time.monotonic() - opened, time.process_time() - cpu0
        METER.on = False
    return Result("stock DataTable (replay)", wall, cpu, METER.frames, METER.widget)


async def main(args: argparse.Namespace) -> None:
    install_hooks()
    desk, stream, inst, symbol = await run_pmdesk(args)
    table = await run_table(args, stream, inst, symbol)
    s = inst.scales
    print(f"machine: {platform.machine()} {platform.processor() or '?'}, {os.cpu_count()} CPUs,"
          f" {platform.system()} {platform.release()}; Python {platform.python_version()};"
          f" Textual {textual.__version__}")
    print(f"feed: {args.rate} commands/s for {args.seconds:g} s over {2 * LEVELS} levels;"
          f" {SIZE[0]}x{SIZE[1]}; frame timer {args.frame_hz:g} Hz;"
          f" {(s.max_price - s.min_price) // s.tick + 1} price rows; {len(stream) - 1} books")
    print(f"{'':<28}{'frames/s':>9}{'p50 ms':>10}{'p99 ms':>10}{'widget ms':>12}"
          f"{'proc CPU%':>11}\n{desk.row()}\n{table.row()}")
    print("ms = main-thread CPU per painted frame (frame pull + Textual paint + terminal"
          " string); widget ms = mean render_lines CPU per painted frame")
    print(f"reproduce: .venv/bin/python bench/ladder_bench.py --rate {args.rate} "
          f"--seconds {args.seconds:g} --frame-hz {args.frame_hz:g} --seed {args.seed}")


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--rate", type=int, default=2000, help="exchange commands per second")
    cli.add_argument("--seconds", type=float, default=30.0, help="length of each phase")
    cli.add_argument("--frame-hz", type=float, default=20.0, help="both apps' frame timer")
    cli.add_argument("--seed", type=int, default=7, help="the driver's random seed")
    asyncio.run(main(cli.parse_args()))
