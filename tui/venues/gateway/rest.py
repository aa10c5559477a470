"""The gateway's REST commands over httpx: legacy login/refresh, orders, refdata, balances."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from google.protobuf import json_format
from google.protobuf.message import Message

from tui.core.ratelimit import BACKOFF, GatewayLimiter, Sleep, retriable, retry_delay
from tui.core.venue import VenueError
from tui.proto.polymarket.v1 import accounts_pb2 as acc_pb
from tui.proto.polymarket.v1 import orderbook_pb2 as ob_pb
from tui.proto.polymarket.v1 import orders_pb2 as ord_pb
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import refdata_pb2 as ref_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.venues.gateway.connection import DIRECT, Connection
from tui.venues.gateway.errors import PREVIEW_PATH, error_words, is_command

M = TypeVar("M", bound=Message)
REST_TIMEOUT = 15.0  # spec §11.8
INSERT_PATH = "/v1/trading/orders"
JOURNALLED = ("/v1/trading/", "/v1/report/")  # commands and lookups; never the auth paths
READ_RETRIES = (0.1, 0.3)  # seconds before each new try of a read whose answer was lost
Journal = Callable[[str, dict[str, Any], object], None]


class Tokens:
    """The bearer token pair; refreshed before expiry, never logged."""

    def __init__(self) -> None:
        self.access = ""
        self.refresh = ""
        self.access_expires = 0.0  # local wall-clock epoch seconds

    def update(self, body: dict[str, Any]) -> None:
        self.access = str(_pick(body, "accessToken", "access_token"))
        if refresh := _pick(body, "refreshToken", "refresh_token"):
            self.refresh = str(refresh)
        # the server's issue->expiry span, laid on our own clock: a skewed local clock
        # must not make us use a token the server already considers dead
        issued = _pick(body, "accessIssueTime", "access_issue_time")
        expires = _pick(body, "accessExpirationTime", "access_expiration_time")
        lifetime = 180.0
        if issued and expires:
            lifetime = max(_epoch(str(expires)) - _epoch(str(issued)), 1.0)
        self.access_expires = time.time() + lifetime

    def __repr__(self) -> str:  # keep secrets out of any repr that reaches a log
        return f"Tokens(expires={self.access_expires:.0f})"


def _pick(body: dict[str, Any], *names: str) -> Any:
    for name in names:
        if body.get(name):
            return body[name]
    return None


def _epoch(rfc3339: str) -> float:
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


class GatewayRest:
    def __init__(self, base_url: str, *, timeout: float = REST_TIMEOUT,
                 connection: Connection | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.connection = connection or DIRECT
        # called on a 401 to renew the session; the request is then sent once more (a 401
        # means the gateway did not act on it, so the retry cannot double an order)
        self.on_unauthorized: Callable[[str], Awaitable[None]] | None = None
        self.tokens = Tokens()
        self.participant_id = ""
        self.journal: Journal | None = None  # the local database's command journal
        # built on first use: a bad CA file is then a VenueError of the first call,
        # told like any other, not a crash while the screen is being set up
        self._http: httpx.AsyncClient | None = None
        # client-side pacing by the spec's per-method limits (None: off); on a 429 anyway,
        # reads are retried after BACKOFF × backoff_base (+ jitter), commands never
        self.limiter: GatewayLimiter | None = GatewayLimiter()  # Tier 1
        self.backoff_base = 1.0
        self.sleep: Sleep = asyncio.sleep
        self.throttled = 0  # 429s the exchange answered us, for the status line
        self.on_throttled: Callable[[str], None] | None = None  # told of each 429
        # the kill switch's latch: why an insert or replace must not leave now ("" if it
        # may); asked as each request leaves, so one queued behind the pacing is held too
        self.holds: Callable[[], str] | None = None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            # only ever sent to base_url (redirects are not followed): http needs no TLS
            tls = not self.base_url.startswith("http://")
            self._http = httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout,
                                           **self.connection.httpx_kwargs(tls))
        return self._http

    # --- auth (legacy /auth/v1beta1, spec §2.3) ------------------------------------
    async def login(self, username: str, password: str) -> None:
        body = await self._send("POST", "/auth/v1beta1/login",
                                {"username": username, "password": password}, auth=False)
        self.tokens.update(body)

    async def refresh(self) -> None:
        body = await self._send("POST", "/auth/v1beta1/refresh_access_token",
                                {"refreshToken": self.tokens.refresh}, auth=False)
        self.tokens.update(body)

    # --- calls ----------------------------------------------------------------------
    async def whoami(self) -> acc_pb.GetWhoAmIResponse:
        return _parse(await self._send("GET", "/v1/whoami"), acc_pb.GetWhoAmIResponse())

    async def users(self) -> list[dict[str, Any]]:
        """GET /v1/users: the end users an ISV or firm login trades for (the spec names the
        route, not its message: read as the embedded exchange answers, {"users": [...]})."""
        answer = await self._send("GET", "/v1/users", account_scoped=True)
        users = answer.get("users") if isinstance(answer, dict) else None
        return [u for u in users or [] if isinstance(u, dict)]

    async def accounts(self, user: str) -> acc_pb.ListAccountsResponse:
        return _parse(await self._send("GET", "/v1/accounts", params={"user": user}),
                      acc_pb.ListAccountsResponse())

    async def instruments(self) -> list[ref_pb.Instrument]:
        out: list[ref_pb.Instrument] = []
        token = ""
        for _ in range(1000):  # pages; bounded so a broken server cannot loop us forever
            req = ref_pb.ListInstrumentsRequest(page_size=1000, page_token=token)
            resp = _parse(await self._send("POST", "/v1/refdata/instruments", json_body(req)),
                          ref_pb.ListInstrumentsResponse())
            out.extend(resp.instruments)
            token = resp.next_page_token
            if resp.eof or not token:
                break
        return out

    async def insert_order(self, req: tr_pb.InsertOrderRequest) -> tr_pb.InsertOrderResponse:
        return _parse(await self._send("POST", INSERT_PATH, json_body(req),
                                       account_scoped=True), tr_pb.InsertOrderResponse())

    async def preview_order(self, req: tr_pb.InsertOrderRequest) -> tr_pb.Order:
        resp = _parse(await self._send("POST", PREVIEW_PATH,
                                       {"request": json_body(req)}, account_scoped=True),
                      tr_pb.PreviewOrderResponse())
        return resp.preview_order

    async def cancel_order_list(self, reqs: list[tr_pb.CancelOrderRequest]) -> None:
        body = json_body(tr_pb.CancelOrderListRequest(requests=reqs))
        await self._send("POST", "/v1/trading/orders/cancel/list", body, account_scoped=True)

    async def cancel_order(self, req: tr_pb.CancelOrderRequest) -> None:
        await self._send("POST", "/v1/trading/orders/cancel", json_body(req),
                         account_scoped=True)

    async def replace_order(self, req: tr_pb.CancelReplaceOrderRequest) -> None:
        await self._send("POST", "/v1/trading/orders/replace", json_body(req),
                         account_scoped=True)

    async def open_orders(self, accounts: list[str],
                          symbols: list[str] | None = None) -> list[tr_pb.Order]:
        params: dict[str, Any] = {"accounts": accounts}
        if symbols:
            params["symbols"] = symbols
        resp = _parse(await self._send("GET", "/v1/trading/orders/open",
                                       params=params, account_scoped=True),
                      tr_pb.GetOpenOrdersResponse())
        return list(resp.orders)

    async def search_orders(self, req: ord_pb.SearchOrdersRequest) -> ord_pb.SearchOrdersResponse:
        """ReportAPI.SearchOrders: finished orders too; how an uncertain insert is resolved."""
        return _parse(await self._send("POST", "/v1/report/orders/search", json_body(req),
                                       account_scoped=True), ord_pb.SearchOrdersResponse())

    async def search_trades(self, req: ord_pb.SearchTradesRequest) -> ord_pb.SearchTradesResponse:
        """ReportAPI.SearchTrades: one page of trades (only the caller's own sides shown)."""
        return _parse(await self._send("POST", "/v1/report/trades/search", json_body(req),
                                       account_scoped=True), ord_pb.SearchTradesResponse())

    async def order_book(self, symbol: str, depth: int) -> ob_pb.GetOrderBookResponse:
        """OrderBookAPI.GetOrderBook (market data: no participant id), paced as every call
        is (12 a minute, spec §11.7)."""
        return _parse(await self._send("GET", f"/v1/orderbook/{quote(symbol, safe='')}",
                                       params={"depth": depth}), ob_pb.GetOrderBookResponse())

    async def balance(self, account: str) -> pos_pb.GetAccountBalanceResponse:
        req = pos_pb.GetAccountBalanceRequest(name=account, currency="USD")
        return _parse(await self._send("POST", "/v1/positions/balance", json_body(req),
                                       account_scoped=True), pos_pb.GetAccountBalanceResponse())

    # --- plumbing -------------------------------------------------------------------
    def _journal(self, path: str, body: dict[str, Any] | None, answer: object) -> None:
        """Every command sent (not logins: their bodies hold secrets), with its answer."""
        if self.journal is not None and path.startswith(JOURNALLED) and path != PREVIEW_PATH:
            self.journal(path, body or {}, answer)

    def headers(self, *, account_scoped: bool = False) -> dict[str, str]:
        headers = {"authorization": f"Bearer {self.tokens.access}"} if self.tokens.access else {}
        if account_scoped and self.participant_id:
            headers["x-participant-id"] = self.participant_id
        return headers

    async def _send(self, method: str, path: str, body: dict[str, Any] | None = None, *,
                    params: dict[str, Any] | None = None, auth: bool = True,
                    account_scoped: bool = False) -> dict[str, Any]:
        """A read whose answer was lost (timed out, broken, a 5xx) is asked again shortly;
        a command never is."""
        for wait in (*READ_RETRIES, None):
            try:
                return await self._send_authed(method, path, body, params=params, auth=auth,
                                               account_scoped=account_scoped)
            except VenueError as exc:
                if wait is None or not (exc.uncertain and retriable(method, path)):
                    raise
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def _send_authed(self, method: str, path: str, body: dict[str, Any] | None, *,
                           params: dict[str, Any] | None, auth: bool,
                           account_scoped: bool) -> dict[str, Any]:
        used = self.tokens.access
        try:
            return await self._send_paced(method, path, body, params=params, auth=auth,
                                          account_scoped=account_scoped)
        except _UnauthorizedError as exc:
            if not auth or self.on_unauthorized is None:
                raise VenueError(exc.words) from None
            await self.on_unauthorized(used)
        try:
            return await self._send_paced(method, path, body, params=params, auth=auth,
                                          account_scoped=account_scoped)
        except _UnauthorizedError as exc:
            raise VenueError(exc.words) from None

    async def _send_paced(self, method: str, path: str, body: dict[str, Any] | None, *,
                          params: dict[str, Any] | None, auth: bool,
                          account_scoped: bool) -> dict[str, Any]:
        """Wait for the method's bucket, send; on a 429 retry reads only (spec §11.7)."""
        bucket = self.limiter.bucket(method, path) if self.limiter is not None else None
        attempt = 0
        while True:
            if bucket is not None:
                await bucket.acquire()
            try:
                return await self._send_once(method, path, body, params=params, auth=auth,
                                             account_scoped=account_scoped)
            except _ThrottledError as exc:
                self.throttled += 1
                if bucket is not None:
                    bucket.drain()  # the exchange's count is ahead of ours
                if not retriable(method, path):
                    words = ("The exchange is limiting requests (429); nothing was sent again:"
                             f" it did not act on {path}. Wait a moment, then send it again.")
                elif attempt >= len(BACKOFF):
                    words = (f"The exchange is still limiting requests (429) after "
                             f"{attempt + 1} tries of {path}; try again shortly.")
                else:
                    words = ""
                if self.on_throttled is not None:
                    self.on_throttled(words or f"The exchange is limiting requests (429); "
                                               f"retrying {path} shortly.")
                if words:
                    raise VenueError(words, uncertain=False) from None  # 429: not acted on
                await self.sleep(retry_delay(attempt, self.backoff_base, exc.retry_after))
                attempt += 1

    async def _send_once(self, method: str, path: str, body: dict[str, Any] | None, *,
                         params: dict[str, Any] | None, auth: bool,
                         account_scoped: bool) -> dict[str, Any]:
        headers = self.headers(account_scoped=account_scoped) if auth else {}
        if (self.holds is not None and is_command(method, path) and "cancel" not in path
                and (why := self.holds())):
            raise VenueError(why)  # the latch: surely not sent
        try:
            resp = await self._client().request(method, path, json=body, params=params,
                                                headers=headers)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            # nothing was sent: safe to say so
            self._journal(path, body, "not sent: cannot connect")
            raise VenueError(f"Cannot reach the exchange at {self.base_url}"
                             f"{_tls_words(exc)}.") from exc
        except httpx.TimeoutException as exc:
            self._journal(path, body, "no answer: timed out")
            raise VenueError(f"The exchange did not answer within {self.timeout:g} s "
                             f"({path}).", uncertain=True) from exc
        except httpx.HTTPError as exc:
            self._journal(path, body, "no answer: the connection broke")
            raise VenueError(f"The connection to the exchange broke during {path}.",
                             uncertain=True) from exc
        self._journal(path, body, _answer(resp))
        if resp.status_code == 401:
            raise _UnauthorizedError(error_words(resp, method, path))
        if resp.status_code == 429:
            raise _ThrottledError(_retry_after(resp))
        if resp.status_code >= 400:
            raise VenueError(error_words(resp, method, path),
                             uncertain=resp.status_code >= 500)
        try:
            data = resp.json()
        except ValueError as exc:
            # a 2xx we cannot read: the command may well have been acted on
            raise VenueError(f"The exchange sent an unreadable answer to {path}.",
                             uncertain=True) from exc
        return data if isinstance(data, dict) else {}


def _tls_words(exc: Exception) -> str:
    """Why a TLS handshake failed, in words; "" when it was not TLS."""
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return (": its TLS certificate is not trusted (set ca_file to the CA that issued "
                "it, or check the host name)")
    if "SSL" in text or "TLS" in text:
        return f": the TLS handshake failed ({text})"
    return ""


class _ThrottledError(Exception):
    def __init__(self, retry_after: float | None) -> None:
        super().__init__("429")
        self.retry_after = retry_after


def _retry_after(resp: httpx.Response) -> float | None:
    try:
        return float(resp.headers.get("retry-after", ""))
    except ValueError:
        return None


class _UnauthorizedError(Exception):
    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


def _answer(resp: httpx.Response) -> object:
    try:
        return {"status": resp.status_code, "body": resp.json()}
    except ValueError:
        return {"status": resp.status_code, "body": resp.text[:500]}


def json_body(msg: Message) -> dict[str, Any]:
    # snake_case keys as the official samples send; the gateway accepts both spellings
    return json_format.MessageToDict(msg, preserving_proto_field_name=True)


def _parse(data: dict[str, Any], msg: M) -> M:
    try:
        json_format.ParseDict(data, msg, ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        raise VenueError(f"The exchange sent a {type(msg).__name__} this desk cannot read.",
                         uncertain=True) from exc
    return msg

