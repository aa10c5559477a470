"""OrderBookAPI (spec §7.3) at the embedded exchange: GetOrderBook (aggregated depth) and
GetBBO, over gRPC and REST (``GET /v1/orderbook/{symbol}?depth=``, ``…/bbo``).

Market data, not account data: no x-participant-id. An empty or unknown symbol and a depth
outside 0–10 are INVALID_ARGUMENT, the spec's "bad symbol/depth" (§3.3), as the market-data
stream refuses an unknown symbol. A side with no orders leaves its BookEntry unset, and
spread and mid_price, which need both sides, are then 0.
"""

from __future__ import annotations

import grpc
from starlette.requests import Request
from starlette.routing import Route

from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import orderbook_pb2 as ob_pb
from tui.proto.polymarket.v1 import orderbook_pb2_grpc as ob_grpc
from tui.sim import wire
from tui.sim.auth import SimUser
from tui.sim.exchange import Exchange
from tui.sim.gateway_json import Authed, bind, parse_query
from tui.sim.grpc_base import Base
from tui.sim.service import INVALID_ARGUMENT, ServiceError

DEFAULT_DEPTH, MAX_DEPTH = 3, 10  # spec §7.3


def known_symbol(exchange: Exchange, symbol: str) -> str:
    """The symbol, if the exchange lists it; else INVALID_ARGUMENT, as every gateway call that
    names one market answers (SearchTrades/GetTradeStats and the drop-copy streams too)."""
    if not symbol:
        raise ServiceError(INVALID_ARGUMENT, "symbol is required")
    if symbol not in exchange.instruments:
        raise ServiceError(INVALID_ARGUMENT, f"unknown symbol {symbol}")
    return symbol


def order_book(exchange: Exchange, req: ob_pb.GetOrderBookRequest) -> ob_pb.GetOrderBookResponse:
    symbol = known_symbol(exchange, req.symbol)
    if not 0 <= req.depth <= MAX_DEPTH:
        raise ServiceError(INVALID_ARGUMENT, f"depth must be 0 to {MAX_DEPTH}")
    bids, offers = exchange.book(symbol, req.depth or DEFAULT_DEPTH)
    # the market-data stream's snapshot of the same moment, re-wrapped: one reading of the
    # book, stats and state (no await between them)
    update = wire.book_update_pb(symbol, exchange.instruments[symbol].state, bids, offers,
                                 exchange.stats(symbol).as_dict(), exchange.clock())
    return ob_pb.GetOrderBookResponse(
        symbol=symbol, bids=update.bids, offers=update.offers, state=update.state,
        stats=update.stats, transact_time=update.transact_time)


def bbo(exchange: Exchange, req: ob_pb.GetBBORequest) -> ob_pb.GetBBOResponse:
    symbol = known_symbol(exchange, req.symbol)
    bids, offers = exchange.book(symbol, 1)
    resp = ob_pb.GetBBOResponse(symbol=symbol, state=int(exchange.instruments[symbol].state))
    if bids:
        resp.best_bid.CopyFrom(md_pb.BookEntry(px=bids[0][0], qty=bids[0][1]))
    if offers:
        resp.best_offer.CopyFrom(md_pb.BookEntry(px=offers[0][0], qty=offers[0][1]))
    if bids and offers:
        bid, offer = bids[0][0], offers[0][0]
        resp.spread = offer - bid
        resp.mid_price = (bid + offer) // 2  # raw units; an odd sum rounds down
    resp.transact_time.CopyFrom(wire.timestamp(exchange.clock()))
    return resp


class OrderBook(Base, ob_grpc.OrderBookAPIServicer):
    async def GetOrderBook(  # noqa: N802 - gRPC method name
        self, request: ob_pb.GetOrderBookRequest, context: grpc.aio.ServicerContext,
    ) -> ob_pb.GetOrderBookResponse:
        await self._user(context, account_scoped=False)
        return await self._call(context, order_book, self.exchange, request)

    async def GetBBO(self, request: ob_pb.GetBBORequest,  # noqa: N802
                     context: grpc.aio.ServicerContext) -> ob_pb.GetBBOResponse:
        await self._user(context, account_scoped=False)
        return await self._call(context, bbo, self.exchange, request)


def book_routes(authed: Authed, exchange: Exchange) -> list[Route]:
    async def depth(request: Request, user: SimUser) -> ob_pb.GetOrderBookResponse:
        return order_book(exchange, parse_query(request.query_params, ob_pb.GetOrderBookRequest(),
                                                symbol=request.path_params["symbol"]))

    async def best(request: Request, user: SimUser) -> ob_pb.GetBBOResponse:
        return bbo(exchange, parse_query(request.query_params, ob_pb.GetBBORequest(),
                                         symbol=request.path_params["symbol"]))

    # GET only, and no additional bindings (§4)
    return [*bind(authed, ("/v1/orderbook/{symbol}",), depth, "GET", account_scoped=False,
                  method="GetOrderBook"),
            *bind(authed, ("/v1/orderbook/{symbol}/bbo",), best, "GET", account_scoped=False,
                  method="GetBBO")]
