"""The database's tables, and the migrations that bring an older file up to date.

``PRAGMA user_version`` holds the schema version; ``PRAGMA application_id`` marks the file as
pmdesk's, so another program's SQLite file is refused rather than filled with our tables.

Prices and quantities are raw integers (never REAL); money that arrives as Decimal is TEXT.
Times are REAL seconds since the epoch: they are times, not money.

To add version 2: append ``(2, (...statements...))`` to MIGRATIONS and set SCHEMA_VERSION = 2.
Each step runs in the same transaction as the version bump, so a crash mid-way leaves the
file at the old version, e.g.::

    (2, ("ALTER TABLE executions ADD COLUMN fee TEXT",
         "CREATE INDEX executions_symbol ON executions(symbol, at)")),

Never edit a step that has shipped: files in the field already ran it.
"""

from __future__ import annotations

import sqlite3

APPLICATION_ID = 0x706D646B  # "pmdk"
SCHEMA_VERSION = 1

_ORDER_COLUMNS = """order_id TEXT NOT NULL, clord_id TEXT NOT NULL, symbol TEXT NOT NULL,
    side INTEGER NOT NULL, price INTEGER NOT NULL, order_qty INTEGER NOT NULL,
    leaves_qty INTEGER NOT NULL, cum_qty INTEGER NOT NULL, avg_px INTEGER NOT NULL,
    state INTEGER NOT NULL, intent TEXT, reject_text TEXT NOT NULL, inserted_ns INTEGER"""

V1: tuple[str, ...] = (
    """CREATE TABLE instruments (symbol TEXT PRIMARY KEY, description TEXT NOT NULL,
        price_scale INTEGER NOT NULL, tick INTEGER NOT NULL, qty_scale INTEGER NOT NULL,
        min_qty INTEGER NOT NULL, state INTEGER NOT NULL, category TEXT NOT NULL,
        at REAL NOT NULL)""",
    # latest state of each order: keyed by order_id, or "c:" + clord_id while pending
    f"""CREATE TABLE orders (key TEXT PRIMARY KEY, {_ORDER_COLUMNS},
        first_at REAL NOT NULL, at REAL NOT NULL)""",
    "CREATE INDEX orders_at ON orders(at)",
    # every state change, in the order the desk saw them
    f"CREATE TABLE order_events (id INTEGER PRIMARY KEY, {_ORDER_COLUMNS}, at REAL NOT NULL)",
    "CREATE INDEX order_events_order ON order_events(order_id, clord_id)",
    """CREATE TABLE executions (id INTEGER PRIMARY KEY, exec_id TEXT NOT NULL UNIQUE,
        order_id TEXT NOT NULL, clord_id TEXT NOT NULL, symbol TEXT NOT NULL,
        side INTEGER NOT NULL, price INTEGER NOT NULL, qty INTEGER NOT NULL, intent TEXT,
        kind TEXT NOT NULL, at REAL NOT NULL)""",
    "CREATE INDEX executions_at ON executions(at)",
    """CREATE TABLE positions (symbol TEXT PRIMARY KEY, net INTEGER NOT NULL,
        qty_bought INTEGER NOT NULL, qty_sold INTEGER NOT NULL, cost INTEGER NOT NULL,
        realized INTEGER NOT NULL, at REAL NOT NULL)""",
    """CREATE TABLE balances (currency TEXT PRIMARY KEY, balance TEXT NOT NULL,
        buying_power TEXT NOT NULL, at REAL NOT NULL)""",
    """CREATE TABLE trades (id INTEGER PRIMARY KEY, symbol TEXT NOT NULL, px INTEGER NOT NULL,
        qty INTEGER NOT NULL, aggressor INTEGER, merged INTEGER NOT NULL,
        exact INTEGER NOT NULL, at REAL NOT NULL)""",
    "CREATE INDEX trades_at ON trades(symbol, at)",
    # downsampled: one row per symbol per second (sec = floor(at))
    """CREATE TABLE top_of_book (symbol TEXT NOT NULL, sec INTEGER NOT NULL, bid INTEGER,
        offer INTEGER, last INTEGER, volume INTEGER, at REAL NOT NULL,
        PRIMARY KEY (symbol, sec)) WITHOUT ROWID""",
    # full depth for replay, at most BOOK_RATE rows per symbol per second; levels as JSON
    """CREATE TABLE books (symbol TEXT NOT NULL, slot INTEGER NOT NULL, at REAL NOT NULL,
        bids TEXT NOT NULL, offers TEXT NOT NULL, PRIMARY KEY (symbol, slot)) WITHOUT ROWID""",
    "CREATE INDEX books_at ON books(at, symbol)",
    # every command sent and its response, secrets redacted before they were queued
    """CREATE TABLE journal (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, request TEXT NOT NULL,
        response TEXT NOT NULL, at REAL NOT NULL)""",
    """CREATE TABLE stream_events (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
        state TEXT NOT NULL, detail TEXT NOT NULL, at REAL NOT NULL)""",
    """CREATE TABLE resume_tokens (stream TEXT PRIMARY KEY, token BLOB NOT NULL,
        at REAL NOT NULL)""",
)

# (version reached, statements), oldest first
MIGRATIONS: list[tuple[int, tuple[str, ...]]] = [
    (1, V1),
]


def version_of(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int | None = None) -> int:
    """Bring the file to ``target`` (default SCHEMA_VERSION) in one IMMEDIATE transaction;
    returns the version found before; a file newer than ``target`` is left as it is."""
    target = SCHEMA_VERSION if target is None else target
    conn.execute("BEGIN IMMEDIATE")  # holds the write lock: two pmdesks never both migrate
    try:
        found = version_of(conn)  # read again under the lock
        if found > target:  # a newer pmdesk got here first: touch nothing
            conn.execute("ROLLBACK")
            return found
        if found < target:
            if found == 0:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            for version, statements in MIGRATIONS:
                if found < version <= target:
                    for statement in statements:
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found
