"""The one thread that writes: it takes what callers queued and commits it in batches.

Callers only append to a deque (no I/O, no lock on the common path), so the UI loop never
waits on the disk. Every ``interval`` the thread takes what is queued and applies it in one
transaction, in the order it was queued: a resume token queued after a batch's executions
commits with them or after them, never before.

When the disk fails (full, I/O error, locked) the batch is kept and retried with back-off;
``error`` says what went wrong until a commit succeeds again. Past ``capacity`` queued
items, market data (top of book, depth, the tape) is dropped and counted; orders,
executions, the journal and resume tokens are never dropped: the caller waits briefly once,
then they are kept beyond the bound.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable

from tui.store.rows import ORDER_FIELDS, Params, levels_json

log = logging.getLogger(__name__)

Row = tuple[str, Params]  # (operation, parameters)
BOOK_RATE = 4  # depth snapshots kept per symbol per second
_STOP = object()

SQL: dict[str, str] = {
    "instrument": """INSERT OR REPLACE INTO instruments (symbol, description, price_scale,
        tick, qty_scale, min_qty, state, category, at) VALUES (?,?,?,?,?,?,?,?,?)""",
    "execution": """INSERT OR IGNORE INTO executions (exec_id, order_id, clord_id, symbol,
        side, price, qty, intent, kind, at, fee) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
    "position": """INSERT OR REPLACE INTO positions (symbol, yes_qty, yes_cost, no_qty,
        no_cost, qty_bought, qty_sold, realized, at) VALUES (?,?,?,?,?,?,?,?,?)""",
    "balance": """INSERT OR REPLACE INTO balances (currency, balance, buying_power, at)
        VALUES (?,?,?,?)""",
    "trade": """INSERT INTO trades (symbol, px, qty, aggressor, merged, exact, at)
        VALUES (?,?,?,?,?,?,?)""",
    "tob": """INSERT OR REPLACE INTO top_of_book (symbol, sec, bid, offer, last, volume, at)
        VALUES (?,?,?,?,?,?,?)""",
    "book": """INSERT OR REPLACE INTO books (symbol, slot, at, bids, offers)
        VALUES (?,?,?,?,?)""",
    "journal": """INSERT INTO journal (kind, request, response, at, account, summary)
        VALUES (?,?,?,?,?,?)""",
    "stream": "INSERT INTO stream_events (name, state, detail, at) VALUES (?,?,?,?)",
    "token": "INSERT OR REPLACE INTO resume_tokens (stream, token, at) VALUES (?,?,?)",
    "desk": "INSERT OR REPLACE INTO desk (key, value) VALUES (?,?)",
}
MARKET = frozenset({"tob", "book", "trade"})  # droppable history

_REKEY = "UPDATE OR IGNORE orders SET key = ? WHERE key = ?"
_DROP_PENDING = "DELETE FROM orders WHERE key = ?"
# a state that names no desk id or intent (retail's open-order snapshot never does) keeps
# the ones known: without them the next session would not know the order as its own
_UPSERT = f"""INSERT INTO orders (key, {ORDER_FIELDS}, first_at, at)
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET
    order_id=excluded.order_id,
    clord_id=COALESCE(NULLIF(excluded.clord_id, ''), orders.clord_id), symbol=excluded.symbol,
    side=excluded.side, price=excluded.price, order_qty=excluded.order_qty,
    leaves_qty=excluded.leaves_qty, cum_qty=excluded.cum_qty, avg_px=excluded.avg_px,
    state=excluded.state, intent=COALESCE(excluded.intent, orders.intent),
    reject_text=excluded.reject_text,
    inserted_ns=COALESCE(excluded.inserted_ns, orders.inserted_ns), at=excluded.at"""
_HISTORY = f"""INSERT INTO order_events ({ORDER_FIELDS}, at)
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""

# an error in one row's data: that row is skipped, the rest commit
_ROW_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.ProgrammingError,
               sqlite3.DataError, OverflowError, TypeError, ValueError)


def _orders(conn: sqlite3.Connection, params: list[Params]) -> None:
    for p in params:  # several statements per event: one event at a time, in order
        order_id, clord_id, at = p[0], p[1], p[-1]
        key = order_id or f"c:{clord_id}"
        if order_id and clord_id:  # the venue named a pending order: same row, new key
            conn.execute(_REKEY, (key, f"c:{clord_id}"))
            conn.execute(_DROP_PENDING, (f"c:{clord_id}",))
        conn.execute(_UPSERT, (key, *p[:-1], at, at))
        conn.execute(_HISTORY, p)


class Writer:
    def __init__(self, conn: sqlite3.Connection, *, capacity: int = 100_000,
                 interval: float = 0.05, batch: int = 20_000, block: float = 0.25) -> None:
        self.conn = conn
        self.capacity, self.interval, self.batch, self.block = capacity, interval, batch, block
        self.error: str | None = None  # the latest write failure, until a commit succeeds
        self.dropped = 0  # market-data rows dropped because the queue was full
        self.rejected = 0  # rows whose data SQLite refused (skipped so the rest commit)
        self.committed = 0  # rows committed (the benchmark reads it)
        self._items: deque[object] = deque()
        self._kick = threading.Event()
        self._space = threading.Condition()
        self._over = False  # the bound was hit and waiting did not help
        self._marks_in = self._marks_out = 0  # flushes asked for / reached: no batching wait
        self._marks_lock = threading.Lock()
        self._closing = False
        # downsampling: the latest row of the current second (or 1/BOOK_RATE s) per symbol
        self._held: dict[str, dict[str, tuple[int, Params]]] = {
            "tob": {}, "book": {}}
        self._held_lock = threading.Lock()
        self._last_book: dict[str, tuple[int, Params, Params]] = {}
        self._thread = threading.Thread(target=self._run, name="pmdesk-store", daemon=True)

    def start(self) -> None:
        self._thread.start()

    # -- callers' side ------------------------------------------------------------------

    def put(self, op: str, params: Params) -> None:
        if self._closing:
            return
        items = self._items
        if len(items) >= self.capacity:
            if op in MARKET:
                self.dropped += 1
                return
            if not self._over:
                self._kick.set()
                with self._space:
                    if not self._space.wait_for(lambda: len(items) < self.capacity,
                                                self.block):
                        self._over = True  # stuck: later items go past the bound at once
        items.append((op, params))
        if op not in MARKET and self.error is None:  # a failing disk keeps its backoff
            # an order or a fill is committed at once, not after the batching interval: a
            # desk killed meanwhile restarts knowing it (the retail API lists no closed
            # orders, so one placed, filled and forgotten could not be found again)
            self._kick.set()

    def hold(self, op: str, symbol: str, slot: int, params: Params) -> None:
        """Keep the latest row of ``slot``; a row whose slot has ended is queued."""
        with self._held_lock:
            held = self._held[op]
            prev = held.get(symbol)
            held[symbol] = (slot, params)
        if prev is not None and prev[0] != slot:
            self.put(op, prev[1])

    def flush(self, timeout: float) -> bool:
        if not self._thread.is_alive():
            return False
        done = threading.Event()
        with self._marks_lock:
            self._marks_in += 1
            self._items.append(done)  # never dropped, never waits: it only marks a point
        self._kick.set()
        return done.wait(timeout)

    def stop(self, timeout: float) -> bool:
        if self._thread.is_alive() and not self._closing:
            self._closing = True
            with self._marks_lock:
                self._marks_in += 1
                self._items.append(_STOP)
            self._kick.set()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # -- the writer thread --------------------------------------------------------------

    def _run(self) -> None:
        rows: list[Row] = []
        marks: list[object] = []  # flush events and _STOP, released once rows commit
        backoff = 0.0
        while True:
            if not rows and not marks:
                # gather for an interval, unless a full batch or a flush is waiting
                if len(self._items) < self.batch and self._marks_in == self._marks_out:
                    self._kick.wait(self.interval)
                self._kick.clear()
                rows, marks = self._take()
                rows += self._take_held(final=bool(marks))
            try:
                ok = self._commit(rows)
            except Exception as exc:  # the app outlives any store bug: log it, keep the rows
                log.exception("store writer")
                self.error, ok = f"The store's writer failed: {exc}", False
            if ok:
                self.committed += len(rows)
                self.error, backoff = None, 0.0
                rows = []
            if ok:
                for mark in marks:
                    if isinstance(mark, threading.Event):
                        mark.set()  # what was queued before this flush is committed
                if _STOP in marks:
                    return
                marks = []
                continue
            if self._closing and backoff >= 2.0:  # closing: give up after a few tries
                lost = len(rows) + sum(isinstance(i, tuple) for i in self._items)
                log.error("store: %d rows were not written: %s", lost, self.error)
                return
            backoff = min(max(backoff * 2, 0.25), 30.0)
            self._kick.wait(backoff)  # a flush or close wakes it for another try
            self._kick.clear()

    def _take(self) -> tuple[list[Row], list[object]]:
        rows: list[Row] = []
        marks: list[object] = []
        items = self._items
        for _ in range(self.batch):
            try:
                item = items.popleft()
            except IndexError:
                break
            if isinstance(item, tuple):
                if item[0] == "book":
                    item = self._book_row(item[1])
                    if item is None:
                        continue
                rows.append(item)
            else:
                marks.append(item)
                self._marks_out += 1
        if self._over or len(items) < self.capacity:
            self._over = len(items) >= self.capacity
            with self._space:
                self._space.notify_all()
        return rows, marks

    def _take_held(self, *, final: bool) -> list[Row]:
        """Rows whose second (or book slot) has ended by the wall clock; all of them on a
        flush. A slot written early is rewritten whole if more comes in it (same key)."""
        now = time.time()
        ended = {"tob": int(now), "book": int(now * BOOK_RATE)}
        out: list[Row] = []
        with self._held_lock:
            for op, held in self._held.items():
                for symbol in [s for s, (slot, _) in held.items() if final or slot < ended[op]]:
                    out.append((op, held.pop(symbol)[1]))
        return [r for r in (self._book_row(p) if op == "book" else (op, p) for op, p in out)
                if r is not None]

    def _book_row(self, p: Params) -> Row | None:
        """Encode a depth snapshot; skip one equal to the symbol's last, later slot."""
        symbol, slot, at, bids, offers = p
        last = self._last_book.get(symbol)
        if last is not None and slot > last[0] and last[1] == bids and last[2] == offers:
            return None
        self._last_book[symbol] = (slot, bids, offers)
        return ("book", (symbol, slot, at, levels_json(bids), levels_json(offers)))

    def _commit(self, rows: list[Row]) -> bool:
        if not rows:
            return True
        try:
            self._apply(rows, careful=False)
            return True
        except _ROW_ERRORS:
            pass  # one row's data is bad: apply one at a time, skipping it
        except sqlite3.Error as exc:
            return self._failed(exc)
        try:
            self._apply(rows, careful=True)
            return True
        except sqlite3.Error as exc:
            return self._failed(exc)

    def _failed(self, exc: sqlite3.Error) -> bool:
        self.error = f"Writing the pmdesk database failed ({exc}); retrying."
        log.warning("store: %s", exc)
        return False

    def _apply(self, rows: list[Row], *, careful: bool) -> None:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if careful:
                for row in rows:
                    conn.execute("SAVEPOINT one")
                    try:
                        _handler(row[0])(conn, [row[1]])
                    except _ROW_ERRORS as exc:
                        conn.execute("ROLLBACK TO one")
                        self.rejected += 1
                        log.error("store: skipped a %s row: %s", row[0], exc)
                    conn.execute("RELEASE one")
            else:
                # one executemany per kind, each kind's rows in queued order: no kind writes
                # another's tables, and the transaction commits them all at once
                by_op: dict[str, list[Params]] = {}
                for op, params in rows:
                    by_op.setdefault(op, []).append(params)
                for op, params_list in by_op.items():
                    _handler(op)(conn, params_list)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _handler(op: str) -> Callable[[sqlite3.Connection, list[Params]], None]:
    if op == "order":
        return _orders
    sql = SQL[op]

    def many(conn: sqlite3.Connection, params: list[Params]) -> None:
        conn.executemany(sql, params)
    return many
