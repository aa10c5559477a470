"""The desk's local state: written by venue workers, read by the UI at its own cadence.

Writers mark what changed (per-book dirty set, version counters); the UI pulls on a
timer and redraws only what moved. Nothing here pushes to the UI per tick.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from tui.core.model import Balance, Book, Fill, Instrument, Order, Position
from tui.core.queue import QueueEstimates
from tui.core.tape import FeedGap, MarketTape, Trade

MAX_QUIET = 35.0  # seconds: the longest heartbeat interval a venue is believed to have
FEED_WORDS = ("market", "md", "book", "feed", "quote", "price")


def is_feed(name: str) -> bool:
    """A price feed (judged by the stream's name), as opposed to orders or positions."""
    lowered = name.lower()
    return any(word in lowered for word in FEED_WORDS)


class LinkState(Enum):
    CONNECTING = "connecting"
    LIVE = "live"
    DOWN = "down"


@dataclass(slots=True)
class StreamStatus:
    name: str
    state: LinkState = LinkState.CONNECTING
    since: float = field(default_factory=time.monotonic)
    last_message_at: float = 0.0
    reconnects: int = 0
    detail: str = ""
    # the quiet the venue allows before it sends a heartbeat (the median of the last few,
    # so one stall or freeze that ends in a heartbeat does not teach a long silence):
    # a feed is stale only when a heartbeat was due and none came
    quiet_gaps: deque[float] = field(default_factory=lambda: deque(maxlen=5))

    @property
    def heartbeat_every(self) -> float | None:
        return statistics.median(self.quiet_gaps) if self.quiet_gaps else None


@dataclass(slots=True)
class Notice:
    seq: int
    text: str
    severity: str = "information"  # information | warning | error


class DeskListener:
    """Told of each change a venue writes, right after DeskState made it: the local database
    listens, so every state reaches it with no call site to remember. A listener overrides
    what it wants to hear; the rest do nothing. Called on the core's loop: return at once."""

    def on_instruments(self, instruments: list[Instrument]) -> None:
        """The markets, as the venue listed them."""

    def on_book(self, book: Book, trade: Trade | None) -> None:
        """A market's new book (and the trade it implied, if any)."""

    def on_trade(self, trade: Trade) -> None:
        """A trade the venue reported itself."""

    def on_order(self, order: Order) -> None:
        """An order's state as the desk now holds it (pending, working or ended)."""

    def on_fill(self, fill: Fill, clord_id: str) -> None:
        """A fill, once per execution id."""

    def on_positions(self, positions: list[Position]) -> None:
        """Positions that changed (all of them, for a snapshot)."""

    def on_balance(self, balance: Balance) -> None:
        """The account's balance."""

    def on_link(self, name: str, state: LinkState, detail: str) -> None:
        """A stream connected, went down or is connecting again."""


class DeskState:
    """Everything the desk shows. Single-threaded: touched only from the core's event loop."""

    def __init__(self) -> None:
        self.instruments: dict[str, Instrument] = {}
        self.books: dict[str, Book] = {}
        self.orders: dict[str, Order] = {}  # by order_id, or by clord_id while pending
        # working orders by symbol, under the same keys: every market-data message looks
        # up its market's orders, and finished orders pile up in self.orders all session
        self._working: dict[str, dict[str, Order]] = {}
        self.positions: dict[str, Position] = {}
        self.fills: deque[Fill] = deque(maxlen=500)
        self._fill_ids: set[str] = set()  # a fill reported twice (order stream, drop copy) once
        self.history: list[Order] = []  # finished orders of past sessions, newest first
        self.balance: Balance | None = None
        self.user = ""
        self.account = ""
        self.venue = ""
        self.problem = ""  # something the trader must keep seeing (e.g. no local database)
        self.streams: dict[str, StreamStatus] = {}
        self.notices: deque[Notice] = deque(maxlen=200)
        self.tapes: dict[str, MarketTape] = {}
        self.trades: deque[Trade] = deque(maxlen=500)  # every market, newest first
        self.gaps: deque[FeedGap] = deque(maxlen=100)  # price-feed outages, oldest first
        self.queue = QueueEstimates()
        self.clock = time.time  # wall clock for trade times (tests may freeze it)
        # told of every link change (name, state, detail): the local database records them
        self.link_listeners: list[Callable[[str, LinkState, str], None]] = []
        # told of every change a venue writes (see DeskListener; add with listen())
        self.listeners: list[DeskListener] = []
        # change tracking for the UI's pull loop
        self.dirty_books: set[str] = set()
        self.orders_version = 0
        self.positions_version = 0
        self.status_version = 0
        self.instruments_version = 0
        self.trades_version = 0
        # the venue reports each trade itself (a trade feed): books never imply one, even
        # when a book that shows a trade arrives before the trade's own message
        self.trades_reported = False
        self._notice_seq = 0

    # --- writers (venue side) -----------------------------------------------------
    def listen(self, listener: DeskListener) -> None:
        self.listeners.append(listener)

    def unlisten(self, listener: DeskListener) -> None:
        self.listeners.remove(listener)

    def set_instruments(self, instruments: list[Instrument]) -> None:
        self.instruments = {i.symbol: i for i in instruments}
        self.instruments_version += 1
        for listener in self.listeners:
            listener.on_instruments(instruments)

    def replace_book(self, book: Book) -> Trade | None:
        before = self.books.get(book.symbol)
        self.books[book.symbol] = book
        self.dirty_books.add(book.symbol)
        tape = self.tape(book.symbol)
        trade = tape.on_book(before, book, self.clock())
        if trade is not None:
            self.trades.appendleft(trade)
            self.trades_version += 1
        mine = self.working_orders(book.symbol)
        if mine:
            self.queue.on_book(book, mine, trade)
        for listener in self.listeners:
            listener.on_book(book, trade)
        return trade

    def add_trade(self, trade: Trade) -> None:
        """A trade the venue reported itself, on the tape."""
        self.tape(trade.symbol).on_trade(trade)
        self.trades.appendleft(trade)
        self.trades_version += 1
        # queue places are left to the books: the level's size already shows a trade at my
        # price, whichever of the book and the trade's own message comes first
        self.dirty_books.add(trade.symbol)
        for listener in self.listeners:
            listener.on_trade(trade)

    def tape(self, symbol: str) -> MarketTape:
        if symbol not in self.tapes:
            self.tapes[symbol] = MarketTape(symbol, explicit=self.trades_reported)
        return self.tapes[symbol]

    def upsert_order(self, order: Order, *, pending_key: str | None = None) -> None:
        if pending_key and pending_key != order.order_id:
            gone = self.orders.pop(pending_key, None)
            if gone is not None:
                self._working.get(gone.symbol, {}).pop(pending_key, None)
        key = order.order_id or order.clord_id
        self.orders[key] = order
        self._index(key, order)
        self.queue.on_order(order, self.books.get(order.symbol),
                            self.working_orders(order.symbol))
        self.orders_version += 1
        self.dirty_books.add(order.symbol)  # the ladder shows working orders
        self.record_order(order)

    def record_order(self, order: Order) -> None:
        """Tell the listeners an order's state; alone, for one the desk does not show (an
        order that ended while the desk was away)."""
        for listener in self.listeners:
            listener.on_order(order)

    def replace_open_orders(self, orders: list[Order]) -> None:
        """A stream snapshot: the venue's open orders, plus our own unsent pendings and the
        orders that already ended this session (the history view keeps showing them)."""
        acked = {o.clord_id for o in orders if o.clord_id}
        pending = {k: o for k, o in self.orders.items()
                   if o.is_pending and not o.order_id and o.clord_id not in acked}
        listed = {o.order_id for o in orders}
        ended = {k: o for k, o in self.orders.items()
                 if not o.state.is_working and k not in listed}
        for order in self.orders.values():
            self.dirty_books.add(order.symbol)
        self.orders = ended | {o.order_id: o for o in orders}
        self.orders.update(pending)
        self._working = {}
        for key, order in self.orders.items():
            self._index(key, order)
        for order in orders:
            self.dirty_books.add(order.symbol)
        self.queue.forget_missing({o.order_id for o in orders})
        for order in orders:
            self.queue.on_order(order, self.books.get(order.symbol),
                                self.working_orders(order.symbol))
        self.orders_version += 1
        for order in orders:
            self.record_order(order)

    def _index(self, key: str, order: Order) -> None:
        bucket = self._working.setdefault(order.symbol, {})
        if order.state.is_working:
            bucket[key] = order
        else:
            bucket.pop(key, None)

    def find_order(self, *, order_id: str = "", clord_id: str = "") -> Order | None:
        if order_id and order_id in self.orders:
            return self.orders[order_id]
        if clord_id:
            if clord_id in self.orders:
                return self.orders[clord_id]
            for order in self.orders.values():
                if order.clord_id == clord_id:
                    return order
        return None

    def set_positions(self, positions: list[Position], *, snapshot: bool) -> None:
        if snapshot:
            self.positions = {}
        for p in positions:
            self.positions[p.symbol] = p
            self.dirty_books.add(p.symbol)  # the ladder marks the position and its P&L
        self.positions_version += 1
        for listener in self.listeners:
            listener.on_positions(positions)

    def add_fill(self, fill: Fill, *, clord_id: str = "") -> bool:
        """Record a fill (of the order with that desk id); False when this execution id was
        seen already (nothing changes)."""
        if fill.exec_id in self._fill_ids:
            return False
        self._fill_ids.add(fill.exec_id)
        self.fills.appendleft(fill)
        self.orders_version += 1
        for listener in self.listeners:
            listener.on_fill(fill, clord_id)
        return True

    def load_history(self, fills: list[Fill], orders: list[Order]) -> None:
        """Past sessions from the local database (both newest first), under this session's."""
        for fill in fills:
            if fill.exec_id not in self._fill_ids:
                self._fill_ids.add(fill.exec_id)
                self.fills.append(fill)
        self.history = orders
        self.orders_version += 1

    def set_balance(self, balance: Balance) -> None:
        self.balance = balance
        self.status_version += 1
        for listener in self.listeners:
            listener.on_balance(balance)

    def stream(self, name: str) -> StreamStatus:
        if name not in self.streams:
            self.streams[name] = StreamStatus(name)
            self.status_version += 1
        return self.streams[name]

    def set_link(self, name: str, state: LinkState, detail: str = "") -> None:
        status = self.stream(name)
        if status.state is not state:
            if state is LinkState.LIVE and status.state is not LinkState.CONNECTING:
                status.reconnects += 1
            status.state = state
            status.since = time.monotonic()
            for listener in self.link_listeners:
                listener(name, state, detail)
            for desk_listener in self.listeners:
                desk_listener.on_link(name, state, detail)
            if is_feed(name):
                self._feed_link(state)
        status.detail = detail
        self.status_version += 1

    def _feed_link(self, state: LinkState) -> None:
        """Record price-feed outages; trades during one are not on the tape, so rebase."""
        open_gap = self.gaps[-1] if self.gaps and self.gaps[-1].end is None else None
        if state is LinkState.LIVE:
            if open_gap is not None:
                open_gap.end = self.clock()
                self.trades_version += 1
        elif open_gap is None and state is LinkState.DOWN:
            self.gaps.append(FeedGap(self.clock()))
            self.trades_version += 1
        if state is not LinkState.LIVE:
            for tape in self.tapes.values():
                tape.rebase()

    def touch_stream(self, name: str, *, heartbeat: bool = False) -> None:
        status, now = self.stream(name), time.monotonic()
        if heartbeat and status.last_message_at and now - status.last_message_at <= MAX_QUIET:
            status.quiet_gaps.append(now - status.last_message_at)
        status.last_message_at = now

    def notify(self, text: str, severity: str = "information") -> None:
        self._notice_seq += 1
        self.notices.append(Notice(self._notice_seq, text, severity))

    # --- readers (UI side) ----------------------------------------------------------
    def take_dirty_books(self) -> set[str]:
        dirty, self.dirty_books = self.dirty_books, set()
        return dirty

    def notices_after(self, seq: int) -> list[Notice]:
        return [n for n in self.notices if n.seq > seq]

    def working_orders(self, symbol: str | None = None) -> list[Order]:
        if symbol is not None:  # orders change state in place: check it again
            return [o for o in self._working.get(symbol, {}).values() if o.state.is_working]
        # every market's working orders: not a walk over all of the session's orders
        return [o for bucket in self._working.values() for o in bucket.values()
                if o.state.is_working]
