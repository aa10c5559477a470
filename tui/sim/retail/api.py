"""The embedded exchange's retail API: Ed25519 auth and the routes (retail-api.md §2, §4–§8).

This file holds what every retail route shares: registered keys, the §2 signature check
with its 30 s window, the per-key 20/s limit, the JSON error shape and the order JSON with
the intent each order was placed with. The routes live beside it: orders and modify (§5),
batch (§5.8), portfolio (§6), rfq (§6.4, RFQ trades), public (§7, unauthenticated, with a
market's settlement), discovery (§7.5: events, series, sports, search, derived in catalog)
and ws (§8). They all drive the same engine the gateway routes drive. As on the real
venue, a 200 with an id is not acceptance: a bad price or an unknown market gets an id and a
reject from the engine.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from tui.core.enums import Side
from tui.core.ratelimit import RETAIL_PER_KEY, RETAIL_RATE_LIMIT_BODY
from tui.sim.auth import SimUser
from tui.sim.exchange import Exchange
from tui.sim.model import ExecReport, SimInstrument, SimOrder
from tui.sim.retail.rfq import RfqDesk
from tui.sim.retail.wire import RetailError, execution_json, order_json, scales_of, slug_of

__all__ = ["DEMO_RETAIL_KEY_ID", "DEMO_RETAIL_SECRET", "Received", "RetailApi", "RetailError",
           "RetailKeys", "slug_of"]

# The demo user's retail key: its seed is public, like the demo password.
DEMO_RETAIL_KEY_ID = "6d1e4c2a-0000-4000-8000-00000000de70"
DEMO_RETAIL_SECRET = "3MqOL1sZHuxW4oDFttrcJz16dRVwtGo4P2ow6vG2qpA="  # base64 of the seed

WINDOW_MS = 30_000  # §2.2: the timestamp must be within 30 s of server time

Handler = Callable[[Request, SimUser, Any], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class RetailKey:
    key_id: str
    verify_key: VerifyKey
    username: str
    rfq: bool = True  # RFQ access (§4: GET /v1/rfqs/trades needs it)


@dataclass(frozen=True, slots=True)
class Received:
    """One request or client WebSocket frame as it reached the exchange (method "WS")."""

    method: str
    path: str
    body: bytes


class RetailKeys:
    """Registered API keys: key id → Ed25519 public key and the user it acts for."""

    def __init__(self) -> None:
        self._keys: dict[str, RetailKey] = {}

    def register(self, key_id: str, public_key: bytes, username: str, *,
                 rfq: bool = True) -> None:
        self._keys[key_id] = RetailKey(key_id, VerifyKey(public_key), username, rfq)

    def get(self, key_id: str) -> RetailKey | None:
        return self._keys.get(key_id)


class RetailApi:
    """The retail routes over one Exchange; users are the gateway's, keys are registered."""

    def __init__(self, exchange: Exchange, users: Mapping[str, SimUser], keys: RetailKeys,
                 *, clock: Callable[[], float] = time.time) -> None:
        self.exchange = exchange
        self.users = users
        self.keys = keys
        self.clock = clock
        self.received: deque[Received] = deque(maxlen=256)
        self._intents: dict[str, tuple[str, str]] = {}  # order id → (intent, order type)
        self._hits: dict[str, deque[float]] = {}
        self.refused = 0  # requests answered 429 by the per-key limit
        self.rfq = RfqDesk(self)  # RFQs the operator executes, and their tape

    # --- authentication (§2) ----------------------------------------------------------
    def authenticate(self, request: Request) -> SimUser:
        # the path exactly as sent, without the query string (§2.2: query is not signed)
        path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        return self.verify(request.headers, request.method, path)

    def verify(self, headers: Headers, method: str, path: str) -> SimUser:
        """The user a signed request acts for; RetailError 401/403/429 otherwise."""
        for name in ("X-PM-Access-Key", "X-PM-Timestamp", "X-PM-Signature"):
            if not headers.get(name):
                raise RetailError(401, f"missing {name} header")
        key = self.keys.get(headers["X-PM-Access-Key"])
        if key is None:
            raise RetailError(401, "unknown API key")
        stamp = headers["X-PM-Timestamp"]
        if not stamp.isdigit():
            raise RetailError(401, "X-PM-Timestamp must be Unix time in milliseconds")
        skew_ms = int(stamp) - int(self.clock() * 1000)
        if abs(skew_ms) > WINDOW_MS:
            raise RetailError(401, f"timestamp is {abs(skew_ms) / 1000:.0f} s "
                                   f"{'ahead of' if skew_ms > 0 else 'behind'} server time; "
                                   "it must be within 30 s")
        message = (stamp + method.upper() + path.split("?", 1)[0]).encode()
        try:
            signature = base64.b64decode(headers["X-PM-Signature"], validate=True)
            key.verify_key.verify(message, signature)
        except (binascii.Error, ValueError, BadSignatureError):
            raise RetailError(401, "invalid signature") from None
        user = self.users.get(key.username)
        if user is None:
            raise RetailError(403, "this API key's user has no trading account")
        self._rate_limit(key.key_id)
        return user

    def _rate_limit(self, key_id: str) -> None:
        now = time.monotonic()
        hits = self._hits.setdefault(key_id, deque())
        while hits and hits[0] <= now - 1.0:
            hits.popleft()
        if len(hits) >= RETAIL_PER_KEY:  # §11: per API key across all signed endpoints
            self.refused += 1
            raise RetailError(429, str(RETAIL_RATE_LIMIT_BODY["message"]))
        hits.append(now)

    # --- routes -----------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        """Every retail route: signed REST, public REST and the two WebSockets' paths
        are mounted separately (see retail_ws.RetailSockets.routes)."""
        # imported here: those modules import this one for RetailApi's helpers
        from tui.sim.retail.batch import RetailBatch
        from tui.sim.retail.discovery import RetailDiscovery
        from tui.sim.retail.orders import RetailOrders
        from tui.sim.retail.portfolio import RetailPortfolio
        from tui.sim.retail.public import RetailPublic
        return [*RetailOrders(self).routes(), *RetailBatch(self).routes(),
                *RetailPortfolio(self).routes(), *RetailPublic(self).routes(),
                *RetailDiscovery(self).routes(), *self.rfq.routes()]

    def signed(self, path: str, handler: Handler, method: str) -> Route:
        return Route(path, self._wrap(handler), methods=[method])

    def _wrap(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            # the SDK reads poly-correlation-id back as the error's request id (§2.5)
            echo = {"poly-correlation-id": request.headers.get("poly-correlation-id", "")}
            try:
                user = self.authenticate(request)
                raw = await request.body()
                self.received.append(Received(request.method, request.url.path, raw))
                body = self.parse_json(raw)
                return JSONResponse(handler(request, user, body), headers=echo)
            except RetailError as exc:
                return error_response(exc, echo)
            except ClientDisconnect:  # gone before its body came: nothing to act on or answer
                return Response(status_code=499)
        return endpoint

    @staticmethod
    def parse_json(raw: bytes) -> Any:
        if not raw.strip():
            return {}
        try:
            return json.loads(raw, parse_float=Decimal)  # never float for money
        except ValueError:
            raise RetailError(400, "request body is not valid JSON") from None

    # --- shared helpers ---------------------------------------------------------------
    def market(self, slug: object) -> SimInstrument | None:
        """The instrument of a slug (case-insensitive); None if unknown."""
        if not isinstance(slug, str) or not slug:
            raise RetailError(400, "marketSlug is required")
        return next((i for s, i in self.exchange.instruments.items()
                     if slug_of(s) == slug.lower()), None)

    def known_market(self, slug: object) -> SimInstrument:
        inst = self.market(slug)
        if inst is None:
            raise RetailError(404, f"unknown market {slug}")
        return inst

    @staticmethod
    def account(user: SimUser) -> str:
        return user.accounts[0]  # a retail key trades its user's one account

    def own_order(self, user: SimUser, order_id: str) -> SimOrder:
        order = self.exchange.order(order_id)
        if order is None or order.account not in user.accounts:
            raise RetailError(404, f"order {order_id} not found")
        return order

    def remember(self, order_id: str, intent: str, order_type: str) -> None:
        self._intents[order_id] = (intent, order_type)

    def intent_of(self, order_id: str) -> tuple[str, str] | None:
        return self._intents.get(order_id)

    def order_json(self, o: SimOrder, intent: tuple[str, str] | None = None) -> dict[str, Any]:
        """§5.9 Order; orders not placed here read as YES intents."""
        fallback = "ORDER_INTENT_BUY_LONG" if o.side is Side.BUY else "ORDER_INTENT_SELL_LONG"
        # a replacement trades with the intent its predecessor was placed with
        chosen = (intent or self._intents.get(o.order_id)
                  or self._intents.get(o.parent_order_id) or (fallback, "ORDER_TYPE_LIMIT"))
        return order_json(o, self.exchange.instruments.get(o.symbol), *chosen)

    def execution_json(self, e: ExecReport) -> dict[str, Any]:
        """§5.10 Execution with the order as of this event."""
        # an order for an unknown market has a reject to report, and no instrument
        scales = scales_of(self.exchange.instruments.get(e.symbol), e.order)
        return execution_json(e, self.order_json(e.order), scales)


def error_response(exc: RetailError, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"status": exc.status, "message": exc.message},
                        status_code=exc.status, headers=headers)
