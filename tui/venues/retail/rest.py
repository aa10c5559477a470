"""Signed calls to the retail API (retail-api.md §4–§7); errors are VenueErrors in plain words.

Authenticated calls go to the api host, public market data to the gateway host (§1); in the
embedded exchange both are one address. Every attempt is signed afresh; only idempotent
methods are retried (§12.1); a POST whose outcome is unknown is marked uncertain and never
sent again. The client paces itself under the 20/s per-key limit (§11).
"""

from __future__ import annotations

import asyncio
import json
import random
import ssl
import time
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from tui.core.ratelimit import RetailLimiter
from tui.core.venue import VenueError
from tui.venues.refusals import POST_ONLY_CROSSED, is_post_only_cross
from tui.venues.retail.batch import BatchCalls
from tui.venues.retail.discovery import DiscoveryCalls
from tui.venues.retail.rfq import RfqCalls
from tui.venues.retail.signing import USER_AGENT, WINDOW_S, clock_advice, json_text, load_seed, sign

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})  # POST is never retried (§12.1)
PUBLIC = "public"  # the limiter's bucket for the unauthenticated gateway host (per IP)
Json = dict[str, Any]


def opens_risk(method: str, path: str) -> bool:
    """An order, a modify or a close (one or a batch): what the kill switch's latch holds
    back."""
    return method == "POST" and (path in ("/v1/orders", "/v1/orders/batched")
                                 or path.endswith("/modify")
                                 or path == "/v1/order/close-position")


def lost_answer_wait(attempt: int) -> float:
    """Seconds before reading again after a lost answer or a 5xx: short, so a read
    inside the kill switch's bound gets its tries (a 429 waits longer: _backoff)."""
    return min(0.1 * 2 ** attempt, 1.0) * (1 + random.random() / 4)


def amount(value: Decimal) -> dict[str, str]:
    return {"value": f"{value:f}", "currency": "USD"}


class RetailRest(BatchCalls, DiscoveryCalls, RfqCalls):
    """The retail REST API for one key. Errors raise VenueError. The batched order calls,
    market discovery and RFQ history are its mixins' (batch, discovery, rfq)."""

    def __init__(self, base_url: str, key_id: str, secret: str | bytes, *,
                 public_url: str | None = None, clock: Callable[[], float] = time.time,
                 timeout: float = 10.0, max_retries: int = 2,
                 transport: httpx.AsyncBaseTransport | None = None,
                 limiter: RetailLimiter | None = None,
                 verify: ssl.SSLContext | bool = True) -> None:
        self._seed = load_seed(secret)
        self.key_id = key_id
        self._clock = clock
        self._retries = max_retries
        self.timeout = timeout
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout,
                                       transport=transport, verify=verify)
        self._public = httpx.AsyncClient(base_url=(public_url or base_url).rstrip("/"),
                                         timeout=timeout, transport=transport, verify=verify)
        self.limiter = limiter if limiter is not None else RetailLimiter()
        self.clock_skew: float | None = None  # server − local seconds, from the Date header
        self.throttled = 0  # 429s the exchange answered, despite the pacing
        self.on_throttled: Callable[[str], None] | None = None
        # the kill switch's latch: why an order, a modify or a close must not leave now
        # ("" if it may); asked as each request leaves, so one queued behind the pacing is
        # held too
        self.holds: Callable[[], str] | None = None
        # the local database's command journal: every command sent and what came back
        self.journal: Callable[[str, Json, object], None] | None = None

    async def close(self) -> None:
        await self._http.aclose()
        await self._public.aclose()

    async def __aenter__(self) -> RetailRest:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def signed_headers(self, method: str, path: str) -> dict[str, str]:
        """The §2 headers for one request or WebSocket upgrade, signed now."""
        return sign(self._seed, method, path, int(self._clock() * 1000), key_id=self.key_id)

    def signed_headers_get(self, path: str) -> dict[str, str]:
        """A WebSocket upgrade's headers: signed as GET of the socket's path (§2.4)."""
        return self.signed_headers("GET", path)

    # --- orders (§5) ------------------------------------------------------------------
    async def create_order(self, body: Json) -> str:
        """POST /v1/orders; returns the exchange's order id (not yet acceptance, §5.1)."""
        reply = await self._call("POST", "/v1/orders", body=body)
        order_id = reply.get("id")
        if not isinstance(order_id, str) or not order_id:
            raise VenueError("The exchange answered the order without an id; check open "
                             "orders before sending it again.", uncertain=True)
        return order_id

    async def preview(self, body: Json) -> Json:
        """POST /v1/order/preview: the order as it would be now, not sent (§5.2)."""
        reply = await self._call("POST", "/v1/order/preview", body={"request": body})
        return dict(reply.get("order") or {})

    async def modify(self, order_id: str, body: Json) -> None:
        """POST /v1/order/{id}/modify (§5.3): a cancel-replace; the stream says how it went."""
        await self._call("POST", f"/v1/order/{order_id}/modify", body=body)

    async def cancel(self, order_id: str, market_slug: str) -> None:
        """POST /v1/order/{id}/cancel (§5.4); the outcome comes on the order stream."""
        await self._call("POST", f"/v1/order/{order_id}/cancel",
                         body={"marketSlug": market_slug})

    async def cancel_all(self, slugs: Sequence[str] = ()) -> list[str]:
        """POST /v1/orders/open/cancel (§5.5): every open order, or those in some markets."""
        body: Json = {"slugs": list(slugs)} if slugs else {}
        reply = await self._call("POST", "/v1/orders/open/cancel", body=body)
        return [str(i) for i in reply.get("canceledOrderIds") or []]

    async def close_position(self, market_slug: str, *, manual: bool = True) -> str:
        """POST /v1/order/close-position (§5.6): sells the whole position in one market."""
        reply = await self._call("POST", "/v1/order/close-position", body={
            "marketSlug": market_slug, "manualOrderIndicator": manual_indicator(manual)})
        return str(reply.get("id") or "")

    async def open_orders(self, slugs: Sequence[str] = ()) -> list[Json]:
        """GET /v1/orders/open (§5.7), optionally for some markets only."""
        reply = await self._call("GET", "/v1/orders/open",
                                 params=[("slugs", s) for s in slugs])
        return list(reply.get("orders") or [])

    async def order(self, order_id: str) -> Json:
        """GET /v1/order/{id} (§5.7)."""
        reply = await self._call("GET", f"/v1/order/{order_id}")
        return dict(reply.get("order") or {})

    # --- portfolio and account (§6) ---------------------------------------------------
    async def positions(self, market: str | None = None) -> dict[str, Json]:
        """GET /v1/portfolio/positions, every page: market slug → UserPosition (§6.1)."""
        found: dict[str, Json] = {}
        cursor = ""
        for _ in range(1000):  # bounded: a server that never says eof cannot hang the desk
            params = [("limit", "100")] + ([("market", market)] if market else []) + (
                [("cursor", cursor)] if cursor else [])
            reply = await self._call("GET", "/v1/portfolio/positions", params=params)
            found.update(reply.get("positions") or {})
            cursor = str(reply.get("nextCursor") or "")
            if reply.get("eof", True) or not cursor:
                break
        return found

    async def activities(self, *, limit: int = 100, market_slug: str | None = None
                         ) -> list[Json]:
        """GET /v1/portfolio/activities, newest first (§6.2), one page."""
        params = [("limit", str(limit)), ("sortOrder", "SORT_ORDER_DESCENDING")]
        if market_slug:
            params.append(("marketSlug", market_slug))
        reply = await self._call("GET", "/v1/portfolio/activities", params=params)
        return list(reply.get("activities") or [])

    async def activity_page(self, *, market_slug: str, cursor: str = "", limit: int = 100
                            ) -> tuple[list[Json], str]:
        """One page of a market's activities, newest first (§6.2), and the cursor of the
        next page ("" after the last)."""
        params = [("limit", str(limit)), ("sortOrder", "SORT_ORDER_DESCENDING"),
                  ("marketSlug", market_slug), ("types", "ACTIVITY_TYPE_TRADE")]
        if cursor:
            params.append(("cursor", cursor))
        reply = await self._call("GET", "/v1/portfolio/activities", params=params)
        after = str(reply.get("nextCursor") or "")
        return list(reply.get("activities") or []), "" if reply.get("eof", True) else after

    async def balances(self) -> list[Json]:
        """GET /v1/account/balances (§6.3)."""
        reply = await self._call("GET", "/v1/account/balances")
        return list(reply.get("balances") or [])

    # --- public market data (§7), on the gateway host --------------------------------
    async def markets(self, *, limit: int = 500) -> list[Json]:
        reply = await self._call("GET", "/v1/markets", public=True,
                                 params=[("limit", str(limit)), ("active", "true"),
                                         ("closed", "false")])
        return list(reply.get("markets") or [])

    async def market(self, slug: str) -> Json:
        reply = await self._call("GET", f"/v1/market/slug/{slug}", public=True)
        return dict(reply.get("market") or {})

    async def book(self, slug: str) -> Json:
        reply = await self._call("GET", f"/v1/markets/{slug}/book", public=True)
        return dict(reply.get("marketData") or {})

    async def bbo(self, slug: str) -> Json:
        reply = await self._call("GET", f"/v1/markets/{slug}/bbo", public=True)
        return dict(reply.get("marketData") or {})

    # --- transport --------------------------------------------------------------------
    async def _call(self, method: str, path: str, *, body: Json | None = None,
                    params: list[tuple[str, str]] | None = None, public: bool = False
                    ) -> Json:
        correlation = str(uuid.uuid4())  # one id for every attempt of this call
        content = json_text(body).encode() if body is not None else None
        attempts = self._retries + 1 if method in IDEMPOTENT else 1
        http = self._public if public else self._http
        for attempt in range(attempts):
            await self.limiter.acquire(PUBLIC if public else self.key_id)
            if self.holds is not None and opens_risk(method, path) and (why := self.holds()):
                raise VenueError(why)  # the latch: surely not sent
            if public:
                headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                           "poly-correlation-id": correlation}
            else:
                headers = sign(self._seed, method, path, int(self._clock() * 1000),
                               key_id=self.key_id, correlation_id=correlation)
            last = attempt == attempts - 1
            try:
                response = await http.request(method, path, params=params or None,
                                              content=content, headers=headers)
            except httpx.TransportError as exc:
                if journalled(method, path):
                    self._journal(path, body, f"no answer: {type(exc).__name__}")
                if last:
                    raise self._transport_error(method, exc) from exc
            else:
                if journalled(method, path):
                    self._journal(path, body, {"status": response.status_code,
                                               "body": response.text[:500]})
                self._note_date(response)
                if response.status_code < 300:
                    return self._decode(response, method)
                if response.status_code == 429:
                    self._throttled(method, retrying=not last)
                if last or response.status_code not in RETRY_STATUSES:
                    raise self._status_error(method, response)
                if response.status_code == 429:
                    await asyncio.sleep(self._backoff(attempt))
                    continue
            await asyncio.sleep(lost_answer_wait(attempt))
        raise AssertionError("unreachable")

    def _journal(self, path: str, body: Json | None, answer: object) -> None:
        # a preview places nothing: it is not a command
        if self.journal is not None and path != "/v1/order/preview":
            self.journal(path, body or {}, answer)

    def _throttled(self, method: str, *, retrying: bool) -> None:
        self.throttled += 1
        if self.on_throttled is not None:
            then = "trying again shortly" if retrying else "nothing was sent again"
            self.on_throttled(f"The retail API is limiting requests (429); {then}.")

    @staticmethod
    def _backoff(attempt: int) -> float:
        cap = min(0.5 * 2 ** attempt, 8.0)  # the SDK's "equal jitter" (§12.1)
        return max(1.0, cap / 2 + random.random() * cap / 2)  # docs: wait ≥ 1 s after a 429

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
    def _decode(response: httpx.Response, method: str = "GET") -> Json:
        if not response.content.strip():
            return {}  # §2.5: an empty success body is {}
        try:
            data = json.loads(response.content, parse_float=Decimal)
        except ValueError:
            # a 2xx to a command means it was taken, whatever the body says
            raise VenueError("The exchange sent a reply that is not JSON.",
                             uncertain=method not in IDEMPOTENT) from None
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _transport_error(method: str, exc: httpx.TransportError) -> VenueError:
        timeout = isinstance(exc, httpx.TimeoutException)
        # only a connection never made surely sent nothing; a timeout, a dropped
        # connection or a broken write may have delivered the request
        unsent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
        text = str(exc)
        if timeout and not unsent:
            why = "did not answer in time"
        elif "CERTIFICATE_VERIFY_FAILED" in text:
            why = "could not be reached: its TLS certificate is not trusted (set ca_file to " \
                  "the CA that issued it, or check the host name)"
        elif "refused" in text or "All connection attempts failed" in text:
            why = "could not be reached (nothing is listening there)"
        elif "not known" in text or "nodename nor servname" in text:
            why = "could not be reached (the name does not resolve)"
        elif unsent:
            why = f"could not be reached ({type(exc).__name__})"
        else:
            why = f"broke the connection before answering ({type(exc).__name__})"
        return VenueError(f"The retail API {why}.",
                          uncertain=method not in IDEMPOTENT and not unsent)

    def _status_error(self, method: str, response: httpx.Response) -> VenueError:
        status = response.status_code
        text = error_text(response)
        if status == 401:
            return VenueError(self.refusal_words(text))
        if status == 403:
            return VenueError(f"This API key is not allowed to do that ({text}).")
        if status == 404:
            if text.strip().rstrip(".").lower() in ("", "not found"):  # no such route at all
                return VenueError(f"The exchange has no {method} {response.request.url.path}: "
                                  "check the profile's rest address.")
            return VenueError(f"Not found: {text}.")
        if status == 429:
            return VenueError("Too many requests: the limit is 20 a second per API key. "
                              "Wait a second before trying again.")
        if status >= 500:
            return VenueError(f"The exchange failed (HTTP {status}: {text}); the request may "
                              "or may not have taken effect.", uncertain=method not in IDEMPOTENT)
        if is_post_only_cross(text):
            return VenueError(f"The exchange refused it: {POST_ONLY_CROSSED}.")
        return VenueError(f"The exchange refused the request (HTTP {status}): {text}.")

    def refusal_words(self, text: str) -> str:
        """A 401 in words: a clock outside the window, or a key the exchange does not take."""
        skew = self.clock_skew
        if (skew is not None and abs(skew) >= WINDOW_S - 1) or "timestamp" in text.lower():
            return clock_advice(skew if skew is not None else 0.0)
        return (f"The exchange refused the API key or signature ({text}). Check the key id "
                "and that the secret key is the one issued with it.")


def journalled(method: str, path: str) -> bool:
    """Every command (POST), and the reads of the desk's own orders (open orders, one order's
    fate): the audit journal shows what the kill switch and a lost answer's lookup saw."""
    return method == "POST" or path.startswith("/v1/order")


def error_text(response: httpx.Response) -> str:
    """The SDK's choice of message: `message`, else `error`, else the reason phrase."""
    try:
        data = response.json()
        return str(data.get("message") or data.get("error") or response.reason_phrase)
    except (ValueError, AttributeError):
        return response.reason_phrase


def manual_indicator(manual: bool) -> str:
    return "MANUAL_ORDER_INDICATOR_MANUAL" if manual else "MANUAL_ORDER_INDICATOR_AUTOMATIC"
