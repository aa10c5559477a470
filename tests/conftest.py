"""Fixtures: the real embedded exchange on loopback ports, and helpers to wait on it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import pytest

from tests.simkit import FakeClock, Recorder, make_exchange
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.exchange import Exchange
from tui.sim.server import SimServer
from tui.store import DATA_DIR_ENV
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.retail.venue import RetailVenue

DEMO_ACCOUNT = "firms/DEMO/accounts/demo-1"


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """No test (nor a desk it starts as a process) touches the user's own pmdesk database."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path_factory.mktemp("pmdesk-data")))


async def eventually(check: Callable[[], object], within: float = 10.0,
                     what: str = "condition") -> object:
    """Poll until check() is truthy; fail naming `what` after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {within:.0f} s waiting for {what}")
        await asyncio.sleep(0.02)


@pytest.fixture
def clock() -> FakeClock:
    """A clock the engine tests move by hand."""
    return FakeClock()


@pytest.fixture
def ex(clock: FakeClock) -> Exchange:
    """A bare matching engine (no sockets) with funded test accounts."""
    return make_exchange(clock)


@pytest.fixture
def rec(ex: Exchange) -> Recorder:
    """Every event the engine emits, in order."""
    return Recorder(ex)


@pytest.fixture
async def quiet_sim() -> AsyncIterator[SimServer]:
    """An exchange with no synthetic traders: every trade in it is the test's own."""
    server = SimServer(seed=7, flow=False, heartbeat=0.5)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def busy_sim() -> AsyncIterator[SimServer]:
    """An exchange with its synthetic market makers and takers running."""
    server = SimServer(seed=7, flow=True, heartbeat=0.5)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def make_venue(sim: SimServer, user: str = "demo") -> GatewayVenue:
    return GatewayVenue(rest_url=sim.rest_url, grpc_target=sim.grpc_target, username=user,
                        password=DEMO_PASSWORD, silence_timeout=5.0)


def make_retail_venue(sim: SimServer, *, stored: bool = False) -> RetailVenue:
    """The desk's retail venue on the same exchange, with the demo user's API key; `stored`:
    with the local database (profile "retail") under $PMDESK_DATA_DIR, as a desk keeps it."""
    from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
    from tui.store import Store, db_path

    return RetailVenue(rest_url=sim.rest_url, key_id=DEMO_RETAIL_KEY_ID,
                       secret=DEMO_RETAIL_SECRET, silence_timeout=5.0,
                       open_store=(lambda account: Store.open(db_path("retail", account)))
                       if stored else None)


@pytest.fixture(params=["gateway", "retail"])
def via(request: pytest.FixtureRequest) -> str:
    """Which protocol a desk test trades through: the same test runs through both."""
    return str(request.param)


@pytest.fixture
async def venue(quiet_sim: SimServer) -> AsyncIterator[GatewayVenue]:
    v = make_venue(quiet_sim)
    await v.start()
    await eventually(lambda: all(s.state.value == "live" for s in v.state.streams.values())
                     and len(v.state.streams) == 4, what="all four streams live")
    try:
        yield v
    finally:
        await v.stop()
