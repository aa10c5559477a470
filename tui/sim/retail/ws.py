"""The retail WebSockets (retail-api.md §8): /v1/ws/private and /v1/ws/markets.

The upgrade is signed like a REST call (§2.4); a bad one is refused with an HTTP 401
(ASGI denial response), so a client can tell "refused" from "unreachable". Each
subscription is one Hub subscriber, the same fan-out the gRPC streams use: registered
before any snapshot is built, so nothing falls between snapshot and updates. Market data is
coalesced per market, with one update per trade first, exactly as the gRPC feed does.

``drop_all`` ends every socket without a close frame (the handler returns un-closed and
uvicorn closes the TCP connection), which a client sees as a network fault (1006).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tui.sim.auth import SimUser
from tui.sim.hub import Hub, Subscriber
from tui.sim.model import CancelRejectReport, ExecReport, SimPosition
from tui.sim.retail.api import Received, RetailApi, error_response
from tui.sim.retail.portfolio import balance_json
from tui.sim.retail.public import BOOK_DEPTH, RetailPublic, market_data_json
from tui.sim.retail.wire import (
    RetailError,
    position_json,
    px_amount,
    qty_text,
    rfc3339,
    slug_of,
)

MAX_SLUGS = 100  # §11: markets per subscription
PRIVATE = ("SUBSCRIPTION_TYPE_ORDER", "SUBSCRIPTION_TYPE_ORDER_SNAPSHOT",
           "SUBSCRIPTION_TYPE_POSITION", "SUBSCRIPTION_TYPE_ACCOUNT_BALANCE",
           "SUBSCRIPTION_TYPE_RFQ")
MARKETS = ("SUBSCRIPTION_TYPE_MARKET_DATA", "SUBSCRIPTION_TYPE_MARKET_DATA_LITE",
           "SUBSCRIPTION_TYPE_TRADE")
_GONE = (WebSocketDisconnect, RuntimeError, OSError)  # a send to a socket that has gone
log = logging.getLogger(__name__)


@dataclass(eq=False)
class Connection:
    ws: WebSocket
    path: str
    user: SimUser
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    dropped: bool = False
    subs: dict[str, tuple[Subscriber | None, asyncio.Task[None] | None]] = field(
        default_factory=dict)

    async def send(self, frame: dict[str, Any]) -> None:
        if self.ended.is_set():
            return
        try:
            async with self.lock:  # one writer at a time: frames leave in order (§8.1)
                await self.ws.send_text(json.dumps(frame, separators=(",", ":")))
        except _GONE:
            self.ended.set()

    def drop(self) -> None:
        self.dropped = True
        self.ended.set()


class RetailSockets:
    """Both retail sockets over one RetailApi and the exchange's Hub."""

    def __init__(self, api: RetailApi, hub: Hub, heartbeat: Callable[[], float]) -> None:
        self.api = api
        self.hub = hub
        self.heartbeat = heartbeat
        self.public = RetailPublic(api)
        self.exchange = api.exchange
        self.connections: set[Connection] = set()

    def routes(self) -> list[WebSocketRoute]:
        return [WebSocketRoute("/v1/ws/private", self._serve),
                WebSocketRoute("/v1/ws/markets", self._serve)]

    def drop_all(self, path: str | None = None) -> int:
        """End every socket (or those on one path, e.g. /v1/ws/private) abruptly, as a
        network fault would; returns how many."""
        dropped = [c for c in self.connections if path in (None, c.path)]
        for conn in dropped:
            self._unhook(conn)  # off the Hub now, so Hub.drop_all does not count them too
            conn.drop()
        return len(dropped)

    # --- one connection -----------------------------------------------------------------
    async def _serve(self, ws: WebSocket) -> None:
        path = ws.url.path
        try:
            user = self.api.verify(ws.headers, "GET", path)
        except RetailError as exc:
            await ws.send_denial_response(error_response(exc))
            return
        await ws.accept()
        conn = Connection(ws, path, user)
        self.connections.add(conn)
        tasks = [asyncio.create_task(self._read(conn)), asyncio.create_task(self._beat(conn))]
        try:
            await conn.ended.wait()
        finally:
            self.connections.discard(conn)
            self._unhook(conn)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if not conn.dropped:
            with contextlib.suppress(*_GONE):
                await ws.close(1000)
        # dropped: return without a close frame; uvicorn then closes the TCP connection

    def _unhook(self, conn: Connection) -> None:
        for sub, task in conn.subs.values():
            self._discard(sub)
            if task is not None:
                task.cancel()
        conn.subs.clear()

    def _discard(self, sub: Subscriber | None) -> None:
        for kind in (self.hub.market, self.hub.orders, self.hub.positions):
            kind.discard(sub)  # type: ignore[arg-type]

    async def _beat(self, conn: Connection) -> None:
        while not conn.ended.is_set():
            await asyncio.sleep(self.heartbeat())
            await conn.send({"heartbeat": {}})

    async def _read(self, conn: Connection) -> None:
        try:
            while True:
                message = await conn.ws.receive()
                if message["type"] == "websocket.disconnect":
                    return
                raw = message.get("text")
                data = raw.encode() if raw is not None else (message.get("bytes") or b"")
                self.api.received.append(Received("WS", conn.path, data))
                await self._handle(conn, data)
        except _GONE:
            return
        finally:
            conn.ended.set()

    async def _handle(self, conn: Connection, data: bytes) -> None:
        try:
            frame = json.loads(data)
        except ValueError:
            await conn.send({"requestId": "", "error": "frame is not valid JSON"})
            return
        if isinstance(frame, dict) and isinstance(frame.get("unsubscribe"), dict):
            rid = str(frame["unsubscribe"].get("requestId", ""))
            if rid not in conn.subs:
                await conn.send({"requestId": rid, "error": f"no subscription {rid!r}"})
                return
            sub, task = conn.subs.pop(rid)
            self._discard(sub)
            if task is not None:
                task.cancel()
            return
        body = frame.get("subscribe") if isinstance(frame, dict) else None
        if not isinstance(body, dict):
            await conn.send({"requestId": "", "error": "expected a subscribe or unsubscribe"})
            return
        rid, kind = body.get("requestId"), body.get("subscriptionType")
        try:
            if not isinstance(rid, str) or not rid:
                raise RetailError(400, "subscribe.requestId is required")
            if rid in conn.subs:
                raise RetailError(400, f"requestId {rid!r} is already in use")
            await self._subscribe(conn, rid, kind, body.get("marketSlugs") or [])
        except RetailError as exc:
            error: dict[str, Any] = {"requestId": rid if isinstance(rid, str) else "",
                                     "error": exc.message}
            if isinstance(kind, str):
                error["subscriptionType"] = kind
            await conn.send(error)

    def _symbols(self, slugs: object) -> frozenset[str] | None:
        if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
            raise RetailError(400, "marketSlugs must be a list of market slugs")
        if len(slugs) > MAX_SLUGS:
            raise RetailError(400, f"at most {MAX_SLUGS} marketSlugs per subscription")
        symbols = set()
        for slug in slugs:
            inst = self.api.market(slug)
            if inst is None:
                raise RetailError(404, f"unknown market {slug}")
            symbols.add(inst.symbol)
        return frozenset(symbols) or None

    async def _subscribe(self, conn: Connection, rid: str, kind: object,
                         slugs: object) -> None:
        allowed = PRIVATE if conn.path.endswith("/private") else MARKETS
        if kind not in allowed:
            raise RetailError(400, f"unknown subscriptionType {kind!r} on {conn.path}; "
                                   f"one of {', '.join(allowed)}")
        symbols = self._symbols(slugs)
        accounts = frozenset(conn.user.accounts)
        env = {"requestId": rid, "subscriptionType": kind}
        if kind in MARKETS and symbols is None:
            raise RetailError(400, "marketSlugs is required (1 to 100 markets)")
        if kind == "SUBSCRIPTION_TYPE_ORDER_SNAPSHOT":  # one-shot: one frame, eof true
            orders = self.exchange.open_orders(accounts=accounts, symbols=symbols)
            await conn.send(env | {"orderSubscriptionSnapshot": {
                "orders": [self.api.order_json(o) for o in orders], "eof": True}})
            return
        if kind == "SUBSCRIPTION_TYPE_RFQ":  # live only, no replay (§8.4); see retail.rfq
            rfq = self.api.rfq
            conn.subs[rid] = (None, asyncio.create_task(rfq.pump(rfq.listen(), conn.send, env)))
            return
        hub_set = (self.hub.market if kind in MARKETS else self.hub.positions
                   if kind == "SUBSCRIPTION_TYPE_POSITION" else self.hub.orders)
        # subscribe first, then build the snapshot with no await: nothing falls between
        sub = self.hub.add(hub_set, Subscriber(None if kind ==
                                               "SUBSCRIPTION_TYPE_ACCOUNT_BALANCE"
                                               else symbols, accounts))
        first: list[dict[str, Any]] = []
        pump: Any
        if kind == "SUBSCRIPTION_TYPE_ORDER":
            pump = self._orders(conn, env, sub)
        elif kind == "SUBSCRIPTION_TYPE_POSITION":
            held = {(p.account, p.symbol): p for a in sorted(accounts)
                    for p in self.exchange.positions(a)}
            pump = self._positions(conn, env, sub, held)
        elif kind == "SUBSCRIPTION_TYPE_ACCOUNT_BALANCE":
            balances = [balance_json(self.api, a) for a in conn.user.accounts]
            first.append(env | {"accountBalancesSnapshot": {"balances": balances}})
            pump = self._balances(conn, env, sub, balances)
        else:
            insts = [self.exchange.instruments[s] for s in sorted(symbols or ())]
            if kind == "SUBSCRIPTION_TYPE_MARKET_DATA":
                first += [env | {"marketData": self.public.book_json(i)} for i in insts]
            elif kind == "SUBSCRIPTION_TYPE_MARKET_DATA_LITE":
                first += [env | {"marketDataLite": self.public.lite_json(i)} for i in insts]
            pump = self._market(conn, env, sub, str(kind))
        for msg in first:
            await conn.send(msg)
        task: asyncio.Task[None] = asyncio.create_task(pump)
        task.add_done_callback(lambda t: self._pump_ended(conn, rid, t))
        conn.subs[rid] = (sub, task)

    @staticmethod
    def _pump_ended(conn: Connection, rid: str, task: asyncio.Task[None]) -> None:
        """A pump that died of a bug must not leave a socket that only beats: say so and
        drop the connection (no close frame), so the client reconnects and resubscribes."""
        if task.cancelled() or task.exception() is None:
            return
        log.error("retail %s subscription %r failed; dropping the socket", conn.path, rid,
                  exc_info=task.exception())
        conn.drop()

    # --- pumps: one per subscription ----------------------------------------------------
    async def _woken(self, conn: Connection, sub: Subscriber) -> bool:
        await sub.wake.wait()
        sub.wake.clear()
        if sub.dropped:  # Hub.drop_all: a network fault for this socket too
            conn.drop()
            return False
        return True

    async def _orders(self, conn: Connection, env: dict[str, Any], sub: Subscriber) -> None:
        while await self._woken(conn, sub):
            while not sub.queue.empty():
                event = sub.queue.get_nowait()
                if isinstance(event, ExecReport):
                    execution = self.api.execution_json(event)
                elif isinstance(event, CancelRejectReport) and event.is_replace:
                    execution = self._modify_reject(event)
                else:
                    continue  # a refused cancel changes nothing an Order shows
                await conn.send(env | {"orderSubscriptionUpdate": {"execution": execution}})

    def _modify_reject(self, event: CancelRejectReport) -> dict[str, Any] | None:
        """§5.3: a refused modify is a REJECTED execution carrying the unchanged order."""
        order = self.exchange.order(event.order_id)
        return {
            "id": f"rej-{uuid.uuid4().hex[:16]}",
            "order": self.api.order_json(order) if order is not None else None,
            "lastShares": "0", "lastPx": None, "type": "EXECUTION_TYPE_REJECTED",
            "text": f"modify rejected: {event.text}",
            "orderRejectReason": "ORD_REJECT_REASON_EXCHANGE_OPTION",
            "transactTime": rfc3339(event.transact_time), "tradeId": "", "aggressor": False,
        }

    async def _positions(self, conn: Connection, env: dict[str, Any], sub: Subscriber,
                         held: dict[tuple[str, str], SimPosition]) -> None:
        while await self._woken(conn, sub):
            while not sub.queue.empty():
                event = sub.queue.get_nowait()
                key = (event.account, event.symbol)  # type: ignore[attr-defined]
                inst = self.exchange.instruments[key[1]]
                after = self.exchange.position(*key)
                before = held.get(key)
                held[key] = after
                trade = event.trade_id  # type: ignore[attr-defined]
                await conn.send(env | {"positionSubscription": {
                    "beforePosition": position_json(before, inst) if before else None,
                    "afterPosition": position_json(after, inst),
                    "updateTime": rfc3339(after.update_time or None),
                    "entryType": "LEDGER_ENTRY_TYPE_ORDER_EXECUTION", "tradeId": trade,
                    "referenceId": "", "description": "", "allocationGroupId": "",
                    "transferReferenceTradeIds": [], "shortTransfer": False,
                    "updateTradeDate": None}})

    async def _balances(self, conn: Connection, env: dict[str, Any], sub: Subscriber,
                        last: list[dict[str, Any]]) -> None:
        def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
            return {**a, "lastUpdated": None} == {**b, "lastUpdated": None}

        while await self._woken(conn, sub):
            filled, symbol = False, ""
            while not sub.queue.empty():
                event = sub.queue.get_nowait()
                if isinstance(event, ExecReport):
                    filled = filled or bool(event.last_shares)
                    symbol = event.symbol
            for i, account in enumerate(conn.user.accounts):
                now = balance_json(self.api, account)
                if same(now, last[i]):
                    continue  # a cancel of an order that held nothing, say
                before, last[i] = last[i], now
                await conn.send(env | {"accountBalancesUpdate": {"balanceChange": {
                    "beforeBalance": before, "afterBalance": now,
                    "description": "order execution" if filled else "order hold",
                    "updateTime": now["lastUpdated"],
                    "modifiedSecurityId": slug_of(symbol) if symbol else "",
                    "entryType": "LEDGER_ENTRY_TYPE_ORDER_EXECUTION" if filled
                    else "LEDGER_ENTRY_TYPE_UNDEFINED",
                    "accountName": account, "id": uuid.uuid4().hex}}})

    async def _market(self, conn: Connection, env: dict[str, Any], sub: Subscriber,
                      kind: str) -> None:
        while await self._woken(conn, sub):
            # one take, frames built with no await: stats read now include exactly the
            # trades taken (see Subscriber.take_market)
            trades, dirty = sub.take_market()
            frames: list[dict[str, Any]] = []
            if kind == "SUBSCRIPTION_TYPE_TRADE":
                for t in trades:
                    sc = self.exchange.instruments[t.symbol].scales
                    taker = "ORDER_SIDE_BUY" if t.aggressor_side.name == "BUY" \
                        else "ORDER_SIDE_SELL"
                    maker = "ORDER_SIDE_SELL" if taker == "ORDER_SIDE_BUY" else "ORDER_SIDE_BUY"
                    frames.append(env | {"trade": {
                        "marketSlug": slug_of(t.symbol), "price": px_amount(t.px, sc),
                        "quantity": {"value": qty_text(t.qty, sc), "currency": "USD"},
                        "tradeTime": rfc3339(t.time),
                        "maker": {"side": maker, "intent": _yes_intent(maker)},
                        "taker": {"side": taker, "intent": _yes_intent(taker)}}})
            elif kind == "SUBSCRIPTION_TYPE_MARKET_DATA_LITE":
                frames += [env | {"marketDataLite": self.public.lite_json(
                    self.exchange.instruments[s])} for s in dirty]
            else:
                books = {s: self.exchange.book(s, BOOK_DEPTH) for s in dirty}
                for t in trades:  # one update per trade, stats as of that trade
                    frames.append(env | {"marketData": market_data_json(
                        self.exchange.instruments[t.symbol], books[t.symbol],
                        t.stats_dict(), t.time)})
                frames += [env | {"marketData": market_data_json(
                    self.exchange.instruments[s], books[s], self.exchange.stats(s).as_dict(),
                    self.exchange.clock())} for s in dirty]
            for frame in frames:
                await conn.send(frame)
            await asyncio.sleep(self.hub.md_interval)  # bursts merge, as on gRPC


def _yes_intent(side: str) -> str:
    # a counterparty's own intent is private; on the YES book a buy reads as BUY_LONG
    return "ORDER_INTENT_BUY_LONG" if side == "ORDER_SIDE_BUY" else "ORDER_INTENT_SELL_LONG"
