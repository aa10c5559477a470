"""The scope each gateway method needs (spec §2.4 and the service table), and the check
the exchange makes: a token without it gets 403 / PERMISSION_DENIED in the spec's words.

Tokens from the user/password login carry every trader scope; Auth0 tokens carry those
registered for their client.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc

# gRPC method name → required scope (the REST bindings of a method need the same one)
SCOPES: dict[str, str] = {
    "CreateMarketDataSubscription": "read:marketdata",
    "InsertOrder": "write:orders",
    "PreviewOrder": "read:orders",
    "CancelOrder": "write:orders",
    "CancelOrderList": "write:orders",
    "CancelReplaceOrder": "write:orders",
    "InsertOrderList": "write:orders",
    "InsertOrderCross": "write:orders",
    "CancelReplaceOrderList": "write:orders",
    "GetOpenOrders": "read:orders",
    "CreateOrderSubscription": "read:orders",
    "CreatePositionSubscription": "read:positions",
    "GetAccountBalance": "read:positions",
    "ListAccountPositions": "read:positions",
    "ListAccountBalances": "read:positions",
    "ListInstruments": "read:instruments",
    "ListSymbols": "read:instruments",
    "GetInstrumentMetadata": "read:instruments",
    "GetOrderBook": "read:l2marketdata",
    "GetBBO": "read:marketdata",
    "GetWhoAmI": "read:accounts",
    "ListAccounts": "read:accounts",
    "SearchOrders": "read:reports",
    "SearchExecutions": "read:reports",
    "SearchTrades": "read:reports",
    "DownloadOrders": "read:reports",
    "DownloadExecutions": "read:reports",
    "DownloadTrades": "read:reports",
    "CreateDropCopySubscription": "read:dropcopy",
    "CreateTradeCaptureReportSubscription": "read:dropcopy",
    "CreatePositionChangeSubscription": "read:dropcopy",
    "CreateInstrumentStateChangeSubscription": "read:instruments",
}

# served methods whose scope the spec does not publish: a valid token is enough
UNSCOPED = frozenset({"GetTradeStats"})
# methods the index leaves out whose scope the prose gives (§2.4: `/v1/users` is read:accounts)
PROSE_SCOPES = {"ListUsers": "read:accounts"}


def denial(scope: str) -> str:
    return f"permission denied: missing required scope {scope}"  # spec §2.4, verbatim


class ScopeCheck(grpc.aio.ServerInterceptor):
    """Refuses a call whose (valid) token lacks the method's scope, before the handler runs;
    an invalid or expired token is left to the handler, which says UNAUTHENTICATED."""

    def __init__(self, scopes_of: Callable[[str], frozenset[str] | None]) -> None:
        self.scopes_of = scopes_of  # authorization value → granted scopes (None: unknown)

    async def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails],
                                     Awaitable[grpc.RpcMethodHandler | None]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = await continuation(details)
        method = details.method.decode() if isinstance(details.method, bytes) \
            else str(details.method)
        need = SCOPES.get(method.rsplit("/", 1)[-1])
        if handler is None or need is None:
            return handler
        metadata = dict(details.invocation_metadata or ())
        granted = self.scopes_of(str(metadata.get("authorization", "")))
        if granted is None or need in granted:
            return handler

        async def deny(request: Any, context: grpc.aio.ServicerContext) -> Any:
            await context.abort(grpc.StatusCode.PERMISSION_DENIED, denial(need))

        make = (grpc.unary_stream_rpc_method_handler if handler.response_streaming
                else grpc.unary_unary_rpc_method_handler)
        return make(deny, request_deserializer=handler.request_deserializer,
                    response_serializer=handler.response_serializer)
