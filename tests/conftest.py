"""Fixtures: the real embedded exchange on loopback ports, and helpers to wait on it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import pytest

from tests.fake_clock import FakeClock
from tests.simkit import Recorder, make_exchange
from tests.specs import GATEWAY_SPEC, Spec, parse_spec
from tui.core.state import DeskState, LinkState
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.clob.api import DEMO_CLOB_KEY
from tui.sim.exchange import Exchange
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
from tui.sim.server import SimServer
from tui.store import DATA_DIR_ENV, Store, db_path
from tui.ui.gc_settle import unsettle_gc
from tui.venues.clob.venue import ClobVenue
from tui.venues.gateway.rest import GatewayRest
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.retail.venue import RetailVenue

DEMO_ACCOUNT = "firms/DEMO/accounts/demo-1"
V = TypeVar("V", GatewayVenue, RetailVenue)


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """No test (nor a desk it starts as a process) touches the user's own pmdesk database,
    nor reads the user's own profiles (the palette lists them)."""
    private = tmp_path_factory.mktemp("pmdesk-data")
    monkeypatch.setenv(DATA_DIR_ENV, str(private))
    monkeypatch.setenv("PMDESK_PROFILES", str(private / "profiles.toml"))


@pytest.fixture(autouse=True)
def _collector_given_back() -> Iterator[None]:
    """A desk settles the garbage collector (off, its own timer collecting) and gives it
    back when it unmounts; one a test left mounted must not leave it off for the rest."""
    yield
    unsettle_gc()


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


def holds_within(check: Callable[[], object], seconds: float) -> bool:
    """Poll check() until it is truthy (True) or `seconds` have passed (False): eventually
    for a test with no event loop, e.g. one watching another process end."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.fixture(scope="session")
def spec() -> Spec:
    """The gateway spec's tables (docs/spec/exchange-gateway.md), read once."""
    return parse_spec(GATEWAY_SPEC.read_text(encoding="utf-8"))


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


def _opener(profile: str | None) -> Callable[[str], Store] | None:
    """The local database under $PMDESK_DATA_DIR kept as `profile`'s, as a desk keeps it."""
    if profile is None:
        return None
    return lambda account: Store.open(db_path(profile, account))


async def logged_in(sim: SimServer, user: str = "demo") -> GatewayRest:
    """A gateway REST client of its own, logged in as `user`, its participant set."""
    rest = GatewayRest(sim.rest_url)
    await rest.login(user, DEMO_PASSWORD)
    rest.participant_id = (await rest.whoami()).user
    return rest


def make_venue(sim: SimServer, user: str = "demo", *, profile: str | None = None,
               **kw: Any) -> GatewayVenue:
    """The desk's gateway venue on the exchange as `user`; `profile`: with its database."""
    return GatewayVenue(rest_url=sim.rest_url, grpc_target=sim.grpc_target, username=user,
                        password=DEMO_PASSWORD, open_store=_opener(profile),
                        **({"silence_timeout": 5.0} | kw))


def make_retail_venue(sim: SimServer, *, profile: str | None = None) -> RetailVenue:
    """The desk's retail venue on the same exchange, with the demo user's API key;
    `profile`: with its database."""
    return RetailVenue(rest_url=sim.rest_url, key_id=DEMO_RETAIL_KEY_ID,
                       secret=DEMO_RETAIL_SECRET, silence_timeout=5.0,
                       open_store=_opener(profile))


def make_clob_venue(sim: SimServer, *, profile: str | None = None) -> ClobVenue:
    """The desk's global CLOB venue on the same exchange, with its funded demo wallet;
    `profile`: with its database."""
    return ClobVenue(rest_url=sim.rest_url, private_key=DEMO_CLOB_KEY,
                     open_store=_opener(profile))


def venue_via(sim: SimServer, via: str, *, profile: str | None = None
              ) -> GatewayVenue | RetailVenue:
    """The desk's venue through the gateway's protocol or the retail API's (see `via`)."""
    if via == "retail":
        return make_retail_venue(sim, profile=profile)
    return make_venue(sim, profile=profile)


def stream_count(venue: object) -> int:
    """How many streams the venue keeps: the gateway's four gRPC streams (prices, orders,
    positions, drop copy), the retail API's two sockets (markets, private)."""
    if isinstance(venue, ClobVenue):  # prices, orders and the heartbeat
        return 3
    return 2 if isinstance(venue, RetailVenue) else 4


def streams_live(state: DeskState, count: int) -> bool:
    """`count` streams on the desk, every one of them live."""
    return len(state.streams) == count and all(
        s.state is LinkState.LIVE for s in state.streams.values())


async def start_live(venue: GatewayVenue | RetailVenue) -> None:
    """Start the venue and wait until every one of its streams is live."""
    await venue.start()
    count = stream_count(venue)
    await eventually(lambda: streams_live(venue.state, count),
                     what=f"all {count} streams live")


@asynccontextmanager
async def live(venue: V) -> AsyncIterator[V]:
    """The venue started with every stream live, and stopped afterwards."""
    try:
        await start_live(venue)
        yield venue
    finally:
        await venue.stop()


@pytest.fixture(params=["gateway", "retail"])
def via(request: pytest.FixtureRequest) -> str:
    """Which protocol a desk test trades through: the same test runs through both."""
    return str(request.param)


@pytest.fixture
async def venue(quiet_sim: SimServer) -> AsyncIterator[GatewayVenue]:
    async with live(make_venue(quiet_sim)) as v:
        yield v
