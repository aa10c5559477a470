"""The embedded exchange's gRPC side (grpc.aio): the gateway's streams and unary calls."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from tui.core.enums import InstrumentState
from tui.proto.polymarket.v1 import accounts_pb2_grpc, health_pb2, health_pb2_grpc
from tui.proto.polymarket.v1 import dropcopy_pb2_grpc as dc_grpc
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import marketdatasubscription_pb2_grpc as md_grpc
from tui.proto.polymarket.v1 import orderbook_pb2_grpc as ob_grpc
from tui.proto.polymarket.v1 import orders_pb2 as rep_pb
from tui.proto.polymarket.v1 import orders_pb2_grpc as rep_grpc
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import positions_pb2_grpc as pos_grpc
from tui.proto.polymarket.v1 import refdata_pb2_grpc as ref_grpc
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.proto.polymarket.v1 import trading_pb2_grpc as tr_grpc
from tui.sim import wire
from tui.sim.auth import TokenIssuer
from tui.sim.books_service import OrderBook
from tui.sim.dropcopy_streams import DropCopyStreams
from tui.sim.grpc_base import Base
from tui.sim.hub import Hub, Subscriber
from tui.sim.model import CancelRejectReport, ExecReport, PositionChanged
from tui.sim.order_lists import OrderListEntry
from tui.sim.positions_service import PositionReads
from tui.sim.refdata_service import RefDataReads
from tui.sim.reports import Reports
from tui.sim.reports_service import ReportReads
from tui.sim.scopes import ScopeCheck
from tui.sim.service import GatewayService
from tui.sim.trades_report import TradeReports

MAX_SYMBOLS = 1000
Levels = tuple[list[tuple[int, int]], list[tuple[int, int]]]  # (bids, offers) of (px, qty)
# pace of coalesced book snapshots per stream; bursts within this window merge into one


class MarketData(Base, md_grpc.MarketDataSubscriptionAPIServicer):
    async def CreateMarketDataSubscription(  # noqa: N802 - gRPC method name
        self, request: md_pb.CreateMarketDataSubscriptionRequest,
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[md_pb.CreateMarketDataSubscriptionResponse]:
        await self._user(context, account_scoped=False)
        if len(request.symbols) > MAX_SYMBOLS:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                "at most 1000 symbols per subscription")
        unknown = [s for s in request.symbols if s not in self.exchange.instruments]
        if unknown:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                f"unknown symbol {unknown[0]}")
        symbols = list(request.symbols) or sorted(self.exchange.instruments)
        depth = request.depth if request.depth > 0 else 10
        sub = self.hub.add(self.hub.market, Subscriber(frozenset(request.symbols) or None))
        try:
            # built before the first yield: a trade during the yields is queued on sub and
            # is newer than every snapshot, so shares_traded never goes backwards
            snapshot = [self._update(symbol, depth) for symbol in symbols]
            for msg in snapshot:
                yield msg
            if request.snapshot_only:
                return
            while True:
                if not await self._wait(sub, context):
                    yield md_pb.CreateMarketDataSubscriptionResponse(heartbeat=wire.HEARTBEAT)
                    continue
                for msg in self._batch(sub, depth):
                    yield msg
                await asyncio.sleep(self.hub.md_interval)
        finally:
            self.hub.market.discard(sub)

    def _batch(self, sub: Subscriber, depth: int
               ) -> list[md_pb.CreateMarketDataSubscriptionResponse]:
        """One update per pending trade (in trade order, stats as of that trade), then one
        per dirty symbol with the current book and stats, so the last word is the present.

        Built in one go with no await, so the engine cannot trade between the take and the
        reads of current state.
        """
        trades, dirty = sub.take_market()
        books = {symbol: self.exchange.book(symbol, depth) for symbol in dirty}
        msgs: list[md_pb.CreateMarketDataSubscriptionResponse] = []
        for trade in trades:
            # the book as it is now (a trade's symbol is always dirty): the engine keeps no
            # history of books, and every update is a full snapshot for the client
            bids, offers = books[trade.symbol]
            msgs.append(md_pb.CreateMarketDataSubscriptionResponse(update=wire.book_update_pb(
                trade.symbol, self._state(trade.symbol), bids, offers, trade.stats_dict(),
                trade.time)))
        msgs.extend(self._update(symbol, depth, books[symbol]) for symbol in dirty)
        return msgs

    def _update(self, symbol: str, depth: int, book: Levels | None = None
                ) -> md_pb.CreateMarketDataSubscriptionResponse:
        bids, offers = book if book is not None else self.exchange.book(symbol, depth)
        # a settled market's stats carry its settlement price: every update says it
        update = wire.book_update_pb(symbol, self._state(symbol), bids, offers,
                                     self.exchange.stats(symbol).as_dict(),
                                     self.exchange.clock())
        return md_pb.CreateMarketDataSubscriptionResponse(update=update)

    def _state(self, symbol: str) -> InstrumentState:
        return self.exchange.instruments[symbol].state


class OrderEntry(OrderListEntry, tr_grpc.OrderEntryAPIServicer):  # + lists and crosses
    async def InsertOrder(self, request: tr_pb.InsertOrderRequest,  # noqa: N802
                          context: grpc.aio.ServicerContext) -> tr_pb.InsertOrderResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.service.insert_order, user, request)

    async def PreviewOrder(self, request: tr_pb.PreviewOrderRequest,  # noqa: N802
                           context: grpc.aio.ServicerContext) -> tr_pb.PreviewOrderResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.service.preview_order, user, request)

    async def CancelOrder(self, request: tr_pb.CancelOrderRequest,  # noqa: N802
                          context: grpc.aio.ServicerContext) -> tr_pb.CancelOrderResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.service.cancel_order, user, request)

    async def CancelOrderList(  # noqa: N802
        self, request: tr_pb.CancelOrderListRequest, context: grpc.aio.ServicerContext,
    ) -> tr_pb.CancelOrderListResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.service.cancel_order_list, user, request)

    async def CancelReplaceOrder(  # noqa: N802
        self, request: tr_pb.CancelReplaceOrderRequest, context: grpc.aio.ServicerContext,
    ) -> tr_pb.CancelReplaceOrderResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.service.cancel_replace, user, request)

    async def GetOpenOrders(self, request: tr_pb.GetOpenOrdersRequest,  # noqa: N802
                            context: grpc.aio.ServicerContext) -> tr_pb.GetOpenOrdersResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.service.open_orders, user, request)

    async def CreateOrderSubscription(  # noqa: N802
        self, request: tr_pb.CreateOrderSubscriptionRequest,
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[tr_pb.CreateOrderSubscriptionResponse]:
        user = await self._user(context, account_scoped=True)
        accounts = frozenset(request.accounts) or frozenset(user.accounts)
        if not accounts <= set(user.accounts):
            await context.abort(grpc.StatusCode.PERMISSION_DENIED, "no access to that account")
        session = uuid.uuid4().hex[:12]
        symbols = frozenset(request.symbols) or None
        # subscribe before the snapshot so nothing falls between them (one loop, no await)
        sub = self.hub.add(self.hub.orders, Subscriber(symbols, accounts))
        try:
            orders = self.exchange.open_orders(accounts=accounts, symbols=symbols)
            yield self._envelope(session, snapshot=tr_pb.CreateOrderSubscriptionResponse.Snapshot(
                orders=[wire.order_pb(o) for o in orders]))
            if request.snapshot_only:
                return
            while True:
                if not await self._wait(sub, context):
                    yield self._envelope(session, heartbeat=wire.HEARTBEAT)
                    continue
                while not sub.queue.empty():
                    event = sub.queue.get_nowait()
                    if isinstance(event, ExecReport):
                        update = tr_pb.CreateOrderSubscriptionResponse.Update(
                            executions=[wire.execution_pb(event)])
                    elif isinstance(event, CancelRejectReport):
                        update = tr_pb.CreateOrderSubscriptionResponse.Update(
                            cancel_reject=wire.cancel_reject_pb(event))
                    else:
                        continue
                    yield self._envelope(session, update=update)
        finally:
            self.hub.orders.discard(sub)

    @staticmethod
    def _envelope(session: str, **event: Any) -> tr_pb.CreateOrderSubscriptionResponse:
        msg = tr_pb.CreateOrderSubscriptionResponse(session_id=session, **event)
        msg.processed_sent_time.CopyFrom(wire.timestamp(time.time()))
        return msg


class Positions(PositionReads, pos_grpc.PositionAPIServicer):  # + the list calls
    async def GetAccountBalance(  # noqa: N802
        self, request: pos_pb.GetAccountBalanceRequest, context: grpc.aio.ServicerContext,
    ) -> pos_pb.GetAccountBalanceResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.service.balance, user, request)

    async def CreatePositionSubscription(  # noqa: N802
        self, request: pos_pb.CreatePositionSubscriptionRequest,
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[pos_pb.CreatePositionSubscriptionResponse]:
        user = await self._user(context, account_scoped=True)
        accounts = frozenset(request.accounts) or frozenset(user.accounts)
        if not accounts <= set(user.accounts):
            await context.abort(grpc.StatusCode.PERMISSION_DENIED, "no access to that account")
        sub = self.hub.add(self.hub.positions, Subscriber(None, accounts))
        try:
            snapshot = [wire.position_pb(p) for a in sorted(accounts)
                        for p in self.exchange.positions(a)]
            yield pos_pb.CreatePositionSubscriptionResponse(
                snapshot=pos_pb.CreatePositionSubscriptionResponse.Snapshot(positions=snapshot))
            while True:
                if not await self._wait(sub, context):
                    yield pos_pb.CreatePositionSubscriptionResponse(heartbeat=wire.HEARTBEAT)
                    continue
                changed: dict[tuple[str, str], pos_pb.Position] = {}
                while not sub.queue.empty():
                    event = sub.queue.get_nowait()
                    if isinstance(event, PositionChanged):
                        pos = self.exchange.position(event.account, event.symbol)
                        if pos is not None:
                            changed[(event.account, event.symbol)] = wire.position_pb(pos)
                if changed:
                    yield pos_pb.CreatePositionSubscriptionResponse(
                        update=pos_pb.CreatePositionSubscriptionResponse.Update(
                            positions=list(changed.values())))
        finally:
            self.hub.positions.discard(sub)


class RefData(RefDataReads, ref_grpc.RefDataAPIServicer):  # + ListSymbols, metadata
    async def ListInstruments(self, request: Any, context: grpc.aio.ServicerContext  # noqa: N802
                              ) -> Any:
        await self._user(context, account_scoped=False)
        return await self._call(context, self.service.list_instruments, request)


class Accounts(Base, accounts_pb2_grpc.AccountsAPIServicer):
    async def GetWhoAmI(self, request: Any, context: grpc.aio.ServicerContext) -> Any:  # noqa: N802
        user = await self._user(context, account_scoped=False)
        return self.service.whoami(user)

    async def ListAccounts(self, request: Any, context: grpc.aio.ServicerContext  # noqa: N802
                           ) -> Any:
        user = await self._user(context, account_scoped=False)
        return self.service.list_accounts(user, request.user)


class Report(ReportReads, rep_grpc.ReportAPIServicer):
    """SearchOrders and SearchExecutions (see reports); the trade reports and downloads
    come with ReportReads."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.reports = Reports(self.exchange)

    async def SearchOrders(  # noqa: N802
        self, request: rep_pb.SearchOrdersRequest, context: grpc.aio.ServicerContext,
    ) -> rep_pb.SearchOrdersResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.reports.search_orders, user, request)

    async def SearchExecutions(  # noqa: N802
        self, request: rep_pb.SearchExecutionsRequest, context: grpc.aio.ServicerContext,
    ) -> rep_pb.SearchExecutionsResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, self.reports.search_executions, user, request)


class Health(health_pb2_grpc.HealthAPIServicer):
    async def HealthCheck(self, request: Any, context: grpc.aio.ServicerContext  # noqa: N802
                          ) -> health_pb2.HealthCheckResponse:
        return health_pb2.HealthCheckResponse(status="ok")


# (full method path, metadata pairs, the request's raw bytes) as the exchange received them
Received = tuple[str, tuple[tuple[str, str | bytes], ...], bytes]


class WireRecorder(grpc.aio.ServerInterceptor):
    """Keeps the last calls as they arrived, before our own classes parse them, so tests can
    hold a client's bytes against the spec rather than against our generated code."""

    def __init__(self, received: deque[Received]) -> None:
        self.received = received

    async def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails],
                                     Awaitable[grpc.RpcMethodHandler | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = await continuation(handler_call_details)
        parse = getattr(handler, "request_deserializer", None)
        if handler is None or parse is None:
            return handler
        method = handler_call_details.method
        path = method.decode() if isinstance(method, bytes) else str(method)
        metadata = tuple((m[0], m[1]) for m in handler_call_details.invocation_metadata or ())

        def record(raw: bytes) -> Any:
            self.received.append((path, metadata, raw))
            return parse(raw)

        return handler._replace(request_deserializer=record)  # type: ignore[attr-defined]


def build_grpc_server(auth: TokenIssuer, service: GatewayService, hub: Hub,
                      heartbeat: float, *, trade_reports: TradeReports,
                      recorder: deque[Received] | None = None,
                      ) -> grpc.aio.Server:
    """``trade_reports``: the server's one, which the REST side shares."""
    # no SO_REUSEPORT: a second exchange on a taken port must fail, not share the port
    interceptors: list[grpc.aio.ServerInterceptor] = [ScopeCheck(auth.scopes_of)]
    if recorder is not None:
        interceptors.insert(0, WireRecorder(recorder))
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)], interceptors=interceptors)
    args = (auth, service, hub, heartbeat)
    md_grpc.add_MarketDataSubscriptionAPIServicer_to_server(MarketData(*args), server)
    tr_grpc.add_OrderEntryAPIServicer_to_server(OrderEntry(*args), server)
    pos_grpc.add_PositionAPIServicer_to_server(Positions(*args), server)
    ref_grpc.add_RefDataAPIServicer_to_server(RefData(*args), server)
    accounts_pb2_grpc.add_AccountsAPIServicer_to_server(Accounts(*args), server)
    rep_grpc.add_ReportAPIServicer_to_server(Report(*args, trade_reports=trade_reports),
                                             server)
    ob_grpc.add_OrderBookAPIServicer_to_server(OrderBook(*args), server)
    dc_grpc.add_DropCopyAPIServicer_to_server(DropCopyStreams(*args), server)
    health_pb2_grpc.add_HealthAPIServicer_to_server(Health(), server)
    return server
