"""The desk under Pilot (`app.run_test`), and what a trader reads on its screen: a desk live
on a venue at the embedded exchange or on a venue in memory, a market shown with the
exchange's book, the cursor put at a price, the ticket's lines as drawn (wrapped at the
panel's width), the footer's keys, the screen's rows and the notices shown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from tests.conftest import eventually, stream_count, streams_live
from tests.desk_fakes import MARKET, FakeVenue, market
from tui.core.config import DeskConfig
from tui.core.limits import Limits
from tui.core.state import DeskState
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.retail.venue import RetailVenue

# --- a desk under Pilot ------------------------------------------------------------------


def desk_live(app: PmdeskApp) -> bool:
    """The desk has its markets and every stream of its venue is live."""
    return app.instrument is not None and streams_live(app.state, stream_count(app.venue))


def book_is_current(state: DeskState, sim: SimServer, symbol: str) -> bool:
    """The desk's best bid and offer for `symbol` are the exchange's (none, if it has none)."""
    book = state.books.get(symbol)
    bid, offer = sim.exchange.best(symbol)
    if book is None:
        return bid is None and offer is None
    return (book.best_bid, book.best_offer) == (bid, offer)


@asynccontextmanager
async def pilot_desk(venue: GatewayVenue | RetailVenue, config: DeskConfig | None = None,
                     size: tuple[int, int] = (120, 36), **run: Any
                     ) -> AsyncIterator[tuple[PmdeskApp, Pilot[None]]]:
    """The app on `venue`, live; with no fat-finger limits unless `config` has some, and no
    repeat guard (tests of it make their own desk)."""
    app = PmdeskApp(venue, config=config or DeskConfig(limits=Limits()), repeat_guard=0)
    async with app.run_test(size=size, **run) as pilot:
        await eventually(lambda: desk_live(app), what="the desk live")
        yield app, pilot


@asynccontextmanager
async def fake_desk(config: DeskConfig | None = None, size: tuple[int, int] = (120, 36)
                    ) -> AsyncIterator[tuple[PmdeskApp, Pilot[None], FakeVenue]]:
    """The app on a venue in memory (tests/desk_fakes.py), for what the keys and the screen
    do with a desk rule where the wire is not the point: its cent market quoted 0.40 / 0.45
    on the ladder, the cursor on the bid. What the keys sent is venue.sent(); "nothing was
    sent" is venue.arrived not set once the keys are settled (desk_kit.settled)."""
    venue = FakeVenue()
    market(venue.state)
    app = PmdeskApp(venue, config=config or DeskConfig(limits=Limits()), repeat_guard=0)
    async with app.run_test(size=size) as pilot:
        app.show_market(MARKET)
        await eventually(lambda: app.cursor_price == 40, what="the cursor on the bid")
        await pilot.pause()
        yield app, pilot, venue


async def show(app: PmdeskApp, pilot: Pilot[None], sim: SimServer, symbol: str) -> None:
    """`symbol` on the ladder (put there directly, not by keys), with the exchange's book
    and a cursor."""
    app.show_market(symbol)
    await eventually(lambda: app.symbol == symbol and app.cursor_price is not None
                     and book_is_current(app.state, sim, symbol),
                     what=f"the exchange's book of {symbol} on the ladder")
    await pilot.pause()


async def step_to(app: PmdeskApp, pilot: Pilot[None], symbol: str) -> None:
    """`symbol` on the ladder, stepped to with ] as a trader would, with a book that has a
    bid and a cursor."""
    for _ in range(len(app.state.instruments)):
        if app.symbol == symbol:
            break
        await pilot.press("right_square_bracket")
    await eventually(lambda: app.symbol == symbol and app.cursor_price is not None
                     and app.state.books.get(symbol) is not None
                     and app.state.books[symbol].best_bid is not None,
                     what=f"{symbol} on the ladder")


async def cursor_to(app: PmdeskApp, pilot: Pilot[None], price: int) -> None:
    """The ladder's cursor to a YES price, put there directly: the cursor keys have tests
    of their own (tests/test_ladder_keys.py), and a walk of 30 key presses costs seconds."""
    app.ladder.set_cursor(price)
    await pilot.pause()
    assert app.cursor_price == price


# --- what the screen shows -----------------------------------------------------------------

def drawn(widget: Widget) -> list[str]:
    """The widget's lines as drawn at its size."""
    return [s.text.rstrip() for s in widget.render_lines(
        Region(0, 0, widget.size.width, widget.size.height))]


def screen_lines(app: App[None]) -> list[str]:
    """The screen as drawn, a string a row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def ticket_parts(app: PmdeskApp) -> dict[str, list[str]]:
    """Each ticket line ('buy', 'sell', 'size', ...) as the screen shows it, wrap and all."""
    parts = {}
    for static in app.ticket.query(Static):
        if static.id and static.display and static.size.area:
            parts[static.id.removeprefix("ticket-")] = [
                line for line in drawn(static) if line.strip()]
    return parts


def ticket_text(app: PmdeskApp) -> str:
    return "\n".join(line for lines in ticket_parts(app).values() for line in lines)


def footer(app: PmdeskApp) -> list[str]:
    """The footer's entries as drawn, e.g. ['b Buy', 's Sell', ...]."""
    return [" ".join(" ".join(drawn(key)).split()) for key in app.query(FooterKey)]


def told(app: PmdeskApp, words: str) -> bool:
    """A notice on screen says these words."""
    return any(words in str(n.message) for n in app._notifications)
