"""PositionAPI's ListAccountBalances and ListAccountPositions (spec §7.1) at the embedded
exchange, over gRPC (a mixin of grpc_server.Positions) and REST (``POST
/v1/positions/balances``, ``GET /v1/positions`` and their /v1beta1 bindings).

Both are account-scoped: x-participant-id, and the account must be the caller's.

Conventions the spec leaves open, chosen here:

* ListAccountBalances: the exchange holds one currency, so one entry, ``USD``, exactly what
  GetAccountBalance answers; an empty ``name`` means the caller's first account, as there.
* ListAccountPositions: ``name`` is required (INVALID_ARGUMENT without it); positions come
  sorted by symbol; ``available_position[i]`` is ``positions[i]``'s net position less what
  the account's working orders would close of it (same sign, never past zero).
* ``as_of_time`` (inclusive) or ``as_of_date`` (the end of that UTC day) replays the
  account's fills up to then through fresh positions, and a market's settlement if it had
  settled by then; working orders of the past are not kept, so ``available_position`` is
  left empty in a historical answer. Setting both is INVALID_ARGUMENT.
"""

from __future__ import annotations

import grpc
from starlette.requests import Request
from starlette.routing import Route

from tui.core.enums import Side
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.sim import wire
from tui.sim.auth import SimUser
from tui.sim.exchange import Exchange
from tui.sim.gateway_json import Authed, bind, parse_body, parse_query
from tui.sim.grpc_base import Base
from tui.sim.model import SimPosition
from tui.sim.report_time import day_start_ns, ns
from tui.sim.service import INVALID_ARGUMENT, GatewayService, ServiceError


def list_balances(service: GatewayService, user: SimUser, req: pos_pb.ListAccountBalancesRequest
                  ) -> pos_pb.ListAccountBalancesResponse:
    usd = service.balance(user, pos_pb.GetAccountBalanceRequest(name=req.name, currency="USD"))
    resp = pos_pb.ListAccountBalancesResponse()
    resp.balances["USD"].CopyFrom(usd)
    return resp


def list_positions(service: GatewayService, user: SimUser,
                   req: pos_pb.ListAccountPositionsRequest) -> pos_pb.ListAccountPositionsResponse:
    if not req.name:  # required here, though other calls default to the caller's first
        raise ServiceError(INVALID_ARGUMENT, "name is required")
    service._account(user, req.name)  # the caller's own account, or PERMISSION_DENIED
    exchange = service.exchange
    if req.HasField("as_of_time") and req.HasField("as_of_date"):
        raise ServiceError(INVALID_ARGUMENT, "as_of_time and as_of_date are mutually exclusive")
    cutoff = _cutoff(req)
    held = exchange.positions(req.name) if cutoff is None else _replay(exchange, req.name,
                                                                         cutoff)
    held = sorted((p for p in held if not req.symbol or p.symbol == req.symbol),
                  key=lambda p: p.symbol)
    resp = pos_pb.ListAccountPositionsResponse(positions=[wire.position_pb(p) for p in held])
    if cutoff is None:
        resp.available_position.extend(_available(exchange, p) for p in held)
    return resp


def _cutoff(req: pos_pb.ListAccountPositionsRequest) -> int | None:
    """The historical moment asked for, in epoch nanoseconds (fills at or before it count)."""
    if req.HasField("as_of_time"):
        return req.as_of_time.ToNanoseconds()
    if req.HasField("as_of_date"):
        return day_start_ns(req.as_of_date, 1) - 1
    return None


def _replay(exchange: Exchange, account: str, cutoff: int) -> list[SimPosition]:
    """The account's positions as they stood at ``cutoff``, rebuilt from its fills exactly as
    the ledger books them (and closed at a settlement that had happened by then)."""
    replay: dict[str, SimPosition] = {}
    for e in exchange.executions(account):
        if e.last_shares and ns(e.transact_time) <= cutoff:
            pos = replay.setdefault(e.symbol, SimPosition(account, e.symbol))
            signed = e.last_shares if e.order.side is Side.BUY else -e.last_shares
            pos.apply(signed, e.last_px, e.transact_time)
    for symbol, pos in replay.items():
        settled = exchange.settlement(symbol)
        if settled is not None and pos.net_position and ns(settled[1]) <= cutoff:
            pos.apply(-pos.net_position, settled[0], settled[1])
    return list(replay.values())


def _available(exchange: Exchange, pos: SimPosition) -> int:
    closing = Side.SELL if pos.net_position > 0 else Side.BUY
    committed = sum(o.leaves_qty for o in exchange.open_orders([pos.account], [pos.symbol])
                    if o.side is closing)
    left = max(abs(pos.net_position) - committed, 0)
    return left if pos.net_position > 0 else -left


class PositionReads(Base):
    """The two calls, for grpc_server.Positions; read:positions, account-scoped."""

    async def ListAccountBalances(  # noqa: N802 - gRPC method name
        self, request: pos_pb.ListAccountBalancesRequest, context: grpc.aio.ServicerContext,
    ) -> pos_pb.ListAccountBalancesResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, list_balances, self.service, user, request)

    async def ListAccountPositions(  # noqa: N802
        self, request: pos_pb.ListAccountPositionsRequest, context: grpc.aio.ServicerContext,
    ) -> pos_pb.ListAccountPositionsResponse:
        user = await self._user(context, account_scoped=True)
        return await self._call(context, list_positions, self.service, user, request)


def position_routes(authed: Authed, service: GatewayService) -> list[Route]:
    async def balances(request: Request, user: SimUser) -> pos_pb.ListAccountBalancesResponse:
        return list_balances(service, user,
                             await parse_body(request, pos_pb.ListAccountBalancesRequest()))

    async def positions_get(request: Request, user: SimUser
                            ) -> pos_pb.ListAccountPositionsResponse:
        req = parse_query(request.query_params, pos_pb.ListAccountPositionsRequest())
        return list_positions(service, user, req)

    async def positions_post(request: Request, user: SimUser
                             ) -> pos_pb.ListAccountPositionsResponse:
        req = await parse_body(request, pos_pb.ListAccountPositionsRequest())
        return list_positions(service, user, req)

    return [
        *bind(authed, ("/v1/positions/balances", "/v1beta1/list_account_balances"), balances,
              "POST", account_scoped=True, method="ListAccountBalances"),
        *bind(authed, ("/v1/positions",), positions_get, "GET", account_scoped=True,
              method="ListAccountPositions"),
        *bind(authed, ("/v1beta1/list_account_positions",), positions_post, "POST",
              account_scoped=True, method="ListAccountPositions"),
    ]
