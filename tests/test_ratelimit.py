"""Client-side rate limits (issue 6): the token bucket, the spec's table, pacing against the
embedded exchange's own 429s, and what a 429 does to a read and to a command."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from tests.conftest import DEMO_ACCOUNT, logged_in
from tests.fake_clock import FakeClock
from tui.core.enums import OrderType, Side, TimeInForce
from tui.core.ratelimit import (
    RATE_LIMIT_BODY,
    GatewayLimiter,
    Limit,
    RetailLimiter,
    TokenBucket,
    gateway_method,
    gateway_table,
    retriable,
    retry_delay,
)
from tui.core.venue import VenueError
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim.server import SimServer
from tui.venues.gateway.rest import INSERT_PATH, PREVIEW_PATH, GatewayRest

ids = itertools.count(1)


# --- the bucket ---------------------------------------------------------------------------
def test_bucket_starts_full_refills_continuously_and_never_beyond_capacity() -> None:
    ft = FakeClock(100.0)
    bucket = TokenBucket(5, clock=ft.now, sleep=ft.sleep)
    assert bucket.capacity == 5  # capacity = rate
    assert [bucket.try_acquire() for _ in range(6)] == [True] * 5 + [False]
    ft.t += 0.1  # half a token: continuous refill, not per-second steps
    assert bucket.tokens == pytest.approx(0.5)
    assert not bucket.try_acquire()
    ft.t += 0.1
    assert bucket.try_acquire()
    ft.t += 1000  # a long quiet spell buys no burst beyond capacity
    assert bucket.tokens == pytest.approx(5)
    assert [bucket.try_acquire() for _ in range(6)] == [True] * 5 + [False]
    assert bucket.delay() == pytest.approx(0.2)
    bucket.drain()
    assert bucket.tokens <= 0


async def test_acquire_sleeps_exactly_the_refill_time_and_serves_in_order() -> None:
    ft = FakeClock(100.0)
    bucket = TokenBucket(4, clock=ft.now, sleep=ft.sleep)
    for _ in range(4):
        assert await bucket.acquire() == 0.0  # the full bucket: no wait
    assert ft.sleeps == []
    ft.t += 0.125  # half a token back
    assert await bucket.acquire() == pytest.approx(0.125)
    assert ft.sleeps == [pytest.approx(0.125)]  # one exact sleep, no polling
    done: list[int] = []

    async def take(n: int) -> None:
        await bucket.acquire()
        done.append(n)

    start = ft.t
    await asyncio.gather(*(take(n) for n in range(3)))
    assert done == [0, 1, 2]
    assert ft.t - start == pytest.approx(0.75)  # three tokens at 4/s
    assert bucket.waited == pytest.approx(0.875)


def test_bucket_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        TokenBucket(0)
    with pytest.raises(ValueError):
        TokenBucket(1, 0.5)


# --- the spec's table ---------------------------------------------------------------------
def test_gateway_registry_follows_the_spec_table_per_tier() -> None:
    exact = GatewayLimiter(headroom=1.0)  # default: Tier 1
    insert = exact.bucket("POST", INSERT_PATH)
    assert insert is not None and (insert.rate, insert.capacity) == (30, 30)
    assert exact.bucket("POST", "/v1beta1/insert_order") is insert  # one bucket per method
    cancel = exact.bucket("POST", "/v1/trading/orders/cancel")
    assert cancel is not None and cancel.rate == 90
    replace = exact.bucket("POST", "/v1/trading/orders/replace")
    assert replace is not None and replace.rate == 30 and replace is not insert
    listed = exact.bucket("POST", "/v1/trading/orders/cancel/list")
    assert listed is not None and listed.rate == 50  # a list counts once
    search = exact.bucket("POST", "/v1/report/orders/search")
    assert search is not None and (search.rate, search.capacity) == (0.2, 12)  # 12/min
    assert exact.bucket("GET", "/v1/trading/orders/open") is None  # no published limit
    assert exact.bucket("POST", PREVIEW_PATH) is None
    tier4 = GatewayLimiter(4, headroom=1.0).bucket("POST", "/v1/trading/orders/cancel")
    assert tier4 is not None and tier4.rate == 1200
    paced = GatewayLimiter().bucket("POST", INSERT_PATH)  # default headroom: a little under
    assert paced is not None and paced.rate == pytest.approx(27)
    assert paced.capacity == pytest.approx(24)  # bunched arrivals keep 6 to spare
    with pytest.raises(ValueError):
        GatewayLimiter(5)
    assert gateway_method("POST", "/v1/trading/orders/list") == "InsertOrderList"
    # a path that names its market is paced by its prefix, whoever calls it
    assert gateway_method("GET", "/v1/orderbook/AEC-NFL-KC-BUF?depth=10") == "GetOrderBook"
    assert gateway_method("POST", "/v1/orderbook/AEC-NFL-KC-BUF") is None


def test_retail_has_one_bucket_per_key() -> None:
    limiter = RetailLimiter(headroom=1.0)
    a, b = limiter.bucket("key-a"), limiter.bucket("key-b")
    assert a is not b and a is limiter.bucket("key-a")
    assert (a.rate, a.capacity) == (20, 1)  # a burst on top of 20/s would break the limit
    paced = RetailLimiter().bucket("key-a")
    assert (paced.rate, paced.capacity) == (18, 1)  # 19 in any second: one to spare


def test_retry_policy_reads_only_and_backoff_1_2_4_with_jitter() -> None:
    assert retriable("GET", "/v1/trading/orders/open")
    assert retriable("POST", "/v1/report/orders/search")
    for command in (INSERT_PATH, "/v1/trading/orders/cancel", "/v1/trading/orders/replace",
                    "/v1/trading/orders/cancel/list", PREVIEW_PATH):
        assert not retriable("POST", command)
    assert [retry_delay(n, rng=lambda: 0.0) for n in range(3)] == [1.0, 2.0, 4.0]
    assert [retry_delay(n, rng=lambda: 1.0) for n in range(3)] == [1.25, 2.5, 5.0]
    assert retry_delay(0, 0.01, rng=lambda: 0.0) == 0.01  # configurable base
    assert retry_delay(0, retry_after=3.0, rng=lambda: 0.0) == 3.0
    assert retry_delay(0, retry_after=600.0, rng=lambda: 0.0) == 30.0


# --- against the embedded exchange's own limits -------------------------------------------
@pytest.fixture
async def throttled_sim() -> AsyncIterator[SimServer]:
    server = SimServer(seed=7, flow=False, heartbeat=0.5, throttle=True)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def _logged_in(sim: SimServer) -> tuple[GatewayRest, str, int]:
    rest = await logged_in(sim)
    inst = next(i for i in await rest.instruments() if i.price_scale == 100)
    return rest, inst.symbol, inst.price_scale // 100  # one cent


def _insert(symbol: str, price: int) -> tr_pb.InsertOrderRequest:
    return tr_pb.InsertOrderRequest(
        type=int(OrderType.LIMIT), side=int(Side.BUY), order_qty=1, symbol=symbol,
        price=price, time_in_force=int(TimeInForce.GOOD_TILL_CANCEL),
        clord_id=f"rl-{next(ids)}", account=DEMO_ACCOUNT)


async def _burst(rest: GatewayRest, symbol: str, cent: int, n: int) -> list[object]:
    return await asyncio.gather(*(rest.insert_order(_insert(symbol, 5 * cent))
                                  for _ in range(n)), return_exceptions=True)


BURST = 60  # Tier 1 InsertOrder is 30/s with capacity 30: 60 at once is twice the limit


async def test_a_paced_burst_earns_no_429_at_the_exchange(throttled_sim: SimServer) -> None:
    rest, symbol, cent = await _logged_in(throttled_sim)
    try:
        results = await _burst(rest, symbol, cent, BURST)
        assert [r for r in results if isinstance(r, BaseException)] == []
        assert throttled_sim.throttle is not None
        assert throttled_sim.throttle.refused["InsertOrder"] == 0  # counted at the exchange
        assert throttled_sim.throttle.passed["InsertOrder"] == BURST
        assert rest.throttled == 0
    finally:
        await rest.close()


async def test_an_unpaced_burst_does_get_429s_and_no_insert_is_resent(
        throttled_sim: SimServer) -> None:
    rest, symbol, cent = await _logged_in(throttled_sim)
    rest.limiter = None  # what the exchange sees without the client's pacing
    throttle = throttled_sim.throttle
    assert throttle is not None
    # a tighter limit at the exchange: the burst is far over it on any machine's speed
    throttle.limits["InsertOrder"] = Limit(rate=5.0, capacity=5.0)
    told: list[str] = []
    rest.on_throttled = told.append
    try:
        results = await _burst(rest, symbol, cent, BURST)
        errors = [r for r in results if isinstance(r, VenueError)]
        assert throttle.refused["InsertOrder"] > 0
        assert len(errors) == throttle.refused["InsertOrder"] == rest.throttled == len(told)
        # each insert reached the exchange exactly once: a 429'd POST is never resent
        assert throttle.passed["InsertOrder"] + throttle.refused["InsertOrder"] == BURST
        assert all("nothing was sent again" in str(e) and not e.uncertain for e in errors)
        resting = throttled_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT], symbols=None)
        assert len(resting) == throttle.passed["InsertOrder"]
    finally:
        await rest.close()


# --- a 429 on a read and on a command, with a scripted peer -------------------------------
def _scripted(rest: GatewayRest, statuses: list[int]) -> list[tuple[str, str]]:
    """Answer rest's requests with these statuses in turn (then 200s); log what was sent."""
    sent: list[tuple[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append((request.method, request.url.path))
        status = statuses.pop(0) if statuses else 200
        body = RATE_LIMIT_BODY if status == 429 else {"orders": [], "orderId": "o-1"}
        return httpx.Response(status, content=json.dumps(body).encode(),
                              headers={"content-type": "application/json"})

    rest._http = httpx.AsyncClient(base_url=rest.base_url,
                                   transport=httpx.MockTransport(answer))
    return sent


def _fast(rest: GatewayRest) -> FakeClock:
    ft = FakeClock(100.0)
    rest.sleep = ft.sleep
    rest.backoff_base = 0.01
    return ft


async def test_a_read_that_gets_429_is_retried_after_the_backoff() -> None:
    rest = GatewayRest("http://exchange.invalid")
    sent = _scripted(rest, [429, 429])
    ft = _fast(rest)
    told: list[str] = []
    rest.on_throttled = told.append
    try:
        assert await rest.open_orders([DEMO_ACCOUNT]) == []
        assert sent == [("GET", "/v1/trading/orders/open")] * 3
        assert len(ft.sleeps) == 2
        assert 0.01 <= ft.sleeps[0] <= 0.0125 and 0.02 <= ft.sleeps[1] <= 0.025  # 1, 2 (+jitter)
        assert rest.throttled == 2 and all("retrying" in t for t in told)
    finally:
        await rest.close()


async def test_a_read_still_limited_after_the_backoff_gives_up_in_words() -> None:
    rest = GatewayRest("http://exchange.invalid")
    sent = _scripted(rest, [429] * 10)
    ft = _fast(rest)
    try:
        with pytest.raises(VenueError, match="still limiting requests") as err:
            await rest.open_orders([DEMO_ACCOUNT])
        assert not err.value.uncertain
        assert len(sent) == 4 and len(ft.sleeps) == 3  # the first try, then 1, 2, 4 s
    finally:
        await rest.close()


@pytest.mark.parametrize("call", [
    lambda rest: rest.insert_order(tr_pb.InsertOrderRequest(clord_id="c-1")),
    lambda rest: rest.cancel_order(tr_pb.CancelOrderRequest(order_id="o-1")),
    lambda rest: rest.replace_order(tr_pb.CancelReplaceOrderRequest(order_id="o-1")),
], ids=["insert", "cancel", "replace"])
async def test_a_command_that_gets_429_is_not_retried(
        call: Callable[[GatewayRest], object]) -> None:
    rest = GatewayRest("http://exchange.invalid")
    sent = _scripted(rest, [429])
    ft = _fast(rest)
    try:
        with pytest.raises(VenueError, match=r"limiting requests \(429\); nothing was sent "
                                             "again") as err:
            await call(rest)  # type: ignore[misc]
        assert not err.value.uncertain  # a 429 was not acted on: nothing to look up
        assert len(sent) == 1 and ft.sleeps == []
        assert rest.throttled == 1
        bucket = rest.limiter.bucket(*sent[0]) if rest.limiter else None
        assert bucket is not None and bucket.tokens < 1  # the next command waits
    finally:
        await rest.close()


def test_a_profiles_tier_paces_the_desk_by_that_tier(tmp_path: Path) -> None:
    from tui.core.profiles import ProfileError, load_profiles
    from tui.venues.gateway.venue import GatewayVenue

    path = tmp_path / "profiles.toml"
    path.write_text('[profiles.t3]\nvenue = "gateway"\nenvironment = "prod"\ntier = 3\n',
                    encoding="utf-8")
    profile = load_profiles(path, write_example=False)["t3"]
    venue = GatewayVenue(rest_url="http://127.0.0.1:9", grpc_target="127.0.0.1:9",
                         username="u", password="p", tier=profile.tier)
    assert venue.rest.limiter is not None and venue.rest.limiter.tier == 3
    assert venue.rest.limiter.limits == gateway_table(3) != gateway_table(1)

    path.write_text('[profiles.bad]\nvenue = "gateway"\nenvironment = "prod"\ntier = 7\n',
                    encoding="utf-8")
    with pytest.raises(ProfileError, match="tier is 7"):
        load_profiles(path, write_example=False)


async def test_acquire_never_spins_on_float_dust_after_its_sleep() -> None:
    ft = FakeClock(100.0)
    ft.t = 160.0  # here 1/18 s of refill comes back a hair under one token
    bucket = TokenBucket(18, 1, clock=ft.now, sleep=ft.sleep)
    async with asyncio.timeout(5):  # it spun forever on sleeps that did not move the clock
        for _ in range(20):
            await bucket.acquire()
    assert len(ft.sleeps) == 19 and min(ft.sleeps) > 0.05
