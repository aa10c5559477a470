"""Retail order routes (retail-api.md §5) on the embedded exchange's engine.

Create, preview, modify (cancel-replace), cancel, cancel all, close position, and the two
order queries. Prices are always the YES price (§10); direction is an intent (§9.1).
Outcomes of commands travel on the private WebSocket, as on the real venue.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from tui.core.enums import OrderState, OrderType, Side, TimeInForce
from tui.sim.auth import SimUser
from tui.sim.model import SimInstrument, SimOrder
from tui.sim.retail.api import RetailApi
from tui.sim.retail.modify import apply_modify, parse_modify
from tui.sim.retail.wire import (
    BY_OUTCOME,
    INTENTS,
    ORDER_TYPES,
    TIFS,
    RetailError,
    amount_in,
    decimal_in,
    raw_price,
    raw_qty,
    rfc3339_in,
    slug_of,
)

_IMMEDIATE = (TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL)


@dataclass(frozen=True, slots=True)
class OrderArgs:
    """A CreateOrderRequest in the engine's terms (raw integers), plus its retail names."""

    symbol: str
    side: Side
    price: int
    qty: int
    tif: TimeInForce
    pdi: bool
    good_till: float | None
    cash: int
    intent: str
    order_type: str

    def engine(self, api: RetailApi, user: SimUser) -> dict[str, Any]:
        return dict(account=api.account(user), participant=user.participant_id,
                    symbol=self.symbol, side=self.side, price=self.price, order_qty=self.qty,
                    order_type=OrderType.LIMIT, tif=self.tif,
                    participate_dont_initiate=self.pdi, good_till_time=self.good_till,
                    cash_order_qty=self.cash)


def _object(body: Any, what: str = "request body") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise RetailError(400, f"{what} must be a JSON object")
    return body


def _intent(body: dict[str, Any]) -> str:
    outcome, action = body.get("outcomeSide"), body.get("action")
    if outcome is not None or action is not None:  # wins over intent when sent (§5.1)
        found = BY_OUTCOME.get((outcome, action))
        if found is None:
            raise RetailError(400, "outcomeSide and action must both be given, as "
                                   "OUTCOME_SIDE_YES/NO and ORDER_ACTION_BUY/SELL")
        return found
    intent = body.get("intent")
    if intent not in INTENTS:
        raise RetailError(400, "intent (or outcomeSide + action) is required: one of "
                               + ", ".join(INTENTS))
    return str(intent)


def _pdi(body: dict[str, Any]) -> bool:
    pdi = body.get("participateDontInitiate", False)
    if not isinstance(pdi, bool):
        raise RetailError(400, "participateDontInitiate must be true or false")
    return pdi


def _good_till(body: dict[str, Any]) -> float:
    """A good-till-date create's expiry, which it must have (§5.1)."""
    if body.get("goodTillTime") is None:
        raise RetailError(400, "goodTillTime is required for TIME_IN_FORCE_GOOD_TILL_DATE")
    return rfc3339_in(body["goodTillTime"], "goodTillTime")


def _far_limit(body: dict[str, Any], inst: SimInstrument, side: Side) -> int:
    """A market order's limit: the far bound, or the slippage tolerance's edge (§5.1)."""
    sc = inst.scales
    far = sc.max_price if side is Side.BUY else sc.min_price
    slip = body.get("slippageTolerance")
    if not isinstance(slip, dict) or slip.get("currentPrice") is None:
        return far
    ref = amount_in(slip["currentPrice"], "slippageTolerance.currentPrice")
    if slip.get("ticks") is not None:  # ticks take priority over bips
        room = decimal_in(slip["ticks"], "slippageTolerance.ticks") * inst.tick_size
    elif slip.get("bips") is not None:
        room = ref * decimal_in(slip["bips"], "slippageTolerance.bips") / 10_000
    else:
        return far
    edge = (ref + room if side is Side.BUY else ref - room) * sc.price_scale / sc.tick
    ticks = edge.to_integral_value(ROUND_DOWN if side is Side.BUY else ROUND_CEILING)
    return min(max(int(ticks) * sc.tick, sc.min_price), sc.max_price)


class RetailOrders:
    def __init__(self, api: RetailApi) -> None:
        self.api = api
        self.exchange = api.exchange

    def routes(self) -> list[Route]:
        s = self.api.signed
        return [
            s("/v1/orders", self._create, "POST"),
            s("/v1/order/preview", self._preview, "POST"),
            s("/v1/order/close-position", self._close_position, "POST"),
            s("/v1/order/{order_id}/cancel", self._cancel, "POST"),
            s("/v1/order/{order_id}/modify", self._modify, "POST"),
            s("/v1/order/{order_id}", self._get, "GET"),
            s("/v1/orders/open", self._open_orders, "GET"),
            s("/v1/orders/open/cancel", self._cancel_all, "POST"),
        ]

    # --- create and preview (§5.1, §5.2) -------------------------------------------------
    def parse(self, body: Any) -> OrderArgs:
        body = _object(body)
        slug = body.get("marketSlug")
        inst = self.api.market(slug)
        intent = _intent(body)
        order_type = body.get("type", "ORDER_TYPE_LIMIT")
        if order_type not in ORDER_TYPES:
            raise RetailError(400, f"type must be one of {', '.join(ORDER_TYPES)}")
        tif_name = body.get("tif", "TIME_IN_FORCE_GOOD_TILL_CANCEL")
        if tif_name not in TIFS:
            raise RetailError(400, f"unknown tif {tif_name!r}")
        tif = TIFS[tif_name]
        good_till = _good_till(body) if tif is TimeInForce.GOOD_TILL_TIME else None
        side = INTENTS[intent][2]
        qty = decimal_in(body.get("quantity", 0), "quantity")
        cash = (amount_in(body["cashOrderQty"], "cashOrderQty")
                if body.get("cashOrderQty") is not None else Decimal(0))
        price: Decimal | None = None
        if order_type == "ORDER_TYPE_LIMIT":
            if body.get("price") is None:
                raise RetailError(400, "price is required for ORDER_TYPE_LIMIT")
            price = amount_in(body["price"], "price")
        elif tif not in _IMMEDIATE:
            tif = TimeInForce.IMMEDIATE_OR_CANCEL  # a market order never rests
        if inst is None:  # an unknown market gets an id and the engine's reject (§5.1)
            return OrderArgs(str(slug), side, 0, 0, tif, _pdi(body), good_till, 0, intent,
                             order_type)
        sc = inst.scales
        raw = _far_limit(body, inst, side) if price is None else raw_price(price, sc)
        raw_cash = int((cash * sc.price_scale * sc.qty_scale).to_integral_value(ROUND_DOWN))
        return OrderArgs(inst.symbol, side, raw, raw_qty(qty, sc), tif, _pdi(body),
                         good_till, raw_cash, intent, order_type)

    def insert(self, user: SimUser, args: OrderArgs, body: dict[str, Any]) -> dict[str, Any]:
        order_id = self.exchange.insert_order(**args.engine(self.api, user))
        self.api.remember(order_id, args.intent, args.order_type)
        executions: list[dict[str, Any]] = []
        if body.get("synchronousExecution") is True:
            # the engine is synchronous: everything the order did on entry has happened
            executions = [self.api.execution_json(e)
                          for e in self.exchange.executions(self.api.account(user))
                          if e.order.order_id == order_id]
        return {"id": order_id, "executions": executions}

    def _create(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        return self.insert(user, self.parse(body), _object(body))

    def _preview(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        args = self.parse(_object(body).get("request"))
        preview = self.exchange.preview(**args.engine(self.api, user))
        return {"order": self.api.order_json(preview.order, (args.intent, args.order_type))}

    # --- close position (§5.6) -----------------------------------------------------------
    def _close_position(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        body = _object(body)
        inst = self.api.known_market(body.get("marketSlug"))
        net = self.exchange.position(self.api.account(user), inst.symbol).net_position
        if not net:
            raise RetailError(400, f"no open position in {slug_of(inst.symbol)}")
        # long YES sells it; short YES (NO held) buys YES back, i.e. sells the NO
        side = Side.SELL if net > 0 else Side.BUY
        intent = "ORDER_INTENT_SELL_LONG" if net > 0 else "ORDER_INTENT_SELL_SHORT"
        args = OrderArgs(inst.symbol, side, _far_limit(body, inst, side), abs(net),
                         TimeInForce.IMMEDIATE_OR_CANCEL, False, None, 0, intent,
                         "ORDER_TYPE_MARKET")
        return self.insert(user, args, body)

    # --- cancel and modify (§5.3, §5.4, §5.5) --------------------------------------------
    def order_in_market(self, user: SimUser, order_id: str, slug: object
                        ) -> tuple[SimOrder, SimInstrument] | None:
        """The key's own order in that market, or None (a 404 here, passed over in a batch)."""
        order = self.exchange.order(order_id)
        inst = self.api.market(slug)
        if (order is None or order.account not in user.accounts or inst is None
                or order.symbol != inst.symbol):
            return None
        return order, inst

    def _addressed(self, request: Request, user: SimUser, body: dict[str, Any]
                   ) -> tuple[SimOrder, SimInstrument]:
        found = self.order_in_market(user, request.path_params["order_id"],
                                     body.get("marketSlug"))
        if found is None:
            raise RetailError(404, "order not found in that market")
        return found

    def _cancel(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        order, _ = self._addressed(request, user, _object(body))
        # a finished order gets the engine's cancel reject; the outcome is the stream's to say
        self.exchange.cancel_order(account=self.api.account(user), order_id=order.order_id)
        return {}

    def _modify(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        body = _object(body)
        order, inst = self._addressed(request, user, body)
        args = parse_modify(body)  # price, quantity, tif, post-only and expiry (see modify)
        # what this order cannot take (an expiry it lacks or may not have) is the engine's
        # reject on the stream (§5.3), as for the same entry in a batched modify
        apply_modify(self.api, order, inst, args)
        return {}

    def _cancel_all(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        slugs = _object(body).get("slugs")
        symbols = None
        if slugs is not None:
            if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
                raise RetailError(400, "slugs must be a list of market slugs")
            wanted = {s.lower() for s in slugs}
            symbols = [s for s in self.exchange.instruments if slug_of(s) in wanted]
        canceled = []
        for order in self.exchange.open_orders(accounts=user.accounts, symbols=symbols):
            self.exchange.cancel_order(account=order.account, order_id=order.order_id)
            done = self.exchange.order(order.order_id)
            if done is not None and done.state is OrderState.CANCELED:
                canceled.append(order.order_id)
        return {"canceledOrderIds": canceled}

    # --- queries (§5.7) -------------------------------------------------------------------
    def _get(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        return {"order": self.api.order_json(
            self.api.own_order(user, request.path_params["order_id"]))}

    def _open_orders(self, request: Request, user: SimUser, body: Any) -> dict[str, Any]:
        slugs = request.query_params.getlist("slugs")
        symbols = None
        if slugs:
            wanted = {s.lower() for s in slugs}
            symbols = [s for s in self.exchange.instruments if slug_of(s) in wanted]
        orders = self.exchange.open_orders(accounts=user.accounts, symbols=symbols)
        return {"orders": [self.api.order_json(o) for o in orders]}
