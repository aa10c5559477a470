"""What the store's reads return: frozen rows of plain values (raw ints, ids, enums)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tui.core.enums import OrderState, Side
from tui.core.model import Balance, Fill, Holding, Level, Order, Position
from tui.core.prices import Intent

Params = tuple[Any, ...]  # one row's SQL parameters


def intent_text(intent: Intent | None) -> str | None:
    return None if intent is None else intent.name


def intent_of(text: str | None) -> Intent | None:
    return None if text is None else Intent[text]


@dataclass(frozen=True, slots=True)
class FillRow:
    exec_id: str
    order_id: str
    clord_id: str
    symbol: str
    side: Side
    price: int  # raw YES price
    qty: int  # raw quantity
    intent: Intent | None
    kind: str
    at: float
    fee: Decimal = Decimal(0)  # dollars the venue charged for it

    def to_fill(self) -> Fill:
        return Fill(self.exec_id, self.order_id, self.symbol, self.side, self.price, self.qty,
                    self.intent, self.at, aggregate=self.kind == "aggregate", fee=self.fee,
                    undone=self.kind == "undone")


@dataclass(frozen=True, slots=True)
class OrderRow:
    order_id: str  # "" while the venue has not named it
    clord_id: str
    symbol: str
    side: Side
    price: int  # raw YES price
    order_qty: int
    leaves_qty: int
    cum_qty: int
    avg_px: int
    state: OrderState
    intent: Intent | None
    reject_text: str
    inserted_ns: int | None
    first_at: float  # when this desk first recorded it
    at: float  # its latest state change

    def to_order(self) -> Order:
        return Order(self.order_id, self.clord_id, self.symbol, self.side, self.price,
                     self.order_qty, self.leaves_qty, self.cum_qty, self.avg_px, self.state,
                     self.intent, self.reject_text, self.at, self.inserted_ns)


ORDER_FIELDS = ("order_id, clord_id, symbol, side, price, order_qty, leaves_qty, cum_qty, "
                "avg_px, state, intent, reject_text, inserted_ns")


def order_params(order: Order) -> Params:
    """The order's fields as they are now (an Order is mutable: copy before queueing)."""
    return (order.order_id, order.clord_id, order.symbol, int(order.side), order.price,
            order.order_qty, order.leaves_qty, order.cum_qty, order.avg_px, int(order.state),
            intent_text(order.intent), order.reject_text, order.inserted_ns)


def order_row(r: Params) -> OrderRow:
    return OrderRow(r[0], r[1], r[2], Side(r[3]), r[4], r[5], r[6], r[7], r[8],
                    OrderState(r[9]), intent_of(r[10]), r[11], r[12], r[13], r[14])


@dataclass(frozen=True, slots=True)
class BookRow:
    symbol: str
    bids: tuple[Level, ...]  # best first, raw (price, qty)
    offers: tuple[Level, ...]
    at: float


_encode = json.JSONEncoder(separators=(",", ":")).encode  # made once: dumps() rebuilds it


def levels_json(levels: tuple[Level, ...] | list[Level]) -> str:
    return _encode(levels)


def levels_of(text: str) -> tuple[Level, ...]:
    return tuple((int(p), int(q)) for p, q in json.loads(text))


@dataclass(frozen=True, slots=True)
class StreamEventRow:
    name: str
    state: str  # e.g. "connected", "disconnected"
    detail: str
    at: float


@dataclass(frozen=True, slots=True)
class JournalRow:
    """One audit journal entry as kept: request and response are redacted JSON text."""

    at: float
    account: str
    kind: str  # tui/core/audit.py KINDS
    summary: str
    request: str
    response: str


def position_of(r: Params) -> Position:
    return Position(r[0], Holding(r[1], r[2]), Holding(r[3], r[4]), r[5], r[6], r[7])


def balance_of(r: Params) -> Balance:
    return Balance(Decimal(r[1]), Decimal(r[2]), r[0])
