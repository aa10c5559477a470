"""`pmdesk demo` opens the desk while its exchange boots: the screen is up before the
exchange listens and shows no book until it does, then the live book; an exchange that
never starts closes the desk with one sentence."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import eventually
from tests.desk_kit import quote
from tests.pilot_kit import drawn
from tui.cli.demo import DemoError, Starting
from tui.core.venue import VenueUnavailableError
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.venues.gateway.venue import GatewayVenue


def _header(app: PmdeskApp) -> str:
    return " ".join(drawn(app.pane.header))


async def test_the_desk_opens_before_its_exchange_listens_and_shows_the_book_once_it_does(
        quiet_sim: SimServer) -> None:
    up = asyncio.Event()

    async def where() -> tuple[str, str]:  # as the demo's exchange, still booting
        await up.wait()
        return quiet_sim.rest_url, quiet_sim.grpc_target

    venue = GatewayVenue(rest_url="", grpc_target="", username="demo",
                         password=DEMO_PASSWORD, silence_timeout=5.0, where=where)
    app = PmdeskApp(venue)
    async with app.run_test(size=(120, 36)) as pilot:
        await eventually(lambda: app.pane.header.size.width > 0, what="the screen drawn")
        await pilot.pause(0.2)
        assert app.symbol is None and not app.state.books  # nothing shown as if live
        assert " / " not in _header(app)
        up.set()
        await eventually(lambda: app.symbol is not None, what="the markets, once it listens")
        scales = quiet_sim.exchange.instruments[app.symbol].scales
        bid, offer = 40 * scales.price_scale // 100, 45 * scales.price_scale // 100
        quote(quiet_sim, app.symbol, bid=bid, offer=offer, qty=100 * scales.qty_scale)
        shown = f"{scales.price_text(bid)} / {scales.price_text(offer)}"
        await eventually(lambda: shown in _header(app), what=f"{shown} in the header")


async def test_the_first_book_is_drawn_as_it_arrives_not_at_the_frame_timers_tick(
        quiet_sim: SimServer) -> None:
    shown = {}
    for symbol, instrument in quiet_sim.exchange.instruments.items():
        scales = instrument.scales
        bid, offer = 40 * scales.price_scale // 100, 45 * scales.price_scale // 100
        quote(quiet_sim, symbol, bid=bid, offer=offer, qty=100 * scales.qty_scale)
        shown[symbol] = f"{scales.price_text(bid)} / {scales.price_text(offer)}"
    up = asyncio.Event()

    async def where() -> tuple[str, str]:
        await up.wait()
        return quiet_sim.rest_url, quiet_sim.grpc_target

    venue = GatewayVenue(rest_url="", grpc_target="", username="demo",
                         password=DEMO_PASSWORD, silence_timeout=5.0, where=where)
    app = PmdeskApp(venue)
    async with app.run_test(size=(120, 36)):
        await eventually(lambda: app.pane.header.size.width > 0, what="the screen drawn")
        timers = [t for t in app.screen._timers if t.name == "frame"]
        assert len(timers) == 1
        timers[0].pause()  # only the first book's own frame can draw it now
        up.set()
        await eventually(lambda: app.symbol is not None and shown[app.symbol] in _header(app),
                         what="the first book in the header")


async def test_an_exchange_that_never_listens_closes_the_desk_in_one_sentence(
        capfd: pytest.CaptureFixture[str]) -> None:
    async def where() -> tuple[str, str]:
        raise VenueUnavailableError("pmdesk demo: The embedded exchange did not start: boom")

    venue = GatewayVenue(rest_url="", grpc_target="", username="demo",
                         password=DEMO_PASSWORD, where=where)
    app = PmdeskApp(venue)
    async with app.run_test(size=(120, 36)):
        await eventually(lambda: app.return_code is not None, what="the desk closing")
    assert app.return_code == 1
    said = capfd.readouterr().err.strip().splitlines()
    assert said[-1:] == ["pmdesk demo: The embedded exchange did not start: boom"], said


@pytest.fixture
def dying() -> Iterator[subprocess.Popen[bytes]]:
    """A demo exchange that ends before it listens, saying why on stderr."""
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit('no ports left')"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    yield child
    child.wait(5)
    for stream in (child.stdin, child.stdout, child.stderr):
        assert stream is not None
        stream.close()


@pytest.mark.parametrize("how", ["blocking", "on the loop"])
async def test_a_demo_exchange_that_dies_before_listening_is_said_in_its_own_words(
        how: str, dying: subprocess.Popen[bytes]) -> None:
    starting = Starting(dying)
    with pytest.raises(DemoError, match="did not start: no ports left"):
        if how == "blocking":
            starting.wait()
        else:
            await starting.ready()
