"""The ticket's words as a trader reads them: the preset keys that exist, a market order's
worst price, and lines that fit the panel at 80x24 and 160x48 without wrapping."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.conftest import DEMO_ACCOUNT, eventually, make_venue
from tests.desk_fakes import market
from tests.desk_kit import ALICE, cent_symbols, mine, quote, settled
from tests.pilot_kit import drawn, fake_desk, pilot_desk, show, ticket_parts, told
from tui.core.config import DeskConfig
from tui.core.enums import Side
from tui.core.limits import Limits
from tui.core.model import Estimate
from tui.core.ticket import OrderRequest
from tui.core.venue import VenueError
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.keymap import DeskKeys


@asynccontextmanager
async def desk(sim: SimServer, config: DeskConfig | None = None,
               size: tuple[int, int] = (160, 48)
               ) -> AsyncIterator[tuple[PmdeskApp, Pilot[None]]]:
    """A desk on a cent market quoted 0.40 / 0.45, the cursor on the bid."""
    symbol = cent_symbols(sim)[0]
    quote(sim, symbol)
    async with pilot_desk(make_venue(sim), config, size) as (app, pilot):
        await show(app, pilot, sim, symbol)
        await eventually(lambda: app.cursor_price == 40, what="the cursor on the bid")
        yield app, pilot


def _under(app: PmdeskApp, side: str) -> list[str]:
    """The lines under the ticket's buy or sell line: its estimate."""
    return [line.strip() for line in ticket_parts(app)[side][1:]]


def _estimated(app: PmdeskApp) -> bool:
    parts = ticket_parts(app)
    return all(any(mark in line for line in parts[side] for mark in "≈✕")
               for side in ("buy", "sell"))


# --- size presets ----------------------------------------------------------------------------

async def test_the_ticket_names_the_preset_keys_that_exist() -> None:
    async with fake_desk() as (app, pilot, _):  # the default config: five presets
        assert ticket_parts(app)["size"] == ["size 10  +/- 1-5"]
        await pilot.press("7")
        assert told(app, "No size preset 7: the config file's size_presets has 5.")
        assert app.order_size == 10
        await pilot.press("5")
        assert app.order_size == 100


def test_preset_keys_read_as_a_run_or_one_by_one() -> None:
    keys = DeskKeys()
    assert keys.run(f"preset_{n}" for n in range(1, 10)) == "1-9"
    assert keys.run(["preset_1"]) == "1"
    remapped = DeskKeys({"preset_2": "f2"})
    assert remapped.run(f"preset_{n}" for n in range(1, 4)) == "1 f2 3"


# --- a market order's worst price ------------------------------------------------------------

async def test_a_market_ticket_shows_the_worst_price_it_sends(quiet_sim: SimServer) -> None:
    async with desk(quiet_sim) as (app, pilot):
        await pilot.press("o")  # market: the offer 0.45 plus 3 ticks of slippage; bid less 3
        await pilot.pause()
        parts = ticket_parts(app)
        assert parts["buy"][0] == "b BUY YES market, worst 0.48"
        assert parts["sell"][0] == "s SELL YES market, worst 0.37"
        await pilot.press("t")
        await pilot.pause()
        assert ticket_parts(app)["buy"][0] == "b BUY NO at market, worst 0.63"
        await pilot.press("t", "b")
        await eventually(lambda: any(c.kind == "insert" and DEMO_ACCOUNT in str(c.params)
                                     for c in quiet_sim.exchange.order_log), what="sent")
        (sent,) = [c for c in quiet_sim.exchange.order_log
                   if c.kind == "insert" and DEMO_ACCOUNT in str(c.params)]
        assert (sent.params["side"], sent.params["price"]) == (Side.BUY, 48)


async def test_the_worst_price_follows_the_book() -> None:
    """Even while the venue's preview is slow to answer: the price is the desk's own."""
    async with fake_desk() as (app, pilot, venue):
        venue.hold_previews, venue.estimate = asyncio.Event(), VenueError("no preview today")
        try:
            await pilot.press("o")
            market(venue.state, bid=41, offer=43)  # a better offer arrives
            await eventually(lambda: ticket_parts(app)["buy"][0]
                             == "b BUY YES market, worst 0.46", what="the worst price moved")
        finally:
            venue.hold_previews.set()
        await settled(app)
        assert not venue.arrived.is_set()  # nothing was sent


async def test_after_the_book_moves_the_ticket_never_shows_the_old_estimate(
        quiet_sim: SimServer) -> None:
    """The lag: 's SELL YES 0.229 ≈ fills 10 @ 0.231' stayed for 1-2 s after the book had
    moved away. Now the line says it is refreshing until the estimate for the book on screen
    arrives (here held back, to see it)."""
    async with desk(quiet_sim) as (app, _):
        await eventually(lambda: "≈ fills 10 @ 0.40" in "\n".join(ticket_parts(app)["sell"]),
                         what="the sell's estimate against the 0.40 bid")
        held = asyncio.Event()
        preview = app.venue.preview

        async def slow_preview(request: OrderRequest) -> Estimate:
            await held.wait()
            return await preview(request)

        app.venue.preview = slow_preview  # type: ignore[method-assign]
        try:
            for o in quiet_sim.exchange.open_orders(accounts=[ALICE[0]]):
                quiet_sim.exchange.cancel_order(account=ALICE[0], order_id=o.order_id)
            quote(quiet_sim, str(app.symbol), bid=38, offer=39)  # the market falls away
            await eventually(lambda: app.state.books[str(app.symbol)].best_bid == 38,
                             what="the new book on the desk")
            await eventually(lambda: _under(app, "sell") == ["… refreshing"],
                             what="the sell's estimate marked as refreshing")
            assert "≈ fills" not in "\n".join(ticket_parts(app)["sell"])
        finally:
            held.set()
        await eventually(lambda: _under(app, "sell") == ["≈ rests, no fill now"],
                         what="the estimate for the book on screen")


# --- every line fits the panel -------------------------------------------------------------

async def assert_fits(app: PmdeskApp, what: object) -> None:
    """No ticket line wrapped, once the screen has drawn the ticket's latest words (under
    load a frame can lag the content it was given)."""
    with contextlib.suppress(pytest.fail.Exception):  # the assert below says what
        await eventually(lambda: not _unwrapped(app), within=3, what=f"{what} drawn")
    assert _unwrapped(app) == [], what


def _unwrapped(app: PmdeskApp) -> list[str]:
    """Ticket lines the screen had to wrap (the description is prose, left to wrap)."""
    wrapped = []
    for static in app.ticket.query(Static):
        if static.id == "ticket-description" or not static.size.area:
            continue
        meant = [line.rstrip() for line in str(static.content).split("\n")]
        if [line for line in drawn(static) if line.strip()] != [m for m in meant if m]:
            wrapped.append(str(static.content))
    return wrapped


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
async def test_the_tickets_lines_fit_without_wrapping(quiet_sim: SimServer,
                                                      size: tuple[int, int]) -> None:
    config = DeskConfig(limits=Limits(), size_presets=[Decimal(n) for n in range(1, 10)])
    async with desk(quiet_sim, config, size=size) as (app, pilot):
        width = app.ticket.content_region.width
        assert width == (21 if size[0] == 80 else 31)
        await eventually(lambda: _estimated(app), what="both estimates")
        await assert_fits(app, "the first ticket")
        symbol_lines = ticket_parts(app)["symbol"]
        assert "".join(symbol_lines) == app.symbol  # broken only after a hyphen
        assert all(line.endswith("-") for line in symbol_lines[:-1])
        for keys in (["t"], ["o"], ["p"], ["dollar_sign"], ["i", "i"], ["t", "o"]):
            await pilot.press(*keys)
            await eventually(lambda: _estimated(app), what=f"estimates after {keys}")
            await assert_fits(app, keys)
        await pilot.press("b")  # an order to pick up and move: the ticket's note
        await eventually(lambda: mine(quiet_sim), what="my order")
        await eventually(lambda: app.ladder.orders_at(app.cursor_price or 0)
                         and not app.ladder.orders_at(app.cursor_price or 0)[0].is_pending,
                         what="acknowledged")
        await pilot.press("m")
        await eventually(lambda: "m places, Esc drops" in "\n".join(
            ticket_parts(app)["position"]), what="the move note")
        await assert_fits(app, "the move note")
