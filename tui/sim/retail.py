"""The embedded exchange's retail REST side (retail-api.md §2, §4, §5, §6.3, §9–§11).

Ed25519-signed routes on the same engine the gateway routes drive: create order, cancel,
open orders, balances. Retail prices are decimal strings and always the YES price (§10);
the direction is an intent (§9.1). As on the real venue, a 200 with an id is not
acceptance: a bad price or an unknown market gets an id and a reject from the engine.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui.core.enums import OrderType, Side, TimeInForce
from tui.sim.auth import SimUser
from tui.sim.exchange import Exchange
from tui.sim.model import SimInstrument, SimOrder

# The demo user's retail key: its seed is public, like the demo password.
DEMO_RETAIL_KEY_ID = "6d1e4c2a-0000-4000-8000-00000000de70"
DEMO_RETAIL_SECRET = "3MqOL1sZHuxW4oDFttrcJz16dRVwtGo4P2ow6vG2qpA="  # base64 of the seed

WINDOW_MS = 30_000  # §2.2: the timestamp must be within 30 s of server time
RATE_PER_SECOND = 20  # §11: per API key across all authenticated endpoints

# §9.1: intent → (outcomeSide, action, side on the YES book)
INTENTS: dict[str, tuple[str, str, Side]] = {
    "ORDER_INTENT_BUY_LONG": ("OUTCOME_SIDE_YES", "ORDER_ACTION_BUY", Side.BUY),
    "ORDER_INTENT_SELL_LONG": ("OUTCOME_SIDE_YES", "ORDER_ACTION_SELL", Side.SELL),
    "ORDER_INTENT_BUY_SHORT": ("OUTCOME_SIDE_NO", "ORDER_ACTION_BUY", Side.SELL),
    "ORDER_INTENT_SELL_SHORT": ("OUTCOME_SIDE_NO", "ORDER_ACTION_SELL", Side.BUY),
}
_BY_OUTCOME = {(o, a): i for i, (o, a, _) in INTENTS.items()}
TIFS = {
    "TIME_IN_FORCE_DAY": TimeInForce.DAY,
    "TIME_IN_FORCE_GOOD_TILL_CANCEL": TimeInForce.GOOD_TILL_CANCEL,
    "TIME_IN_FORCE_GOOD_TILL_DATE": TimeInForce.GOOD_TILL_TIME,
    "TIME_IN_FORCE_IMMEDIATE_OR_CANCEL": TimeInForce.IMMEDIATE_OR_CANCEL,
    "TIME_IN_FORCE_FILL_OR_KILL": TimeInForce.FILL_OR_KILL,
}
_TIF_NAMES = {v: k for k, v in TIFS.items()}
ORDER_TYPES = ("ORDER_TYPE_LIMIT", "ORDER_TYPE_MARKET")


class RetailError(Exception):
    """An HTTP error; the body is {"status", "message"}, the one shape the spec publishes."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class RetailKey:
    key_id: str
    verify_key: VerifyKey
    username: str


@dataclass(frozen=True, slots=True)
class Received:
    """One authenticated request as it reached the exchange (for tests and debugging)."""

    method: str
    path: str
    body: bytes


class RetailKeys:
    """Registered API keys: key id → Ed25519 public key and the user it acts for."""

    def __init__(self) -> None:
        self._keys: dict[str, RetailKey] = {}

    def register(self, key_id: str, public_key: bytes, username: str) -> None:
        self._keys[key_id] = RetailKey(key_id, VerifyKey(public_key), username)

    def get(self, key_id: str) -> RetailKey | None:
        return self._keys.get(key_id)


def slug_of(symbol: str) -> str:
    # retail slugs are the lower-case form of the sim's symbols (aec-nfl-kc-buf-2026-11-29)
    return symbol.lower()


def _rfc3339(ts: float | None) -> str | None:
    if ts is None:
        return None
    text = datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def _num(value: Decimal) -> int | float:
    # JSON number at the edge: short decimals round-trip exactly through float's repr
    return int(value) if value == value.to_integral_value() else float(value)


def _amount(value: Decimal) -> dict[str, str]:
    return {"value": f"{value:f}", "currency": "USD"}


def _decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise RetailError(400, f"{what} must be a number")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise RetailError(400, f"{what} is not a decimal number") from None
    if not result.is_finite():
        raise RetailError(400, f"{what} is not a decimal number")
    return result


def _amount_in(value: object, what: str) -> Decimal:
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise RetailError(400, f'{what} must be an Amount {{"value": "<decimal>", '
                               f'"currency": "USD"}}')
    if value.get("currency", "USD") != "USD":
        raise RetailError(400, f"{what}.currency must be USD")
    return _decimal(value["value"], f"{what}.value")


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

    # --- authentication (§2) ----------------------------------------------------------
    def authenticate(self, request: Request) -> SimUser:
        headers = request.headers
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
        # the path exactly as sent, without the query string (§2.2: query is not signed)
        path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        message = (stamp + request.method.upper() + path).encode()
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
        if len(hits) >= RATE_PER_SECOND:
            raise RetailError(429, "Too Many Requests")
        hits.append(now)

    def routes(self) -> list[Route]:
        return [
            Route("/v1/orders", self._wrap(self._create), methods=["POST"]),
            Route("/v1/order/{order_id}/cancel", self._wrap(self._cancel), methods=["POST"]),
            Route("/v1/orders/open", self._wrap(self._open_orders), methods=["GET"]),
            Route("/v1/account/balances", self._wrap(self._balances), methods=["GET"]),
        ]

    def _wrap(self, handler: Callable[[Request, SimUser, Any], dict[str, Any]]
              ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            # the SDK reads poly-correlation-id back as the error's request id (§2.5)
            echo = {"poly-correlation-id": request.headers.get("poly-correlation-id", "")}
            try:
                user = self.authenticate(request)
                raw = await request.body()
                self.received.append(Received(request.method, request.url.path, raw))
                body = self._json(raw)
                return JSONResponse(handler(request, user, body), headers=echo)
            except RetailError as exc:
                return JSONResponse({"status": exc.status, "message": exc.message},
                                    status_code=exc.status, headers=echo)
        return endpoint

    @staticmethod
    def _json(raw: bytes) -> Any:
        if not raw.strip():
            return {}
        try:
            return json.loads(raw, parse_float=Decimal)  # never float for money
        except ValueError:
            raise RetailError(400, "request body is not valid JSON") from None

    # --- helpers ----------------------------------------------------------------------
    def _market(self, slug: object) -> SimInstrument | None:
        if not isinstance(slug, str) or not slug:
            raise RetailError(400, "marketSlug is required")
        return next((i for s, i in self.exchange.instruments.items()
                     if slug_of(s) == slug.lower()), None)

    @staticmethod
    def _account(user: SimUser) -> str:
        return user.accounts[0]  # a retail key trades its user's one account

    # --- orders (§5) ------------------------------------------------------------------
    def _create(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise RetailError(400, "request body must be a JSON object")
        slug = body.get("marketSlug")
        inst = self._market(slug)
        intent = self._intent(body)
        order_type = body.get("type", "ORDER_TYPE_LIMIT")
        if order_type not in ORDER_TYPES:
            raise RetailError(400, f"type must be one of {', '.join(ORDER_TYPES)}")
        tif_name = body.get("tif", "TIME_IN_FORCE_GOOD_TILL_CANCEL")
        if tif_name not in TIFS:
            raise RetailError(400, f"unknown tif {tif_name!r}")
        tif = TIFS[tif_name]
        good_till = self._good_till(body) if tif is TimeInForce.GOOD_TILL_TIME else None
        side = INTENTS[intent][2]
        qty = _decimal(body.get("quantity", 0), "quantity")
        cash = (_amount_in(body["cashOrderQty"], "cashOrderQty")
                if body.get("cashOrderQty") is not None else Decimal(0))
        pdi = body.get("participateDontInitiate", False)
        if not isinstance(pdi, bool):
            raise RetailError(400, "participateDontInitiate must be true or false")
        if order_type == "ORDER_TYPE_LIMIT":
            if body.get("price") is None:
                raise RetailError(400, "price is required for ORDER_TYPE_LIMIT")
            price = _amount_in(body["price"], "price")
        else:
            # a market order with unlimited slippage: a limit at the far bound, never resting
            price = None
            if tif not in (TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL):
                tif = TimeInForce.IMMEDIATE_OR_CANCEL
        symbol = inst.symbol if inst else str(slug)  # unknown: the engine rejects it
        raw_price = raw_qty = raw_cash = 0
        if inst is not None:
            sc = inst.scales
            if price is None:
                raw_price = sc.max_price if side is Side.BUY else sc.min_price
            else:
                # §10: extra precision is normalised down ("0.515" → "0.51"), not rejected
                raw_price = int((price * sc.price_scale / sc.tick).to_integral_value(
                    ROUND_DOWN)) * sc.tick
            raw_qty = int((qty * sc.qty_scale).to_integral_value(ROUND_DOWN))
            raw_cash = int((cash * sc.price_scale * sc.qty_scale).to_integral_value(
                ROUND_DOWN))
        order_id = self.exchange.insert_order(
            account=self._account(user), participant=user.participant_id, symbol=symbol,
            side=side, price=raw_price, order_qty=raw_qty, order_type=OrderType.LIMIT,
            tif=tif, participate_dont_initiate=pdi, good_till_time=good_till,
            cash_order_qty=raw_cash)
        self._intents[order_id] = (intent, order_type)
        return {"id": order_id, "executions": []}

    @staticmethod
    def _intent(body: dict[str, Any]) -> str:
        outcome, action = body.get("outcomeSide"), body.get("action")
        if outcome is not None or action is not None:  # wins over intent when sent (§5.1)
            found = _BY_OUTCOME.get((outcome, action))
            if found is None:
                raise RetailError(400, "outcomeSide and action must both be given, as "
                                       "OUTCOME_SIDE_YES/NO and ORDER_ACTION_BUY/SELL")
            return found
        intent = body.get("intent")
        if intent not in INTENTS:
            raise RetailError(400, "intent (or outcomeSide + action) is required: one of "
                                   + ", ".join(INTENTS))
        return str(intent)

    @staticmethod
    def _good_till(body: dict[str, Any]) -> float:
        text = body.get("goodTillTime")
        if not isinstance(text, str):
            raise RetailError(400, "goodTillTime is required for TIME_IN_FORCE_GOOD_TILL_DATE")
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise RetailError(400, "goodTillTime must be an RFC 3339 time") from None

    def _cancel(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise RetailError(400, "request body must be a JSON object")
        inst = self._market(body.get("marketSlug"))
        order = self.exchange.order(request.path_params["order_id"])
        if (order is None or order.account not in user.accounts or inst is None
                or order.symbol != inst.symbol):
            raise RetailError(404, "order not found in that market")
        # a finished order gets the engine's cancel reject; the outcome is the stream's to say
        self.exchange.cancel_order(account=order.account, order_id=order.order_id)
        return {}

    def _open_orders(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        slugs = request.query_params.getlist("slugs")
        symbols = None
        if slugs:
            wanted = {s.lower() for s in slugs}
            symbols = [s for s in self.exchange.instruments if slug_of(s) in wanted]
        orders = self.exchange.open_orders(accounts=user.accounts, symbols=symbols)
        return {"orders": [self.order_json(o) for o in orders]}

    def order_json(self, o: SimOrder) -> dict[str, Any]:
        """§5.9 Order; price is the YES price; orders not placed here read as YES intents."""
        inst = self.exchange.instruments.get(o.symbol)
        fallback = "ORDER_INTENT_BUY_LONG" if o.side is Side.BUY else "ORDER_INTENT_SELL_LONG"
        intent, order_type = self._intents.get(o.order_id, (fallback, "ORDER_TYPE_LIMIT"))
        outcome, action, _ = INTENTS[intent]
        def px(raw: int) -> dict[str, str]:  # the market's own places: "0.40", "0.615"
            text = inst.scales.price_text(raw) if inst else f"{Decimal(raw) / (o.price_scale or 1)}"
            return {"value": text, "currency": "USD"}
        qty = Decimal(o.qty_scale or 1)
        return {
            "id": o.order_id, "marketSlug": slug_of(o.symbol),
            "side": "ORDER_SIDE_BUY" if o.side is Side.BUY else "ORDER_SIDE_SELL",
            "type": order_type, "price": px(o.price),
            "quantity": _num(o.order_qty / qty), "cumQuantity": _num(o.cum_qty / qty),
            "leavesQuantity": _num(o.leaves_qty / qty),
            "tif": _TIF_NAMES.get(o.tif, "TIME_IN_FORCE_DAY"),
            "goodTillTime": _rfc3339(o.good_till_time), "intent": intent,
            "outcomeSide": outcome, "action": action,
            "marketMetadata": {"slug": slug_of(o.symbol),
                               "title": inst.description if inst else "", "outcome": "Yes"},
            "state": f"ORDER_STATE_{o.state.name}",
            "avgPx": px(o.avg_px) if o.cum_qty else None,
            "cashOrderQty": (_amount(Decimal(o.cash_order_qty) / (o.price_scale * qty))
                             if o.cash_order_qty else None),
            "insertTime": _rfc3339(o.insert_time), "createTime": _rfc3339(o.create_time),
        }

    # --- account (§6.3) ---------------------------------------------------------------
    def _balances(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        cent = Decimal("0.01")
        balances = []
        for account in user.accounts:
            cash = self.exchange.balance(account).cash.quantize(cent)
            power = self.exchange.buying_power(account).quantize(cent, rounding=ROUND_DOWN)
            balances.append({
                "currentBalance": _num(cash), "currency": "USD",
                "lastUpdated": _rfc3339(self.clock()), "buyingPower": _num(power),
                "assetNotional": 0, "assetAvailable": 0, "pendingCredit": 0,
                "openOrders": _num(cash - power), "unsettledFunds": 0,
                "pendingWithdrawals": [], "marginRequirement": 0,
            })
        return {"balances": balances}
