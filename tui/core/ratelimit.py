"""Client-side rate limits, so the desk itself never earns a 429 (issue 6).

Gateway (spec exchange-gateway §11.7): per firm, per method, a token bucket whose capacity
equals its rate and which refills continuously; a list request counts once.  Retail (spec
retail-api §11): 20 requests/second per API key across all endpoints.

The "Global Rate Limit Exceeded" reject (the 5-second latency stopgap) is *not* a rate
limit and is deliberately not handled here: nothing in this module throttles for it.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# --- the spec's tables --------------------------------------------------------------------
TIERS = (1, 2, 3, 4)
# order entry, per firm per method, by tier (requests per second; capacity = rate)
ORDER_ENTRY: dict[str, tuple[float, float, float, float]] = {
    "InsertOrder": (30, 100, 200, 400),
    "CancelReplaceOrder": (30, 100, 200, 400),
    "CancelOrder": (90, 300, 600, 1200),
    "InsertOrderList": (50, 50, 50, 50),
    "CancelOrderList": (50, 50, 50, 50),
    "CancelReplaceOrderList": (50, 50, 50, 50),
}
# query endpoints, per firm per endpoint, the same at every tier: (rate per second, capacity)
QUERY: dict[str, tuple[float, float]] = {
    "GetTradeStats": (1.0, 60),
    "ListInstruments": (0.1, 6),
    "ListSymbols": (0.1, 6),
    "GetOrderBook": (0.2, 12),
    "GetBBO": (0.2, 12),
    "SearchOrders": (0.2, 12),
    "SearchExecutions": (0.2, 12),
    "SearchTrades": (0.2, 12),
    "GetInstrumentSettlement": (10.0, 10),
    "PositionsLedger": (0.5, 5),
    "PositionsLedgerDownload": (1 / 12, 1),
}
_EPSILON = 1e-9
RETAIL_PER_KEY = 20.0  # requests per second per API key, all endpoints
BACKOFF = (1.0, 2.0, 4.0)  # documented retry after a 429: wait 1 s, then 2, then 4
RATE_LIMIT_BODY = {"code": 8, "message": "rate limit exceeded", "details": []}
RETAIL_RATE_LIMIT_BODY = {"status": 429, "message": "Too Many Requests"}

# REST (method, path) -> the spec's method name; both the v1 and v1beta1 spellings.
# Paths not listed (whoami, accounts, open orders, balance, positions, preview) have no
# published limit and are not paced; a 429 on them is still handled by the caller.
GATEWAY_PATHS: dict[tuple[str, str], str] = {
    ("POST", "/v1/trading/orders"): "InsertOrder",
    ("POST", "/v1beta1/insert_order"): "InsertOrder",
    ("POST", "/v1/trading/orders/list"): "InsertOrderList",
    ("POST", "/v1beta1/insert_order_list"): "InsertOrderList",
    ("POST", "/v1/trading/orders/cancel"): "CancelOrder",
    ("POST", "/v1beta1/cancel_order"): "CancelOrder",
    ("POST", "/v1/trading/orders/cancel/list"): "CancelOrderList",
    ("POST", "/v1beta1/cancel_order_list"): "CancelOrderList",
    ("POST", "/v1/trading/orders/replace"): "CancelReplaceOrder",
    ("POST", "/v1beta1/cancel_replace_order"): "CancelReplaceOrder",
    ("POST", "/v1/trading/orders/replace/list"): "CancelReplaceOrderList",
    ("POST", "/v1beta1/cancel_replace_order_list"): "CancelReplaceOrderList",
    ("POST", "/v1/refdata/instruments"): "ListInstruments",
    ("POST", "/v1beta1/list_instruments"): "ListInstruments",
    ("POST", "/v1/refdata/symbols"): "ListSymbols",
    ("POST", "/v1beta1/list_symbols"): "ListSymbols",
    ("POST", "/v1/report/orders/search"): "SearchOrders",
    ("POST", "/v1beta1/search_orders"): "SearchOrders",
    ("POST", "/v1/report/executions/search"): "SearchExecutions",
    ("POST", "/v1beta1/search_executions"): "SearchExecutions",
    ("POST", "/v1/report/trades/search"): "SearchTrades",
    ("POST", "/v1beta1/search_trades"): "SearchTrades",
    ("GET", "/v1/positions/ledger"): "PositionsLedger",
    ("GET", "/v1/positions/ledger/download"): "PositionsLedgerDownload",
}
# POSTs that only read: resending one after a 429 cannot act twice.  Order commands are
# never here; nor is the preview (an estimate the next cursor move asks for afresh).
READ_ONLY_POSTS = frozenset({
    "/v1/refdata/instruments", "/v1beta1/list_instruments",
    "/v1/refdata/symbols", "/v1beta1/list_symbols",
    "/v1/report/orders/search", "/v1beta1/search_orders",
    "/v1/report/executions/search", "/v1beta1/search_executions",
    "/v1/report/trades/search", "/v1beta1/search_trades",
    "/v1/positions/balance", "/v1beta1/get_account_balance",
    "/v1beta1/get_open_orders", "/v1beta1/get_who_am_i", "/v1beta1/list_accounts",
})


# paths that name a market after their prefix: the table cannot list them one by one
GATEWAY_PREFIXES = {("GET", "/v1/orderbook/"): "GetOrderBook"}


def gateway_method(method: str, path: str) -> str | None:
    """The spec's method name for a REST call, or None if it has no published limit."""
    path = path.split("?", 1)[0].rstrip("/") or "/"
    named = GATEWAY_PATHS.get((method.upper(), path))
    if named is None:
        named = next((name for (verb, prefix), name in GATEWAY_PREFIXES.items()
                      if verb == method.upper() and path.startswith(prefix)), None)
    return named


def retriable(method: str, path: str) -> bool:
    """May this call be resent after a 429?  GETs and read-only POSTs; never a command."""
    verb = method.upper()
    return verb in ("GET", "HEAD", "OPTIONS") or (verb == "POST" and path in READ_ONLY_POSTS)


def retry_delay(attempt: int, base: float = 1.0, retry_after: float | None = None,
                rng: Callable[[], float] = random.random) -> float:
    """Seconds before retry `attempt` (0-based): base × 1, 2, 4 … plus up to 25 % jitter.

    Jitter only adds (the docs say wait at least 1 s); a numeric Retry-After, if the
    server ever sends one, is honoured when longer, clamped to 30 s.
    """
    delay = base * (2 ** attempt)
    delay += delay * 0.25 * rng()
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(retry_after, 30.0))
    return delay


# --- the bucket ---------------------------------------------------------------------------
class TokenBucket:
    """capacity tokens, refilled continuously at `rate` per second; never beyond capacity.

    acquire() takes one token, first sleeping exactly as long as the refill needs (no
    polling).  Waiters are served in arrival order.
    """

    def __init__(self, rate: float, capacity: float | None = None, *, name: str = "",
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.capacity = float(capacity if capacity is not None else max(rate, 1.0))
        if self.capacity < 1:
            raise ValueError("capacity must hold at least one token")
        self.name = name
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.capacity  # starts full
        self._stamp = clock()
        self._lock = asyncio.Lock()
        self.waited = 0.0  # total seconds spent pacing, for a status line

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    def _refill(self) -> None:
        now = self._clock()
        if now > self._stamp:
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = max(self._stamp, now)

    def delay(self, tokens: float = 1.0) -> float:
        """Seconds until `tokens` are available (0 if they are now)."""
        self._refill()
        if self._tokens + _EPSILON >= tokens:  # the same test try_acquire makes
            return 0.0
        # the whole shortfall, not less epsilon: after this sleep try_acquire must succeed,
        # else float dust asks for a sleep too short to move the clock, over and over
        return (tokens - self._tokens) / self.rate

    def try_acquire(self, tokens: float = 1.0) -> bool:
        """Take `tokens` if they are there now; never waits (the exchange's side)."""
        self._refill()
        if self._tokens + _EPSILON >= tokens:  # float dust must not cost a whole sleep
            self._tokens -= tokens
            return True
        return False

    def drain(self) -> None:
        """Empty the bucket: the exchange said 429, so our count was optimistic."""
        self._refill()
        self._tokens = min(self._tokens, 0.0)

    async def acquire(self, tokens: float = 1.0) -> float:
        """Wait for and take `tokens`; returns the seconds waited."""
        if tokens > self.capacity:
            raise ValueError(f"{tokens} tokens never fit a bucket of {self.capacity:g}")
        waited = 0.0
        async with self._lock:
            while not self.try_acquire(tokens):
                pause = self.delay(tokens)
                await self._sleep(pause)
                waited += pause
        self.waited += waited
        return waited


# --- registries ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Limit:
    rate: float
    capacity: float


def gateway_table(tier: int = 1) -> dict[str, Limit]:
    """The spec's limits for one tier: order-entry methods and the query endpoints."""
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {TIERS}, not {tier}")
    table = {name: Limit(rates[tier - 1], rates[tier - 1])
             for name, rates in ORDER_ENTRY.items()}
    table.update({name: Limit(rate, cap) for name, (rate, cap) in QUERY.items()})
    return table


class GatewayLimiter:
    """One bucket per gateway method for this firm, from the spec's table for `tier`.

    headroom (≤ 1) scales every rate down a little, and every burst (capacity) down by
    twice as much, so network jitter that bunches our requests on arrival (the first of a
    burst held up opening connections, the later ones not) still stays inside the
    exchange's own bucket: at 0.9, a burst of 24 where the exchange takes 30.
    """

    def __init__(self, tier: int = 1, *, headroom: float = 0.9,
                 overrides: dict[str, Limit] | None = None,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        if not 0 < headroom <= 1:
            raise ValueError("headroom must be in (0, 1]")
        self.tier = tier
        self.headroom = headroom
        self.limits = gateway_table(tier) | (overrides or {})
        self._clock = clock
        self._sleep = sleep
        self.buckets: dict[str, TokenBucket] = {}

    def bucket_named(self, name: str) -> TokenBucket | None:
        limit = self.limits.get(name)
        if limit is None:
            return None
        if name not in self.buckets:
            self.buckets[name] = TokenBucket(
                limit.rate * self.headroom,
                max(1.0, limit.capacity * (1 - 2 * (1 - self.headroom))),
                name=name, clock=self._clock, sleep=self._sleep)
        return self.buckets[name]

    def bucket(self, method: str, path: str) -> TokenBucket | None:
        """The bucket a REST call draws on, or None if the call has no published limit."""
        name = gateway_method(method, path)
        return self.bucket_named(name) if name else None

    async def acquire(self, method: str, path: str) -> float:
        bucket = self.bucket(method, path)
        return await bucket.acquire() if bucket is not None else 0.0


class RetailLimiter:
    """One bucket per retail API key: 20 requests/second across every endpoint.

    The exchange counts a sliding one-second window, so the bucket's burst and its refill
    together must fit in it: a bucket that sends `capacity` at once and then `rate` a second
    sends at most capacity + rate in any second.  The rate keeps `headroom` of the limit
    (a steady 18/s) and the burst is what is left less one (1), so one request of slack
    absorbs network jitter that bunches two sends together; never a second's worth on top.
    """

    def __init__(self, rate: float = RETAIL_PER_KEY, *, headroom: float = 0.9,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        if not 0 < headroom <= 1:
            raise ValueError("headroom must be in (0, 1]")
        self.limit = rate
        self.rate = rate * headroom
        self.capacity = max(1.0, rate - self.rate - 1.0)  # capacity + rate < the limit
        self._clock = clock
        self._sleep = sleep
        self.buckets: dict[str, TokenBucket] = {}

    def bucket(self, key_id: str) -> TokenBucket:
        if key_id not in self.buckets:
            self.buckets[key_id] = TokenBucket(self.rate, self.capacity, name=key_id,
                                               clock=self._clock, sleep=self._sleep)
        return self.buckets[key_id]

    async def acquire(self, key_id: str) -> float:
        return await self.bucket(key_id).acquire()
