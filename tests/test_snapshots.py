"""Snapshot tests: the desk at 80x24, 120x36, 160x48 and 220x50, from a fixed exchange seed.

snap_compare runs the app in an event loop of its own, so the embedded exchange runs in a
thread with its own loop. Its synthetic traders are stepped on a fixed timeline (not in
real time), the desk's own orders are placed at fixed prices, and once the desk holds
exactly the exchange's books, orders and positions, the clocks that data ages are drawn
against are frozen. Every run draws the same screen.

After a deliberate UI change: `pytest tests/test_snapshots.py --snapshot-update`, then
look at the new SVGs in tests/__snapshots__ before committing them.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
from textual.pilot import Pilot

from tests.conftest import eventually, streams_live
from tests.desk_kit import DEMO, place
from tui.core.enums import Side
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.flow import SyntheticFlow
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.themes import THEMES
from tui.ui.widgets.markets import MarketList
from tui.venues.gateway.venue import GatewayVenue

T = TypeVar("T")
WALL = 1_795_000_000.0  # the desk's frozen wall clock (trade times on the tape)
NOW = 10_000.0  # the frozen monotonic clock data ages are measured against
STEP = 0.05  # seconds of synthetic trading per flow step


class ExchangeThread:
    """A SimServer on its own event loop in a thread; calls run on that loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.server = SimServer(seed=7, flow=False, heartbeat=3600.0)
        self.flow = SyntheticFlow(self.server.exchange, 7)
        self.steps = 0
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> ExchangeThread:
        self._thread.start()
        self.run(self.server.start())
        return self

    def __exit__(self, *exc: object) -> None:
        self.run(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def run(self, coro: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(_wrap(coro), self.loop).result(30)

    def call(self, fn: Callable[[], T]) -> T:
        async def go() -> T:
            return fn()
        return self.run(go())

    def trade(self, steps: int) -> None:
        """Step the synthetic traders through ``steps`` more slices of a fixed timeline."""
        def go() -> None:
            for _ in range(steps):
                self.flow.step(1000.0 + self.steps * STEP)
                self.steps += 1
        self.call(go)

    def view(self) -> tuple[Any, ...]:
        """What the desk must end up holding: every book (10 deep), my orders and positions."""
        ex = self.server.exchange

        def go() -> tuple[Any, ...]:
            books = {s: ex.book(s, 10) for s in sorted(ex.instruments)}
            orders = sorted((o.order_id, o.leaves_qty) for o in ex.open_orders([DEMO[0]]))
            return books, orders
        return self.call(go)


async def _wrap(coro: Awaitable[T]) -> T:
    return await coro


def desk_view(app: PmdeskApp) -> tuple[Any, ...]:
    state = app.state
    books = {s: ([tuple(x) for x in b.bids], [tuple(x) for x in b.offers])
             for s, b in sorted(state.books.items())}
    orders = sorted((o.order_id, o.leaves_qty) for o in state.working_orders())
    return books, orders


def exchange_view_as_desk(view: tuple[Any, ...]) -> tuple[Any, ...]:
    books, orders = view
    return ({s: ([(px, q) for px, q in b[0]], [(px, q) for px, q in b[1]])
             for s, b in books.items()}, orders)


@pytest.fixture
def utc() -> Iterator[None]:
    """Trade times are local time: draw them in UTC on every machine."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def _desk(exchange: ExchangeThread) -> PmdeskApp:
    server = exchange.server
    venue = GatewayVenue(rest_url=server.rest_url, grpc_target=server.grpc_target,
                         username="demo", password=DEMO_PASSWORD, venue_name="demo")
    venue.state.clock = lambda: WALL
    return PmdeskApp(venue, title="pmdesk — snapshot")


def scene(exchange: ExchangeThread) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Load the desk, trade on the fixed timeline, place my orders, then freeze the clocks."""

    async def run_before(pilot: Pilot[None]) -> None:
        app: PmdeskApp = pilot.app  # type: ignore[assignment]
        state = app.state
        await eventually(lambda: streams_live(state, 4)
                         and len(state.books) == len(state.instruments) > 0
                         # the frame timer, not the streams, puts a market on the ladder
                         and app.symbol is not None and app.cursor_price is not None,
                         within=20, what="the desk to load")
        symbol = app.symbol
        assert symbol is not None
        inst = state.instruments[symbol]
        tick = inst.scales.tick

        def mine() -> None:
            sim = exchange.server
            bid, offer = sim.exchange.book(symbol, 1)
            best_bid, best_offer = bid[0][0], offer[0][0]
            q = inst.scales.qty_scale
            # a fill (a position to mark), one order joining the bid, one further down
            place(sim, DEMO, symbol, Side.BUY, best_offer, 10 * q)
            place(sim, DEMO, symbol, Side.BUY, best_bid, 5 * q)
            place(sim, DEMO, symbol, Side.BUY, best_bid - 3 * tick, 25 * q)

        exchange.call(mine)
        exchange.trade(120)
        await eventually(lambda: desk_view(app) == exchange_view_as_desk(exchange.view()),
                         within=20, what="the desk to hold the exchange's books and orders")
        await eventually(lambda: symbol in state.positions, within=20, what="the position")
        await pilot.pause()
        app.clock = lambda: NOW
        for stream in state.streams.values():
            stream.last_message_at, stream.since = NOW - 0.4, NOW - 60.0
        for book in state.books.values():
            book.received_at = NOW - 0.4
        app.ladder.recentre()
        app.desk_screen.frames.status_at = 0.0  # repaint the status bar on the frozen clock
        app.query_one(MarketList).update_quotes(list(state.instruments))  # not in 0.5 s
        app.frame()
        # the ticket's estimates are for the books on screen (not "… refreshing")
        await eventually(lambda: app.desk_screen.drawn is not None
                         and not app.desk_screen.drawn.refreshing,
                         within=20, what="the ticket's estimates")
        await pilot.pause(0.2)

    return run_before


SIZES = [(80, 24), (120, 36), (160, 48), (220, 50)]  # the sizes tests/test_layout_screen.py reads


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_desk_snapshot(size: tuple[int, int], snap_compare: Any, utc: None) -> None:
    with ExchangeThread() as exchange:
        exchange.trade(200)  # books and a session's trading before the desk connects
        app = _desk(exchange)
        assert snap_compare(app, terminal_size=size, run_before=scene(exchange))


@pytest.mark.parametrize("theme", [t.name for t in THEMES])
def test_desk_snapshot_in_each_theme(theme: str, snap_compare: Any, utc: None) -> None:
    """The desk at 120x36 in each of pmdesk's themes (tui/ui/themes.py), worn as T wears one:
    after the desk is up, so every widget draws again in it."""
    with ExchangeThread() as exchange:
        exchange.trade(200)
        app = _desk(exchange)
        load = scene(exchange)

        async def run_before(pilot: Pilot[None]) -> None:
            pilot.app.theme = theme
            await load(pilot)

        assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
