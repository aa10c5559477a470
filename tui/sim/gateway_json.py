"""The gateway's REST JSON (spec §3.1, §3.3), shared by every module that adds routes to the
embedded exchange's REST side: proto3 JSON out, request bodies and query strings in, status
bodies, and the shape of the authenticating wrapper rest.build_rest_app hands out."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tui.sim.auth import SimUser
from tui.sim.service import INVALID_ARGUMENT, ServiceError

M = TypeVar("M", bound=Message)

# gRPC status number → HTTP status, as grpc-gateway maps them
HTTP_STATUS = {3: 400, 5: 404, 7: 403, 8: 429, 9: 400, 14: 503, 16: 401}

# a route's work: the caller is authenticated; a message is sent as JSON, a Response as is
Handler = Callable[[Request, SimUser], Awaitable[Message | Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class Authed(Protocol):
    """rest.build_rest_app's wrapper: token, scope of ``method`` and (if account_scoped)
    x-participant-id checked before the handler runs; ServiceError becomes a status body."""

    def __call__(self, handler: Handler, *, account_scoped: bool, method: str) -> Endpoint: ...


def status_json(code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "details": []},
                        status_code=HTTP_STATUS.get(code, 500))


def to_json(msg: Message) -> dict[str, Any]:
    """proto3 JSON as grpc-gateway emits it: camelCase, int64 as strings, defaults included."""
    return json_format.MessageToDict(msg, always_print_fields_with_no_presence=True)


async def read_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ServiceError(INVALID_ARGUMENT, "request body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise ServiceError(INVALID_ARGUMENT, "request body must be a JSON object")
    return data


def parse_json(data: dict[str, Any], msg: M) -> M:
    try:
        json_format.ParseDict(data, msg, ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        raise ServiceError(INVALID_ARGUMENT, f"bad request: {exc}") from exc
    return msg


async def parse_body(request: Request, msg: M) -> M:
    return parse_json(await read_body(request), msg)


def parse_query(params: QueryParams, msg: M, **path: str) -> M:
    """A GET's request message (§3.1): path variables, then query parameters by proto or JSON
    name; a repeated field repeats its key, a nested field is dotted (``as_of_date.year``)."""
    data: dict[str, Any] = dict(path)
    for key in params:
        values = params.getlist(key)
        node, descriptor = data, msg.DESCRIPTOR
        *parents, leaf = key.split(".")
        for name in parents:
            field = _field(descriptor, name)
            if field is None or field.message_type is None:
                break
            node = node.setdefault(field.name, {})
            descriptor = field.message_type
        else:
            field = _field(descriptor, leaf)
            if field is not None:  # unknown parameters are ignored, as unknown body fields
                node[field.name] = values if field.is_repeated else values[-1]
    return parse_json(data, msg)


def _field(descriptor: Descriptor, name: str) -> FieldDescriptor | None:
    return descriptor.fields_by_name.get(name) or next(
        (f for f in descriptor.fields if f.json_name == name), None)


def bind(authed: Authed, paths: tuple[str, ...], handler: Handler, verb: str, *,
         account_scoped: bool, method: str) -> list[Route]:
    """One gRPC method's REST bindings (its primary path and any additional one)."""
    endpoint = authed(handler, account_scoped=account_scoped, method=method)
    return [Route(p, endpoint, methods=[verb]) for p in paths]
