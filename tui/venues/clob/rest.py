"""Calls to the global CLOB's REST API (docs/spec/global-clob.md §2, §4); errors are
VenueErrors in plain words.

L1 (the wallet's ClobAuth signature) creates or derives the API credentials once; every
trading call is L2 (an HMAC over timestamp, method, path and the exact body bytes), signed
afresh on each attempt. Only idempotent calls are retried (GET, and DELETE: a cancel asked
twice cancels once); a POST whose outcome is unknown is marked uncertain and never sent
again: the order's id is its hash, so it is looked up by that instead.
"""

from __future__ import annotations

import asyncio
import json
import random
import ssl
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

from tui.core.clob_sign import UNITS, ApiCreds, Wallet, compact, l1_headers, l2_headers
from tui.core.venue import VenueError
from tui.venues.refusals import POST_ONLY_CROSSED, is_post_only_cross

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "DELETE"})
LAST_PAGE = "LTE="  # §4.1: base64 of "-1"
USER_AGENT = "pmdesk"
Json = Any


class ClobRest:
    """The CLOB's REST API for one wallet. Errors raise VenueError."""

    def __init__(self, base_url: str, wallet: Wallet, *, creds: ApiCreds | None = None,
                 nonce: int = 0, chain: int = 137, clock: Callable[[], float] = time.time,
                 timeout: float = 10.0, max_retries: int = 2,
                 transport: httpx.AsyncBaseTransport | None = None,
                 verify: ssl.SSLContext | bool = True) -> None:
        self.wallet = wallet
        self.creds = creds
        self.nonce = nonce
        self.chain = chain
        self._clock = clock
        self._retries = max_retries
        self.timeout = timeout
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout,
                                       transport=transport, verify=verify,
                                       headers={"User-Agent": USER_AGENT})
        self.clock_skew: float | None = None  # server − local seconds, from GET /time
        # the kill switch's latch: why an order must not leave now ("" if it may)
        self.holds: Callable[[], str] | None = None
        # the local database's command journal: every command sent and what came back
        self.journal: Callable[[str, Json, object], None] | None = None

    async def close(self) -> None:
        await self._http.aclose()

    # --- authentication (§2) ------------------------------------------------------------
    async def login(self) -> ApiCreds:
        """The API credentials for this wallet: created, or derived when they exist (§2.2)."""
        if self.creds is not None:
            return self.creds
        for method, path in (("POST", "/auth/api-key"), ("GET", "/auth/derive-api-key")):
            headers = l1_headers(self.wallet, int(self._clock()), self.nonce, self.chain)
            try:
                response = await self._http.request(method, path, headers=headers)
            except httpx.TransportError as exc:
                raise transport_error("GET", exc) from exc
            if response.status_code == 200:
                data = decode(response)
                if isinstance(data, dict) and data.get("apiKey"):
                    self.creds = ApiCreds(str(data["apiKey"]), str(data.get("secret", "")),
                                          str(data.get("passphrase", "")))
                    return self.creds
            elif response.status_code == 401:
                raise VenueError(self._l1_words(error_text(response)))
        raise VenueError("The CLOB would neither create nor derive API credentials for "
                         "this wallet.")

    def _l1_words(self, text: str) -> str:
        skew = self.clock_skew
        clock = (f" This machine's clock is {abs(skew):.0f} s "
                 f"{'behind' if skew > 0 else 'ahead of'} the exchange's."
                 if skew is not None and abs(skew) > 30 else "")
        return (f"The CLOB refused the wallet's signature ({text}).{clock} Check the "
                "private key and the chain.")

    async def server_time(self) -> float:
        """GET /time: the exchange's clock; the skew is kept for the refusal words."""
        started = self._clock()
        data = await self._call("GET", "/time", auth=False)
        server = float(data["time"] if isinstance(data, dict) else data)
        self.clock_skew = server - (started + self._clock()) / 2
        return server

    # --- public market data (§4.3, §4.4) ------------------------------------------------
    async def markets(self) -> list[Json]:
        return await self._pages("/markets", {}, auth=False)

    async def clob_market(self, condition_id: str) -> Json:
        """GET /clob-markets/{condition_id}: the compact details, fees (`fd`) among them."""
        return await self._call("GET", f"/clob-markets/{condition_id}", auth=False)

    async def book(self, token_id: str) -> Json:
        return await self._call("GET", "/book", params={"token_id": token_id}, auth=False)

    # --- orders (§4.5) ------------------------------------------------------------------
    async def post_order(self, body: Json) -> Json:
        return await self._call("POST", "/order", body=body)

    async def post_orders(self, bodies: list[Json]) -> list[Json]:
        return list(await self._call("POST", "/orders", body=bodies) or [])

    async def cancel(self, order_ids: list[str]) -> Json:
        if len(order_ids) == 1:
            return await self._call("DELETE", "/order", body={"orderID": order_ids[0]})
        return await self._call("DELETE", "/orders", body=order_ids)

    async def cancel_all(self) -> Json:
        return await self._call("DELETE", "/cancel-all")

    async def cancel_market(self, condition_id: str) -> Json:
        return await self._call("DELETE", "/cancel-market-orders",
                                body={"market": condition_id})

    async def order(self, order_id: str) -> Json | None:
        """GET /data/order/{id}; None when the exchange has no such order."""
        try:
            return await self._call("GET", f"/data/order/{order_id}")
        except VenueError as exc:
            if "not found" in str(exc).lower():
                return None
            raise

    async def open_orders(self, market: str | None = None) -> list[Json]:
        return await self._pages("/data/orders", {"market": market} if market else {})

    async def trades(self, **params: str) -> list[Json]:
        return await self._pages("/data/trades", params)

    async def balance_allowance(self, asset_type: str, token_id: str = "",
                                signature_type: int = 0
                                ) -> tuple[Decimal, dict[str, Decimal | None]]:
        """GET /balance-allowance: the balance, and what each contract may spend of it
        (lower-case address -> pUSD; None: unlimited), in human units. An older server's
        single `allowance` is every contract's (§4.7)."""
        params = {"asset_type": asset_type, "signature_type": str(signature_type)}
        if token_id:
            params["token_id"] = token_id
        data = await self._call("GET", "/balance-allowance", params=params)
        balance = Decimal(str(data.get("balance", "0"))) / UNITS
        given = data.get("allowances")
        if not isinstance(given, dict):
            single = data.get("allowance")
            given = {"*": single} if single is not None else {}
        return balance, {str(k).lower(): _allowance(v) for k, v in given.items()}

    async def heartbeat(self, heartbeat_id: str) -> tuple[str, bool]:
        """POST /v1/heartbeats: (the id the next beat must carry, whether this one counted).
        A stale id is answered 400 with the current one (§6.9): not a beat, but the id to
        resync with."""
        data = await self._call("POST", "/v1/heartbeats", body={"heartbeat_id": heartbeat_id},
                                keep_400=True)
        if not isinstance(data, dict):
            return "", False
        return str(data.get("heartbeat_id") or ""), not data.get("error_msg")

    # --- transport ----------------------------------------------------------------------
    async def _pages(self, path: str, params: dict[str, str], *, auth: bool = True
                     ) -> list[Json]:
        rows: list[Json] = []
        cursor = "MA=="
        for _ in range(1000):  # bounded: a server that never ends its pages cannot hang us
            page = await self._call("GET", path, params={**params, "next_cursor": cursor},
                                    auth=auth)
            rows.extend(page.get("data") or [])
            cursor = str(page.get("next_cursor") or LAST_PAGE)
            if cursor == LAST_PAGE:
                break
        return rows

    async def _call(self, method: str, path: str, *, body: Json = None,
                    params: dict[str, str] | None = None, auth: bool = True,
                    keep_400: bool = False) -> Json:
        text = compact(body) if body is not None else None
        attempts = self._retries + 1 if method in IDEMPOTENT else 1
        for attempt in range(attempts):
            if method == "POST" and path in ("/order", "/orders") and self.holds is not None \
                    and (why := self.holds()):
                raise VenueError(why)  # the latch: surely not sent
            headers = {"Content-Type": "application/json"}
            if auth:
                if self.creds is None:
                    raise VenueError("The CLOB session has no API credentials yet.")
                headers |= l2_headers(self.wallet.address, self.creds, int(self._clock()),
                                      method, path, text)
            last = attempt == attempts - 1
            try:
                response = await self._http.request(method, path, params=params, content=text,
                                                    headers=headers)
            except httpx.TransportError as exc:
                self._journal(method, path, body, f"no answer: {type(exc).__name__}")
                if last:
                    raise transport_error(method, exc) from exc
            else:
                self._journal(method, path, body, {"status": response.status_code,
                                                   "body": response.text[:500]})
                if response.status_code < 300 or (keep_400 and response.status_code == 400):
                    return decode(response, method)
                if last or response.status_code not in RETRY_STATUSES:
                    raise status_error(method, response)
            await asyncio.sleep(min(0.1 * 2 ** attempt, 1.0) * (1 + random.random() / 4))
        raise AssertionError("unreachable")

    def _journal(self, method: str, path: str, body: Json, answer: object) -> None:
        if self.journal is not None and (method != "GET" or path.startswith("/data/order")):
            self.journal(f"{method} {path}", body if body is not None else {}, answer)


def decode(response: httpx.Response, method: str = "GET") -> Json:
    if not response.content.strip():
        return {}
    try:
        return json.loads(response.content, parse_float=Decimal)
    except ValueError:
        if response.text.strip() == "OK":
            return {}
        raise VenueError("The CLOB sent a reply that is not JSON.",
                         uncertain=method not in IDEMPOTENT) from None


def error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
        return str(data.get("error") or data.get("errorMsg") or response.reason_phrase)
    except (ValueError, AttributeError):
        return response.text.strip() or response.reason_phrase


def transport_error(method: str, exc: httpx.TransportError) -> VenueError:
    unsent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
    if isinstance(exc, httpx.TimeoutException) and not unsent:
        why = "did not answer in time"
    elif unsent:
        why = "could not be reached"
    else:
        why = f"broke the connection before answering ({type(exc).__name__})"
    return VenueError(f"The CLOB {why}.", uncertain=method not in IDEMPOTENT and not unsent)


def status_error(method: str, response: httpx.Response) -> VenueError:
    status, text = response.status_code, error_text(response)
    if status == 401:
        return VenueError(f"The CLOB refused the API credentials ({text}). Run pmdesk check "
                          "to see which step fails.")
    if status >= 500:
        return VenueError(f"The CLOB failed (HTTP {status}: {text}); the request may or may "
                          "not have taken effect.", uncertain=method not in IDEMPOTENT)
    if is_post_only_cross(text):
        return VenueError(f"The exchange refused it: {POST_ONLY_CROSSED}.")
    return VenueError(f"The CLOB refused it: {refusal(text)}.")


REFUSALS = {
    "not enough balance / allowance": "not enough pUSD or tokens free for it (balance / "
                                      "allowance)",
    "INVALID_ORDER_MIN_TICK_SIZE": "the price is not on the market's tick",
    "INVALID_ORDER_MIN_SIZE": "the size is below the market's minimum",
    "INVALID_ORDER_DUPLICATED": "the same order was already placed",
    "INVALID_ORDER_EXPIRATION": "the expiry is too soon (GTD needs more than a minute)",
    "order_version_mismatch": "the order was signed for another exchange version",
}


def refusal(text: str) -> str:
    """The venue's code in words, the code kept so a trader can look it up."""
    for code, words in REFUSALS.items():
        if text.startswith(code):
            return f"{words} ({text})"
    return text


UNLIMITED = Decimal(2) ** 255  # an approval this large never binds (wallets approve 2^256 − 1)


def _allowance(value: object) -> Decimal | None:
    """An allowance in base units as pUSD; None when it is unlimited for any use."""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        amount = Decimal("NaN")
    if not amount.is_finite():
        return Decimal(0)  # unreadable: trust nothing to it
    return None if amount >= UNLIMITED else amount / UNITS
