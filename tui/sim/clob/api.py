"""The global CLOB's REST side at the embedded exchange (docs/spec/global-clob.md §4), on the
same paths as clob.polymarket.com so only the host differs: the public market routes, the
L1 credential routes and the L2 account routes; orders in tui/sim/clob/orders.py.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from tui.core.clob_sign import EXCHANGE_V2, NEG_RISK_EXCHANGE_V2, POLYGON, UNITS
from tui.sim.clob.auth import ClobAuth, ClobKey, ClobWallet
from tui.sim.clob.heartbeat import Heartbeats
from tui.sim.clob.markets import ClobMarket, ClobMarkets
from tui.sim.clob.orders import ClobOrders
from tui.sim.clob.records import ClobTrade
from tui.sim.clob.ticks import ClobTicks
from tui.sim.clob.tokens import TokenLedger
from tui.sim.clob.wire import (
    ALL_LEVELS,
    ClobError,
    book_json,
    clob_market_json,
    error_response,
    market_json,
    num,
    price_of,
)
from tui.sim.exchange import Exchange
from tui.sim.model import SimInstrument

NEG_RISK_ADAPTER = "0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296"
# The demo wallet: its key is public, like the demo password (an EOA, signature type 0).
DEMO_CLOB_KEY = "16c4abbc36604fc152dae69fd1b3349f58344cce63ed4f16f85d7940e5266938"
DEMO_CLOB_ADDRESS = "0xfEe66a78eaE2c1c919ddC3c282C66808608299bb"  # tests check it is the key's
MAX_ALLOWANCE = str(2**256 - 1)
FIRST, LAST = "MA==", "LTE="  # §4.1: base64 of "0" and of "-1"
PAGE = 100
SETTLE_STEP = 0.3  # seconds between a trade's settlement steps (MATCHED → MINED → ...)

Public = Callable[[Request, Any], Any]  # (request, parsed body or None)
Signed = Callable[[Request, ClobKey, Any], Any]


class ClobApi:
    """The CLOB's routes over one Exchange."""

    def __init__(self, exchange: Exchange, *, clock: Callable[[], float] = time.time,
                 chain: int = POLYGON) -> None:
        self.exchange = exchange
        self.clock = clock
        self.chain = chain
        self.markets = ClobMarkets(exchange.instruments)
        self.ticks = ClobTicks(exchange)  # a market's tick now (§6.5)
        self.auth = ClobAuth(clock, chain)
        self.tokens = TokenLedger()  # what each wallet holds: pUSD and tokens
        self.received: deque[tuple[str, str, bytes]] = deque(maxlen=256)
        self.orders = ClobOrders(self)
        self.heartbeats = Heartbeats(clock, self._cancel_everything)
        self.fail_trades = 0  # the next this many trades fail to settle (tests, demos)
        self.orders.records.listeners.append(self._settle)

    def routes(self) -> list[BaseRoute]:
        get, post, delete = ["GET"], ["POST"], ["DELETE"]
        public: list[tuple[str, Public, list[str]]] = [
            ("/ok", lambda *_: "OK", get), ("/time", lambda *_: int(self.clock()), get),
            ("/version", lambda *_: {"version": 2}, get),
            ("/markets", self._markets, get), ("/markets/{condition_id}", self._market, get),
            ("/clob-markets/{condition_id}", self._clob_market, get),
            ("/markets-by-token/{token_id}", self._by_token, get),
            ("/book", self._book, get), ("/books", self._books, post),
            ("/tick-size", self._tick_size, get), ("/neg-risk", self._neg_risk, get),
            ("/fee-rate", self._fee_rate, get),
            ("/price", self._price, get), ("/midpoint", self._midpoint, get),
            ("/spread", self._spread, get), ("/last-trade-price", self._last_trade, get),
        ]
        l1: list[tuple[str, list[str]]] = [("/auth/api-key", post),
                                           ("/auth/derive-api-key", get)]
        signed: list[tuple[str, Signed, list[str]]] = [
            ("/auth/api-keys", lambda _r, key, _b: {"apiKeys": [
                k.creds.api_key for k in self.auth.keys_of(key.address)]}, get),
            ("/auth/api-key", self._delete_key, delete),
            ("/auth/ban-status/closed-only", lambda *_: {"closed_only": False}, get),
            ("/balance-allowance", self._balance, get),
            ("/balance-allowance/update", self._balance, get),
        ]
        return [*(Route(p, self._public(h), methods=m) for p, h, m in public),
                *(Route(p, self._l1, methods=m) for p, m in l1),
                *(Route(p, self.signed(h), methods=m) for p, h, m in signed),
                *self.orders.routes(), *self.heartbeats.routes(self.signed)]

    async def run(self, stop: asyncio.Event) -> None:
        """The exchange's clock work until ``stop``: heartbeat switches gone silent trip."""
        while not stop.is_set():
            self.heartbeats.check()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), min(0.25, self.heartbeats.timeout / 4))

    def _cancel_everything(self, key: ClobKey) -> list[str]:
        live = [o.order_id for o in self.orders.records.orders.values()
                if o.owner == key.creds.api_key and o.status == "LIVE"]
        return self.orders.cancel(key, live)["canceled"]

    def _settle(self, kind: str, record: object, what: str) -> None:
        """A new trade settles on the chain a step at a time (§6.10)."""
        if kind != "trade" or what != "MATCHED" or not isinstance(record, ClobTrade):
            return
        fail, self.fail_trades = self.fail_trades > 0, max(self.fail_trades - 1, 0)
        with contextlib.suppress(RuntimeError):  # no loop: a test of the records alone
            loop = asyncio.get_running_loop()
            for step in (1, 2):
                loop.call_later(SETTLE_STEP * step, self.orders.records.advance,
                                record.trade_id, fail)

    # --- wrappers ----------------------------------------------------------------------
    @staticmethod
    def respond(result: Any) -> Response:
        if isinstance(result, Response):
            return result
        if isinstance(result, str):
            return PlainTextResponse(result)
        return JSONResponse(result)

    def _public(self, handler: Public) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                body = self.parse(await request.body()) if request.method == "POST" else None
                return self.respond(handler(request, body))
            except ClobError as exc:
                return error_response(exc)
            except ClientDisconnect:
                return Response(status_code=499)
        return endpoint

    async def _l1(self, request: Request) -> Response:
        try:
            address, nonce = self.auth.verify_l1(request.headers)
        except ClobError as exc:
            return error_response(exc)
        creds = self.auth.credentials(address, nonce).creds
        return JSONResponse({"apiKey": creds.api_key, "secret": creds.secret,
                             "passphrase": creds.passphrase})

    def signed(self, handler: Signed) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                raw = await request.body()
                self.received.append((request.method, request.url.path, raw))
                path = request.scope.get("raw_path", request.url.path.encode()).decode(
                    "latin-1").split("?", 1)[0]  # §2.3: the path only, no query string
                key = self.auth.verify_l2(request.headers, request.method, path, raw)
                return self.respond(handler(request, key, self.parse(raw)))
            except ClobError as exc:
                return error_response(exc)
            except ClientDisconnect:
                return Response(status_code=499)
        return endpoint

    @staticmethod
    def parse(raw: bytes) -> Any:
        if not raw.strip():
            return None
        try:
            return json.loads(raw, parse_float=Decimal)  # never float for money
        except ValueError:
            raise ClobError(400, "Invalid payload") from None

    # --- helpers -----------------------------------------------------------------------
    def _token(self, request: Request) -> tuple[ClobMarket, str]:
        token = request.query_params.get("token_id", "")
        return self.token(token)

    def token(self, token: object) -> tuple[ClobMarket, str]:
        if not isinstance(token, str) or not token.isdigit():
            raise ClobError(400, "Invalid token id")
        market = self.markets.token(token)
        if market is None:
            raise ClobError(404, "No orderbook exists for the requested token id")
        return market, token

    def condition(self, condition_id: str) -> ClobMarket:
        market = self.markets.by_condition.get(condition_id.lower())
        if market is None:
            raise ClobError(404, "market not found")
        return market

    def instrument(self, market: ClobMarket) -> SimInstrument:
        return self.markets.instrument(market)

    def wallet_of(self, key: ClobKey, maker: str | None = None,
                  signature_type: int = 0) -> ClobWallet:
        """The wallet whose funds a key's request moves: the order's maker, else (§4.7) the
        key's own for signature type 0 or the proxy / Safe it owns for 1 and 2; 400 when
        the key may not trade it."""
        if maker:
            wallet = self.auth.wallet(maker)
        elif signature_type:
            wallet = next((w for w in self.auth.wallets.values()
                           if w.signature_type == signature_type and key.address in w.owners),
                          None)
        else:
            wallet = self.auth.wallet_for(key)
        if wallet is None or key.address not in wallet.owners:
            raise ClobError(400, "the order signer is not allowed to trade for this maker")
        return wallet

    # --- public routes -----------------------------------------------------------------
    def _markets(self, request: Request, _body: Any = None) -> dict[str, Any]:
        cursor = request.query_params.get("next_cursor") or FIRST
        try:
            start = int(base64.b64decode(cursor).decode())
        except ValueError:
            raise ClobError(400, "invalid next_cursor") from None
        every = list(self.markets.by_symbol.values())
        page = [self._market_of(m) for m in every[max(start, 0):max(start, 0) + PAGE]]
        end = start + PAGE
        nxt = base64.b64encode(str(end).encode()).decode() if end < len(every) else LAST
        return {"limit": PAGE, "count": len(page), "next_cursor": nxt, "data": page}

    def _market_of(self, market: ClobMarket) -> dict[str, Any]:
        inst = self.instrument(market)
        bid, ask = self.exchange.best(market.symbol)
        mid = (price_of((bid + ask) // 2, inst, True)
               if bid is not None and ask is not None else None)
        return market_json(market, inst, mid, self.ticks.tick(market.symbol))

    def _market(self, request: Request, _body: Any = None) -> dict[str, Any]:
        return self._market_of(self.condition(request.path_params["condition_id"]))

    def _clob_market(self, request: Request, _body: Any = None) -> dict[str, Any]:
        market = self.condition(request.path_params["condition_id"])
        return clob_market_json(market, self.instrument(market), self.ticks.tick(market.symbol))

    def _by_token(self, request: Request, _body: Any = None) -> dict[str, Any]:
        market, _ = self.token(request.path_params["token_id"])
        return {"condition_id": market.condition_id,
                "primary_token_id": market.yes_token, "secondary_token_id": market.no_token}

    def book_of(self, market: ClobMarket, token: str) -> dict[str, Any]:
        inst = self.instrument(market)
        return book_json(market, token, inst, self.exchange.book(market.symbol, ALL_LEVELS),
                         self.exchange.stats(market.symbol).last_px, self.clock(),
                         self.ticks.tick(market.symbol))

    def _book(self, request: Request, _body: Any = None) -> dict[str, Any]:
        return self.book_of(*self._token(request))

    def _books(self, _request: Request, body: Any) -> list[dict[str, Any]]:
        if not isinstance(body, list) or not all(isinstance(b, dict) for b in body):
            raise ClobError(400, "Invalid payload")
        return [self.book_of(*self.token(b.get("token_id"))) for b in body]

    def _fee_rate(self, request: Request, _body: Any = None) -> dict[str, Any]:
        self._token(request)
        return {"base_fee": 0}  # the demo's markets charge no fee

    def _tick_size(self, request: Request, _body: Any = None) -> dict[str, Any]:
        market, _ = self._token(request)
        return {"minimum_tick_size": float(self.ticks.tick(market.symbol))}  # a number

    def _neg_risk(self, request: Request, _body: Any = None) -> dict[str, Any]:
        return {"neg_risk": self._token(request)[0].neg_risk}

    def _top(self, request: Request) -> tuple[Decimal | None, Decimal | None]:
        """The token's best bid and best ask, in its own terms."""
        market, token = self._token(request)
        inst, yes = self.instrument(market), market.is_yes(token)
        bid, ask = self.exchange.best(market.symbol)
        if not yes:
            bid, ask = ask, bid
        return (price_of(bid, inst, yes) if bid is not None else None,
                price_of(ask, inst, yes) if ask is not None else None)

    def _price(self, request: Request, _body: Any = None) -> dict[str, Any]:
        side = request.query_params.get("side", "")
        if side not in ("BUY", "SELL"):
            raise ClobError(400, "Invalid side")
        bid, ask = self._top(request)
        best = bid if side == "BUY" else ask  # §4.4: the side names the book side
        return {"price": num(best) if best is not None else ""}

    def _midpoint(self, request: Request, _body: Any = None) -> dict[str, Any]:
        bid, ask = self._top(request)
        return {"mid": num((bid + ask) / 2) if bid is not None and ask is not None else ""}

    def _spread(self, request: Request, _body: Any = None) -> dict[str, Any]:
        bid, ask = self._top(request)
        return {"spread": num(ask - bid) if bid is not None and ask is not None else ""}

    def _last_trade(self, request: Request, _body: Any = None) -> dict[str, Any]:
        market, token = self._token(request)
        last = self.exchange.stats(market.symbol).last_px
        price = price_of(last, self.instrument(market), market.is_yes(token)) if last else None
        return {"price": num(price) if price is not None else "", "side": ""}

    # --- account routes ----------------------------------------------------------------
    def _delete_key(self, _request: Request, key: ClobKey, _body: Any) -> str:
        self.auth.delete(key)
        return "OK"

    def _balance(self, request: Request, key: ClobKey, _body: Any) -> dict[str, Any]:
        """§4.7: base units as strings; a token's balance is what the wallet holds of it."""
        kind = request.query_params.get("asset_type", "COLLATERAL").upper()
        signature_type = request.query_params.get("signature_type", "0")
        wallet = self.wallet_of(key, signature_type=int(signature_type)
                                if signature_type.isdigit() else 0)
        if kind == "COLLATERAL":
            amount = self.tokens.cash(wallet.account)
        elif kind == "CONDITIONAL":
            amount = self.tokens.held(wallet.account, self._token(request)[1])
        else:
            raise ClobError(400, "Invalid asset type")
        allowances = {}
        for spender in (EXCHANGE_V2, NEG_RISK_EXCHANGE_V2, NEG_RISK_ADAPTER):
            allowed = self.tokens.allowance(wallet.account, spender)
            allowances[spender] = (MAX_ALLOWANCE if allowed is None or kind != "COLLATERAL"
                                   else str(int(max(allowed, Decimal(0)) * UNITS)))
        return {"balance": str(int(amount * UNITS)), "allowances": allowances}
