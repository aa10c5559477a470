"""The database's tables, and the migrations that bring an older file up to date.

``PRAGMA user_version`` holds the schema version; ``PRAGMA application_id`` marks the file as
pmdesk's, so another program's SQLite file is refused rather than filled with our tables.

Prices and quantities are raw integers (never REAL); money that arrives as Decimal is TEXT.
Times are REAL seconds since the epoch: they are times, not money.

To add version 5: append ``(5, (...statements...))`` to MIGRATIONS and set SCHEMA_VERSION = 5.
Each step runs in the same transaction as the version bump, so a crash mid-way leaves the
file at the old version, e.g.::

    (5, ("ALTER TABLE executions ADD COLUMN venue TEXT",
         "CREATE INDEX executions_symbol ON executions(symbol, at)")),

Never edit a step that has shipped: files in the field already ran it.
"""

from __future__ import annotations

import sqlite3

APPLICATION_ID = 0x706D646B  # "pmdk"
SCHEMA_VERSION = 5

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

# positions held per outcome (YES and NO each with its quantity and cost) instead of one net
# YES figure: a short of q YES at y becomes q NO that cost q × price_scale + cost, exactly, at
# the market's price scale. A held position in a market the file never listed cannot be
# converted and is dropped; the venue reports every position again when the desk connects.
# The rows wait in a TEMP table, so the new table takes the old one's pages (no free pages
# left in the file) and no ALTER TABLE DROP COLUMN is needed (SQLite 3.35+).
V2: tuple[str, ...] = (
    """CREATE TEMP TABLE positions_v1 AS SELECT p.symbol AS symbol,
        max(p.net, 0) AS yes_qty, CASE WHEN p.net > 0 THEN p.cost ELSE 0 END AS yes_cost,
        max(-p.net, 0) AS no_qty,
        CASE WHEN p.net < 0 THEN -p.net * i.price_scale + p.cost ELSE 0 END AS no_cost,
        p.qty_bought AS qty_bought, p.qty_sold AS qty_sold, p.realized AS realized, p.at AS at
        FROM positions p LEFT JOIN instruments i ON i.symbol = p.symbol
        WHERE p.net >= 0 OR i.price_scale IS NOT NULL""",
    "DROP TABLE positions",
    """CREATE TABLE positions (symbol TEXT PRIMARY KEY, yes_qty INTEGER NOT NULL,
        yes_cost INTEGER NOT NULL, no_qty INTEGER NOT NULL, no_cost INTEGER NOT NULL,
        qty_bought INTEGER NOT NULL, qty_sold INTEGER NOT NULL, realized INTEGER NOT NULL,
        at REAL NOT NULL)""",
    """INSERT INTO positions (symbol, yes_qty, yes_cost, no_qty, no_cost, qty_bought,
        qty_sold, realized, at) SELECT symbol, yes_qty, yes_cost, no_qty, no_cost,
        qty_bought, qty_sold, realized, at FROM temp.positions_v1""",
    "DROP TABLE temp.positions_v1",
)

# the journal becomes the account's audit journal (tui/core/audit.py): keys, questions and
# answers, refusals and what the desk said beside the commands, each with its account and
# the words a trader reads. Rows before it were all sent to the venue, their kind the path.
V3: tuple[str, ...] = (
    "ALTER TABLE journal ADD COLUMN account TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE journal ADD COLUMN summary TEXT NOT NULL DEFAULT ''",
    """UPDATE journal SET summary = 'Sent ' || kind || ' (recorded before the audit journal)',
        kind = CASE WHEN kind LIKE '/v1/report/%' OR kind LIKE '%/orders/open'
        THEN 'lookup' ELSE 'command' END""",
    "CREATE INDEX journal_at ON journal(at)",
)

# the fee a venue charged for each execution, in dollars (the global CLOB's taker fee,
# global-clob.md §6.7); executions recorded before it paid none the desk knew of
V4: tuple[str, ...] = (
    "ALTER TABLE executions ADD COLUMN fee TEXT NOT NULL DEFAULT '0'",
)

# what the database is a record of, as key and value: ("mode", "paper") in a paper desk's
# database (tui/venues/paper), whose orders and fills never reached a venue; none: live
V5: tuple[str, ...] = (
    "CREATE TABLE desk (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)

# (version reached, statements), oldest first
MIGRATIONS: list[tuple[int, tuple[str, ...]]] = [
    (1, V1),
    (2, V2),
    (3, V3),
    (4, V4),
    (5, V5),
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
