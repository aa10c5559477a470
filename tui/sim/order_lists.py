"""OrderEntryAPI's many-at-once calls at the embedded exchange (spec §6, §11.4):
InsertOrderList, InsertOrderCross and CancelReplaceOrderList, over gRPC and REST.

As for one order, the answer means "received": each entry's outcome arrives on the order
stream. A list is not atomic: every entry is sent as its own insert or replace, so one the
exchange refuses (a REJECTED execution, a cancel reject) leaves the others as they were,
and each insert is answered in order with its own order id, a refused one's too. Only what
the gateway refuses synchronously refuses the whole call, before any entry is sent (as
CancelOrderList does): more than 20 entries, a missing required field, an account not the
caller's. A cross is the exception, all or none by its type (see crossing).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import grpc
from google.protobuf.message import Message
from starlette.requests import Request
from starlette.routing import Route

from tui.core.enums import Side
from tui.proto.polymarket.v1 import enums_pb2
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim.auth import SimUser, TokenIssuer
from tui.sim.gateway_json import Authed, bind, parse_body
from tui.sim.grpc_base import Base
from tui.sim.hub import Hub
from tui.sim.service import INVALID_ARGUMENT, MAX_LIST, GatewayService, ServiceError

R = TypeVar("R")
_CROSS_TYPES = (enums_pb2.CROSS_TYPE_UNDEFINED, enums_pb2.CROSS_TYPE_ALL_OR_NONE)


def _each(items: Sequence[Any], what: str, check: Callable[[Any], R]) -> list[R]:
    """``check`` of every entry, up to MAX_LIST; a refusal names the entry (from 1)."""
    if len(items) > MAX_LIST:
        raise ServiceError(INVALID_ARGUMENT, f"at most {MAX_LIST} {what}s per request")
    found = []
    for number, item in enumerate(items, 1):
        try:
            found.append(check(item))
        except ServiceError as exc:
            raise ServiceError(exc.code, f"{what} {number}: {exc.message}") from exc
    return found


class OrderLists:
    """The three calls as the gateway handles them, for both front ends."""

    def __init__(self, service: GatewayService) -> None:
        self.service = service
        self.exchange = service.exchange

    def insert_order_list(self, user: SimUser, req: tr_pb.InsertOrderListRequest
                          ) -> tr_pb.InsertOrderListResponse:
        legs = _each(req.requests, "order", lambda one: self.service._order_args(user, one))
        return tr_pb.InsertOrderListResponse(responses=[
            tr_pb.InsertOrderResponse(order_id=self.exchange.insert_order(**args))
            for args in legs])

    def insert_order_cross(self, user: SimUser, req: tr_pb.InsertOrderCrossRequest
                           ) -> tr_pb.InsertOrderCrossResponse:
        """Two of the caller's orders, a buy and a sell of one market, crossed all or none;
        the answers are their order ids in the request's order."""
        if len(req.requests) != 2:
            raise ServiceError(INVALID_ARGUMENT, "a cross is two orders: one buy, one sell")
        if req.cross_type not in _CROSS_TYPES:
            raise ServiceError(INVALID_ARGUMENT, "cross_type must be CROSS_TYPE_ALL_OR_NONE")
        if req.cross_prioritized_side not in Side._value2member_map_:
            raise ServiceError(INVALID_ARGUMENT, "cross_prioritized_side is not a side")
        legs = _each(req.requests, "order", lambda one: self.service._order_args(user, one))
        if {leg["side"] for leg in legs} != {Side.BUY, Side.SELL}:
            raise ServiceError(INVALID_ARGUMENT, "a cross is one buy and one sell")
        if legs[0]["symbol"] != legs[1]["symbol"]:
            raise ServiceError(INVALID_ARGUMENT, "both orders of a cross are in one market")
        ids = self.exchange.insert_cross(legs, cross_id=req.cross_id,
                                         prioritized=Side(req.cross_prioritized_side))
        return tr_pb.InsertOrderCrossResponse(
            responses=[tr_pb.InsertOrderResponse(order_id=i) for i in ids])

    def cancel_replace_list(self, user: SimUser, req: tr_pb.CancelReplaceOrderListRequest
                            ) -> tr_pb.CancelReplaceOrderListResponse:
        def required(one: tr_pb.CancelReplaceOrderRequest) -> None:
            if not one.order_id:
                raise ServiceError(INVALID_ARGUMENT, "order_id is required")

        _each(req.requests, "replace", required)  # all checked before any is sent
        return tr_pb.CancelReplaceOrderListResponse(
            responses=[self.service.cancel_replace(user, one) for one in req.requests])


def order_list_routes(authed: Authed, service: GatewayService) -> list[Route]:
    """The three calls' REST bindings (spec §4), each a POST with the request as its body."""
    lists = OrderLists(service)

    async def insert_list(request: Request, user: SimUser) -> Message:
        return lists.insert_order_list(
            user, await parse_body(request, tr_pb.InsertOrderListRequest()))

    async def insert_cross(request: Request, user: SimUser) -> Message:
        return lists.insert_order_cross(
            user, await parse_body(request, tr_pb.InsertOrderCrossRequest()))

    async def replace_list(request: Request, user: SimUser) -> Message:
        return lists.cancel_replace_list(
            user, await parse_body(request, tr_pb.CancelReplaceOrderListRequest()))

    return [
        *bind(authed, ("/v1/trading/orders/list", "/v1beta1/insert_order_list"), insert_list,
              "POST", account_scoped=True, method="InsertOrderList"),
        *bind(authed, ("/v1/trading/orders/cross", "/v1beta1/insert_order_cross"),
              insert_cross, "POST", account_scoped=True, method="InsertOrderCross"),
        *bind(authed, ("/v1/trading/orders/replace/list", "/v1beta1/cancel_replace_order_list"),
              replace_list, "POST", account_scoped=True, method="CancelReplaceOrderList"),
    ]


class OrderListEntry(Base):
    """The three as gRPC methods: a mixin of the OrderEntryAPI servicer."""

    def __init__(self, auth: TokenIssuer, service: GatewayService, hub: Hub,
                 heartbeat: float) -> None:
        super().__init__(auth, service, hub, heartbeat)
        self.lists = OrderLists(service)  # once: it holds nothing a call could change

    async def InsertOrderList(  # noqa: N802 - gRPC method name
        self, request: tr_pb.InsertOrderListRequest, context: grpc.aio.ServicerContext,
    ) -> tr_pb.InsertOrderListResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.lists.insert_order_list, user, request)

    async def InsertOrderCross(  # noqa: N802
        self, request: tr_pb.InsertOrderCrossRequest, context: grpc.aio.ServicerContext,
    ) -> tr_pb.InsertOrderCrossResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.lists.insert_order_cross, user, request)

    async def CancelReplaceOrderList(  # noqa: N802
        self, request: tr_pb.CancelReplaceOrderListRequest, context: grpc.aio.ServicerContext,
    ) -> tr_pb.CancelReplaceOrderListResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.lists.cancel_replace_list, user, request)
