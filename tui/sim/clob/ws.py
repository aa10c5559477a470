"""The CLOB's two WebSockets at the embedded exchange (docs/spec/global-clob.md §5):
`/ws/market` (books, level changes, trade prints) and `/ws/user` (the key's orders and trades).

Market: a subscription's tokens get a `book` each at once (initial_dump), then, as the
engine's Hub wakes it (coalesced per market, the gRPC feed's fan-out), one `price_change`
per market with every level that moved on the subscribed tokens (new absolute size, "0" when
gone) and a `last_trade_price` per trade. User: credentials in the subscribe message (§5.2);
order events PLACEMENT / UPDATE / CANCELLATION and trade events at each status. Text PING is
answered PONG. ``drop_all`` ends every socket without a close frame, as a network fault.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from tui.core.enums import Side
from tui.sim.clob.api import ClobApi
from tui.sim.clob.auth import ClobKey
from tui.sim.clob.markets import ClobMarket
from tui.sim.clob.wire import ALL_LEVELS, num, price_of, shares, token_levels
from tui.sim.hub import Hub, Subscriber
from tui.sim.model import TradePrint

_GONE = (WebSocketDisconnect, RuntimeError, OSError)
Levels = dict[str, dict[str, str]]  # "BUY"/"SELL" -> price -> size, as last sent


@dataclass(eq=False)
class Socket:
    ws: WebSocket
    path: str
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    dropped: bool = False
    tokens: set[str] = field(default_factory=set)  # market channel
    sent: dict[str, Levels] = field(default_factory=dict)  # token -> its levels, as sent
    ticks: dict[str, Decimal] = field(default_factory=dict)  # token -> its tick, as sent
    sub: Subscriber | None = None
    key: ClobKey | None = None  # user channel
    markets: set[str] = field(default_factory=set)  # condition ids; empty: all

    async def send(self, frame: object) -> None:
        if self.ended.is_set():
            return
        text = frame if isinstance(frame, str) else json.dumps(frame, separators=(",", ":"))
        try:
            async with self.lock:
                await self.ws.send_text(text)
        except _GONE:
            self.ended.set()


class ClobSockets:
    def __init__(self, api: ClobApi, hub: Hub) -> None:
        self.api = api
        self.hub = hub
        self.sockets: set[Socket] = set()
        api.orders.records.listeners.append(self._on_record)

    def routes(self) -> list[WebSocketRoute]:
        return [WebSocketRoute("/ws/market", self._serve), WebSocketRoute("/ws/user",
                                                                           self._serve)]

    def drop_all(self) -> int:
        dropped = list(self.sockets)
        for sock in dropped:
            self._unhook(sock)
            sock.dropped = True
            sock.ended.set()
        return len(dropped)

    async def _serve(self, ws: WebSocket) -> None:
        await ws.accept()
        sock = Socket(ws, ws.url.path)
        self.sockets.add(sock)
        tasks = [asyncio.create_task(self._read(sock))]
        if sock.path == "/ws/market":
            tasks.append(asyncio.create_task(self._pump(sock)))
        try:
            await sock.ended.wait()
        finally:
            self.sockets.discard(sock)
            self._unhook(sock)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if not sock.dropped:
            with contextlib.suppress(*_GONE):
                await ws.close(1000)

    def _unhook(self, sock: Socket) -> None:
        if sock.sub is not None:
            self.hub.market.discard(sock.sub)
            sock.sub = None

    async def _read(self, sock: Socket) -> None:
        try:
            while True:
                text = await sock.ws.receive_text()
                if text.strip().upper() == "PING":
                    await sock.send("PONG")
                    continue
                try:
                    message = json.loads(text)
                except ValueError:
                    await sock.send({"error": "invalid message"})
                    continue
                if isinstance(message, dict):
                    await self._subscribe(sock, message)
        except _GONE:
            sock.ended.set()

    async def _subscribe(self, sock: Socket, message: dict[str, Any]) -> None:
        unsubscribe = str(message.get("operation", "")).lower() == "unsubscribe"
        if sock.path == "/ws/user":
            auth = message.get("auth") or {}
            key = self.api.auth.key(str(auth.get("apiKey", "")))
            if key is None or auth.get("secret") != key.creds.secret or \
                    auth.get("passphrase") != key.creds.passphrase:
                await sock.send({"error": "Unauthorized/Invalid api key"})
                sock.ended.set()
                return
            sock.key = key
            ids = {str(m).lower() for m in message.get("markets") or []}
            sock.markets = sock.markets - ids if unsubscribe else sock.markets | ids
            return
        tokens = {str(t) for t in message.get("assets_ids") or [] if self.api.markets.token(t)}
        if unsubscribe:
            sock.tokens -= tokens
            for token in tokens:
                sock.sent.pop(token, None)
        else:
            new = tokens - sock.tokens
            sock.tokens |= tokens
            symbols = frozenset(self.api.markets.by_token[t].symbol for t in sock.tokens)
            self._unhook(sock)
            sock.sub = self.hub.add(self.hub.market, Subscriber(symbols))
            if new and message.get("initial_dump", True) is not False:
                await sock.send([self._book(sock, t) for t in sorted(new)])

    def _book(self, sock: Socket, token: str) -> dict[str, Any]:
        market = self.api.markets.by_token[token]
        book = self.api.book_of(market, token)
        sock.sent[token] = {"BUY": {lv["price"]: lv["size"] for lv in book["bids"]},
                            "SELL": {lv["price"]: lv["size"] for lv in book["asks"]}}
        sock.ticks[token] = self.api.ticks.tick(market.symbol)
        return {"event_type": "book", **book}

    async def _pump(self, sock: Socket) -> None:
        """Market data as the Hub wakes this socket, no faster than its md interval."""
        while not sock.ended.is_set():
            if sock.sub is None:
                await asyncio.sleep(0.05)
                continue
            await sock.sub.wake.wait()
            sock.sub.wake.clear()
            if sock.sub.dropped:
                sock.ended.set()
                return
            trades, dirty = sock.sub.take_market()
            for frame in [*self._prints(sock, trades), *self._changes(sock, dirty)]:
                await sock.send(frame)
            await asyncio.sleep(self.hub.md_interval)

    def _prints(self, sock: Socket, trades: list[TradePrint]) -> list[dict[str, Any]]:
        frames = []
        for trade in trades:
            market = self.api.markets.by_symbol[trade.symbol]
            inst = self.api.instrument(market)
            for token in sorted(sock.tokens & {market.yes_token, market.no_token}):
                yes = market.is_yes(token)
                buy = (trade.aggressor_side is Side.BUY) == yes  # the taker's side in token
                frames.append({
                    "event_type": "last_trade_price", "market": market.condition_id,
                    "asset_id": token, "price": num(price_of(trade.px, inst, yes)),
                    "side": "BUY" if buy else "SELL", "size": num(shares(trade.qty, inst)),
                    "fee_rate_bps": "0", "timestamp": str(int(trade.time * 1000))})
        return frames

    def _changes(self, sock: Socket, dirty: list[str]) -> list[dict[str, Any]]:
        frames = []
        now = str(int(self.api.clock() * 1000))
        for symbol in dirty:
            market = self.api.markets.by_symbol[symbol]
            inst = self.api.instrument(market)
            levels = self.api.exchange.book(symbol, ALL_LEVELS)
            frames += self._tick_changes(sock, market, now)
            changes = []
            for token in sorted(sock.tokens & {market.yes_token, market.no_token}):
                bids, asks = token_levels(inst, market.is_yes(token), *levels)
                now_levels = {"BUY": {lv["price"]: lv["size"] for lv in bids},
                              "SELL": {lv["price"]: lv["size"] for lv in asks}}
                before = sock.sent.get(token, {"BUY": {}, "SELL": {}})
                sock.sent[token] = now_levels
                best = {"best_bid": bids[-1]["price"] if bids else "",
                        "best_ask": asks[-1]["price"] if asks else ""}
                for side in ("BUY", "SELL"):
                    for price in sorted(before[side].keys() | now_levels[side].keys()):
                        size = now_levels[side].get(price, "0")
                        if before[side].get(price, "0") != size:
                            changes.append({"asset_id": token, "price": price, "size": size,
                                            "side": side, **best})
            if changes:
                frames.append({"event_type": "price_change", "market": market.condition_id,
                               "timestamp": now, "price_changes": changes})
        return frames

    def _tick_changes(self, sock: Socket, market: ClobMarket, now: str) -> list[dict[str, Any]]:
        """A `tick_size_change` per subscribed token whose tick moved since this socket last
        said it (§5.1), ahead of the levels priced on the new grid."""
        tick, frames = self.api.ticks.tick(market.symbol), []
        for token in sorted(sock.tokens & {market.yes_token, market.no_token}):
            old = sock.ticks.get(token)
            sock.ticks[token] = tick
            if old is not None and old != tick:
                frames.append({"event_type": "tick_size_change", "market": market.condition_id,
                               "asset_id": token, "old_tick_size": num(old),
                               "new_tick_size": num(tick), "timestamp": now})
        return frames

    # --- user channel ------------------------------------------------------------------
    def _on_record(self, kind: str, record: Any, what: str) -> None:
        for sock in list(self.sockets):
            if sock.key is None:
                continue
            frame = self._user_frame(sock.key, kind, record, what, sock.markets)
            if frame is not None:
                asyncio.get_running_loop().create_task(sock.send(frame))

    def _user_frame(self, key: ClobKey, kind: str, record: Any, what: str,
                    markets: set[str]) -> dict[str, Any] | None:
        if markets and record.market.condition_id not in markets:
            return None
        api_key = key.creds.api_key
        now = str(int(self.api.clock() * 1000))
        if kind == "order":
            if record.owner != api_key:
                return None
            return {"event_type": "order", "type": what, **record.json(),
                    "order_owner": api_key, "timestamp": now}
        mine = api_key in (record.taker["owner"], record.maker["owner"])
        if not mine:
            return None
        body = record.json(for_maker=record.taker["owner"] != api_key)
        body["matchtime"] = body.pop("match_time")
        return {"event_type": "trade", "type": "TRADE", **body, "trade_owner": api_key,
                "timestamp": now}

