"""The Polymarket US retail API as a Venue: signed REST commands, two WebSockets, one
DeskState (retail-api.md).

The markets socket brings books (with the session stats the tape is built from); the
private socket brings executions, the open-order snapshot, position changes and balances.
Positions have no snapshot on the socket, so they are read over REST right after each
subscribe; orders that ended while the socket was down are looked up one by one, and
the fills the socket missed are fetched from the trade history (recovery.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import ssl
from collections import deque
from collections.abc import Callable
from typing import Any

from tui.core.model import Instrument, Order
from tui.core.recent import RecentDict
from tui.core.state import DeskState
from tui.core.venue import LocalDatabase, VenueError
from tui.venues.base import INTENTS_KEPT, ORDER_STREAM
from tui.venues.retail import convert
from tui.venues.retail.private import PrivateFrames
from tui.venues.retail.recovery import FillRecovery
from tui.venues.retail.rest import RetailRest
from tui.venues.retail.socket import Frame, SocketWorker

log = logging.getLogger(__name__)
PRICES = "prices"
PER_SUBSCRIPTION = 100  # markets per subscription (§8.1)
EVENTS_READ = 500  # events read at start for the picker's words (their markets' tags)


def ws_base(rest_url: str) -> str:
    """§1: the WebSocket base is the API base with https→wss (http→ws)."""
    if rest_url.startswith("https://"):
        return "wss://" + rest_url.removeprefix("https://")
    return "ws://" + rest_url.removeprefix("http://")


class RetailVenue(PrivateFrames):
    def __init__(self, *, rest_url: str, key_id: str, secret: str | bytes,
                 public_url: str | None = None, state: DeskState | None = None,
                 silence_timeout: float = 60.0, venue_name: str = "retail",
                 store: LocalDatabase | None = None,
                 open_store: Callable[[str], LocalDatabase] | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(state=state, venue_name=venue_name, store=store,
                         open_store=open_store)
        self.state.trades_reported = True  # the markets socket's TRADE feed (§8.4)
        # a profile's CA file vouches for both hosts and the sockets (None: system roots)
        self._ssl = ssl_context
        self.rest = RetailRest(rest_url, key_id, secret, public_url=public_url,
                               verify=ssl_context if ssl_context is not None else True)
        self.rest.on_throttled = lambda words: self.state.notify(words, "warning")
        self.rest.holds = self._held  # the kill switch's latch, asked as each request leaves
        self.ws_url = ws_base(rest_url)
        self.silence_timeout = silence_timeout
        self.account = f"retail-{key_id[:8]}"  # a key trades one account; name it by the key
        # exchange order id → the desk's id: the orders the desk holds, and the latest others
        self._clords: dict[str, str] = RecentDict(
            INTENTS_KEPT, keep=lambda: self.state.home.orders.keys())
        self._early: dict[str, list[dict[str, Any]]] = {}
        # market → desk ids of orders just replaced, oldest first
        self._successors: dict[str, deque[str]] = {}
        self._snapshot: list[Order] = []  # the open-order snapshot being gathered
        self._position_reads = 0
        self._held_positions: list[dict[str, Any]] = []
        self._workers: list[SocketWorker] = []
        self._requests = 0
        self._recovery = FillRecovery(self)  # fills the private socket missed

    # --- lifecycle ------------------------------------------------------------------
    async def start(self) -> None:
        balances = None
        if not self.market_only:  # the account's side (a paper desk's feed has none)
            self.state.listen(self._recovery)  # every fill recorded, for its gaps
            balances = await self.rest.balances()  # proves the key before anything else
            self.state.user = f"key {self.rest.key_id[:8]}…"
            self.state.open_account(self.account)
            await self._open_local_database()
        instruments, skipped = [], []
        for market in await self.rest.markets():
            try:
                instruments.append(convert.instrument(market))
            except (ValueError, KeyError, TypeError):
                skipped.append(str(market.get("slug", "?")))
        self.state.set_instruments(await self._with_events(instruments))
        if skipped:
            self.state.notify(f"{len(skipped)} markets left out: no usable tick or minimum "
                              f"size ({', '.join(skipped[:3])}).", "warning")
        if self.market_only:  # a paper desk's feed: the markets' socket alone
            self._workers = [self._prices_socket()]
            self._workers[0].start()
            return
        with contextlib.suppress(ValueError):
            self.state.set_balance(convert.balance(balances))
        self._workers = [
            self._prices_socket(),
            SocketWorker(ORDER_STREAM, self.state, self.ws_url, "/v1/ws/private",
                         self.rest.signed_headers_get, self._private_subscriptions,
                         self._on_private_frame, silence_timeout=self.silence_timeout,
                         on_open=self._read_positions, refused_words=self._socket_refused,
                         ssl_context=self._ssl),
        ]
        for worker in self._workers:
            worker.start()

    def _prices_socket(self) -> SocketWorker:
        return SocketWorker(PRICES, self.state, self.ws_url, "/v1/ws/markets",
                            self.rest.signed_headers_get, self._market_subscriptions,
                            self._on_market_frame, silence_timeout=self.silence_timeout,
                            refused_words=self._socket_refused, ssl_context=self._ssl)

    async def _with_events(self, instruments: list[Instrument]) -> list[Instrument]:
        """Each market with the words of its event (its title, series and tags), so the
        picker finds it by them (§7.5); without them when the events cannot be read."""
        try:
            events = await self.rest.events(limit=EVENTS_READ)
        except VenueError as exc:
            log.warning("events not read: %s", exc)
            return instruments
        words: dict[str, list[str]] = {}
        for event in events:
            said = [event.title, *([event.series.title] if event.series else []),
                    *(t.label for t in event.tags)]
            for slug in event.market_slugs:
                words.setdefault(slug, []).extend(w for w in said if w)
        return [dataclasses.replace(i, tags=tuple(dict.fromkeys(
                    w for w in words[i.symbol] if w.casefold() != i.description.casefold())))
                if i.symbol in words else i for i in instruments]

    def _remember(self, past: list[Order]) -> None:
        super()._remember(past)
        self._recovery.prime(past, self.store)
        # which exchange ids are this desk's: the socket's open-order snapshot never says
        for order in past:
            if order.order_id and order.clord_id:
                self._clords.setdefault(order.order_id, order.clord_id)

    def _socket_refused(self, status: int, text: str) -> str:
        if status == 401:
            return self.rest.refusal_words(text)
        if status == 403:
            return f"this API key may not open that socket ({text})"
        return f"the exchange refused the connection (HTTP {status}: {text})"

    def _request_id(self, kind: str) -> str:
        self._requests += 1
        return f"{kind}-{self._requests}"

    def _market_subscriptions(self) -> list[Frame]:
        """Books and trades for every market, at most 100 markets a subscription (§8.1)."""
        slugs = sorted(self.state.instruments)
        return [{"subscribe": {"requestId": self._request_id(kind.lower()),
                               "subscriptionType": f"SUBSCRIPTION_TYPE_{kind}",
                               "marketSlugs": slugs[i:i + PER_SUBSCRIPTION]}}
                for kind in ("MARKET_DATA", "TRADE")
                for i in range(0, len(slugs), PER_SUBSCRIPTION)]

    def _private_subscriptions(self) -> list[Frame]:
        self._snapshot = []
        return [{"subscribe": {"requestId": self._request_id(kind.lower()),
                               "subscriptionType": f"SUBSCRIPTION_TYPE_{kind}"}}
                for kind in ("ORDER", "ORDER_SNAPSHOT", "POSITION", "ACCOUNT_BALANCE")]

    # --- frames ---------------------------------------------------------------------
    def _on_market_frame(self, frame: Frame) -> None:
        if "trade" in frame:
            self._on_trade(frame["trade"] or {})
            return
        data = frame.get("marketData")
        if data is None:
            if "error" in frame:
                self.state.notify(f"Market data: {frame.get('error')}", "warning")
            return
        inst = self.state.instruments.get(str(data.get("marketSlug", "")))
        if inst is None:
            return
        try:
            book = convert.book(data, inst.scales)
        except (ValueError, KeyError, TypeError):
            log.warning("a book for %s could not be read", inst.symbol)
            return
        self.state.replace_book(book)

    def _on_trade(self, data: dict[str, Any]) -> None:
        """§8.4 TRADE: price, size and the taker's side, as the exchange reports them."""
        inst = self.state.instruments.get(str(data.get("marketSlug", "")))
        if inst is None:
            return
        try:
            trade = convert.trade(data, inst.scales, self.state.clock())
        except (ValueError, KeyError, TypeError):
            log.warning("a trade in %s could not be read", inst.symbol)
            return
        self.state.add_trade(trade)
