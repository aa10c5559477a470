"""Trading enums with the gateway's wire numbers (spec §10), usable without protobuf.

The matching engine and the client core speak these; the proto layer converts 1:1 by value.
"""

from __future__ import annotations

from enum import IntEnum


class Side(IntEnum):
    UNDEFINED = 0
    BUY = 1
    SELL = 2

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(IntEnum):
    UNDEFINED = 0
    MARKET_TO_LIMIT = 1
    LIMIT = 2
    STOP = 3
    STOP_LIMIT = 4


class TimeInForce(IntEnum):
    UNDEFINED = 0
    DAY = 1
    GOOD_TILL_CANCEL = 2
    IMMEDIATE_OR_CANCEL = 3
    GOOD_TILL_TIME = 4
    FILL_OR_KILL = 5


class OrderState(IntEnum):
    NEW = 0
    PARTIALLY_FILLED = 1
    FILLED = 2
    CANCELED = 3
    REPLACED = 4
    REJECTED = 5
    EXPIRED = 6
    PENDING_NEW = 7
    PENDING_REPLACE = 8
    PENDING_CANCEL = 9
    PENDING_RISK = 10

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL

    @property
    def is_working(self) -> bool:
        return not self.is_terminal


_TERMINAL = frozenset(
    {OrderState.FILLED, OrderState.CANCELED, OrderState.REPLACED, OrderState.REJECTED,
     OrderState.EXPIRED}
)


class ExecType(IntEnum):
    NEW = 0
    PARTIAL_FILL = 1
    FILL = 2
    CANCELED = 3
    REPLACE = 4
    REJECTED = 5
    EXPIRED = 6
    DONE_FOR_DAY = 7


class OrdRejectReason(IntEnum):
    EXCHANGE_OPTION = 0
    UNKNOWN_SYMBOL = 1
    EXCHANGE_CLOSED = 2
    INCORRECT_QUANTITY = 3
    INVALID_PRICE_INCREMENT = 4
    INCORRECT_ORDER_TYPE = 5
    PRICE_OUT_OF_BOUNDS = 6
    NO_LIQUIDITY = 7


class CxlRejReason(IntEnum):
    EXCHANGE_OPTION = 0
    UNKNOWN_ORDER = 1
    EXCHANGE_CLOSED = 2
    INCORRECT_QUANTITY = 3
    INVALID_PRICE_INCREMENT = 4
    PRICE_OUT_OF_BOUNDS = 5


class InstrumentState(IntEnum):
    CLOSED = 0
    OPEN = 1
    PREOPEN = 2
    SUSPENDED = 3
    EXPIRED = 4
    TERMINATED = 5
    HALTED = 6
    MATCH_AND_CLOSE_AUCTION = 7
    PENDING = 8


# Plain words for a trader; never show an enum name or number on screen.
REJECT_WORDS: dict[OrdRejectReason, str] = {
    OrdRejectReason.EXCHANGE_OPTION: "rejected by the exchange",
    OrdRejectReason.UNKNOWN_SYMBOL: "unknown market",
    OrdRejectReason.EXCHANGE_CLOSED: "market is closed",
    OrdRejectReason.INCORRECT_QUANTITY: "quantity not allowed",
    OrdRejectReason.INVALID_PRICE_INCREMENT: "price is not on the tick",
    OrdRejectReason.INCORRECT_ORDER_TYPE: "order type not allowed",
    OrdRejectReason.PRICE_OUT_OF_BOUNDS: "price outside 0.01–0.99",
    OrdRejectReason.NO_LIQUIDITY: "no liquidity to fill against",
}

CANCEL_REJECT_WORDS: dict[CxlRejReason, str] = {
    CxlRejReason.EXCHANGE_OPTION: "refused by the exchange",
    CxlRejReason.UNKNOWN_ORDER: "order is no longer working",
    CxlRejReason.EXCHANGE_CLOSED: "market is closed",
    CxlRejReason.INCORRECT_QUANTITY: "quantity not allowed",
    CxlRejReason.INVALID_PRICE_INCREMENT: "price is not on the tick",
    CxlRejReason.PRICE_OUT_OF_BOUNDS: "price outside 0.01–0.99",
}
