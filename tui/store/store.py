"""The local database of one profile and account: what was traded, sent and seen.

Writes return at once: they are queued for the writer thread (see writer.py), which commits
them in batches, off the UI loop. Reads run on the caller's thread through their own
connection; WAL lets them run beside the writer.
"""

from __future__ import annotations

import atexit
import sqlite3
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import TracebackType

from tui.core.enums import InstrumentState, OrderState, Side
from tui.core.model import Balance, Fill, Instrument, Order, Position
from tui.core.prices import Intent, Scales
from tui.core.state import DeskState
from tui.core.tape import Trade
from tui.store import inuse, link, opening, retention
from tui.store.paths import StoreError, make_dirs
from tui.store.redact import journal_json, scrub
from tui.store.rows import (
    ORDER_FIELDS,
    BookRow,
    FillRow,
    JournalRow,
    OrderRow,
    Params,
    StreamEventRow,
    balance_of,
    intent_of,
    intent_text,
    levels_of,
    order_params,
    order_row,
    position_of,
)
from tui.store.writer import BOOK_RATE, Writer

_FILL_FIELDS = "exec_id, order_id, clord_id, symbol, side, price, qty, intent, kind, at, fee"
_CHUNK = 2000  # book rows fetched at a time while replaying


class Store:
    """Use :meth:`open`; ``close()`` when done (also run at interpreter exit)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, reader: sqlite3.Connection,
                 writer: Writer, hold: inuse.Hold | None = None,
                 desk_hold: inuse.Hold | None = None) -> None:
        self.path = path
        self._hold = hold  # says "in use" to pmdesk db prune until closed
        self._desk = desk_hold  # says "a desk has it" to another desk until closed
        self._conn = conn
        self._reader = reader
        self._read_lock = threading.Lock()  # one reading connection, shared by threads
        self._writer = writer
        self._listener: link.StoreListener | None = None  # while attached to a desk
        self._closed = False
        self._writer.start()
        atexit.register(self.close)

    @classmethod
    def open(cls, path: Path, *, desk: bool = False, keep_days: int = 0,
             capacity: int = 100_000, interval: float = 0.05, batch: int = 20_000,
             block: float = 0.25) -> Store:
        """Create (directories 0700, file 0600) or open and migrate the database at ``path``.

        Raises StoreError, without writing a byte, for a file that is damaged, not a database,
        another program's, made by a newer pmdesk, or unreadable. A ``desk`` (it records the
        account's streams) is refused while another desk has the file; a replay or an export
        reads beside one. ``keep_days`` (the config's [store] keep_market_data_days) first
        prunes older market data, if nothing else has the file open (retention.py). The
        writer commits every ``interval`` seconds, at most ``batch`` rows a transaction; past
        ``capacity`` queued rows it drops market data, and the first order-side write waits
        up to ``block``."""
        path = Path(path).expanduser()
        make_dirs(path.parent)
        opening.inspect(path)
        own = cls._claim(path) if desk else None
        try:
            retention.prune_old(path, keep_days)
            hold = inuse.share(path)
            if hold is None:
                raise StoreError(f"The pmdesk database {path} is being pruned (pmdesk db "
                                 "prune); start again when it has finished.", path=path)
            try:
                conn = opening.connect(path)
                try:
                    reader = opening.reader(path)
                except sqlite3.Error as exc:
                    conn.close()
                    raise opening.from_sqlite(path, exc) from None
            except BaseException:
                hold.release()
                raise
        except BaseException:
            if own is not None:
                own.release()
            raise
        writer = Writer(conn, capacity=capacity, interval=interval, batch=batch, block=block)
        return cls(path, conn, reader, writer, hold, own)

    @staticmethod
    def _claim(path: Path) -> inuse.Hold:
        """The desk's lock, or StoreError naming the desk that has it."""
        own = inuse.desk(path)
        if own is None:
            pid = inuse.desk_pid(path)
            who = "Another pmdesk" if pid is None else f"Another pmdesk (pid {pid})"
            raise StoreError(f"{who} has this account's database open ({path}); close it "
                             "first, or use another profile.", path=path)
        return own

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def error(self) -> str | None:
        """Why the latest write failed (disk full, I/O error), until a commit succeeds."""
        return self._writer.error

    @property
    def dropped(self) -> int:
        """Market-data rows dropped because the writer fell too far behind."""
        return self._writer.dropped

    @property
    def committed(self) -> int:
        """Rows committed since open (after downsampling)."""
        return self._writer.committed

    @property
    def backlog(self) -> int:
        """Items queued and not yet taken by the writer: how far behind the disk is."""
        return len(self._writer._items)

    def close(self) -> None:
        """Commit what is queued, stop the writer thread, close the files. Idempotent."""
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.close)
        stopped = self._writer.stop(timeout=10.0)
        with self._read_lock:
            self._reader.close()
        if stopped:  # else the thread still holds it; it is a daemon and dies with us
            self._conn.close()  # the last connection: checkpoints and removes the -wal
        if self._hold is not None:
            self._hold.release()
        if self._desk is not None:
            self._desk.release()

    def flush(self, timeout: float = 5.0) -> bool:
        """Block until everything queued so far is committed; False if it was not in time."""
        return self._writer.flush(timeout)

    # -- the desk, listened to --------------------------------------------------------------

    def attach(self, state: DeskState, *, history: bool = True) -> list[Order]:
        """Keep every change a venue writes into ``state`` from now on (link.py), and show
        past sessions there; returns their orders, newest first."""
        orders, self._listener = link.attach(self, state, history=history)
        return orders

    def detach(self, state: DeskState) -> None:
        """Stop keeping the desk's changes (it trades another account now)."""
        if self._listener is not None and self._listener in state.listeners:
            state.unlisten(self._listener)
        self._listener = None

    async def watch(self, state: DeskState) -> None:
        """Say on the status bar when the disk cannot take writes, until it can (runs on)."""
        await link.watch(self, state)

    # -- writes: queued, return at once ---------------------------------------------------

    def instruments(self, items: list[Instrument]) -> None:
        at = time.time()
        for i in items:
            s = i.scales
            self._writer.put("instrument", (i.symbol, i.description, s.price_scale, s.tick,
                                            s.qty_scale, s.min_qty, int(i.state), i.category,
                                            at))

    def order_event(self, order: Order, at: float) -> None:
        """One history row, and the order's latest state (keyed by order id, or by clord id
        until the venue names it)."""
        self._writer.put("order", (*order_params(order), at))

    def execution(self, exec_id: str, order_id: str, clord_id: str, symbol: str, side: Side,
                  price: int, qty: int, intent: Intent | None, kind: str, at: float,
                  fee: Decimal = Decimal(0)) -> None:
        """Kept once per execution id: a replayed stream's duplicates are ignored."""
        self._writer.put("execution", (exec_id, order_id, clord_id, symbol, int(side), price,
                                       qty, intent_text(intent), kind, at, str(fee)))

    def position(self, position: Position, at: float) -> None:
        p = position
        self._writer.put("position", (p.symbol, p.yes.qty, p.yes.cost, p.no.qty, p.no.cost,
                                      p.qty_bought, p.qty_sold, p.realized, at))

    def balance(self, balance: Balance, at: float) -> None:
        self._writer.put("balance", (balance.currency, str(balance.balance),
                                     str(balance.buying_power), at))

    def trade(self, trade: Trade) -> None:
        aggressor = None if trade.aggressor is None else int(trade.aggressor)
        self._writer.put("trade", (trade.symbol, trade.px, trade.qty, aggressor, trade.merged,
                                   int(trade.exact), trade.at))

    def top_of_book(self, symbol: str, bid: int | None, offer: int | None, last: int | None,
                    volume: int | None, at: float) -> None:
        """At most one row per symbol per second: the latest of that second."""
        sec = int(at)
        self._writer.hold("tob", symbol, sec, (symbol, sec, bid, offer, last, volume, at))

    def book(self, symbol: str, bids: list[tuple[int, int]], offers: list[tuple[int, int]],
             at: float) -> None:
        """Full depth for replay, at most BOOK_RATE snapshots per symbol per second."""
        slot = int(at * BOOK_RATE)
        self._writer.hold("book", symbol, slot, (symbol, slot, at, tuple(bids), tuple(offers)))

    def journal(self, kind: str, request: object, response: object, at: float, *,
                account: str = "", summary: str = "") -> None:
        """An audit journal entry (a command sent and its answer, a key, a question...), as
        JSON with every secret replaced by "***"; the summary is scrubbed too."""
        self._writer.put("journal", (kind, journal_json(request), journal_json(response), at,
                                     account, scrub(summary)))

    def stream_event(self, name: str, state: str, detail: str, at: float) -> None:
        self._writer.put("stream", (name, state, scrub(detail), at))

    def set_resume_token(self, stream: str, token: bytes) -> None:
        """Queued behind what came before: it commits with or after those executions."""
        self._writer.put("token", (stream, bytes(token), time.time()))

    # -- reads: on the caller's thread -----------------------------------------------------

    def _query(self, sql: str, params: Params = ()) -> list[Params]:
        with self._read_lock:
            if self._closed:
                raise StoreError(f"The pmdesk database {self.path} is closed.", path=self.path)
            return self._reader.execute(sql, params).fetchall()

    def mark_paper(self) -> None:
        """This database records a paper desk: its orders and fills never reached a venue."""
        self._writer.put("desk", ("mode", "paper"))

    def mode(self) -> str:
        """"paper" for a paper desk's database, else "live"."""
        rows = self._query("SELECT value FROM desk WHERE key = 'mode'")
        return str(rows[0][0]) if rows else "live"

    def resume_token(self, stream: str) -> bytes | None:
        rows = self._query("SELECT token FROM resume_tokens WHERE stream = ?", (stream,))
        return bytes(rows[0][0]) if rows else None

    def fills(self, since: float | None = None, limit: int | None = 500) -> list[FillRow]:
        """Executions, newest first; ``limit=None`` for all of them."""
        rows = self._query(f"SELECT {_FILL_FIELDS} FROM executions WHERE at >= ? "
                           "ORDER BY at DESC, id DESC LIMIT ?", _window(since, limit))
        return [FillRow(r[0], r[1], r[2], r[3], Side(r[4]), r[5], r[6], intent_of(r[7]),
                        r[8], r[9], Decimal(r[10])) for r in rows]

    def fills_of(self, order_ids: list[str]) -> list[Fill]:
        """Every execution recorded for these orders, whatever their age."""
        found: list[Fill] = []
        for i in range(0, len(order_ids), 500):  # under SQLite's limit on parameters
            chunk = order_ids[i:i + 500]
            rows = self._query(f"SELECT {_FILL_FIELDS} FROM executions WHERE order_id IN "
                               f"({', '.join('?' * len(chunk))}) ORDER BY id", tuple(chunk))
            found += [FillRow(r[0], r[1], r[2], r[3], Side(r[4]), r[5], r[6], intent_of(r[7]),
                              r[8], r[9], Decimal(r[10])).to_fill() for r in rows]
        return found

    def orders(self, since: float | None = None, limit: int | None = 500) -> list[OrderRow]:
        """The latest state of each order changed since ``since``, newest change first."""
        rows = self._query(f"SELECT {ORDER_FIELDS}, first_at, at FROM orders WHERE at >= ? "
                           "ORDER BY at DESC, rowid DESC LIMIT ?", _window(since, limit))
        return [order_row(r) for r in rows]

    def short_of_fills(self, since: float, limit: int = 1000) -> list[OrderRow]:
        """Ended orders changed since ``since`` whose recorded executions come to less than
        their filled quantity (a recovery cut off by the desk stopping), newest first."""
        ended = ", ".join(str(int(s)) for s in OrderState if s.is_terminal)
        fields = ", ".join(f"o.{f.strip()}" for f in ORDER_FIELDS.split(","))
        rows = self._query(
            f"SELECT {fields}, o.first_at, o.at FROM orders o LEFT JOIN (SELECT order_id, "
            "SUM(qty) AS got FROM executions GROUP BY order_id) e ON e.order_id = o.order_id "
            f"WHERE o.at >= ? AND o.order_id != '' AND o.state IN ({ended}) "
            "AND o.cum_qty > COALESCE(e.got, 0) ORDER BY o.at DESC LIMIT ?", (since, limit))
        return [order_row(r) for r in rows]

    def order_history(self, order_id: str = "", clord_id: str = "") -> list[OrderRow]:
        """Every recorded state of one order, oldest first (first_at is each row's time)."""
        rows = self._query(f"SELECT {ORDER_FIELDS}, at, at FROM order_events WHERE "
                           "(order_id = ? AND order_id != '') OR (clord_id = ? AND "
                           "clord_id != '') ORDER BY id", (order_id, clord_id))
        return [order_row(r) for r in rows]

    def books(self, symbol: str | None = None, since: float | None = None,
              until: float | None = None) -> Iterator[BookRow]:
        """Depth snapshots oldest first, for replay; read a chunk at a time, so other reads
        and the writer carry on while the caller plays them back."""
        lo = float("-inf") if since is None else since
        hi = float("inf") if until is None else until
        after: tuple[float, str] | None = None
        while True:
            where = "at >= ?" if after is None else "(at, symbol) > (?, ?)"
            params: Params = (lo,) if after is None else after
            if symbol is not None:
                where += " AND symbol = ?"
                params += (symbol,)
            rows = self._query(f"SELECT symbol, at, bids, offers FROM books WHERE {where} "
                               "AND at <= ? ORDER BY at, symbol LIMIT ?",
                               (*params, hi, _CHUNK))
            for r in rows:
                yield BookRow(r[0], levels_of(r[2]), levels_of(r[3]), r[1])
            if len(rows) < _CHUNK:
                return
            after = (rows[-1][1], rows[-1][0])

    def book_span(self, symbol: str | None = None, since: float | None = None,
                  until: float | None = None) -> tuple[float, float] | None:
        """The first and last depth snapshot's times in the window; None if it has none."""
        where, params = "at >= ? AND at <= ?", _bounds(since, until)
        if symbol is not None:
            where, params = where + " AND symbol = ?", (*params, symbol)
        first, last = self._query(f"SELECT min(at), max(at) FROM books WHERE {where}",
                                  params)[0]
        return None if first is None else (float(first), float(last))

    def books_at(self, at: float, symbols: list[str]) -> list[BookRow]:
        """Each market's latest depth snapshot at or before ``at`` (a replay's jump)."""
        found: list[BookRow] = []
        slot = int(at * BOOK_RATE) + 1  # the key's order is the time's: stop near ``at``
        for symbol in symbols:
            rows = self._query("SELECT symbol, at, bids, offers FROM books WHERE symbol = ? "
                               "AND slot <= ? AND at <= ? ORDER BY slot DESC LIMIT 1",
                               (symbol, slot, at))
            found += [BookRow(r[0], levels_of(r[2]), levels_of(r[3]), r[1]) for r in rows]
        return found

    def journal_entries(self, since: float | None = None,
                        limit: int | None = None) -> list[JournalRow]:
        """The audit journal, oldest first (in the order kept, within the same instant)."""
        rows = self._query("SELECT at, account, kind, summary, request, response FROM journal "
                           "WHERE at >= ? ORDER BY at, id LIMIT ?", _window(since, limit))
        return [JournalRow(*r) for r in rows]

    def sessions(self, since: float | None = None,
                 limit: int | None = 500) -> list[StreamEventRow]:
        """Each stream's connects and disconnects, newest first."""
        rows = self._query("SELECT name, state, detail, at FROM stream_events WHERE at >= ? "
                           "ORDER BY at DESC, id DESC LIMIT ?", _window(since, limit))
        return [StreamEventRow(*r) for r in rows]

    def load_instruments(self) -> list[Instrument]:
        rows = self._query("SELECT symbol, description, price_scale, tick, qty_scale, "
                           "min_qty, state, category FROM instruments ORDER BY symbol")
        return [Instrument(r[0], r[1], Scales(r[2], r[3], r[4], r[5]), InstrumentState(r[6]),
                           r[7]) for r in rows]

    def load_positions(self) -> list[Position]:
        rows = self._query("SELECT symbol, yes_qty, yes_cost, no_qty, no_cost, realized, "
                           "qty_bought, qty_sold FROM positions ORDER BY symbol")
        return [position_of(r) for r in rows]

    def load_balances(self) -> list[Balance]:
        return [balance_of(r) for r in self._query(
            "SELECT currency, balance, buying_power FROM balances ORDER BY currency")]


def _bounds(since: float | None, until: float | None) -> tuple[float, float]:
    return (float("-inf") if since is None else since,
            float("inf") if until is None else until)


def _window(since: float | None, limit: int | None) -> tuple[float, int]:
    return (float("-inf") if since is None else since, -1 if limit is None else limit)
