"""Retail API request signing (retail-api.md §2) and a small signed REST client (§4–§6).

message = X-PM-Timestamp + METHOD + PATH (no query, no body), Ed25519 over its UTF-8
bytes, sent as standard base64. Every attempt is signed afresh (§2.2). The server's Date
header tells how far this machine's clock is off, so a 401 caused by the 30 s window is
reported as a clock problem with its size and fix, not as a bad key.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import random
import time
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx
from nacl.signing import SigningKey

from tui.core.venue import VenueError

WINDOW_S = 30.0
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})  # POST is never retried (§12.1)


def _user_agent() -> str:
    # the SDK's style, "<client>/<version>", with its fallback when the version is unknown
    try:
        return f"pmdesk/{version('pmdesk')}"
    except PackageNotFoundError:
        return "pmdesk/unknown"


USER_AGENT = _user_agent()


def load_seed(secret: str | bytes) -> bytes:
    """The 32-byte Ed25519 seed from base64 text or raw bytes (32, or 64 = seed ‖ public)."""
    raw = secret
    if isinstance(secret, str):
        try:
            raw = base64.b64decode("".join(secret.split()), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("the retail secret key is not base64") from None
    if len(raw) not in (32, 64):
        raise ValueError("the retail secret key must decode to 32 or 64 bytes")
    return bytes(raw[:32])  # §2.3: the first 32 bytes are the seed


def message(timestamp: str, method: str, path: str) -> bytes:
    """§2.2: plain concatenation, no separators; the path carries no query string."""
    return (timestamp + method.upper() + path.split("?", 1)[0]).encode("utf-8")


def sign(seed: bytes | str, method: str, path: str, now_ms: int, *, key_id: str,
         correlation_id: str | None = None) -> dict[str, str]:
    """Every header of one signed request (§2.1, §2.5)."""
    stamp = str(int(now_ms))
    signature = SigningKey(load_seed(seed)).sign(message(stamp, method, path)).signature
    return {
        "X-PM-Access-Key": key_id,
        "X-PM-Timestamp": stamp,
        "X-PM-Signature": base64.b64encode(signature).decode("ascii"),
        "Content-Type": "application/json",  # the SDK sends it on GETs too
        "User-Agent": USER_AGENT,
        "poly-correlation-id": correlation_id or str(uuid.uuid4()),
    }


def _json_number(value: Decimal | int) -> int | float:
    # quantities are JSON numbers (§3); a short decimal round-trips through float's repr
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def clock_advice(skew: float) -> str:
    """The trader-facing text for a clock outside the window (skew = server − local)."""
    way = "behind" if skew > 0 else "ahead of"
    return (f"This machine's clock is {abs(skew):.0f} s {way} the exchange's, outside the "
            f"{WINDOW_S:.0f} s window signed requests must fall in. Sync it with NTP "
            "(e.g. `sudo timedatectl set-ntp true`, or `sudo chronyc makestep`) and retry.")


class RetailRest:
    """Signed calls to the retail API (the api host, §1). Errors raise VenueError."""

    def __init__(self, base_url: str, key_id: str, secret: str | bytes, *,
                 clock: Callable[[], float] = time.time, timeout: float = 10.0,
                 max_retries: int = 2, transport: httpx.AsyncBaseTransport | None = None
                 ) -> None:
        self._seed = load_seed(secret)
        self._key_id = key_id
        self._clock = clock
        self._retries = max_retries
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout,
                                       transport=transport)
        self.clock_skew: float | None = None  # server − local seconds, from the Date header

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> RetailRest:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- endpoints --------------------------------------------------------------------
    async def create_order(self, market_slug: str, intent: str, quantity: Decimal | int, *,
                           price: Decimal | str | None = None,
                           order_type: str = "ORDER_TYPE_LIMIT",
                           tif: str = "TIME_IN_FORCE_GOOD_TILL_CANCEL",
                           participate_dont_initiate: bool = False,
                           manual: bool = True, good_till_time: str | None = None) -> str:
        """POST /v1/orders (§5.1); ``price`` is the YES price. Returns the order id."""
        body: dict[str, Any] = {"marketSlug": market_slug, "type": order_type}
        if price is not None:
            body["price"] = {"value": f"{Decimal(price):f}", "currency": "USD"}
        body |= {
            "quantity": _json_number(quantity), "tif": tif, "intent": intent,
            "manualOrderIndicator": "MANUAL_ORDER_INDICATOR_MANUAL" if manual
            else "MANUAL_ORDER_INDICATOR_AUTOMATIC",
            "participateDontInitiate": participate_dont_initiate,
        }
        if good_till_time is not None:
            body["goodTillTime"] = good_till_time
        reply = await self._call("POST", "/v1/orders", body=body)
        order_id = reply.get("id")
        if not isinstance(order_id, str) or not order_id:
            raise VenueError("The exchange answered the order without an id; check open "
                             "orders before sending it again.", uncertain=True)
        return order_id

    async def cancel(self, order_id: str, market_slug: str) -> None:
        """POST /v1/order/{id}/cancel (§5.4); the outcome comes on the order stream."""
        await self._call("POST", f"/v1/order/{order_id}/cancel",
                         body={"marketSlug": market_slug})

    async def open_orders(self, slugs: Sequence[str] = ()) -> list[dict[str, Any]]:
        """GET /v1/orders/open (§5.7), optionally for some markets only."""
        reply = await self._call("GET", "/v1/orders/open",
                                 params=[("slugs", s) for s in slugs])
        return list(reply.get("orders") or [])

    async def balances(self) -> list[dict[str, Any]]:
        """GET /v1/account/balances (§6.3)."""
        reply = await self._call("GET", "/v1/account/balances")
        return list(reply.get("balances") or [])

    # --- transport --------------------------------------------------------------------
    async def _call(self, method: str, path: str, *, body: dict[str, Any] | None = None,
                    params: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        correlation = str(uuid.uuid4())  # one id for every attempt of this call
        content = json.dumps(body, separators=(",", ":")).encode() if body is not None \
            else None
        attempts = self._retries + 1 if method in IDEMPOTENT else 1
        for attempt in range(attempts):
            headers = sign(self._seed, method, path, int(self._clock() * 1000),
                           key_id=self._key_id, correlation_id=correlation)
            last = attempt == attempts - 1
            try:
                response = await self._http.request(method, path, params=params or None,
                                                    content=content, headers=headers)
            except httpx.TransportError as exc:
                if last:
                    raise self._transport_error(method, exc) from exc
            else:
                self._note_date(response)
                if response.status_code < 300:
                    return self._decode(response)
                if last or response.status_code not in RETRY_STATUSES:
                    raise self._status_error(method, response)
            await asyncio.sleep(self._backoff(attempt))
        raise AssertionError("unreachable")

    @staticmethod
    def _backoff(attempt: int) -> float:
        cap = min(0.5 * 2 ** attempt, 8.0)  # the SDK's "equal jitter" (§12.1)
        return cap / 2 + random.random() * cap / 2

    def _note_date(self, response: httpx.Response) -> None:
        date = response.headers.get("date")
        if not date:
            return
        try:
            server = parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return
        # Date has whole seconds: the server's time lies in [Date, Date + 1)
        self.clock_skew = server + 0.5 - self._clock()

    @staticmethod
    def _decode(response: httpx.Response) -> dict[str, Any]:
        if not response.content.strip():
            return {}  # §2.5: an empty success body is {}
        try:
            data = json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise VenueError("The exchange sent a reply that is not JSON.") from None
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _transport_error(method: str, exc: httpx.TransportError) -> VenueError:
        timeout = isinstance(exc, httpx.TimeoutException)
        what = "did not answer in time" if timeout else "could not be reached"
        return VenueError(f"The retail API {what} ({type(exc).__name__}).",
                          uncertain=method not in IDEMPOTENT and timeout)

    def _status_error(self, method: str, response: httpx.Response) -> VenueError:
        status = response.status_code
        try:
            data = response.json()
            text = str(data.get("message") or data.get("error") or response.reason_phrase)
        except (ValueError, AttributeError):
            text = response.reason_phrase
        if status == 401:
            skew = self.clock_skew
            if (skew is not None and abs(skew) >= WINDOW_S - 1) or "timestamp" in text.lower():
                return VenueError(clock_advice(skew if skew is not None else 0.0))
            return VenueError(f"The exchange refused the API key or signature ({text}). Check "
                              "the key id and that the secret key is the one issued with it.")
        if status == 403:
            return VenueError(f"This API key is not allowed to do that ({text}).")
        if status == 404:
            return VenueError(f"Not found: {text}.")
        if status == 429:
            return VenueError("Too many requests: the limit is 20 a second per API key. "
                              "Wait a second before trying again.")
        if status >= 500:
            return VenueError(f"The exchange failed (HTTP {status}: {text}); the request may "
                              "or may not have taken effect.", uncertain=method not in IDEMPOTENT)
        return VenueError(f"The exchange refused the request (HTTP {status}): {text}.")
