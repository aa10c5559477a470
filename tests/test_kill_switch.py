"""The kill switch through either venue: an insert still on its way when K is pressed
reaches the book after the exchange-wide sweep and its answer is lost. The kill switch must
not return with that order working at the exchange (journey 7)."""

from __future__ import annotations

import asyncio
import contextlib

import httpx

from tests.conftest import DEMO_ACCOUNT
from tests.desk_kit import cent_symbols
from tests.test_final_states_stored import _desk, _live
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.retail.api import slug_of
from tui.sim.server import SimServer
from tui.venues.gateway.rest import INSERT_PATH


class LateInsert(httpx.AsyncBaseTransport):
    """Loopback HTTP where the insert reaches the exchange `delay` seconds late and its
    answer is then lost (a read timeout)."""

    def __init__(self, insert_path: str, delay: float) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.insert_path = insert_path
        self.delay = delay

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == self.insert_path:
            await asyncio.sleep(self.delay)
            response = await self._inner.handle_async_request(request)
            await response.aread()
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_the_kill_switch_cancels_an_insert_that_lands_after_its_sweep(
        quiet_sim: SimServer, via: str) -> None:
    venue = _desk(quiet_sim, via)
    await _live(venue)
    try:
        symbol = cent_symbols(quiet_sim)[0]
        sym = slug_of(symbol) if via == "retail" else symbol
        old = venue.rest._http
        venue.rest._http = httpx.AsyncClient(
            base_url=quiet_sim.rest_url, timeout=10.0,
            transport=LateInsert("/v1/orders" if via == "retail" else INSERT_PATH, 0.5))
        if old is not None:
            await old.aclose()
        insert = asyncio.create_task(venue.submit(
            build_order(venue.state.instruments[sym], Intent.BUY_YES, 40, 5)))
        await asyncio.sleep(0.1)  # on its way: the exchange has not seen it yet
        assert not quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])
        await venue.kill_switch()
        assert quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]) == []
        with contextlib.suppress(VenueError):
            await insert
    finally:
        await venue.stop()
