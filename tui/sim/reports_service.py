"""ReportAPI's SearchTrades, GetTradeStats and Download* (spec §8) at the embedded exchange,
over gRPC (a mixin of grpc_server.Report) and REST (routes rest.build_rest_app adds); the
work is in trades_report and downloads.

GetTradeStats needs a valid token only: the spec publishes no scope for it and says it needs
no participant id. The Download calls stream: over REST each message is one line of
newline-delimited JSON, ``{"result": <message>}`` (§3.1). A refusal of a download's own
arguments (another's account) comes as grpc-gateway sends a stream's error before its first
message: the status's HTTP code, and the line ``{"error": <status>}``; the checks every
call has (token, scope, x-participant-id) answer as on every other route.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import grpc
from google.protobuf.message import Message
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.sim.auth import SimUser
from tui.sim.downloads import Downloads
from tui.sim.gateway_json import HTTP_STATUS, Authed, bind, parse_body, to_json
from tui.sim.grpc_base import Base
from tui.sim.service import ServiceError
from tui.sim.trades_report import TradeReports


class ReportReads(Base):
    """The five calls, for grpc_server.Report; read:reports and account-scoped, but for
    GetTradeStats (see the module's note)."""

    def __init__(self, *args: Any, trade_reports: TradeReports) -> None:
        super().__init__(*args)
        self.trade_reports = trade_reports  # the server's one, which REST shares
        self.downloads = Downloads(trade_reports)

    async def SearchTrades(  # noqa: N802 - gRPC method name
        self, request: rep_pb.SearchTradesRequest, context: grpc.aio.ServicerContext,
    ) -> rep_pb.SearchTradesResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.trade_reports.search_trades, user, request)

    async def GetTradeStats(  # noqa: N802
        self, request: rep_pb.GetTradeStatsRequest, context: grpc.aio.ServicerContext,
    ) -> rep_pb.GetTradeStatsResponse:
        await self._user(context, account_scoped=False)
        return await self._call(context, self.trade_reports.trade_stats, request)

    async def DownloadOrders(  # noqa: N802
        self, request: rep_pb.DownloadOrdersRequest, context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[rep_pb.DownloadOrdersResponse]:
        async for chunk in self._stream(context, self.downloads.orders, request):
            yield chunk

    async def DownloadExecutions(  # noqa: N802
        self, request: rep_pb.DownloadExecutionsRequest, context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[rep_pb.DownloadExecutionsResponse]:
        async for chunk in self._stream(context, self.downloads.executions, request):
            yield chunk

    async def DownloadTrades(  # noqa: N802
        self, request: rep_pb.DownloadTradesRequest, context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[rep_pb.DownloadTradesResponse]:
        async for chunk in self._stream(context, self.downloads.trades, request):
            yield chunk

    async def _stream(self, context: grpc.aio.ServicerContext,
                      build: Callable[[SimUser, Any], list[Any]], request: Message
                      ) -> AsyncIterator[Any]:
        user = await self._user(context, account_scoped=True)
        # the whole file is read in one go (no await), so it is one moment's history
        for chunk in await self._call(context, build, user, request):
            yield chunk


def _ndjson(build: Callable[[], list[Any]]) -> Response:
    """A server stream as grpc-gateway sends it over REST: one JSON object a line."""
    try:
        messages = build()
    except ServiceError as exc:
        status = {"code": exc.code, "message": exc.message, "details": []}
        return Response(json.dumps({"error": status}) + "\n", media_type="application/json",
                        status_code=HTTP_STATUS.get(exc.code, 500))

    async def lines(items: Iterable[Message]) -> AsyncIterator[str]:
        for msg in items:
            yield json.dumps({"result": to_json(msg)}) + "\n"

    return StreamingResponse(lines(messages), media_type="application/json")


def report_routes(authed: Authed, reports: TradeReports) -> list[Route]:
    """The five routes over ``reports``, the server's TradeReports (gRPC's too)."""
    downloads = Downloads(reports)

    async def search(request: Request, user: SimUser) -> rep_pb.SearchTradesResponse:
        return reports.search_trades(user, await parse_body(request,
                                                            rep_pb.SearchTradesRequest()))

    async def stats(request: Request, user: SimUser) -> rep_pb.GetTradeStatsResponse:
        return reports.trade_stats(await parse_body(request, rep_pb.GetTradeStatsRequest()))

    async def orders(request: Request, user: SimUser) -> Response:
        req = await parse_body(request, rep_pb.DownloadOrdersRequest())
        return _ndjson(lambda: downloads.orders(user, req))

    async def executions(request: Request, user: SimUser) -> Response:
        req = await parse_body(request, rep_pb.DownloadExecutionsRequest())
        return _ndjson(lambda: downloads.executions(user, req))

    async def trades(request: Request, user: SimUser) -> Response:
        req = await parse_body(request, rep_pb.DownloadTradesRequest())
        return _ndjson(lambda: downloads.trades(user, req))

    return [
        *bind(authed, ("/v1/report/trades/search", "/v1beta1/search_trades"), search, "POST",
              account_scoped=True, method="SearchTrades"),
        *bind(authed, ("/v1/report/trades/stats", "/v1beta1/get_trade_stats"), stats, "POST",
              account_scoped=False, method="GetTradeStats"),
        *bind(authed, ("/v1/report/orders/csv", "/v1beta1/download_orders"), orders, "POST",
              account_scoped=True, method="DownloadOrders"),
        *bind(authed, ("/v1/report/executions/csv", "/v1beta1/download_executions"),
              executions, "POST", account_scoped=True, method="DownloadExecutions"),
        *bind(authed, ("/v1/report/trades/csv", "/v1beta1/download_trades"), trades, "POST",
              account_scoped=True, method="DownloadTrades"),
    ]
