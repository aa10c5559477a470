"""The Polymarket US retail API as a Venue: signed REST commands, two WebSockets, one
DeskState (retail-api.md).

The markets socket brings books (with the session stats the tape is built from); the
private socket brings executions, the open-order snapshot, position changes and balances.
Positions have no snapshot on the socket, so they are read over REST right after each
subscribe; orders that ended while the socket was down are looked up one by one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.core import words
from tui.core.enums import REJECT_WORDS, OrderState, OrdRejectReason
from tui.core.model import Balance, Instrument, Order, Position
from tui.core.prices import Intent
from tui.core.state import DeskState
from tui.core.ticket import new_clord_id
from tui.core.venue import VenueError
from tui.venues.retail import convert
from tui.venues.retail.commands import ORDER_STREAM, RetailCommands
from tui.venues.retail.rest import RetailRest
from tui.venues.retail.socket import Frame, SocketWorker

if TYPE_CHECKING:
    from tui.store import Store

log = logging.getLogger(__name__)
PRICES = "prices"
PER_SUBSCRIPTION = 100  # markets per subscription (§8.1)
LOOKUP_MAX = 50  # orders looked up one by one after an outage
STOP_WAIT = 2.0


def reject_words(execution: dict[str, Any]) -> str:
    """The reason in words: the exchange's text when the reason is the generic one."""
    name = str(execution.get("orderRejectReason") or "").removeprefix("ORD_REJECT_REASON_")
    reason = {"UNKNOWN_MARKET": "UNKNOWN_SYMBOL"}.get(name, name)
    text = str(execution.get("text") or "")
    if reason in OrdRejectReason.__members__ and reason != "EXCHANGE_OPTION":
        return REJECT_WORDS[OrdRejectReason[reason]]
    return text or REJECT_WORDS[OrdRejectReason.EXCHANGE_OPTION]


def ws_base(rest_url: str) -> str:
    """§1: the WebSocket base is the API base with https→wss (http→ws)."""
    if rest_url.startswith("https://"):
        return "wss://" + rest_url.removeprefix("https://")
    return "ws://" + rest_url.removeprefix("http://")


class RetailVenue(RetailCommands):
    def __init__(self, *, rest_url: str, key_id: str, secret: str | bytes,
                 public_url: str | None = None, state: DeskState | None = None,
                 silence_timeout: float = 60.0, venue_name: str = "retail",
                 store: Store | None = None,
                 open_store: Callable[[str], Store] | None = None) -> None:
        self.state = state or DeskState()
        self.state.venue = venue_name
        self.rest = RetailRest(rest_url, key_id, secret, public_url=public_url)
        self.rest.on_throttled = lambda words: self.state.notify(words, "warning")
        self.ws_url = ws_base(rest_url)
        self.silence_timeout = silence_timeout
        self.store = store
        self._open_store = open_store
        self.account = f"retail-{key_id[:8]}"  # a key trades one account; name it by the key
        self._clords: dict[str, str] = {}
        self._intents: dict[str, Intent] = {}
        self._inflight: dict[str, asyncio.Future[str]] = {}
        self._early: dict[str, list[dict[str, Any]]] = {}
        self._before: dict[str, OrderState] = {}
        self._successors: dict[str, str] = {}  # market → desk id of an order just replaced
        self._lookups: set[asyncio.Task[None]] = set()
        self._snapshot: list[Order] = []  # the open-order snapshot being gathered
        self._workers: list[SocketWorker] = []
        self._requests = 0

    # --- lifecycle ------------------------------------------------------------------
    async def start(self) -> None:
        balances = await self.rest.balances()  # proves the key before anything else
        self.state.user = f"key {self.rest.key_id[:8]}…"
        self.state.account = self.account
        if self.store is None and self._open_store is not None:
            try:
                self.store = self._open_store(self.account)
            except Exception as exc:  # noqa: BLE001 - StoreError, said in its own words
                self.state.problem = f"{exc} History is not being kept."
        instruments, skipped = [], []
        for market in await self.rest.markets():
            try:
                instruments.append(convert.instrument(market))
            except (ValueError, KeyError, TypeError):
                skipped.append(str(market.get("slug", "?")))
        self.state.set_instruments(instruments)
        if skipped:
            self.state.notify(f"{len(skipped)} markets left out: no usable tick or minimum "
                              f"size ({', '.join(skipped[:3])}).", "warning")
        if self.store is not None:
            self._remember(instruments)
        with contextlib.suppress(ValueError):
            self._set_balance(convert.balance(balances))
        self._workers = [
            SocketWorker(PRICES, self.state, self.ws_url, "/v1/ws/markets",
                         self.rest.signed_headers_get, self._market_subscriptions,
                         self._on_market_frame, silence_timeout=self.silence_timeout,
                         refused_words=self._refused),
            SocketWorker(ORDER_STREAM, self.state, self.ws_url, "/v1/ws/private",
                         self.rest.signed_headers_get, self._private_subscriptions,
                         self._on_private_frame, silence_timeout=self.silence_timeout,
                         on_open=self._read_positions, refused_words=self._refused),
        ]
        for worker in self._workers:
            worker.start()

    async def stop(self) -> None:
        for task in self._lookups:
            task.cancel()
        await asyncio.gather(*(w.stop() for w in self._workers))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.rest.close(), STOP_WAIT)
        if self.store is not None:
            await asyncio.to_thread(self.store.close)

    def flush_now(self, timeout: float = 1.0) -> None:
        if self.store is not None:
            self.store.flush(timeout)

    def _remember(self, instruments: list[Instrument]) -> None:
        store = self.store
        assert store is not None
        store.instruments(instruments)
        self.state.load_history([row.to_fill() for row in store.fills(limit=500)],
                                [row.to_order() for row in store.orders(limit=500)
                                 if not row.state.is_working])
        self.state.link_listeners.append(lambda name, link, detail: store.stream_event(
            name, link.value, detail, time.time()))

    def _refused(self, status: int, text: str) -> str:
        if status == 401:
            return self.rest.refusal_words(text)
        if status == 403:
            return f"this API key may not open that socket ({text})"
        return f"the exchange refused the connection (HTTP {status}: {text})"

    def _request_id(self, kind: str) -> str:
        self._requests += 1
        return f"{kind}-{self._requests}"

    def _market_subscriptions(self) -> list[Frame]:
        slugs = sorted(self.state.instruments)
        return [{"subscribe": {"requestId": self._request_id("md"),
                               "subscriptionType": "SUBSCRIPTION_TYPE_MARKET_DATA",
                               "marketSlugs": slugs[i:i + PER_SUBSCRIPTION]}}
                for i in range(0, len(slugs), PER_SUBSCRIPTION)]

    def _private_subscriptions(self) -> list[Frame]:
        self._snapshot = []
        return [{"subscribe": {"requestId": self._request_id(kind.lower()),
                               "subscriptionType": f"SUBSCRIPTION_TYPE_{kind}"}}
                for kind in ("ORDER", "ORDER_SNAPSHOT", "POSITION", "ACCOUNT_BALANCE")]

    # --- frames ---------------------------------------------------------------------
    def _on_market_frame(self, frame: Frame) -> None:
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
        trade = self.state.replace_book(book)
        if self.store is not None:
            at = self.state.clock()
            self.store.top_of_book(book.symbol, book.best_bid, book.best_offer,
                                   book.last_trade_px, book.volume, at)
            self.store.book(book.symbol, book.bids, book.offers, at)
            if trade is not None:
                self.store.trade(trade)

    def _on_private_frame(self, frame: Frame) -> None:
        if "orderSubscriptionUpdate" in frame:
            execution = (frame["orderSubscriptionUpdate"] or {}).get("execution")
            if isinstance(execution, dict):
                self._on_execution(execution)
        elif "orderSubscriptionSnapshot" in frame:
            self._on_snapshot(frame)
        elif "positionSubscription" in frame:
            self._on_position(frame["positionSubscription"] or {})
        elif "accountBalancesSnapshot" in frame:
            balances = (frame["accountBalancesSnapshot"] or {}).get("balances") or []
            with contextlib.suppress(ValueError):
                self._set_balance(convert.balance(balances))
        elif "accountBalancesUpdate" in frame:
            change = (frame["accountBalancesUpdate"] or {}).get("balanceChange") or {}
            if change.get("afterBalance"):
                with contextlib.suppress(ValueError):
                    self._set_balance(convert.balance([change["afterBalance"]]))
        elif frame.get("error"):
            self.state.notify(f"The exchange: {frame['error']}", "warning")

    def _on_snapshot(self, frame: Frame) -> None:
        body = frame["orderSubscriptionSnapshot"] or {}
        error = body.get("error") or frame.get("error")
        if error:  # a terminal snapshot failure (§8.3): the next reconnect asks again
            self.state.notify(f"Open orders could not be read: {error}", "warning")
            return
        for data in body.get("orders") or []:
            inst = self.state.instruments.get(str(data.get("marketSlug", "")))
            if inst is not None:
                oid = str(data.get("id", ""))
                self._snapshot.append(convert.order(data, inst.scales,
                                                    clord_id=self._clords.get(oid, "")))
        if body.get("eof"):
            orders, self._snapshot = self._snapshot, []
            self._note_ended(orders)
            self.state.replace_open_orders(orders)
            if self.store is not None:
                for order in orders:
                    self.store.order_event(order, self.state.clock())

    def _note_ended(self, snapshot: list[Order]) -> None:
        """Working orders missing from a snapshot ended while the socket was down: ask how."""
        still = {o.order_id for o in snapshot}
        ended = [o for o in self.state.working_orders() if o.order_id
                 and o.order_id not in still and o.order_id not in self._inflight][:LOOKUP_MAX]
        if ended:
            task = asyncio.create_task(self._look_up(ended))
            self._lookups.add(task)
            task.add_done_callback(self._lookups.discard)

    async def _look_up(self, orders: list[Order]) -> None:
        for order in orders:
            inst = self.state.instruments.get(order.symbol)
            try:
                data = await self.rest.order(order.order_id)
            except VenueError:
                continue
            if inst is not None and data:
                self._upsert(convert.order(data, inst.scales, clord_id=order.clord_id))
        self.state.notify(f"{len(orders)} orders ended while the connection was down; "
                          "their final states are shown.", "warning")

    def _on_execution(self, execution: dict[str, Any]) -> None:
        oid = str((execution.get("order") or {}).get("id", ""))
        if execution.get("type") == "EXECUTION_TYPE_REPLACE":
            self._follow_replace(execution)
        if oid and oid not in self._clords and self._inflight:
            # perhaps the insert whose answer is on its way: wait for it
            self._early.setdefault(oid, []).append(execution)
            return
        self._apply_execution(execution)

    def _follow_replace(self, execution: dict[str, Any]) -> None:
        """A modify reports twice (§5.3): the old order REPLACED, then its successor under
        a new exchange id. The successor is still the desk's order: give it a desk id of
        its own and the same intent, as a cancel-replace on the gateway does."""
        data = execution.get("order") or {}
        oid, slug = str(data.get("id", "")), str(data.get("marketSlug", ""))
        if data.get("state") == "ORDER_STATE_REPLACED":
            if oid in self._clords:
                self._successors[slug] = self._clords[oid]
        elif oid and oid not in self._clords and slug in self._successors:
            clord = new_clord_id()
            self._clords[oid] = clord
            intent = self._intents.get(self._successors.pop(slug))
            if intent is not None:
                self._intents[clord] = intent

    def _apply_execution(self, execution: dict[str, Any]) -> None:
        data = execution.get("order") or {}
        inst = self.state.instruments.get(str(data.get("marketSlug", "")))
        if inst is None:
            return
        oid = str(data.get("id", ""))
        try:
            order = convert.order(data, inst.scales, clord_id=self._clords.get(oid, ""))
            fill = convert.fill(execution, inst.scales)
        except (ValueError, KeyError, TypeError):
            log.warning("an execution for %s could not be read", oid)
            return
        kind = execution.get("type")
        text = str(execution.get("text") or "")
        if kind == "EXECUTION_TYPE_REJECTED":
            if order.state.is_working:  # a refused modify: the order works on, unchanged
                self._before.pop(oid, None)
                order.reject_text = text or "change refused"
                self.state.notify(f"Change of {words.describe(self.state, order)} refused: "
                                  f"{text or 'the order is unchanged'}.", "error")
            else:
                order.reject_text = reject_words(execution)
                self.state.notify(f"{words.describe(self.state, order)} rejected: "
                                  f"{order.reject_text}.", "error")
        elif kind == "EXECUTION_TYPE_EXPIRED" and order.intent is not None:
            self.state.notify(f"{words.describe(self.state, order)} expired"
                              f"{' unfilled' if not order.cum_qty else ''}.", "warning")
        if order.intent is None and order.clord_id:
            order.intent = self._intents.get(order.clord_id)
        if order.state.is_terminal:
            self._before.pop(oid, None)
        self._upsert(order)
        if fill is not None and self.state.add_fill(fill):
            if self.store is not None:
                self.store.execution(fill.exec_id, fill.order_id, order.clord_id,
                                     fill.symbol, fill.side, fill.price, fill.qty,
                                     fill.intent, "fill", fill.at)
            if order.clord_id:  # ours from this desk: say it
                self.state.notify(f"Filled {words.quantity(self.state, order, fill.qty)} "
                                  f"{words.describe(self.state, order, fill.price)}.")

    def _upsert(self, order: Order) -> None:
        pending = order.clord_id if order.clord_id in self.state.orders else None
        self.state.upsert_order(order, pending_key=pending)
        if self.store is not None:
            self.store.order_event(order, self.state.clock())

    def _on_position(self, change: dict[str, Any]) -> None:
        after, before = change.get("afterPosition"), change.get("beforePosition")
        either = after or before or {}
        slug = str((either.get("marketMetadata") or {}).get("slug") or "")
        inst = self.state.instruments.get(slug)
        if inst is None:
            return
        try:
            position = (convert.position(slug, after, inst.scales) if after
                        else Position(symbol=slug, net=0))
        except (ValueError, TypeError):
            return
        self._set_positions([position], snapshot=False)

    async def _read_positions(self) -> None:
        """Positions have no snapshot on the socket (§8.4): read them after subscribing."""
        try:
            listed = await self.rest.positions()
        except VenueError as exc:
            self.state.notify(f"Positions could not be read: {exc}", "warning")
            return
        positions = []
        for slug, data in listed.items():
            inst = self.state.instruments.get(slug)
            if inst is not None:
                with contextlib.suppress(ValueError, TypeError):
                    positions.append(convert.position(slug, data, inst.scales))
        self._set_positions(positions, snapshot=True)

    def _set_positions(self, positions: list[Position], *, snapshot: bool) -> None:
        self.state.set_positions(positions, snapshot=snapshot)
        if self.store is not None:
            for position in positions:
                self.store.position(position, self.state.clock())

    def _set_balance(self, balance: Balance) -> None:
        self.state.set_balance(balance)
        if self.store is not None:
            self.store.balance(balance, time.time())
