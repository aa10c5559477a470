"""Retail JSON (retail-api.md §3, §5, §6, §7) to and from the core's plain values.

The desk keeps raw integers per market: a market's price scale is the power of ten its
tick needs (0.01 → 100, 0.005 → 1000) and its quantity scale the one its minimum size
needs (1 → 1, 0.01 → 100). Prices on the wire are always the YES price (§10). Text that
does not parse raises ValueError; callers skip the item and say so, never guess a price.
"""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal

from tui.core.enums import InstrumentState, OrderState, Side, TimeInForce
from tui.core.model import Balance, Book, Fill, Instrument, Order, Position
from tui.core.money import wire_decimal as decimal
from tui.core.prices import Intent, Scales
from tui.core.tape import Trade
from tui.core.ticket import OrderKind, OrderRequest
from tui.venues.retail.batch import TIF_NAMES
from tui.venues.retail.rest import Json, amount, manual_indicator

# §9.1: the desk's intent ↔ the retail intent; the price sent is the YES price either way
INTENT_NAMES: dict[Intent, str] = {
    Intent.BUY_YES: "ORDER_INTENT_BUY_LONG",
    Intent.SELL_YES: "ORDER_INTENT_SELL_LONG",
    Intent.BUY_NO: "ORDER_INTENT_BUY_SHORT",
    Intent.SELL_NO: "ORDER_INTENT_SELL_SHORT",
}
INTENTS = {name: intent for intent, name in INTENT_NAMES.items()}
MARKET_STATES = {
    "MARKET_STATE_OPEN": InstrumentState.OPEN,
    "MARKET_STATE_PREOPEN": InstrumentState.PREOPEN,
    "MARKET_STATE_SUSPENDED": InstrumentState.SUSPENDED,
}


def _places(step: Decimal) -> int:
    """The power of ten that makes ``step`` whole: 0.01 → 100, 0.005 → 1000, 1 → 1."""
    exponent = step.normalize().as_tuple().exponent
    return 10 ** max(0, -int(exponent))


def scales(market: Json) -> Scales:
    tick = decimal(market.get("orderPriceMinTickSize"))
    minimum = decimal(market.get("minimumTradeQty", 1))
    if tick <= 0 or minimum <= 0:
        raise ValueError("tick and minimum size must be positive")
    qty_scale = _places(minimum)
    return Scales.from_refdata(price_scale=max(100, _places(tick)), tick_size=tick,
                               qty_scale=qty_scale, min_qty=int(minimum * qty_scale))


def instrument(market: Json) -> Instrument:
    slug = market.get("slug")
    if not isinstance(slug, str) or not slug:
        raise ValueError("a market without a slug")
    state = MARKET_STATES.get(str(market.get("state", "")))
    if state is None:
        open_ = market.get("active", True) and not market.get("closed", False)
        state = InstrumentState.OPEN if open_ else InstrumentState.CLOSED
    title = str(market.get("question") or market.get("title") or slug)
    return Instrument(symbol=slug, description=title, scales=scales(market), state=state,
                      category=str(market.get("category") or ""))


def raw_price(value: object, sc: Scales) -> int:
    return int((decimal(value) * sc.price_scale).to_integral_value())


def raw_qty(value: object, sc: Scales) -> int:
    return int((decimal(value) * sc.qty_scale).to_integral_value())


def _opt_price(value: object, sc: Scales) -> int | None:
    try:
        return raw_price(value, sc) if value is not None else None
    except ValueError:
        return None


def _opt_qty(value: object, sc: Scales) -> int | None:
    try:
        return raw_qty(value, sc) if value is not None else None
    except ValueError:
        return None


def epoch_ns(text: object) -> int | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000


def book(data: Json, sc: Scales) -> Book:
    """§7.3 MarketData: a whole book with its session stats."""
    stats = data.get("stats") or {}
    return Book(
        symbol=str(data.get("marketSlug", "")),
        bids=[(raw_price(lv["px"], sc), raw_qty(lv["qty"], sc)) for lv in data.get("bids") or []],
        offers=[(raw_price(lv["px"], sc), raw_qty(lv["qty"], sc))
                for lv in data.get("offers") or []],
        last_trade_px=_opt_price(stats.get("lastTradePx"), sc),
        last_trade_qty=_opt_qty(stats.get("lastTradeQty"), sc),
        volume=_opt_qty(stats.get("sharesTraded"), sc),
        open_px=_opt_price(stats.get("openPx"), sc),
        transact_ns=epoch_ns(data.get("transactTime")),
        received_at=time.monotonic(),
    )


def trade(data: Json, sc: Scales, now: float) -> Trade:
    """§8.4 TRADE: the taker's side is the aggressor (BUY lifted the offer)."""
    taker = str((data.get("taker") or {}).get("side") or "")
    side = {"ORDER_SIDE_BUY": Side.BUY, "ORDER_SIDE_SELL": Side.SELL}.get(taker)
    return Trade(str(data.get("marketSlug", "")), raw_price(data.get("price"), sc),
                 raw_qty(data.get("quantity"), sc), side, now)


def order_state(name: object) -> OrderState:
    text = str(name or "").removeprefix("ORDER_STATE_")
    return OrderState[text] if text in OrderState.__members__ else OrderState.NEW


def intent_of(data: Json) -> Intent | None:
    return INTENTS.get(str(data.get("intent") or ""))


def order(data: Json, sc: Scales, *, clord_id: str = "") -> Order:
    """§5.9 Order; the side is on the YES book, the price the YES price."""
    side = Side.BUY if data.get("side") == "ORDER_SIDE_BUY" else Side.SELL
    quantity = raw_qty(data.get("quantity", 0), sc)
    cum = raw_qty(data.get("cumQuantity", 0) or 0, sc)
    leaves = data.get("leavesQuantity")
    return Order(
        order_id=str(data.get("id", "")), clord_id=clord_id,
        symbol=str(data.get("marketSlug", "")), side=side,
        price=_opt_price(data.get("price"), sc) or 0, order_qty=quantity,
        leaves_qty=raw_qty(leaves, sc) if leaves is not None else max(quantity - cum, 0),
        cum_qty=cum, avg_px=_opt_price(data.get("avgPx"), sc) or 0,
        state=order_state(data.get("state")), intent=intent_of(data),
        updated_at=time.monotonic(), inserted_ns=epoch_ns(data.get("insertTime")),
    )


def trade_key(trade_id: str, side: Side) -> str:
    """A fill's id: its trade id and its order's side. The history names a fill by trade id
    alone, and a trade between two of my own orders has one id for both sides."""
    return f"{trade_id}:{'B' if side is Side.BUY else 'S'}"


def fill(execution: Json, sc: Scales) -> Fill | None:
    """A §5.10 execution that traded, as a fill; None for any other execution."""
    if execution.get("type") not in ("EXECUTION_TYPE_PARTIAL_FILL", "EXECUTION_TYPE_FILL"):
        return None
    data = execution.get("order") or {}
    qty = raw_qty(execution.get("lastShares"), sc)
    if qty <= 0:
        return None
    # keyed by the trade id (and side), as the activities history names the same fill
    # (§6.2): a fill seen on the socket and again in the history is one fill
    side = Side.BUY if data.get("side") == "ORDER_SIDE_BUY" else Side.SELL
    trade = str(execution.get("tradeId") or "")
    fill_id = trade_key(trade, side) if trade else str(execution.get("id", ""))
    return Fill(exec_id=fill_id, order_id=str(data.get("id", "")),
                symbol=str(data.get("marketSlug", "")), side=side,
                price=raw_price(execution.get("lastPx"), sc), qty=qty,
                intent=intent_of(data), at=time.time())


def position(slug: str, data: Json, sc: Scales) -> Position:
    """§6.1 UserPosition; the exact *Decimal fields first, the rounded ones if empty."""
    def qty(name: str) -> int:
        exact = data.get(f"{name}Decimal")
        return raw_qty(exact if exact not in (None, "") else data.get(name) or 0, sc)

    def money(name: str) -> int:  # raw notional: price units × quantity units
        value = data.get(name)
        if value is None:
            return 0
        return int((decimal(value) * sc.price_scale * sc.qty_scale).to_integral_value())

    return Position.from_net(slug, qty("netPosition"), qty("qtyBought"), qty("qtySold"),
                             money("cost"), money("realized"), scales=sc)


def balance(balances: list[Json]) -> Balance:
    """§6.3: the USD balance; numbers are JSON numbers, read as exact decimals."""
    for entry in balances:
        if str(entry.get("currency") or "USD") == "USD":  # the SDK's fixture sends ""
            return Balance(balance=decimal(entry.get("currentBalance", 0)),
                           buying_power=decimal(entry.get("buyingPower", 0)))
    raise ValueError("no USD balance")


def _rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="seconds")


def price_amount(raw: int, sc: Scales) -> dict[str, str]:
    """An Amount with the market's own places, as the docs write prices ("0.40")."""
    return {"value": sc.price_text(raw), "currency": "USD"}


def order_body(request: OrderRequest, sc: Scales) -> Json:
    """§5.1 CreateOrderRequest for a ticket: always a limit at its YES price (a market order
    is an IOC limit at its protective price, as on the gateway), quantity in contracts."""
    tif = request.tif
    if request.kind is OrderKind.MARKET and tif not in (TimeInForce.IMMEDIATE_OR_CANCEL,
                                                        TimeInForce.FILL_OR_KILL):
        tif = TimeInForce.IMMEDIATE_OR_CANCEL
    body: Json = {
        "marketSlug": request.symbol, "type": "ORDER_TYPE_LIMIT",
        "price": price_amount(request.yes_price, sc),
        "quantity": Decimal(request.qty) / sc.qty_scale,
        "tif": TIF_NAMES[tif], "intent": INTENT_NAMES[request.intent],
        "manualOrderIndicator": manual_indicator(True),
        "participateDontInitiate": request.post_only,
    }
    if request.cash_qty is not None:  # spend at most this many dollars
        del body["quantity"]
        body["cashOrderQty"] = amount(Decimal(request.cash_qty)
                                      / (sc.price_scale * sc.qty_scale))
    if request.expire_at is not None and tif is TimeInForce.GOOD_TILL_TIME:
        body["goodTillTime"] = _rfc3339(request.expire_at)
    return body


def modify_body(current: Order, sc: Scales, *, price: int | None, qty: int | None) -> Json:
    """§5.3 ModifyOrderRequest: the market, and the new YES price and total quantity."""
    return {"marketSlug": current.symbol,
            "price": price_amount(current.price if price is None else price, sc),
            "quantity": Decimal(current.order_qty if qty is None else qty) / sc.qty_scale}
