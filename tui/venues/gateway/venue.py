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
from tui.core.state import DeskState, LinkState
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
from tui.venues.gateway.streams import Metadata, StreamWorker, open_channel

log = logging.getLogger(__name__)

MANUAL = 1  # MANUAL_ORDER_INDICATOR_MANUAL: a person pressed the key
ORDER_STREAM = "orders"
BOOK_DEPTH = 25
REFRESH_MARGIN = 30.0  # renew the access token this long before it expires (spec §2.1)


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
        self.rest.on_unauthorized = self._reauth_now
        # inserts whose REST answer has not come back: a cancel waits for it (clord_id ->
        # the exchange's order id, or an exception)
        self._inflight: dict[str, asyncio.Future[str]] = {}
        self._before_cancel: dict[str, OrderState] = {}  # order_id -> state to restore

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
        instruments, skipped = convert.instruments(await self.rest.instruments())
        self.state.set_instruments(instruments)
        if skipped:
            self.state.notify(f"{len(skipped)} markets left out: their reference data has no "
                              f"usable price scale or tick ({', '.join(skipped[:3])}).",
                              "warning")
        try:
            self.state.set_balance(convert.balance(await self.rest.balance(self.account)))
        except VenueError as exc:  # the desk can trade without it; say so and carry on
            self.state.notify(f"Balance unavailable: {exc}", "warning")

        self._channel = open_channel(self.grpc_target)
        md = md_grpc.MarketDataSubscriptionAPIStub(self._channel)
        orders = tr_grpc.OrderEntryAPIStub(self._channel)
        positions = pos_grpc.PositionAPIStub(self._channel)
        symbols = list(self.state.instruments)
        self._workers = [
            self._worker("prices", lambda m: md.CreateMarketDataSubscription(
                md_pb.CreateMarketDataSubscriptionRequest(symbols=symbols, depth=BOOK_DEPTH),
                metadata=m), self._on_market),
            self._worker(ORDER_STREAM, lambda m: orders.CreateOrderSubscription(
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
                            self._reauth_now, silence_timeout=self.silence_timeout)

    # --- auth -----------------------------------------------------------------------
    async def _metadata(self) -> Metadata:
        if self.rest.tokens.access_expires - time.time() < REFRESH_MARGIN:
            await self._reauth()
        return [("authorization", f"Bearer {self.rest.tokens.access}"),
                ("x-participant-id", self.rest.participant_id)]

    async def _reauth(self, *, refused: str | None = None) -> None:
        """Renew the access token: when near expiry, or at once when the venue refused one."""
        async with self._auth_lock:
            if refused is not None and refused != self.rest.tokens.access:
                return  # the refused token was already replaced by another caller
            if refused is None and self.rest.tokens.access_expires - time.time() > (
                    REFRESH_MARGIN):
                return  # another caller already renewed it
            try:
                await self.rest.refresh()
            except VenueError:
                await self.rest.login(self._username, self._password)

    async def _reauth_now(self, refused: str) -> None:
        await self._reauth(refused=refused)

    async def _keep_token_fresh(self) -> None:
        while True:
            wait = self.rest.tokens.access_expires - time.time() - REFRESH_MARGIN
            await asyncio.sleep(max(wait, 1.0))
            try:
                await self._reauth()
            except Exception as exc:  # noqa: BLE001 - this loop must outlive any one failure
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
        link = self.state.streams.get(ORDER_STREAM)
        if link is None or link.state is not LinkState.LIVE:
            # without the order stream the desk could not see the fill or the reject
            raise VenueError("The order stream is not live, so this order was not sent.")
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
        answered: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._inflight[request.clord_id] = answered
        try:
            resp = await self.rest.insert_order(msg)
            answered.set_result(resp.order_id)
        except VenueError as exc:
            answered.set_exception(exc)
            answered.exception()  # retrieved here, so an unawaited future logs nothing
            if self.state.find_order(clord_id=request.clord_id) is pending:
                if exc.uncertain:
                    # it may be working at the exchange: stay pending until a stream says
                    pending.reject_text = "no answer yet; waiting for the exchange's report"
                else:
                    pending.state = OrderState.REJECTED
                    pending.reject_text = str(exc)
                self.state.upsert_order(pending)
            raise
        finally:
            del self._inflight[request.clord_id]
        # the stream may have reported the order already; only fill in the id if not
        if self.state.find_order(clord_id=request.clord_id) is pending and resp.order_id:
            pending.order_id = resp.order_id
            self.state.upsert_order(pending, pending_key=request.clord_id)

    async def cancel(self, order: Order) -> None:
        current = self.state.find_order(order_id=order.order_id, clord_id=order.clord_id)
        if not current or not current.state.is_working or (
                current.state is OrderState.PENDING_CANCEL):
            return
        if not current.order_id:
            # the insert is in flight: let it land first so the cancel cannot overtake it
            answered = self._inflight.get(current.clord_id)
            if answered is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.shield(answered), self.rest.timeout)
            current = self.state.find_order(clord_id=order.clord_id)
            if not current or not current.state.is_working:
                return
            if not current.order_id:
                raise VenueError("The exchange has not acknowledged this order yet; cancel "
                                 "again once it shows as working.")
        msg = tr_pb.CancelOrderRequest(order_id=current.order_id, clord_id=current.clord_id,
                                       symbol=current.symbol)
        self._before_cancel[current.order_id] = current.state
        current.state = OrderState.PENDING_CANCEL
        self.state.upsert_order(current)
        try:
            await self.rest.cancel_order(msg)
        except VenueError as exc:
            # undo only our own marker, and only if no stream report replaced the order
            still = self.state.find_order(order_id=current.order_id)
            if (not exc.uncertain and still is current
                    and current.state is OrderState.PENDING_CANCEL):
                current.state = self._before_cancel.pop(current.order_id, OrderState.NEW)
                self.state.upsert_order(current)
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
        if order.state.is_terminal:
            self._before_cancel.pop(order.order_id, None)
        self.state.upsert_order(order, pending_key=pending_key)

    def _on_cancel_reject(self, rej: tr_pb.CancelReject) -> None:
        order = self.state.find_order(order_id=rej.order_id, clord_id=rej.clord_id)
        reason = (CxlRejReason(rej.reject_reason)
                  if rej.reject_reason in CxlRejReason._value2member_map_
                  else CxlRejReason.EXCHANGE_OPTION)
        words = CANCEL_REJECT_WORDS[reason]
        if order is not None:
            if order.state is OrderState.PENDING_CANCEL:
                # back to what the exchange last said, never a state it did not report
                order.state = self._before_cancel.pop(order.order_id, order.state)
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
