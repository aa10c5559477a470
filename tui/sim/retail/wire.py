"""The retail API's JSON at the edge (retail-api.md §3, §5.9, §5.10, §6): parsing and shapes.

Money and quantities stay Decimal or raw integers inside; they become decimal strings,
Amounts or JSON numbers only here. Never float except a JSON number written out by _num.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from tui.core.enums import ExecType, OrdRejectReason, Side, TimeInForce
from tui.core.prices import Scales
from tui.sim.model import ExecReport, SimInstrument, SimOrder, SimPosition

# §9.1: intent → (outcomeSide, action, side on the YES book)
INTENTS: dict[str, tuple[str, str, Side]] = {
    "ORDER_INTENT_BUY_LONG": ("OUTCOME_SIDE_YES", "ORDER_ACTION_BUY", Side.BUY),
    "ORDER_INTENT_SELL_LONG": ("OUTCOME_SIDE_YES", "ORDER_ACTION_SELL", Side.SELL),
    "ORDER_INTENT_BUY_SHORT": ("OUTCOME_SIDE_NO", "ORDER_ACTION_BUY", Side.SELL),
    "ORDER_INTENT_SELL_SHORT": ("OUTCOME_SIDE_NO", "ORDER_ACTION_SELL", Side.BUY),
}
BY_OUTCOME = {(o, a): i for i, (o, a, _) in INTENTS.items()}
TIFS = {
    "TIME_IN_FORCE_DAY": TimeInForce.DAY,
    "TIME_IN_FORCE_GOOD_TILL_CANCEL": TimeInForce.GOOD_TILL_CANCEL,
    "TIME_IN_FORCE_GOOD_TILL_DATE": TimeInForce.GOOD_TILL_TIME,
    "TIME_IN_FORCE_IMMEDIATE_OR_CANCEL": TimeInForce.IMMEDIATE_OR_CANCEL,
    "TIME_IN_FORCE_FILL_OR_KILL": TimeInForce.FILL_OR_KILL,
}
TIF_NAMES = {v: k for k, v in TIFS.items()}
ORDER_TYPES = ("ORDER_TYPE_LIMIT", "ORDER_TYPE_MARKET")
# the engine's UNKNOWN_SYMBOL is the retail UNKNOWN_MARKET (§9.2); the rest share names
REJECT_NAMES = {r: f"ORD_REJECT_REASON_{r.name}" for r in OrdRejectReason} | {
    OrdRejectReason.UNKNOWN_SYMBOL: "ORD_REJECT_REASON_UNKNOWN_MARKET"}


class RetailError(Exception):
    """An HTTP error; the body is {"status", "message"}, the one shape the spec publishes."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def slug_of(symbol: str) -> str:
    # retail slugs are the lower-case form of the sim's symbols (aec-nfl-kc-buf-2026-11-29)
    return symbol.lower()


def rfc3339(ts: float | None) -> str | None:
    if ts is None:
        return None
    text = datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def num(value: Decimal) -> int | float:
    # JSON number at the edge: short decimals round-trip exactly through float's repr
    return int(value) if value == value.to_integral_value() else float(value)


def amount(value: Decimal) -> dict[str, str]:
    return {"value": f"{value:f}", "currency": "USD"}


def px_amount(raw: int, scales: Scales) -> dict[str, str]:
    """A raw price as an Amount in the market's own places ("0.40", "0.615")."""
    return {"value": scales.price_text(raw), "currency": "USD"}


def qty_dec(raw: int, scales: Scales) -> Decimal:
    return Decimal(raw) / Decimal(scales.qty_scale)


def qty_text(raw: int, scales: Scales) -> str:
    """A raw quantity as a decimal string with the market's places ("3", "0.50")."""
    places = len(str(scales.qty_scale)) - 1  # qty scales are powers of ten
    return f"{qty_dec(raw, scales):.{places}f}"


def money(notional: int, scales: Scales) -> Decimal:
    """Raw notional (raw px × raw qty) in dollars."""
    return Decimal(notional) / Decimal(scales.price_scale * scales.qty_scale)


def decimal_in(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise RetailError(400, f"{what} must be a number")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise RetailError(400, f"{what} is not a decimal number") from None
    if not result.is_finite():
        raise RetailError(400, f"{what} is not a decimal number")
    return result


def amount_in(value: object, what: str) -> Decimal:
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise RetailError(400, f'{what} must be an Amount {{"value": "<decimal>", '
                               f'"currency": "USD"}}')
    if value.get("currency", "USD") != "USD":
        raise RetailError(400, f"{what}.currency must be USD")
    return decimal_in(value["value"], f"{what}.value")


def raw_price(price: Decimal, scales: Scales) -> int:
    # §10: extra precision is normalised down ("0.515" → "0.51"), not rejected
    return int((price * scales.price_scale / scales.tick).to_integral_value(
        ROUND_DOWN)) * scales.tick


def raw_qty(qty: Decimal, scales: Scales) -> int:
    return int((qty * scales.qty_scale).to_integral_value(ROUND_DOWN))


def rfc3339_in(value: object, name: str) -> float:
    """An RFC 3339 time as epoch seconds; RetailError 400 naming ``name`` if it is not one.

    The one parser for every time the API is sent (create, modify, query bounds), so all
    of them accept and refuse the same text."""
    if not isinstance(value, str):
        raise RetailError(400, f"{name} must be an RFC 3339 time")
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RetailError(400, f"{name} must be an RFC 3339 time") from None
    if when.tzinfo is None:  # RFC 3339 always says its offset: a bare time is ambiguous
        raise RetailError(400, f"{name} must give its UTC offset (e.g. Z)")
    return when.timestamp()


def metadata(inst: SimInstrument | None, symbol: str) -> dict[str, Any]:
    return {"slug": slug_of(symbol), "title": inst.description if inst else "",
            "outcome": "Yes"}


def scales_of(inst: SimInstrument | None, o: SimOrder) -> Scales:
    """The market's scales; for an unknown market (an order the engine rejected) the
    order's own, so its Order and Execution JSON can still be written."""
    return inst.scales if inst else Scales(o.price_scale or 1, 1, o.qty_scale or 1)


def order_json(o: SimOrder, inst: SimInstrument | None, intent: str,
               order_type: str) -> dict[str, Any]:
    """§5.9 Order; price is the YES price."""
    outcome, action, _ = INTENTS[intent]
    scales = scales_of(inst, o)
    qs = Decimal(o.qty_scale or 1)
    return {
        "id": o.order_id, "marketSlug": slug_of(o.symbol),
        "side": "ORDER_SIDE_BUY" if o.side is Side.BUY else "ORDER_SIDE_SELL",
        "type": order_type, "price": px_amount(o.price, scales),
        "quantity": num(o.order_qty / qs), "cumQuantity": num(o.cum_qty / qs),
        "leavesQuantity": num(o.leaves_qty / qs),
        "tif": TIF_NAMES.get(o.tif, "TIME_IN_FORCE_DAY"),
        "goodTillTime": rfc3339(o.good_till_time), "intent": intent,
        "outcomeSide": outcome, "action": action,
        "marketMetadata": metadata(inst, o.symbol),
        "state": f"ORDER_STATE_{o.state.name}",
        "avgPx": px_amount(o.avg_px, scales) if o.cum_qty else None,
        "cashOrderQty": (amount(Decimal(o.cash_order_qty) / (o.price_scale * qs))
                         if o.cash_order_qty else None),
        "insertTime": rfc3339(o.insert_time), "createTime": rfc3339(o.create_time),
    }


def execution_json(e: ExecReport, order: dict[str, Any], scales: Scales) -> dict[str, Any]:
    """§5.10 Execution; ``order`` is the Order JSON of e.order (the order after the event)."""
    out: dict[str, Any] = {
        "id": e.exec_id, "order": order,
        "lastShares": qty_text(e.last_shares, scales),
        "lastPx": px_amount(e.last_px, scales) if e.last_shares else None,
        "type": f"EXECUTION_TYPE_{e.type.name}", "text": e.text,
        "transactTime": rfc3339(e.transact_time), "tradeId": e.trade_id,
        "aggressor": e.aggressor,
    }
    if e.type is ExecType.REJECTED:
        out["orderRejectReason"] = REJECT_NAMES[e.reject_reason]
    return out


def position_json(p: SimPosition, inst: SimInstrument) -> dict[str, Any]:
    """§6.1 UserPosition: int64 strings (rounded), exact *Decimal strings, Amounts."""
    sc = inst.scales

    def both(raw: int) -> tuple[str, str]:
        exact = qty_dec(raw, sc)
        return f"{exact.quantize(Decimal(1), ROUND_HALF_UP):f}", qty_text(raw, sc)

    net, net_d = both(p.net_position)
    bought, bought_d = both(p.qty_bought)
    sold, sold_d = both(p.qty_sold)
    avg = p.avg_cost()
    return {
        "netPosition": net, "netPositionDecimal": net_d,
        "qtyBought": bought, "qtyBoughtDecimal": bought_d,
        "qtySold": sold, "qtySoldDecimal": sold_d,
        "bodPosition": "0", "bodPositionDecimal": qty_text(0, sc),
        "qtyAvailable": net, "qtyAvailableDecimal": net_d,
        "cost": amount(money(p.cost, sc)), "realized": amount(money(p.realized, sc)),
        "expired": False, "updateTime": rfc3339(p.update_time or None),
        "marketMetadata": metadata(inst, p.symbol), "cashValue": None,
        "avgPx": (amount((avg / sc.price_scale).quantize(Decimal(1) / sc.price_scale / 100))
                  if avg is not None else None),
    }
