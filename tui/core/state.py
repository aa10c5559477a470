"""The desk's local state: written by venue workers, read by the UI at its own cadence.

Writers mark what changed (per-book dirty set, version counters); the UI pulls on a
timer and redraws only what moved. Nothing here pushes to the UI per tick.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from tui.core.account import AccountState
from tui.core.audit import SAID, AuditEntry
from tui.core.listener import DeskListener, LinkState
from tui.core.model import Balance, Book, Fill, Instrument, Order, Position
from tui.core.queue import QueueEstimates
from tui.core.tape import FeedGap, MarketTape, Trade

MAX_QUIET = 35.0  # seconds: the longest heartbeat interval a venue is believed to have
FEED_WORDS = ("market", "md", "book", "feed", "quote", "price")


PAPER_ACCOUNT = "paper"  # a paper desk's account: its database is <profile>/paper.sqlite3


def is_feed(name: str) -> bool:
    """A price feed (judged by the stream's name), as opposed to orders or positions."""
    lowered = name.lower()
    return any(word in lowered for word in FEED_WORDS)


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


class DeskState:
    """Everything the desk shows. Single-threaded: touched only from the core's event loop.

    Orders, positions, fills and balance are kept per account (``accounts``, by account id;
    a firm trades several). Readers see the active account through ``orders``,
    ``positions``, ``fills``, ``history``, ``balance``, ``account`` and ``working_orders()``.
    A write goes to the account it names, else to the venue's own (``home``): the first
    account the venue opened (today's venues trade that one only); a venue reads its orders
    there too, so a switch of what is shown never sends its reports, pendings or cancel lists
    elsewhere. Markets, books, the tape and the links are shared.
    """

    def __init__(self) -> None:
        self.instruments: dict[str, Instrument] = {}
        self.books: dict[str, Book] = {}
        # the markets on screen, as the UI last said; a venue may keep them current by
        # other means when a stream is down (the gateway reads their books over REST)
        self.watched: tuple[str, ...] = ()
        # unnamed until the venue says which account it trades (open_account)
        self.home = AccountState()  # where writes that name no account go
        self.active = self.home  # what the readers see
        self.accounts: dict[str, AccountState] = {"": self.home}
        # every account the login may trade (a firm's or an ISV's several), when more than one
        self.tradable: tuple[str, ...] = ()
        self.holders: dict[str, str] = {}  # account -> whose it is (an ISV's end user)
        self.user = ""
        self.venue = ""
        self.problem = ""  # something the trader must keep seeing (e.g. no local database)
        # why the kill switch latched ("" while armed): nothing that opens risk is sent
        # until the trader re-arms it (tui/venues/base.py)
        self.latch = ""
        self.streams: dict[str, StreamStatus] = {}
        self.notices: deque[Notice] = deque(maxlen=200)
        self.tapes: dict[str, MarketTape] = {}
        self.trades: deque[Trade] = deque(maxlen=500)  # every market, newest first
        self.gaps: deque[FeedGap] = deque(maxlen=100)  # price-feed outages, oldest first
        self.queue = QueueEstimates()  # by order id: every account's orders are in the book
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
        # what happens to working orders once this desk stops, when not what the quit
        # question assumes (they work on): the CLOB's heartbeat cancels them
        self.orders_after_quit = ""
        # paper trading (tui/venues/paper): the books are the venue's, the orders never
        # leave this machine; every screen says PAPER
        self.paper = False
        self._notice_seq = 0

    # --- the active account, as the readers see it ------------------------------------
    @property
    def account(self) -> str:
        return self.active.account

    @property
    def orders(self) -> dict[str, Order]:
        """By order_id, or by clord_id while pending."""
        return self.active.orders

    @property
    def positions(self) -> dict[str, Position]:
        return self.active.positions

    @property
    def fills(self) -> deque[Fill]:
        return self.active.fills

    @property
    def history(self) -> list[Order]:
        """Finished orders of past sessions, newest first."""
        return self.active.history

    @property
    def balance(self) -> Balance | None:
        return self.active.balance

    # --- accounts ---------------------------------------------------------------------
    def open_account(self, account: str) -> AccountState:
        """An account a venue trades. The first one named is the venue's own (the unnamed
        account takes its name, with anything written to it before) and is shown first."""
        if account in self.accounts:
            return self.accounts[account]
        if not self.home.account:
            del self.accounts[""]
            self.home.account = account
            self.accounts[account] = self.home
        else:
            self.accounts[account] = AccountState(account)
        self.status_version += 1
        return self.accounts[account]

    def use_account(self, account: str) -> None:
        """Show another account (one already opened): every reader's view changes."""
        if account not in self.accounts:
            raise ValueError(f"The desk has no account {account}.")
        self.active = self.accounts[account]
        self.dirty_books.update(self.books)  # each ladder shows this account's orders
        self.orders_version += 1
        self.positions_version += 1
        self.status_version += 1

    def trade_account(self, account: str) -> None:
        """The venue now trades ``account`` (opened if new): its writes that name no
        account go there, and it is shown."""
        self.home = self.open_account(account)
        self.use_account(account)

    def _of(self, account: str | None) -> AccountState:
        """The account a write names (opened if new), else the venue's own."""
        if not account:
            return self.home
        return self.accounts.get(account) or self.open_account(account)

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
        mine = self._resting(book.symbol)
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

    def upsert_order(self, order: Order, *, pending_key: str | None = None,
                     account: str | None = None) -> None:
        self._of(account).upsert_order(order, pending_key)
        self.queue.on_order(order, self.books.get(order.symbol),
                            self._resting(order.symbol))
        self.orders_version += 1
        self.dirty_books.add(order.symbol)  # the ladder shows working orders
        self.record_order(order)

    def record_order(self, order: Order) -> None:
        """Tell the listeners an order's state; alone, for one the desk does not show (an
        order that ended while the desk was away)."""
        for listener in self.listeners:
            listener.on_order(order)

    def replace_open_orders(self, orders: list[Order], *, account: str | None = None) -> None:
        """A stream snapshot: the venue's open orders, plus our own unsent pendings and the
        orders that already ended this session (the history view keeps showing them)."""
        held = self._of(account)
        self.dirty_books.update(held.replace_open_orders(orders))
        others = {o.order_id for a in self.accounts.values() if a is not held
                  for o in a.working_orders()}
        self.queue.forget_missing({o.order_id for o in orders} | others)
        for order in orders:
            self.queue.on_order(order, self.books.get(order.symbol),
                                self._resting(order.symbol))
        self.orders_version += 1
        for order in orders:
            self.record_order(order)

    def find_order(self, *, order_id: str = "", clord_id: str = "",
                   account: str | None = None) -> Order | None:
        """An order of the account named (else the venue's own), by either id."""
        return self._of(account).find_order(order_id=order_id, clord_id=clord_id)

    def set_positions(self, positions: list[Position], *, snapshot: bool,
                      account: str | None = None) -> None:
        self._of(account).set_positions(positions, snapshot=snapshot)
        for p in positions:
            self.dirty_books.add(p.symbol)  # the ladder marks the position and its P&L
        self.positions_version += 1
        for listener in self.listeners:
            listener.on_positions(positions)

    def add_fill(self, fill: Fill, *, clord_id: str = "", account: str | None = None) -> bool:
        """Record a fill (of the order with that desk id); False when this execution id was
        seen already (nothing changes)."""
        if not self._of(account).add_fill(fill):
            return False
        self.orders_version += 1
        for listener in self.listeners:
            listener.on_fill(fill, clord_id)
        return True

    def load_history(self, fills: list[Fill], orders: list[Order], *,
                     account: str | None = None) -> None:
        """Past sessions from the local database (both newest first), under this session's."""
        self._of(account).load_history(fills, orders)
        self.orders_version += 1

    def set_balance(self, balance: Balance, *, account: str | None = None) -> None:
        self._of(account).balance = balance
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

    def is_live(self, name: str) -> bool:
        """The named stream is connected and live (a venue sends nothing that needs it
        otherwise)."""
        link = self.streams.get(name)
        return link is not None and link.state is LinkState.LIVE

    def touch_stream(self, name: str, *, heartbeat: bool = False) -> None:
        status, now = self.stream(name), time.monotonic()
        if heartbeat and status.last_message_at and now - status.last_message_at <= MAX_QUIET:
            status.quiet_gaps.append(now - status.last_message_at)
        status.last_message_at = now

    @property
    def latched(self) -> bool:
        return bool(self.latch)

    def set_latch(self, why: str) -> None:
        """Latch the kill switch with the reason in words, or re-arm it with ""."""
        if why != self.latch:
            self.latch = why
            self.status_version += 1

    def notify(self, text: str, severity: str = "information") -> None:
        self._notice_seq += 1
        self.notices.append(Notice(self._notice_seq, text, severity))
        self.audit(AuditEntry(SAID, text, {"severity": severity, "by": "venue"}))

    def audit(self, entry: AuditEntry) -> None:
        """An entry for the audit journal of its account (else the venue's own)."""
        if not entry.account and self.home.account:
            entry = replace(entry, account=self.home.account)
        for listener in self.listeners:
            listener.on_audit(entry)

    # --- readers (UI side) ----------------------------------------------------------
    def take_dirty_books(self) -> set[str]:
        dirty, self.dirty_books = self.dirty_books, set()
        return dirty

    def notices_after(self, seq: int) -> list[Notice]:
        return [n for n in self.notices if n.seq > seq]

    def working_orders(self, symbol: str | None = None) -> list[Order]:
        """The active account's working orders, in one market or in every one."""
        return self.active.working_orders(symbol)

    def _resting(self, symbol: str) -> list[Order]:
        """Every account's working orders in a market: all of them are in its book."""
        if len(self.accounts) == 1:
            return self.home.working_orders(symbol)
        return [o for a in self.accounts.values() for o in a.working_orders(symbol)]
