from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class Heartbeat(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Date(_message.Message):
    __slots__ = ("year", "month", "day")
    YEAR_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    DAY_FIELD_NUMBER: _ClassVar[int]
    year: int
    month: int
    day: int
    def __init__(self, year: _Optional[int] = ..., month: _Optional[int] = ..., day: _Optional[int] = ...) -> None: ...

class TimeOfDay(_message.Message):
    __slots__ = ("hours", "minutes", "seconds")
    HOURS_FIELD_NUMBER: _ClassVar[int]
    MINUTES_FIELD_NUMBER: _ClassVar[int]
    SECONDS_FIELD_NUMBER: _ClassVar[int]
    hours: int
    minutes: int
    seconds: int
    def __init__(self, hours: _Optional[int] = ..., minutes: _Optional[int] = ..., seconds: _Optional[int] = ...) -> None: ...

class LegPrice(_message.Message):
    __slots__ = ("symbol", "anchor", "px", "qty", "side", "reference_px")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ANCHOR_FIELD_NUMBER: _ClassVar[int]
    PX_FIELD_NUMBER: _ClassVar[int]
    QTY_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_PX_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    anchor: bool
    px: int
    qty: int
    side: str
    reference_px: int
    def __init__(self, symbol: _Optional[str] = ..., anchor: _Optional[bool] = ..., px: _Optional[int] = ..., qty: _Optional[int] = ..., side: _Optional[str] = ..., reference_px: _Optional[int] = ...) -> None: ...

class TradeStats(_message.Message):
    __slots__ = ("first", "last", "high", "low", "total_trade_count", "cleared_trade_count", "volume", "cleared_volume", "notional", "cleared_notional")
    FIRST_FIELD_NUMBER: _ClassVar[int]
    LAST_FIELD_NUMBER: _ClassVar[int]
    HIGH_FIELD_NUMBER: _ClassVar[int]
    LOW_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TRADE_COUNT_FIELD_NUMBER: _ClassVar[int]
    CLEARED_TRADE_COUNT_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    CLEARED_VOLUME_FIELD_NUMBER: _ClassVar[int]
    NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    CLEARED_NOTIONAL_FIELD_NUMBER: _ClassVar[int]
    first: int
    last: int
    high: int
    low: int
    total_trade_count: int
    cleared_trade_count: int
    volume: int
    cleared_volume: int
    notional: int
    cleared_notional: int
    def __init__(self, first: _Optional[int] = ..., last: _Optional[int] = ..., high: _Optional[int] = ..., low: _Optional[int] = ..., total_trade_count: _Optional[int] = ..., cleared_trade_count: _Optional[int] = ..., volume: _Optional[int] = ..., cleared_volume: _Optional[int] = ..., notional: _Optional[int] = ..., cleared_notional: _Optional[int] = ...) -> None: ...
