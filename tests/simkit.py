"""Shared pieces for the embedded exchange's tests: an event recorder, a
small exchange with one market of each interesting kind, order helpers, and a client that
talks to a running exchange over its real sockets."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal
from typing import Any

import grpc
import httpx

from tests.fake_clock import FakeClock
from tui.core.enums import ExecType, InstrumentState, Side
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.proto.polymarket.v1 import trading_pb2_grpc as tr_grpc
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.exchange import Exchange
from tui.sim.model import CancelRejectReport, ExecReport, SimInstrument
from tui.sim.server import SimServer

CENT = "TEST-CENT"  # price_scale 100, tick 0.01
HALF = "TEST-HALF"  # price_scale 1000, tick 0.005
FRAC = "TEST-FRAC"  # price_scale 100, qty_scale 100: hundredths of a contract
SHUT = "TEST-SHUT"  # not open
A, B, C = "firms/T/accounts/a", "firms/T/accounts/b", "firms/T/accounts/c"


def make_exchange(clock: FakeClock) -> Exchange:
    instruments = [
        SimInstrument.make(CENT, "cent market", price_scale=100, tick_size="0.01"),
        SimInstrument.make(HALF, "half-cent market", price_scale=1000, tick_size="0.005"),
        SimInstrument.make(FRAC, "partial contracts", price_scale=100, tick_size="0.01",
                           qty_scale=100, min_qty=1),
        SimInstrument.make(SHUT, "closed market", price_scale=100, tick_size="0.01",
                           state=InstrumentState.CLOSED),
    ]
    exchange = Exchange(instruments, clock=clock, id_prefix="t")
    for account in (A, B, C):
        exchange.add_account(account, account.replace("accounts", "users"), Decimal("1000"))
    return exchange


class Recorder:
    def __init__(self, ex: Exchange) -> None:
        self.events: list[object] = []
        ex.add_listener(self.events.append)

    def reports(self, order_id: str | None = None) -> list[ExecReport]:
        return [e for e in self.events if isinstance(e, ExecReport)
                and (order_id is None or e.order.order_id == order_id)]

    def types(self, order_id: str) -> list[ExecType]:
        return [r.type for r in self.reports(order_id)]

    def rejects(self) -> list[CancelRejectReport]:
        return [e for e in self.events if isinstance(e, CancelRejectReport)]

    def clear(self) -> None:
        self.events.clear()


def buy(ex: Exchange, account: str, price: int, qty: int, symbol: str = CENT,
        **kw: Any) -> str:
    return ex.insert_order(account=account, participant="p", symbol=symbol, side=Side.BUY,
                           price=price, order_qty=qty, **kw)


def sell(ex: Exchange, account: str, price: int, qty: int, symbol: str = CENT,
         **kw: Any) -> str:
    return ex.insert_order(account=account, participant="p", symbol=symbol, side=Side.SELL,
                           price=price, order_qty=qty, **kw)


# --- over the wire --------------------------------------------------------------------------

class Wire:
    """A demo user on a running SimServer: REST through httpx, gRPC through the generated
    stubs, and the user's order stream (CreateOrderSubscription) recorded in the background.

    Use as ``async with Wire(sim) as wire``; entering waits for the stream's snapshot, so
    every execution after that is in ``wire.updates``.
    """

    def __init__(self, sim: SimServer, user: str = "demo") -> None:
        self.sim = sim
        self.user = user
        self.participant = f"firms/DEMO/users/{user}"
        self.updates: list[tr_pb.CreateOrderSubscriptionResponse.Update] = []
        self._snapshot = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Wire:
        self.http = httpx.AsyncClient(base_url=self.sim.rest_url, timeout=10.0)
        login = await self.http.post("/auth/v1beta1/login",
                                     json={"username": self.user, "password": DEMO_PASSWORD})
        self.headers = {"authorization": f"Bearer {login.json()['accessToken']}",
                        "x-participant-id": self.participant}
        self.channel = grpc.aio.insecure_channel(self.sim.grpc_target)
        self.orders = tr_grpc.OrderEntryAPIStub(self.channel)
        self._task = asyncio.create_task(self._read())
        await asyncio.wait_for(self._snapshot.wait(), timeout=10.0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, grpc.aio.AioRpcError):
                await self._task
        await self.channel.close()
        await self.http.aclose()

    @property
    def metadata(self) -> list[tuple[str, str]]:
        return list(self.headers.items())

    async def post(self, path: str, body: dict[str, Any], *,
                   headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.http.post(path, json=body,
                                    headers=self.headers if headers is None else headers)

    async def _read(self) -> None:
        call = self.orders.CreateOrderSubscription(tr_pb.CreateOrderSubscriptionRequest(),
                                                   metadata=self.metadata)
        async for msg in call:
            if msg.HasField("snapshot"):
                self._snapshot.set()
            elif msg.HasField("update"):
                self.updates.append(msg.update)

    def executions(self, *, order_id: str = "", clord_id: str = "") -> list[tr_pb.Execution]:
        """Executions on the stream so far, of one order (by id or clord_id) or all."""
        return [e for u in self.updates for e in u.executions
                if (not order_id or e.order.id == order_id)
                and (not clord_id or e.order.clord_id == clord_id)]

    def types(self, **which: str) -> list[ExecType]:
        return [ExecType(e.type) for e in self.executions(**which)]

    def cancel_rejects(self) -> list[tr_pb.CancelReject]:
        return [u.cancel_reject for u in self.updates if u.HasField("cancel_reject")]


def limit_body(symbol: str, side: str, price: int, qty: int, clord_id: str,
               **extra: Any) -> dict[str, Any]:
    """An InsertOrderRequest as REST JSON, snake_case as the official samples send it."""
    return {"type": "ORDER_TYPE_LIMIT", "side": f"SIDE_{side.upper()}", "order_qty": qty,
            "symbol": symbol, "price": price, "time_in_force": "TIME_IN_FORCE_GOOD_TILL_CANCEL",
            "clord_id": clord_id} | extra
