"""The Exchange Trading Gateway as a Venue: REST commands, gRPC streams, one DeskState."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import grpc

from tui.core.enums import (
    CANCEL_REJECT_WORDS,
    REJECT_WORDS,
    CxlRejReason,
    ExecType,
    OrderState,
    OrderType,
    OrdRejectReason,
)
from tui.core.model import Fill, Order
from tui.core.prices import Intent
from tui.core.state import DeskState
from tui.core.ticket import OrderRequest
from tui.core.venue import VenueError
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import marketdatasubscription_pb2_grpc as md_grpc
from tui.proto.polymarket.v1 import positions_pb2 as pos_pb
from tui.proto.polymarket.v1 import positions_pb2_grpc as pos_grpc
from tui.proto.polymarket.v1 import trading_pb2 as tr_pb
from tui.proto.polymarket.v1 import trading_pb2_grpc as tr_grpc
from tui.venues.gateway import convert
from tui.venues.gateway.rest import GatewayRest
from tui.venues.gateway.streams import Metadata, StreamWorker

log = logging.getLogger(__name__)

MANUAL = 1  # MANUAL_ORDER_INDICATOR_MANUAL: a person pressed the key
BOOK_DEPTH = 25
REFRESH_MARGIN = 30.0  # renew the access token this long before it expires (spec §2.1)
GRPC_OPTIONS = [  # spec §11.8
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
]


class GatewayVenue:
    def __init__(self, *, rest_url: str, grpc_target: str, username: str, password: str,
                 state: DeskState | None = None, silence_timeout: float = 180.0,
                 venue_name: str = "gateway") -> None:
        self.state = state or DeskState()
        self.state.venue = venue_name
        self.rest = GatewayRest(rest_url)
        self.grpc_target = grpc_target
        self._username = username
        self._password = password  # kept only in memory, to log in again if refresh fails
        self.silence_timeout = silence_timeout
        self.account = ""
        self._intents: dict[str, Intent] = {}  # clord_id -> what the trader meant
        self._channel: grpc.aio.Channel | None = None
        self._workers: list[StreamWorker] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._balance_due = asyncio.Event()
        self._auth_lock = asyncio.Lock()

    # --- lifecycle ------------------------------------------------------------------
    async def start(self) -> None:
        await self.rest.login(self._username, self._password)
        who = await self.rest.whoami()
        self.rest.participant_id = who.user
        accounts = await self.rest.accounts(who.user)
        if not accounts.accounts:
            raise VenueError(f"User {who.user} has no trading account.")
        self.account = accounts.accounts[0]
        self.state.user = who.user_display_name or who.user
        self.state.account = self.account
        self.state.set_instruments([convert.instrument(i) for i in await self.rest.instruments()])
        self.state.set_balance(convert.balance(await self.rest.balance(self.account)))

        self._channel = grpc.aio.insecure_channel(self.grpc_target, options=GRPC_OPTIONS)
        md = md_grpc.MarketDataSubscriptionAPIStub(self._channel)
        orders = tr_grpc.OrderEntryAPIStub(self._channel)
        positions = pos_grpc.PositionAPIStub(self._channel)
        symbols = list(self.state.instruments)
        self._workers = [
            self._worker("prices", lambda m: md.CreateMarketDataSubscription(
                md_pb.CreateMarketDataSubscriptionRequest(symbols=symbols, depth=BOOK_DEPTH),
                metadata=m), self._on_market),
            self._worker("orders", lambda m: orders.CreateOrderSubscription(
                tr_pb.CreateOrderSubscriptionRequest(accounts=[self.account]), metadata=m),
                self._on_orders),
            self._worker("positions", lambda m: positions.CreatePositionSubscription(
                pos_pb.CreatePositionSubscriptionRequest(accounts=[self.account]), metadata=m),
                self._on_positions),
        ]
        for worker in self._workers:
            worker.start()
        self._tasks = [asyncio.create_task(self._keep_token_fresh()),
                       asyncio.create_task(self._keep_balance_fresh())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for worker in self._workers:
            await worker.stop()
        if self._channel is not None:
            await self._channel.close(grace=None)
        await self.rest.close()

    def _worker(self, name: str, open_stream: Any, handle: Any) -> StreamWorker:
        return StreamWorker(name, self.state, open_stream, handle, self._metadata,
                            self._reauth, silence_timeout=self.silence_timeout)

    # --- auth -----------------------------------------------------------------------
    async def _metadata(self) -> Metadata:
        if self.rest.tokens.access_expires - time.time() < REFRESH_MARGIN:
            await self._reauth()
        return [("authorization", f"Bearer {self.rest.tokens.access}"),
                ("x-participant-id", self.rest.participant_id)]

    async def _reauth(self) -> None:
        async with self._auth_lock:
            if self.rest.tokens.access_expires - time.time() > REFRESH_MARGIN:
                return  # another caller already renewed it
            try:
                await self.rest.refresh()
            except VenueError:
                await self.rest.login(self._username, self._password)

    async def _keep_token_fresh(self) -> None:
        while True:
            wait = self.rest.tokens.access_expires - time.time() - REFRESH_MARGIN
            await asyncio.sleep(max(wait, 1.0))
            try:
                await self._reauth()
            except VenueError as exc:
                self.state.notify(f"Could not renew the session: {exc}", "error")
                await asyncio.sleep(5.0)

    async def _keep_balance_fresh(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._balance_due.wait(), timeout=10.0)
            self._balance_due.clear()
            with contextlib.suppress(VenueError):
                self.state.set_balance(convert.balance(await self.rest.balance(self.account)))
            await asyncio.sleep(0.5)  # at most two balance calls a second

    # --- commands -------------------------------------------------------------------
    async def submit(self, request: OrderRequest) -> None:
        self._intents[request.clord_id] = request.intent
        pending = Order(order_id="", clord_id=request.clord_id, symbol=request.symbol,
                        side=request.yes_side, price=request.yes_price, order_qty=request.qty,
                        leaves_qty=request.qty, state=OrderState.PENDING_NEW,
                        intent=request.intent, updated_at=time.monotonic())
        self.state.upsert_order(pending)
        msg = tr_pb.InsertOrderRequest(
            type=int(OrderType.LIMIT), side=int(request.yes_side), order_qty=request.qty,
            symbol=request.symbol, price=request.yes_price, time_in_force=int(request.tif),
            clord_id=request.clord_id, account=self.account, manual_order_indicator=MANUAL,
        )
        try:
            resp = await self.rest.insert_order(msg)
        except VenueError as exc:
            if self.state.find_order(clord_id=request.clord_id) is pending:
                if exc.uncertain:
                    # it may be working at the exchange: stay pending until a stream says
                    pending.reject_text = "no answer yet; waiting for the exchange's report"
                else:
                    pending.state = OrderState.REJECTED
                    pending.reject_text = str(exc)
                self.state.upsert_order(pending)
            raise
        # the stream may have reported the order already; only fill in the id if not
        if self.state.find_order(clord_id=request.clord_id) is pending and resp.order_id:
            pending.order_id = resp.order_id
            self.state.upsert_order(pending, pending_key=request.clord_id)

    async def cancel(self, order: Order) -> None:
        if not order.state.is_working:
            return
        msg = tr_pb.CancelOrderRequest(order_id=order.order_id, clord_id=order.clord_id,
                                       symbol=order.symbol)
        previous = order.state
        order.state = OrderState.PENDING_CANCEL
        self.state.upsert_order(order)
        try:
            await self.rest.cancel_order(msg)
        except VenueError:
            if order.state is OrderState.PENDING_CANCEL:
                order.state = previous
                self.state.upsert_order(order)
            raise

    async def cancel_all(self, symbol: str | None = None) -> int:
        targets = [o for o in self.state.working_orders(symbol)
                   if o.state is not OrderState.PENDING_CANCEL]
        results = await asyncio.gather(*(self.cancel(o) for o in targets),
                                       return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise VenueError(f"{len(failures)} of {len(targets)} cancels failed: {failures[0]}")
        return len(targets)

    # --- streams --------------------------------------------------------------------
    def _on_market(self, msg: md_pb.CreateMarketDataSubscriptionResponse) -> None:
        if msg.HasField("update"):
            self.state.replace_book(convert.book(msg.update))

    def _on_positions(self, msg: pos_pb.CreatePositionSubscriptionResponse) -> None:
        if msg.HasField("snapshot"):
            self.state.set_positions([convert.position(p) for p in msg.snapshot.positions],
                                     snapshot=True)
        elif msg.HasField("update"):
            self.state.set_positions([convert.position(p) for p in msg.update.positions],
                                     snapshot=False)

    def _on_orders(self, msg: tr_pb.CreateOrderSubscriptionResponse) -> None:
        if msg.HasField("snapshot"):
            orders = [self._ours(convert.order(o)) for o in msg.snapshot.orders]
            self.state.replace_open_orders(orders)
        elif msg.HasField("update"):
            for execution in msg.update.executions:
                self._on_execution(execution)
            if msg.update.HasField("cancel_reject"):
                self._on_cancel_reject(msg.update.cancel_reject)

    def _ours(self, order: Order) -> Order:
        order.intent = self._intents.get(order.clord_id)
        return order

    def _on_execution(self, ex: tr_pb.Execution) -> None:
        order = self._ours(convert.order(ex.order))
        kind = ExecType(ex.type) if ex.type in ExecType._value2member_map_ else None
        pending_key = order.clord_id if order.clord_id in self.state.orders else None
        if kind is ExecType.REJECTED:
            reason = (OrdRejectReason(ex.order_reject_reason)
                      if ex.order_reject_reason in OrdRejectReason._value2member_map_
                      else OrdRejectReason.EXCHANGE_OPTION)
            order.reject_text = REJECT_WORDS[reason]
            self.state.notify(f"{self._describe(order)} rejected: {order.reject_text}.",
                              "error")
        elif kind in (ExecType.FILL, ExecType.PARTIAL_FILL):
            self.state.add_fill(Fill(exec_id=ex.id, order_id=order.order_id,
                                     symbol=order.symbol, side=order.side, price=ex.last_px,
                                     qty=ex.last_shares, intent=order.intent,
                                     at=time.time()))
            if order.intent is not None:
                self.state.notify(f"Filled {self._qty(order, ex.last_shares)} "
                                  f"{self._describe(order, ex.last_px)}.")
            self._balance_due.set()
        elif kind is ExecType.EXPIRED and order.intent is not None:
            self.state.notify(f"{self._describe(order)} expired unfilled.", "warning")
        self.state.upsert_order(order, pending_key=pending_key)

    def _on_cancel_reject(self, rej: tr_pb.CancelReject) -> None:
        order = self.state.find_order(order_id=rej.order_id, clord_id=rej.clord_id)
        reason = (CxlRejReason(rej.reject_reason)
                  if rej.reject_reason in CxlRejReason._value2member_map_
                  else CxlRejReason.EXCHANGE_OPTION)
        words = CANCEL_REJECT_WORDS[reason]
        if order is not None:
            if order.state is OrderState.PENDING_CANCEL:
                order.state = (OrderState.PARTIALLY_FILLED if order.cum_qty
                               else OrderState.NEW)
                self.state.upsert_order(order)
            self.state.notify(f"Cancel of {self._describe(order)} refused: {words}.", "error")
        else:
            self.state.notify(f"Cancel refused: {words}.", "error")

    def _describe(self, order: Order, yes_px: int | None = None) -> str:
        inst = self.state.instruments.get(order.symbol)
        intent = order.shown_intent
        if inst is None:
            return f"{intent.label} {order.symbol}"
        px = order.price if yes_px is None else yes_px
        if intent.outcome.value == "NO":
            px = inst.scales.complement(px)
        return f"{intent.label} {order.symbol} at {inst.scales.price_text(px)}"

    def _qty(self, order: Order, qty: int) -> str:
        inst = self.state.instruments.get(order.symbol)
        return inst.scales.qty_text(qty) if inst else str(qty)
