"""RefDataAPI's ListSymbols and GetInstrumentMetadata (spec §7.2) at the embedded exchange,
over gRPC (a mixin of grpc_server.RefData) and REST (routes rest.build_rest_app adds).

GetInstrumentMetadata takes no arguments and answers one ``map<string,string>``; the spec
does not say what it holds. Here: every metadata key an instrument carries, mapped to the
values the instruments give it, distinct, sorted and comma-separated (e.g.
``event_category`` → ``CRY,CUL,POL,SPR``), so a client learns what it can filter on.
"""

from __future__ import annotations

import grpc
from starlette.requests import Request
from starlette.routing import Route

from tui.proto.polymarket.v1 import refdata_pb2 as ref_pb
from tui.sim.auth import SimUser
from tui.sim.exchange import Exchange
from tui.sim.gateway_json import Authed, bind, parse_body
from tui.sim.grpc_base import Base


def list_symbols(exchange: Exchange) -> ref_pb.ListSymbolsResponse:
    """Every instrument's symbol, whatever its state, sorted as ListInstruments pages them."""
    return ref_pb.ListSymbolsResponse(symbols=sorted(exchange.instruments))


def instrument_metadata(exchange: Exchange) -> ref_pb.GetInstrumentMetadataResponse:
    values: dict[str, set[str]] = {}
    for inst in exchange.instruments.values():
        for key, value in inst.metadata.items():
            values.setdefault(key, set()).add(value)
    return ref_pb.GetInstrumentMetadataResponse(
        metadata={key: ",".join(sorted(found)) for key, found in sorted(values.items())})


class RefDataReads(Base):
    """The two calls, for grpc_server.RefData; read:instruments, no participant id."""

    async def ListSymbols(self, request: ref_pb.ListSymbolsRequest,  # noqa: N802
                          context: grpc.aio.ServicerContext) -> ref_pb.ListSymbolsResponse:
        await self._user(context, account_scoped=False)
        return list_symbols(self.exchange)

    async def GetInstrumentMetadata(  # noqa: N802
        self, request: ref_pb.GetInstrumentMetadataRequest, context: grpc.aio.ServicerContext,
    ) -> ref_pb.GetInstrumentMetadataResponse:
        await self._user(context, account_scoped=False)
        return instrument_metadata(self.exchange)


def refdata_routes(authed: Authed, exchange: Exchange) -> list[Route]:
    async def symbols(request: Request, user: SimUser) -> ref_pb.ListSymbolsResponse:
        await parse_body(request, ref_pb.ListSymbolsRequest())  # body {} (a bad one is 400)
        return list_symbols(exchange)

    async def metadata(request: Request, user: SimUser
                       ) -> ref_pb.GetInstrumentMetadataResponse:
        await parse_body(request, ref_pb.GetInstrumentMetadataRequest())
        return instrument_metadata(exchange)

    return [
        *bind(authed, ("/v1/refdata/symbols", "/v1beta1/list_symbols"), symbols, "POST",
              account_scoped=False, method="ListSymbols"),
        *bind(authed, ("/v1/refdata/metadata", "/v1beta1/get_instrument_metadata"), metadata,
              "POST", account_scoped=False, method="GetInstrumentMetadata"),
    ]
