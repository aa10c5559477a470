from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FirmType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FIRM_TYPE_UNDEFINED: _ClassVar[FirmType]
    FIRM_TYPE_PARTICIPANT: _ClassVar[FirmType]
    FIRM_TYPE_SUPERVISOR: _ClassVar[FirmType]
    FIRM_TYPE_CLEARING_MEMBER: _ClassVar[FirmType]
    FIRM_TYPE_CLEARING_HOUSE: _ClassVar[FirmType]
    FIRM_TYPE_AGENT: _ClassVar[FirmType]
FIRM_TYPE_UNDEFINED: FirmType
FIRM_TYPE_PARTICIPANT: FirmType
FIRM_TYPE_SUPERVISOR: FirmType
FIRM_TYPE_CLEARING_MEMBER: FirmType
FIRM_TYPE_CLEARING_HOUSE: FirmType
FIRM_TYPE_AGENT: FirmType

class GetWhoAmIRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetWhoAmIResponse(_message.Message):
    __slots__ = ("user", "user_display_name", "firm", "firm_display_name", "audience", "firm_type")
    USER_FIELD_NUMBER: _ClassVar[int]
    USER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    FIRM_FIELD_NUMBER: _ClassVar[int]
    FIRM_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    FIRM_TYPE_FIELD_NUMBER: _ClassVar[int]
    user: str
    user_display_name: str
    firm: str
    firm_display_name: str
    audience: str
    firm_type: FirmType
    def __init__(self, user: _Optional[str] = ..., user_display_name: _Optional[str] = ..., firm: _Optional[str] = ..., firm_display_name: _Optional[str] = ..., audience: _Optional[str] = ..., firm_type: _Optional[_Union[FirmType, str]] = ...) -> None: ...

class ListAccountsRequest(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: str
    def __init__(self, user: _Optional[str] = ...) -> None: ...

class ListAccountsResponse(_message.Message):
    __slots__ = ("accounts", "display_names")
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAMES_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedScalarFieldContainer[str]
    display_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, accounts: _Optional[_Iterable[str]] = ..., display_names: _Optional[_Iterable[str]] = ...) -> None: ...
