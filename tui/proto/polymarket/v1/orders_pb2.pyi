import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from tui.proto.polymarket.v1 import enums_pb2 as _enums_pb2
from tui.proto.polymarket.v1 import trading_pb2 as _trading_pb2
from tui.proto.polymarket.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SearchOrdersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "order_id", "clord_id", "start_time", "end_time", "symbol", "accounts", "side", "type", "order_state_filter", "cross_id", "host_cross_id", "client_account_id", "client_participant_id", "parent_order_id", "start_transact_trade_date", "end_transact_trade_date", "with_last_execution")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLORD_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ORDER_STATE_FILTER_FIELD_NUMBER: _ClassVar[int]
    CROSS_ID_FIELD_NUMBER: _ClassVar[int]
    HOST_CROSS_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_PARTICIPANT_ID_FIELD_NUMBER: _ClassVar[int]
    PARENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    START_TRANSACT_TRADE_DATE_FIELD_NUMBER: _ClassVar[int]
    END_TRANSACT_TRADE_DATE_FIELD_NUMBER: _ClassVar[int]
    WITH_LAST_EXECUTION_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    order_id: str
    clord_id: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    symbol: str
    accounts: _containers.RepeatedScalarFieldContainer[str]
    side: _enums_pb2.Side
    type: _enums_pb2.OrderType
    order_state_filter: _enums_pb2.OrderStateFilter
    cross_id: str
    host_cross_id: str
    client_account_id: str
    client_participant_id: str
    parent_order_id: str
    start_transact_trade_date: _types_pb2.Date
    end_transact_trade_date: _types_pb2.Date
    with_last_execution: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., order_id: _Optional[str] = ..., clord_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., symbol: _Optional[str] = ..., accounts: _Optional[_Iterable[str]] = ..., side: _Optional[_Union[_enums_pb2.Side, str]] = ..., type: _Optional[_Union[_enums_pb2.OrderType, str]] = ..., order_state_filter: _Optional[_Union[_enums_pb2.OrderStateFilter, str]] = ..., cross_id: _Optional[str] = ..., host_cross_id: _Optional[str] = ..., client_account_id: _Optional[str] = ..., client_participant_id: _Optional[str] = ..., parent_order_id: _Optional[str] = ..., start_transact_trade_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., end_transact_trade_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., with_last_execution: _Optional[bool] = ...) -> None: ...

class SearchOrdersResponse(_message.Message):
    __slots__ = ("order", "next_page_token", "last_executions")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LAST_EXECUTIONS_FIELD_NUMBER: _ClassVar[int]
    order: _containers.RepeatedCompositeFieldContainer[_trading_pb2.Order]
    next_page_token: str
    last_executions: _containers.RepeatedCompositeFieldContainer[_trading_pb2.Execution]
    def __init__(self, order: _Optional[_Iterable[_Union[_trading_pb2.Order, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., last_executions: _Optional[_Iterable[_Union[_trading_pb2.Execution, _Mapping]]] = ...) -> None: ...

class SearchExecutionsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "order_id", "clord_id", "start_time", "end_time", "symbol", "types", "newest_first", "accounts", "client_account_id", "client_participant_id", "parent_order_id", "exec_ids", "start_transact_trade_date", "end_transact_trade_date")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLORD_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    TYPES_FIELD_NUMBER: _ClassVar[int]
    NEWEST_FIRST_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_PARTICIPANT_ID_FIELD_NUMBER: _ClassVar[int]
    PARENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    EXEC_IDS_FIELD_NUMBER: _ClassVar[int]
    START_TRANSACT_TRADE_DATE_FIELD_NUMBER: _ClassVar[int]
    END_TRANSACT_TRADE_DATE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    order_id: str
    clord_id: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    symbol: str
    types: _containers.RepeatedScalarFieldContainer[_enums_pb2.ExecutionType]
    newest_first: bool
    accounts: _containers.RepeatedScalarFieldContainer[str]
    client_account_id: str
    client_participant_id: str
    parent_order_id: str
    exec_ids: _containers.RepeatedScalarFieldContainer[str]
    start_transact_trade_date: _types_pb2.Date
    end_transact_trade_date: _types_pb2.Date
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., order_id: _Optional[str] = ..., clord_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., symbol: _Optional[str] = ..., types: _Optional[_Iterable[_Union[_enums_pb2.ExecutionType, str]]] = ..., newest_first: _Optional[bool] = ..., accounts: _Optional[_Iterable[str]] = ..., client_account_id: _Optional[str] = ..., client_participant_id: _Optional[str] = ..., parent_order_id: _Optional[str] = ..., exec_ids: _Optional[_Iterable[str]] = ..., start_transact_trade_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., end_transact_trade_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ...) -> None: ...

class SearchExecutionsResponse(_message.Message):
    __slots__ = ("executions", "next_page_token", "eof")
    EXECUTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EOF_FIELD_NUMBER: _ClassVar[int]
    executions: _containers.RepeatedCompositeFieldContainer[_trading_pb2.Execution]
    next_page_token: str
    eof: bool
    def __init__(self, executions: _Optional[_Iterable[_Union[_trading_pb2.Execution, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., eof: _Optional[bool] = ...) -> None: ...

class SearchTradesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "order_id", "trade_id", "exec_id", "start_time", "end_time", "symbol", "accounts", "states", "trade_link_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    EXEC_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    TRADE_LINK_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    order_id: str
    trade_id: str
    exec_id: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    symbol: str
    accounts: _containers.RepeatedScalarFieldContainer[str]
    states: _containers.RepeatedScalarFieldContainer[_enums_pb2.TradeState]
    trade_link_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., order_id: _Optional[str] = ..., trade_id: _Optional[str] = ..., exec_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., symbol: _Optional[str] = ..., accounts: _Optional[_Iterable[str]] = ..., states: _Optional[_Iterable[_Union[_enums_pb2.TradeState, str]]] = ..., trade_link_id: _Optional[str] = ...) -> None: ...

class SearchTradesResponse(_message.Message):
    __slots__ = ("trade", "next_page_token")
    TRADE_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    trade: _containers.RepeatedCompositeFieldContainer[Trade]
    next_page_token: str
    def __init__(self, trade: _Optional[_Iterable[_Union[Trade, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Trade(_message.Message):
    __slots__ = ("id", "aggressor", "passive", "trade_type", "state", "reporting_counterparty", "text", "trade_link_id", "metadata")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    AGGRESSOR_FIELD_NUMBER: _ClassVar[int]
    PASSIVE_FIELD_NUMBER: _ClassVar[int]
    TRADE_TYPE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REPORTING_COUNTERPARTY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    TRADE_LINK_ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    id: str
    aggressor: _trading_pb2.Execution
    passive: _trading_pb2.Execution
    trade_type: _enums_pb2.TradeType
    state: _enums_pb2.TradeState
    reporting_counterparty: _enums_pb2.Side
    text: str
    trade_link_id: str
    metadata: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., aggressor: _Optional[_Union[_trading_pb2.Execution, _Mapping]] = ..., passive: _Optional[_Union[_trading_pb2.Execution, _Mapping]] = ..., trade_type: _Optional[_Union[_enums_pb2.TradeType, str]] = ..., state: _Optional[_Union[_enums_pb2.TradeState, str]] = ..., reporting_counterparty: _Optional[_Union[_enums_pb2.Side, str]] = ..., text: _Optional[str] = ..., trade_link_id: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class GetTradeStatsRequest(_message.Message):
    __slots__ = ("symbol", "start_time", "end_time", "bars", "start_trade_date", "end_trade_date")
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    BARS_FIELD_NUMBER: _ClassVar[int]
    START_TRADE_DATE_FIELD_NUMBER: _ClassVar[int]
    END_TRADE_DATE_FIELD_NUMBER: _ClassVar[int]
    symbol: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    bars: int
    start_trade_date: _types_pb2.Date
    end_trade_date: _types_pb2.Date
    def __init__(self, symbol: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., bars: _Optional[int] = ..., start_trade_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ..., end_trade_date: _Optional[_Union[_types_pb2.Date, _Mapping]] = ...) -> None: ...

class GetTradeStatsResponse(_message.Message):
    __slots__ = ("stats", "bars", "bar_start_time", "bar_end_time")
    STATS_FIELD_NUMBER: _ClassVar[int]
    BARS_FIELD_NUMBER: _ClassVar[int]
    BAR_START_TIME_FIELD_NUMBER: _ClassVar[int]
    BAR_END_TIME_FIELD_NUMBER: _ClassVar[int]
    stats: _types_pb2.TradeStats
    bars: _containers.RepeatedCompositeFieldContainer[_types_pb2.TradeStats]
    bar_start_time: _containers.RepeatedCompositeFieldContainer[_timestamp_pb2.Timestamp]
    bar_end_time: _containers.RepeatedCompositeFieldContainer[_timestamp_pb2.Timestamp]
    def __init__(self, stats: _Optional[_Union[_types_pb2.TradeStats, _Mapping]] = ..., bars: _Optional[_Iterable[_Union[_types_pb2.TradeStats, _Mapping]]] = ..., bar_start_time: _Optional[_Iterable[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]]] = ..., bar_end_time: _Optional[_Iterable[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]]] = ...) -> None: ...

class DownloadOrdersRequest(_message.Message):
    __slots__ = ("start_time", "end_time", "accounts")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    accounts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., accounts: _Optional[_Iterable[str]] = ...) -> None: ...

class DownloadOrdersResponse(_message.Message):
    __slots__ = ("filechunk",)
    FILECHUNK_FIELD_NUMBER: _ClassVar[int]
    filechunk: str
    def __init__(self, filechunk: _Optional[str] = ...) -> None: ...

class DownloadExecutionsRequest(_message.Message):
    __slots__ = ("start_time", "end_time", "accounts")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    accounts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., accounts: _Optional[_Iterable[str]] = ...) -> None: ...

class DownloadExecutionsResponse(_message.Message):
    __slots__ = ("filechunk",)
    FILECHUNK_FIELD_NUMBER: _ClassVar[int]
    filechunk: str
    def __init__(self, filechunk: _Optional[str] = ...) -> None: ...

class DownloadTradesRequest(_message.Message):
    __slots__ = ("start_time", "end_time", "accounts")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    accounts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., accounts: _Optional[_Iterable[str]] = ...) -> None: ...

class DownloadTradesResponse(_message.Message):
    __slots__ = ("filechunk",)
    FILECHUNK_FIELD_NUMBER: _ClassVar[int]
    filechunk: str
    def __init__(self, filechunk: _Optional[str] = ...) -> None: ...
