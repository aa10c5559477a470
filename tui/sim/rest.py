"""The embedded exchange's REST side: the gateway's grpc-gateway JSON routes (spec §3.1, §4)."""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable

from google.protobuf.message import Message
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from tui.proto.polymarket.v1 import accounts_pb2 as acc_pb
from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import refdata_pb2 as ref_pb
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.sim.auth import AuthError, SimUser, TokenIssuer
from tui.sim.books_service import book_routes
from tui.sim.gateway_json import Handler, bind, to_json
from tui.sim.gateway_json import parse_json as _parse
from tui.sim.gateway_json import read_body as _body
from tui.sim.gateway_json import status_json as _status
from tui.sim.order_lists import order_list_routes
from tui.sim.positions_service import position_routes
from tui.sim.refdata_service import refdata_routes
from tui.sim.reports import Reports
from tui.sim.reports_service import report_routes
from tui.sim.retail.api import error_response
from tui.sim.retail.wire import RetailError
from tui.sim.scopes import PROSE_SCOPES, SCOPES, UNSCOPED, denial
from tui.sim.service import (
    NOT_FOUND,
    PERMISSION_DENIED,
    UNAUTHENTICATED,
    GatewayService,
    ServiceError,
)
from tui.sim.trades_report import TradeReports
from tui.sim.users_service import users_routes

UNKNOWN, UNIMPLEMENTED = 2, 12


# what grpc-gateway answers when no route matches: its status JSON, never text
_ROUTING = {404: NOT_FOUND, 405: UNIMPLEMENTED}


async def routing_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such path, wrong verb) as JSON, like every other error:
    a signed retail request gets the retail shape, anything else the gateway's (§3.3)."""
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})  # a 405 keeps its Allow header
    if request.headers.get("x-pm-access-key"):
        return error_response(RetailError(exc.status_code, exc.detail), headers)
    return JSONResponse({"code": _ROUTING.get(exc.status_code, UNKNOWN), "message": exc.detail,
                         "details": []}, status_code=exc.status_code, headers=headers)


# (HTTP method, path, header pairs, raw body) as the exchange received them
RestReceived = tuple[str, str, tuple[tuple[str, str], ...], bytes]
# login bodies carry passwords and assertions: their bodies are not kept
_UNKEPT = ("/auth/", "/oauth/")


class RestRecorder:
    """ASGI middleware keeping the last requests byte for byte, so tests can hold the
    client's JSON against the spec rather than against what our parser tolerates."""

    def __init__(self, app: ASGIApp, received: deque[RestReceived]) -> None:
        self.app = app
        self.received = received

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope["path"])
        headers = tuple((k.decode("latin-1").lower(), v.decode("latin-1"))
                        for k, v in scope.get("headers", []))
        chunks: list[bytes] = []
        recorded = False

        async def tapped() -> AsgiMessage:
            nonlocal recorded
            msg = await receive()
            if msg["type"] == "http.request" and not recorded:
                chunks.append(msg.get("body", b""))
                if not msg.get("more_body", False):
                    recorded = True
                    body = b"" if path.startswith(_UNKEPT) else b"".join(chunks)
                    self.received.append((str(scope["method"]), path, headers, body))
            return msg

        await self.app(scope, tapped, send)
        if not recorded:  # a route that never read its body (GET): still seen
            self.received.append((str(scope["method"]), path, headers, b""))


def build_rest_app(auth: TokenIssuer, service: GatewayService, trade_reports: TradeReports,
                   *, recorder: deque[RestReceived] | None = None) -> Starlette:
    reports = Reports(service.exchange)

    def authed(handler: Handler, *, account_scoped: bool,
               method: str) -> Callable[[Request], Awaitable[Response]]:
        # the gRPC method this route binds, and its scope (None: the spec publishes none)
        need = None if method in UNSCOPED else (SCOPES | PROSE_SCOPES)[method]

        async def endpoint(request: Request) -> Response:
            try:
                user = auth.check(request.headers.get("authorization"))
            except AuthError as exc:
                return _status(UNAUTHENTICATED, str(exc))
            granted = auth.scopes_of(request.headers.get("authorization"))
            if need is not None and granted is not None and need not in granted:
                return _status(PERMISSION_DENIED, denial(need))
            try:
                if account_scoped:
                    service.require_participant(user, request.headers.get("x-participant-id"))
                answer = await handler(request, user)
                # a stream (the Download calls' lines of JSON) is its own response
                return answer if isinstance(answer, Response) else JSONResponse(to_json(answer))
            except ServiceError as exc:
                return _status(exc.code, exc.message)
        return endpoint

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def login(request: Request) -> Response:
        try:
            data = await _body(request)
            otp = data.get("otp")  # only when the user has MFA on (spec §2.3)
            return JSONResponse(auth.login(str(data.get("username", "")),
                                           str(data.get("password", "")),
                                           otp=str(otp) if otp else None))
        except ServiceError as exc:
            return _status(exc.code, exc.message)
        except AuthError as exc:
            return _status(UNAUTHENTICATED, str(exc))

    async def refresh(request: Request) -> Response:
        try:
            data = await _body(request)
            token = data.get("refreshToken", data.get("refresh_token", ""))
            return JSONResponse(auth.refresh(str(token)))
        except ServiceError as exc:
            return _status(exc.code, exc.message)
        except AuthError as exc:
            return _status(UNAUTHENTICATED, str(exc))

    async def whoami(request: Request, user: SimUser) -> Message:
        return service.whoami(user)

    async def accounts(request: Request, user: SimUser) -> Message:
        if request.method == "GET":
            for_user = request.query_params.get("user", "")
        else:
            for_user = _parse(await _body(request), acc_pb.ListAccountsRequest()).user
        return service.list_accounts(user, for_user)

    async def instruments(request: Request, user: SimUser) -> Message:
        return service.list_instruments(_parse(await _body(request),
                                               ref_pb.ListInstrumentsRequest()))

    async def insert(request: Request, user: SimUser) -> Message:
        return service.insert_order(user, _parse(await _body(request),
                                                 tr_pb.InsertOrderRequest()))

    async def preview(request: Request, user: SimUser) -> Message:
        return service.preview_order(user, _parse(await _body(request),
                                                  tr_pb.PreviewOrderRequest()))

    async def cancel_list(request: Request, user: SimUser) -> Message:
        return service.cancel_order_list(user, _parse(await _body(request),
                                                      tr_pb.CancelOrderListRequest()))

    async def cancel(request: Request, user: SimUser) -> Message:
        return service.cancel_order(user, _parse(await _body(request),
                                                 tr_pb.CancelOrderRequest()))

    async def replace(request: Request, user: SimUser) -> Message:
        return service.cancel_replace(user, _parse(await _body(request),
                                                   tr_pb.CancelReplaceOrderRequest()))

    async def open_orders_get(request: Request, user: SimUser) -> Message:
        req = tr_pb.GetOpenOrdersRequest(symbols=request.query_params.getlist("symbols"),
                                         accounts=request.query_params.getlist("accounts"))
        return service.open_orders(user, req)

    async def open_orders_post(request: Request, user: SimUser) -> Message:
        return service.open_orders(user, _parse(await _body(request),
                                                tr_pb.GetOpenOrdersRequest()))

    async def balance(request: Request, user: SimUser) -> Message:
        return service.balance(user, _parse(await _body(request),
                                            pos_pb.GetAccountBalanceRequest()))

    async def search_orders(request: Request, user: SimUser) -> Message:
        return reports.search_orders(user, _parse(await _body(request),
                                                  rep_pb.SearchOrdersRequest()))

    async def search_executions(request: Request, user: SimUser) -> Message:
        return reports.search_executions(user, _parse(await _body(request),
                                                      rep_pb.SearchExecutionsRequest()))

    routes = [
        Route("/v1/health", health, methods=["GET"]),
        Route("/auth/v1beta1/login", login, methods=["POST"]),
        Route("/auth/v1beta1/refresh_access_token", refresh, methods=["POST"]),
        Route("/v1/whoami", authed(whoami, account_scoped=False, method="GetWhoAmI"),
              methods=["GET"]),
        Route("/v1beta1/get_who_am_i", authed(whoami, account_scoped=False,
                                                       method="GetWhoAmI"), methods=["POST"]),
        Route("/v1/accounts", authed(accounts, account_scoped=False, method="ListAccounts"),
              methods=["GET"]),
        Route("/v1beta1/list_accounts", authed(accounts, account_scoped=False,
                                                  method="ListAccounts"),
              methods=["POST"]),
        *bind(authed, ("/v1/refdata/instruments", "/v1beta1/list_instruments"), instruments,
              "POST", account_scoped=False, method="ListInstruments"),
        *bind(authed, ("/v1/trading/orders", "/v1beta1/insert_order"), insert, "POST",
              account_scoped=True, method="InsertOrder"),
        *bind(authed, ("/v1/trading/orders/preview", "/v1beta1/preview_order"), preview,
              "POST", account_scoped=True, method="PreviewOrder"),
        *bind(authed, ("/v1/trading/orders/cancel", "/v1beta1/cancel_order"), cancel,
              "POST", account_scoped=True, method="CancelOrder"),
        *bind(authed, ("/v1/trading/orders/cancel/list", "/v1beta1/cancel_order_list"),
              cancel_list, "POST", account_scoped=True, method="CancelOrderList"),
        *bind(authed, ("/v1/trading/orders/replace", "/v1beta1/cancel_replace_order"), replace,
              "POST", account_scoped=True, method="CancelReplaceOrder"),
        *order_list_routes(authed, service),  # InsertOrderList, InsertOrderCross, replace list
        Route("/v1/trading/orders/open", authed(open_orders_get, account_scoped=True,
                                                         method="GetOpenOrders"),
              methods=["GET"]),
        Route("/v1beta1/get_open_orders", authed(open_orders_post, account_scoped=True,
                                                         method="GetOpenOrders"),
              methods=["POST"]),
        *bind(authed, ("/v1/positions/balance", "/v1beta1/get_account_balance"), balance,
              "POST", account_scoped=True, method="GetAccountBalance"),
        *position_routes(authed, service),  # ListAccountBalances, ListAccountPositions
        *bind(authed, ("/v1/report/orders/search", "/v1beta1/search_orders"), search_orders,
              "POST", account_scoped=True, method="SearchOrders"),
        *bind(authed, ("/v1/report/executions/search", "/v1beta1/search_executions"),
              search_executions, "POST", account_scoped=True, method="SearchExecutions"),
        *refdata_routes(authed, service.exchange),  # ListSymbols, GetInstrumentMetadata
        *users_routes(authed, auth.users),  # ListUsers (UsersAPI)
        *book_routes(authed, service.exchange),  # GetOrderBook, GetBBO
        *report_routes(authed, trade_reports),  # SearchTrades, GetTradeStats, Download*
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: routing_error})
    if recorder is not None:
        app.add_middleware(RestRecorder, received=recorder)
    return app
