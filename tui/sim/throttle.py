"""The embedded exchange's rate limits (spec §11.7), switched on with SimServer(throttle=True).

Per firm, per method, a token bucket of capacity = rate refilled continuously, from the
same table the client paces itself by; over the limit the exchange answers HTTP 429 with
the spec's body and does not act on the request.  Counts are kept so tests can see what
the exchange saw.
"""

from __future__ import annotations

import json
import time
from collections import Counter

from starlette.types import ASGIApp, Receive, Scope, Send

from tui.core.ratelimit import (
    RATE_LIMIT_BODY,
    Clock,
    Limit,
    TokenBucket,
    gateway_method,
    gateway_table,
)
from tui.sim.auth import AuthError, TokenIssuer


class Throttle:
    """The exchange's buckets, keyed by (firm, method), and what it let through or refused."""

    def __init__(self, auth: TokenIssuer, tier: int = 1, *,
                 overrides: dict[str, Limit] | None = None,
                 clock: Clock = time.monotonic) -> None:
        self.auth = auth
        self.limits = gateway_table(tier) | (overrides or {})
        self._clock = clock
        self.buckets: dict[tuple[str, str], TokenBucket] = {}
        self.passed: Counter[str] = Counter()  # method -> requests let through
        self.refused: Counter[str] = Counter()  # method -> 429s answered

    def admit(self, http_method: str, path: str, authorization: str | None) -> bool:
        """True if the request may go on; False means answer 429."""
        name = gateway_method(http_method, path)
        if name is None or name not in self.limits:
            return True
        try:
            firm = self.auth.check(authorization).firm
        except AuthError:
            return True  # the route itself answers 401
        key = (firm, name)
        if key not in self.buckets:
            limit = self.limits[name]
            self.buckets[key] = TokenBucket(limit.rate, limit.capacity, name=name,
                                            clock=self._clock)
        if self.buckets[key].try_acquire():
            self.passed[name] += 1
            return True
        self.refused[name] += 1
        return False


class ThrottleMiddleware:
    """ASGI middleware: ask the Throttle before any route runs."""

    def __init__(self, app: ASGIApp, throttle: Throttle) -> None:
        self.app = app
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        if self.throttle.admit(scope["method"], scope["path"], headers.get("authorization")):
            await self.app(scope, receive, send)
            return
        body = json.dumps(RATE_LIMIT_BODY).encode()
        await send({"type": "http.response.start", "status": 429,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
