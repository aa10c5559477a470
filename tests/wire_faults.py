"""Faults on the wire between a desk's venue and the embedded exchange, for the tests of what
the desk does when HTTP goes wrong: a transport that passes every request on to the
exchange except those a test takes over, a way to put a venue's REST calls through one, and
the insert faults most of them need (refused at the door, or its answer lost)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

import httpx

from tui.sim.server import SimServer
from tui.venues.gateway.rest import INSERT_PATH
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.retail.venue import RetailVenue

RETAIL_INSERT_PATH = "/v1/orders"


class Interposer(httpx.AsyncBaseTransport):
    """Loopback HTTP to the exchange that passes every request on; a subclass takes over
    the ones its fault is about in handle_async_request and passes the rest to pass_on."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def pass_on(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.pass_on(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def reroute(venue: GatewayVenue | RetailVenue, sim: SimServer, transport: Interposer,
            timeout: float = 10.0) -> None:
    """Every REST call the venue makes from now on goes through `transport`."""
    old = venue.rest._http
    venue.rest._http = httpx.AsyncClient(base_url=sim.rest_url, timeout=timeout,
                                         transport=transport)
    if old is not None:
        asyncio.get_running_loop().create_task(old.aclose())


def is_insert(request: httpx.Request, venue: GatewayVenue | RetailVenue) -> bool:
    path = RETAIL_INSERT_PATH if isinstance(venue, RetailVenue) else INSERT_PATH
    return request.method == "POST" and request.url.path == path


class Faults(Interposer):
    """The next insert, when the test arms a fault: refused at the door (nothing sent,
    certainly), or delivered with its answer lost (`before` runs as it leaves; `deliver`:
    does it reach the exchange)."""

    def __init__(self, venue: GatewayVenue | RetailVenue) -> None:
        super().__init__()
        self.venue = venue
        self.fault = ""  # "", "refuse" or "lose"
        self.deliver = True
        self.before: Callable[[], Awaitable[None]] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.fault
        if not (fault and is_insert(request, self.venue)):
            return await self.pass_on(request)
        self.fault = ""
        if fault == "refuse":
            raise httpx.ConnectError("connection refused", request=request)
        if self.before is not None:
            await self.before()
        if self.deliver:
            response = await self.pass_on(request)
            await response.aread()
        raise httpx.ReadTimeout("the answer was lost", request=request)


def arm(venue: GatewayVenue | RetailVenue, sim: SimServer) -> Faults:
    """Every REST call of the venue through a Faults the test can arm."""
    armed = Faults(venue)
    reroute(venue, sim, armed)
    return armed


class LostAnswers(Interposer):
    """Every request reaches the exchange and is handled there; the answer to a share of
    them (seeded) is lost on the way back. `unreachable`: no request gets through at all."""

    def __init__(self, share: float, seed: int = 13) -> None:
        super().__init__()
        self.share = share
        self.rng = random.Random(seed)
        self.lost = 0  # answers lost so far
        self.unreachable = False
        self.insert_delay = 0.0  # seconds an insert takes to reach the exchange
        self.inserts = 0  # inserts that have left the desk

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.unreachable:
            raise httpx.ConnectError("connection refused", request=request)
        if request.method == "POST" and request.url.path in (INSERT_PATH, RETAIL_INSERT_PATH):
            self.inserts += 1
            await asyncio.sleep(self.insert_delay)  # the fault itself: a slow link
        response = await self.pass_on(request)
        if self.rng.random() >= self.share:
            return response
        await response.aread()  # handled at the exchange: only the answer is lost
        await response.aclose()
        self.lost += 1
        raise httpx.ReadTimeout("the answer was lost", request=request)


def lose_answers(venue: GatewayVenue | RetailVenue, sim: SimServer,
                 share: float) -> LostAnswers:
    """Every REST call of the venue through a LostAnswers losing `share` of the answers."""
    lossy = LostAnswers(share)
    reroute(venue, sim, lossy)
    return lossy
