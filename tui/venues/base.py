"""One order lifecycle for every venue; an adapter only translates its wire.

The base holds what every venue shares: the pending order shown at once, the ledger of inserts
whose answer has not come, the rule that nothing is sent without a live order stream, an
uncertain answer looked up (never sent again), a certain refusal shown as rejected with its
reason, cancels (one; lists, a market, everything: tui/venues/sweep.py) and changes with their
marks, the kill switch's latch, the reports of the order stream applied and said, the tasks it
starts, and the local database it is handed. An adapter implements the hooks marked below (send
this insert, these cancels, this change; find an insert whose answer was lost; list the open
orders), decodes its streams into Orders and Fills, and hands them to `_apply_report`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from abc import ABCMeta, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Protocol

from tui.core import words
from tui.core.cancels import CancelReport
from tui.core.enums import ExecType, OrderState, Side
from tui.core.model import Fill, Order
from tui.core.prices import Intent
from tui.core.recent import RecentDict
from tui.core.state import DeskState
from tui.core.ticket import OrderRequest, Terms
from tui.core.venue import LocalDatabase, VenueError
from tui.venues import audit
from tui.venues.sweep import Scope, Sweeps
from tui.venues.tasks import Tasks

log = logging.getLogger(__name__)

ORDER_STREAM = "orders"  # every venue's stream (or socket) of the desk's own orders
STOP_WAIT = 2.0  # seconds each part of a stop may take: quitting must never hang
INTENTS_KEPT = 20_000  # desk ids whose intent is remembered (the database keeps them all)
LOOKUP_WAITS = (0.5, 1.0, 2.0, 4.0, 8.0)  # seconds between lookups of an unanswered insert


class Wire(Protocol):
    """What the base needs of an adapter's REST client."""

    timeout: float
    journal: Callable[[str, Any, object], None] | None

    async def close(self) -> None: ...


class Worker(Protocol):
    """A stream or socket that reconnects by itself (reconnect.py)."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


class VenueBase(Sweeps, metaclass=ABCMeta):
    rest: Wire
    lookup_waits: tuple[float, ...] = LOOKUP_WAITS
    cancel_batch = 1  # orders per cancel request (a venue with a list request sends more)
    # the venue keeps the desk's own id (clord_id) for each order: a lookup by it is
    # certain, and the order stream names an order by it, so it may still tell later
    client_ids = True
    # a paper desk's feed (tui/venues/paper): its market data only; no account, order,
    # position or balance is read, and nothing is ever sent (the paper venue holds the orders)
    market_only = False

    def __init__(self, *, state: DeskState | None, venue_name: str,
                 store: LocalDatabase | None,
                 open_store: Callable[[str], LocalDatabase] | None) -> None:
        self.state = state or DeskState()
        self.state.venue = venue_name
        self.store = store  # the local database; None: remember nothing across sessions
        self._open_store = open_store  # opens the account's database once it is known
        self.account = ""
        self.tasks = Tasks()  # held while they run; cancelled and awaited on stop
        self._workers: Sequence[Worker] = ()  # the streams, started by the adapter
        # clord_id -> what the trader meant: the orders the desk holds, and the latest others
        self._intents: dict[str, Intent] = RecentDict(
            INTENTS_KEPT, keep=lambda: {o.clord_id for o in self.state.home.orders.values()})
        # inserts whose answer has not come back: a cancel waits for it (clord_id -> the
        # exchange's order id, or an exception)
        self._inflight: dict[str, asyncio.Future[str]] = {}
        self._before_cancel: dict[str, OrderState] = {}  # order_id -> state to restore

    # --- hooks: the adapter's wire --------------------------------------------------
    @abstractmethod
    async def start(self) -> None:
        """Log in, load reference data, open the local database, start the streams."""

    @abstractmethod
    def wire_text(self, request: OrderRequest) -> str:
        """Exactly what would be sent for this request (shown in confirmations)."""

    @abstractmethod
    def _insert_sender(self, request: OrderRequest) -> Callable[[], Awaitable[str]]:
        """Check the request for this venue (VenueError: nothing is shown or sent) and
        return what sends it; that answers the exchange's order id ("" if it gives none)."""

    @abstractmethod
    async def _send_cancels(self, orders: list[Order]) -> None:
        """Ask to cancel these acknowledged orders (at most `cancel_batch`)."""

    @abstractmethod
    def _replace_sender(self, order: Order, price: int | None, qty: int | None,
                        terms: Terms | None = None) -> Callable[[], Awaitable[object]]:
        """Check a change of this working order and return what sends it."""

    @abstractmethod
    async def _find_sent(self, pending: Order, before: set[str]) -> Order | None:
        """Where the exchange has an insert whose answer was lost (orders the desk knew
        before it was sent, `before`, are not it); None: nowhere; VenueError: not asked."""

    @abstractmethod
    async def _list_open(self, symbols: list[str] | None) -> list[Order]:
        """The account's open orders as the exchange lists them (in these markets)."""

    def _seen(self, pending: Order, before: set[str]) -> Order | None:
        """The order the streams already showed for an unanswered insert, if they could not
        name it as the desk's (a venue without client ids)."""
        return None

    def _named(self, order_id: str, pending: Order) -> None:
        """The exchange named the order: key it by that id, unless a report came first."""
        if order_id and self.state.find_order(clord_id=pending.clord_id) is pending:
            pending.order_id = order_id
            self.state.upsert_order(pending, pending_key=pending.clord_id)

    def _answered(self) -> None:
        """An insert's answer came (or failed): what waited for it may go on."""

    def _remember(self, past: list[Order]) -> None:
        """Past sessions' orders from the local database, newest first."""
        for order in past:
            if order.clord_id and order.intent is not None:
                self._intents.setdefault(order.clord_id, order.intent)

    async def _close_wire(self) -> None:
        """The REST client (the streams are stopped first)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.rest.close(), STOP_WAIT)

    # --- start and stop ---------------------------------------------------------------
    async def _open_local_database(self) -> None:
        """Once the account is known: its database, attached to the desk's state (it then
        listens by itself), or none with the reason on the status bar: trading on without
        history beats a desk that cannot even cancel."""
        if self.store is None and self._open_store is not None:
            try:  # off the event loop: its integrity check or another desk's lock take time
                self.store = await asyncio.to_thread(self._open_store, self.account)
            except Exception as exc:  # noqa: BLE001 - StoreError, said in its own words
                self.state.problem = f"{exc} History is not being kept."
        store = self.store
        if store is None:
            return
        self._remember(store.attach(self.state))
        self.rest.journal = audit.commands(self.state)  # the database listens to the state
        self.tasks.spawn(store.watch(self.state), "store-watch")

    async def stop(self) -> None:
        """Close everything, in bounded time: quitting must never hang."""
        # the streams first (nothing new arrives to start work), then the work they started,
        # then the clients that work used: a task must not outlive its REST client
        await asyncio.gather(*(worker.stop() for worker in self._workers))
        await self.tasks.stop(STOP_WAIT)
        await self._close_wire()
        if self.store is not None:
            await asyncio.to_thread(self.store.close)  # flushes what is queued

    def flush_now(self, timeout: float = 1.0) -> None:
        """On a hang-up, before the process ends at once: what is queued reaches the disk."""
        if self.store is not None:
            self.store.flush(timeout)

    @property
    def answer_timeout(self) -> float:
        return self.rest.timeout

    # --- inserts ----------------------------------------------------------------------
    def _require_order_stream(self) -> None:
        if not self.state.is_live(ORDER_STREAM):
            # without the order stream the desk could not see the fill or the reject
            raise VenueError("The order stream is not live, so nothing was sent.")

    async def submit(self, request: OrderRequest) -> None:
        """Send an insert; the order shows as pending at once, the stream decides the rest.
        A certain refusal shows it rejected with the reason; an uncertain one leaves it
        pending while it is looked up. Either way the VenueError is raised to the caller."""
        self._refuse_if_latched()
        self._require_order_stream()
        send = self._insert_sender(request)
        clord_id = request.clord_id
        self._intents[clord_id] = request.intent
        pending = Order(order_id="", clord_id=clord_id, symbol=request.symbol,
                        side=request.yes_side, price=request.yes_price, order_qty=request.qty,
                        leaves_qty=request.qty, state=OrderState.PENDING_NEW,
                        intent=request.intent, updated_at=time.monotonic())
        self.state.upsert_order(pending)
        before = set(self.state.home.orders)  # what a stream shows after this may be this one
        answered: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._inflight[clord_id] = answered
        try:
            order_id = await send()
            answered.set_result(order_id)
            del self._inflight[clord_id]
            self._named(order_id, pending)  # before anything that waited for it
        except VenueError as exc:
            answered.set_exception(exc)
            answered.exception()  # retrieved here, so an unawaited future logs nothing
            if self._unanswered(pending):
                if exc.uncertain:  # it may be working: look it up, never send it again
                    pending.reject_text = ("no answer yet; looking it up by its id"
                                           if self.client_ids else
                                           "no answer; looking for it in the open orders")
                    self.tasks.spawn(self._resolve_uncertain(pending, before), "lookup")
                else:
                    pending.state = OrderState.REJECTED
                    pending.reject_text = str(exc)
                self.state.upsert_order(pending)
            raise
        finally:
            self._inflight.pop(clord_id, None)
            self._answered()

    def _unanswered(self, pending: Order) -> bool:
        """Still the desk's own pending copy: no report or answer has named it yet."""
        return (self.state.find_order(clord_id=pending.clord_id) is pending
                and not pending.order_id and pending.state is OrderState.PENDING_NEW)

    def _told(self, pending: Order, before: set[str]) -> bool:
        """A stream has told the fate of an unanswered insert (adopted if it showed it)."""
        if not self._unanswered(pending):
            return True
        seen = self._seen(pending, before)
        if seen is not None:
            self._adopt(seen, pending)
        return seen is not None

    async def _resolve_uncertain(self, pending: Order, before: set[str]) -> None:
        """An insert that got no answer: ask the exchange where it is; never send it again."""
        asked = False  # did the exchange ever answer a lookup?
        for wait in self.lookup_waits:
            try:
                await asyncio.sleep(wait)
            except asyncio.CancelledError:  # the venue stopping: its fate stays unknown
                log.warning("insert %s unanswered when the venue stopped", pending.clord_id)
                raise
            if self._told(pending, before):
                return
            try:
                found = await self._find_sent(pending, before)
            except VenueError:
                continue  # still cut off: try again later
            asked = True
            if self._told(pending, before):
                return  # a stream told while the lookup was on its way: that is newer
            if found is not None:
                self._adopt(found, pending)
                return
        if self._told(pending, before):
            return
        what = words.order_words(self.state, pending)
        if self.client_ids and not asked:  # unknown: pending until a stream tells
            self.state.notify(f"{what}: still no word from the exchange; it was not sent "
                              "again.", "warning")
        elif self.client_ids:  # asked by its own id: it surely never arrived
            pending.state = OrderState.REJECTED
            pending.reject_text = "never reached the exchange (looked up by its id)"
            self.state.upsert_order(pending)
            self.state.notify(f"{what} never reached the exchange; nothing was sent again.",
                              "warning")
        else:  # unknown, never "rejected" (which reads as safe to send again); ended, so
            # it jams no cancel or flatten
            log.warning("insert %s (%s %s %s x %s) unanswered and not among the open orders",
                        pending.clord_id, pending.symbol, pending.side.name, pending.price,
                        pending.order_qty)
            pending.state = OrderState.EXPIRED
            pending.reject_text = ("no answer, and not among the open orders: it may have "
                                   "filled (check positions) or never reached the book; "
                                   "not sent again")
            self.state.upsert_order(pending)
            self.state.notify(f"{what}: no answer, and not among the open orders. It may "
                              "have filled: check positions before sending it again.",
                              "warning")

    def _adopt(self, found: Order, pending: Order) -> None:
        """The exchange has the insert whose answer was lost: show it as the exchange does."""
        self._named(found.order_id, pending)
        if self.state.home.orders.get(found.order_id) is pending and pending.is_pending:
            found.clord_id = found.clord_id or pending.clord_id  # nothing newer came
            found.intent = found.intent or pending.intent
            self._report(found)
        self.state.notify(f"The exchange has {words.order_words(self.state, found)}: the "
                          "insert did reach it.")

    # --- reports ------------------------------------------------------------------------
    def _ours(self, order: Order) -> Order:
        """With what the trader meant, when this desk placed it."""
        if order.intent is None:
            order.intent = self._intents.get(order.clord_id)
        return order

    def _report(self, order: Order) -> None:
        """The exchange's word on an order, in place of the desk's pending copy if any."""
        pending = order.clord_id if order.clord_id in self.state.home.orders else None
        self.state.upsert_order(order, pending_key=pending)

    def _apply_report(self, order: Order, kind: ExecType | None,
                      fill: Fill | None = None) -> None:
        """An execution report, decoded by the adapter (the reject's words already in the
        order): it is the order's state; the trader hears of a reject, an expiry, a fill."""
        self._ours(order)
        what = words.order_words(self.state, order)
        if kind is ExecType.REJECTED:
            self.state.notify(f"{what} rejected: {order.reject_text}.", "error")
        elif kind is ExecType.EXPIRED and order.intent is not None:
            self.state.notify(f"{what} expired{' unfilled' if not order.cum_qty else ''}.",
                              "warning")
        if order.state.is_terminal:
            self._before_cancel.pop(order.order_id, None)
        self._report(order)
        if fill is not None:
            self._take_fill(fill, order)

    def _take_fill(self, fill: Fill, order: Order) -> bool:
        """Keep a fill and tell the trader once; True when its execution id is new (a fill
        reported twice, by two streams in no set order, is told by the first)."""
        first = self.state.add_fill(fill, clord_id=order.clord_id)
        if first and order.clord_id in self._intents:  # an order this desk placed
            self.state.notify(f"Filled {words.quantity(self.state, order, fill.qty)} "
                              f"{words.order_words(self.state, order, fill.price)}.")
        return first

    # --- cancels and changes ------------------------------------------------------------
    async def cancel(self, order: Order) -> None:
        """Ask to cancel one working order; one whose insert has had no answer is cancelled
        by the desk's own id where the venue keeps it, else once the answer comes."""
        current = await self._acknowledged(order, unanswered=self.client_ids)
        if current is not None and not current.order_id:  # its answer was lost
            await self._send_cancels([current])
        elif current is not None:
            await self._while_marked([current], OrderState.PENDING_CANCEL,
                                     lambda: self._send_cancels([current]))

    async def cancel_orders(self, orders: Iterable[Order]) -> CancelReport:
        """Cancel these orders, acknowledged or not, until the exchange lists none of them
        working (or the sweep's bound passes: then it names those that may be)."""
        orders = list(orders)
        if not orders:
            return CancelReport(confirmed=True)
        return await self._sweep(Scope.of(orders))

    async def cancel_all(self, symbol: str | None = None,
                         side: Side | None = None) -> CancelReport:
        """Cancel my working orders (in one market; on one YES side) and any the exchange
        lists there, until it lists none."""
        return await self._sweep(Scope(symbol=symbol, side=side))

    # --- the latch (the kill switch and re-arm: tui/venues/sweep.py) --------------------
    def _held(self) -> str:
        """Why nothing that adds risk may leave now ("" when armed); the REST client asks
        it as each insert or replace leaves (self.rest.holds)."""
        if not self.state.latched:
            return ""
        return (f"The kill switch is on ({self.state.latch}): nothing that adds risk is "
                "sent until it is re-armed.")

    async def switch_account(self, account: str) -> None:
        raise VenueError("This venue trades one account.")  # a gateway login may trade more

    def _refuse_if_latched(self) -> None:
        if why := self._held():
            raise VenueError(why)

    async def replace(self, order: Order, *, price: int | None = None,
                      qty: int | None = None, terms: Terms | None = None) -> None:
        """Move a working order to a YES price and/or a new total quantity, or new terms."""
        self._refuse_if_latched()
        self._require_order_stream()
        current = await self._acknowledged(order)
        if current is None:
            raise VenueError("That order is no longer working.")
        send = self._replace_sender(current, price, qty, terms)
        await self._while_marked([current], OrderState.PENDING_REPLACE, send)
