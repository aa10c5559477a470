import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from tui.proto.polymarket.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class InstrumentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSTRUMENT_STATE_CLOSED: _ClassVar[InstrumentState]
    INSTRUMENT_STATE_OPEN: _ClassVar[InstrumentState]
    INSTRUMENT_STATE_PREOPEN: _ClassVar[InstrumentState]
    INSTRUMENT_STATE_SUSPENDED: _ClassVar[InstrumentState]
    INSTRUMENT_STATE_EXPIRED: _ClassVar[InstrumentState]
    INSTRUMENT_STATE_TERMINATED: _ClassVar[InstrumentState]
    INSTRUMENT_STATE_HALTED: _ClassVar[InstrumentState]
    INSTRUMENT_STATE_MATCH_AND_CLOSE_AUCTION: _ClassVar[InstrumentState]
    INSTRUMENT_STATE_PENDING: _ClassVar[InstrumentState]

class TradableFilter(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRADABLE_FILTER_UNSET: _ClassVar[TradableFilter]
    TRADABLE_FILTER_NON_TRADABLE: _ClassVar[TradableFilter]
    TRADABLE_FILTER_TRADABLE: _ClassVar[TradableFilter]

class InstrumentType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSTRUMENT_TYPE_UNSET: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_DEFAULT: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_FUTURE: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_OPTION: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_MULTILEG: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_IRS: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_FRA: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_FSIRS: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_BASIS: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_EVENT: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_OIS: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_SPS: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_NDF: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_FOREX: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_ZCIS: _ClassVar[InstrumentType]
    INSTRUMENT_TYPE_XCCY: _ClassVar[InstrumentType]
INSTRUMENT_STATE_CLOSED: InstrumentState
INSTRUMENT_STATE_OPEN: InstrumentState
INSTRUMENT_STATE_PREOPEN: InstrumentState
INSTRUMENT_STATE_SUSPENDED: InstrumentState
INSTRUMENT_STATE_EXPIRED: InstrumentState
INSTRUMENT_STATE_TERMINATED: InstrumentState
INSTRUMENT_STATE_HALTED: InstrumentState
INSTRUMENT_STATE_MATCH_AND_CLOSE_AUCTION: InstrumentState
INSTRUMENT_STATE_PENDING: InstrumentState
TRADABLE_FILTER_UNSET: TradableFilter
TRADABLE_FILTER_NON_TRADABLE: TradableFilter
TRADABLE_FILTER_TRADABLE: TradableFilter
INSTRUMENT_TYPE_UNSET: InstrumentType
INSTRUMENT_TYPE_DEFAULT: InstrumentType
INSTRUMENT_TYPE_FUTURE: InstrumentType
INSTRUMENT_TYPE_OPTION: InstrumentType
INSTRUMENT_TYPE_MULTILEG: InstrumentType
INSTRUMENT_TYPE_IRS: InstrumentType
INSTRUMENT_TYPE_FRA: InstrumentType
INSTRUMENT_TYPE_FSIRS: InstrumentType
INSTRUMENT_TYPE_BASIS: InstrumentType
INSTRUMENT_TYPE_EVENT: InstrumentType
INSTRUMENT_TYPE_OIS: InstrumentType
INSTRUMENT_TYPE_SPS: InstrumentType
INSTRUMENT_TYPE_NDF: InstrumentType
INSTRUMENT_TYPE_FOREX: InstrumentType
INSTRUMENT_TYPE_ZCIS: InstrumentType
INSTRUMENT_TYPE_XCCY: InstrumentType

class ListInstrumentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "symbols", "product_id", "tradable_filter", "states", "type")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TRADABLE_FILTER_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    symbols: _containers.RepeatedScalarFieldContainer[str]
    product_id: str
    tradable_filter: TradableFilter
    states: _containers.RepeatedScalarFieldContainer[InstrumentState]
    type: InstrumentType
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., symbols: _Optional[_Iterable[str]] = ..., product_id: _Optional[str] = ..., tradable_filter: _Optional[_Union[TradableFilter, str]] = ..., states: _Optional[_Iterable[_Union[InstrumentState, str]]] = ..., type: _Optional[_Union[InstrumentType, str]] = ...) -> None: ...

class ListInstrumentsResponse(_message.Message):
    __slots__ = ("instruments", "next_page_token", "eof")
    INSTRUMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EOF_FIELD_NUMBER: _ClassVar[int]
    instruments: _containers.RepeatedCompositeFieldContainer[Instrument]
    next_page_token: str
    eof: bool
    def __init__(self, instruments: _Optional[_Iterable[_Union[Instrument, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., eof: _Optional[bool] = ...) -> None: ...

class Instrument(_message.Message):
    __slots__ = ("symbol", "tick_size", "base_currency", "multiplier", "minimum_trade_qty", "start_date", "expiration_date", "termination_date", "trading_schedule", "description", "clearing_house", "minimum_unaffiliated_firms", "non_tradable", "json_attributes", "product_id", "price_limit", "order_size_limit", "expiration_time", "trade_settlement_period", "state", "price_scale", "fractional_qty_scale", "settlement_currency", "settlement_price_scale", "metadata")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    TICK_SIZE_FIELD_NUMBER: _ClassVar[int]
    BASE_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    MULTIPLIER_FIELD_NUMBER: _ClassVar[int]
    MINIMUM_TRADE_QTY_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRATION_DATE_FIELD_NUMBER: _ClassVar[int]
    TERMINATION_DATE_FIELD_NUMBER: _ClassVar[int]
    TRADING_SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CLEARING_HOUSE_FIELD_NUMBER: _ClassVar[int]
    MINIMUM_UNAFFILIATED_FIRMS_FIELD_NUMBER: _ClassVar[int]
    NON_TRADABLE_FIELD_NUMBER: _ClassVar[int]
    JSON_ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    ORDER_SIZE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    EXPIRATION_TIME_FIELD_NUMBER: _ClassVar[int]
    TRADE_SETTLEMENT_PERIOD_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PRICE_SCALE_FIELD_NUMBER: _ClassVar[int]
    FRACTIONAL_QTY_SCALE_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENT_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENT_PRICE_SCALE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    tick_size: float
    base_currency: str
    multiplier: float
    minimum_trade_qty: int
    start_date: _types_pb2.Date
    expiration_date: _types_pb2.Date
    termination_date: _types_pb2.Date
    trading_schedule: _containers.RepeatedCompositeFieldContainer[TradingHours]
    description: str
    clearing_house: str
    minimum_unaffiliated_firms: int
    non_tradable: bool
    json_attributes: str
    product_id: str
    price_limit: PriceLimit
    order_size_limit: OrderSizeLimit
    expiration_time: _types_pb2.TimeOfDay
    trade_settlement_period: int
    state: InstrumentState
    price_scale: int
    fractional_qty_scale: int
    settlement_currency: str
    settlement_price_scale: int
    metadata: _containers.ScalarMap[str, str]
    def __init__(self, symbol: _Optional[str] = ..., tick_size: _Optional[float] = ..., base_currency: _Optional[str] = ..., multiplier: _Optional[float] = ..., minimum_trade_qty: _Optional[int] = ..., start_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., expiration_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., termination_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., trading_schedule: _Optional[_Iterable[_Union[TradingHours, _Mapping]]] = ..., description: _Optional[str] = ..., clearing_house: _Optional[str] = ..., minimum_unaffiliated_firms: _Optional[int] = ..., non_tradable: _Optional[bool] = ..., json_attributes: _Optional[str] = ..., product_id: _Optional[str] = ..., price_limit: _Optional[_Union[PriceLimit, _Mapping]] = ..., order_size_limit: _Optional[_Union[OrderSizeLimit, _Mapping]] = ..., expiration_time: _Optional[_Union[_types_pb2.TimeOfDay, _Mapping]] = ..., trade_settlement_period: _Optional[int] = ..., state: _Optional[_Union[InstrumentState, str]] = ..., price_scale: _Optional[int] = ..., fractional_qty_scale: _Optional[int] = ..., settlement_currency: _Optional[str] = ..., settlement_price_scale: _Optional[int] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class TradingHours(_message.Message):
    __slots__ = ("days_of_week", "time_of_day", "duration", "state", "hide_market_data", "expire_all_orders")
    DAYS_OF_WEEK_FIELD_NUMBER: _ClassVar[int]
    TIME_OF_DAY_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    HIDE_MARKET_DATA_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_ALL_ORDERS_FIELD_NUMBER: _ClassVar[int]
    days_of_week: _containers.RepeatedScalarFieldContainer[int]
    time_of_day: _types_pb2.TimeOfDay
    duration: _duration_pb2.Duration
    state: InstrumentState
    hide_market_data: bool
    expire_all_orders: bool
    def __init__(self, days_of_week: _Optional[_Iterable[int]] = ..., time_of_day: _Optional[_Union[_types_pb2.TimeOfDay, _Mapping]] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., state: _Optional[_Union[InstrumentState, str]] = ..., hide_market_data: _Optional[bool] = ..., expire_all_orders: _Optional[bool] = ...) -> None: ...

class PriceLimit(_message.Message):
    __slots__ = ("low", "high", "low_set", "high_set", "relative_low", "relative_high", "relative_low_set", "relative_high_set")
    LOW_FIELD_NUMBER: _ClassVar[int]
    HIGH_FIELD_NUMBER: _ClassVar[int]
    LOW_SET_FIELD_NUMBER: _ClassVar[int]
    HIGH_SET_FIELD_NUMBER: _ClassVar[int]
    RELATIVE_LOW_FIELD_NUMBER: _ClassVar[int]
    RELATIVE_HIGH_FIELD_NUMBER: _ClassVar[int]
    RELATIVE_LOW_SET_FIELD_NUMBER: _ClassVar[int]
    RELATIVE_HIGH_SET_FIELD_NUMBER: _ClassVar[int]
    low: int
    high: int
    low_set: bool
    high_set: bool
    relative_low: float
    relative_high: float
    relative_low_set: bool
    relative_high_set: bool
    def __init__(self, low: _Optional[int] = ..., high: _Optional[int] = ..., low_set: _Optional[bool] = ..., high_set: _Optional[bool] = ..., relative_low: _Optional[float] = ..., relative_high: _Optional[float] = ..., relative_low_set: _Optional[bool] = ..., relative_high_set: _Optional[bool] = ...) -> None: ...

class OrderSizeLimit(_message.Message):
    __slots__ = ("low", "high", "low_set", "high_set", "total_notional_low", "total_notional_high", "total_notional_low_set", "total_notional_high_set")
    LOW_FIELD_NUMBER: _ClassVar[int]
    HIGH_FIELD_NUMBER: _ClassVar[int]
    LOW_SET_FIELD_NUMBER: _ClassVar[int]
    HIGH_SET_FIELD_NUMBER: _ClassVar[int]
    TOTAL_NOTIONAL_LOW_FIELD_NUMBER: _ClassVar[int]
    TOTAL_NOTIONAL_HIGH_FIELD_NUMBER: _ClassVar[int]
    TOTAL_NOTIONAL_LOW_SET_FIELD_NUMBER: _ClassVar[int]
    TOTAL_NOTIONAL_HIGH_SET_FIELD_NUMBER: _ClassVar[int]
    low: int
    high: int
    low_set: bool
    high_set: bool
    total_notional_low: int
    total_notional_high: int
    total_notional_low_set: bool
    total_notional_high_set: bool
    def __init__(self, low: _Optional[int] = ..., high: _Optional[int] = ..., low_set: _Optional[bool] = ..., high_set: _Optional[bool] = ..., total_notional_low: _Optional[int] = ..., total_notional_high: _Optional[int] = ..., total_notional_low_set: _Optional[bool] = ..., total_notional_high_set: _Optional[bool] = ...) -> None: ...

class ListSymbolsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListSymbolsResponse(_message.Message):
    __slots__ = ("symbols",)
    SYMBOLS_FIELD_NUMBER: _ClassVar[int]
    symbols: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, symbols: _Optional[_Iterable[str]] = ...) -> None: ...

class GetInstrumentMetadataRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetInstrumentMetadataResponse(_message.Message):
    __slots__ = ("metadata",)
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    METADATA_FIELD_NUMBER: _ClassVar[int]
    metadata: _containers.ScalarMap[str, str]
    def __init__(self, metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...
