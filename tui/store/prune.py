"""`pmdesk db size` and `pmdesk db prune`: how big a database is, and taking its old market
data out of it.

Market data (depth, top of book, the tape) is what grows: four depth rows a second a market.
It can be recorded again; what was traded cannot, so a prune deletes rows of MARKET_TABLES
only, never orders, their states, executions, positions, balances, the audit journal or the
streams' history. It runs only while no pmdesk has the file open (inuse.py), then VACUUMs
when the disk has room for the copy VACUUM writes. A desk opening its database prunes through
the same function (retention.py), more lazily: see prune()'s keywords.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tui.store import inuse, opening
from tui.store.paths import StoreError


@dataclass(frozen=True, slots=True)
class MarketTable:
    words: str  # what a trader reads
    # each has an `at` column (seconds since the epoch); its oldest and newest rows are found
    # through an index (oldest()): None, the index leads with `at`; else it is keyed
    # (symbol, symbol_then), and each symbol's first and last rows are seeks
    symbol_then: str | None


# a new market table is one line here, with the index its `at` is found by (schema.py)
MARKET_TABLES = {"books": MarketTable("depth snapshots", None),  # books_at(at, symbol)
                 "top_of_book": MarketTable("top-of-book rows", "sec"),  # key (symbol, sec)
                 "trades": MarketTable("tape trades", "at")}  # trades_at(symbol, at)
MARKET_WORDS = {t: m.words for t, m in MARKET_TABLES.items()}
KEPT_TABLES = {"orders": "orders", "order_events": "order states", "executions": "fills",
               "positions": "positions", "balances": "balances", "journal": "journal entries"}
VACUUM_ROOM = 2.0  # free disk needed, in multiples of the file: VACUUM's copy and its WAL


def file_size(path: Path) -> int:
    """The database's bytes on disk, with its write-ahead log (a crashed desk leaves one)."""
    total = 0
    for part in (path, Path(f"{path}-wal")):
        try:
            total += part.stat().st_size
        except FileNotFoundError:
            pass
    return total


def size_words(size: int) -> str:
    """'812 bytes', '48.0 KB', '12.3 MB', '1.20 GB' (powers of 1000, as disks are sold)."""
    if size < 1000:
        return f"{size} bytes"
    for unit, scale in (("KB", 1e3), ("MB", 1e6)):
        if size < scale * 1000:
            return f"{size / scale:.1f} {unit}"
    return f"{size / 1e9:.2f} GB"


@dataclass(frozen=True, slots=True)
class Contents:
    size: int
    rows: dict[str, int]  # table -> rows, market and kept tables alike
    first: float | None  # the oldest and newest market data
    last: float | None


@dataclass(frozen=True, slots=True)
class Pruned:
    before: float
    removed: dict[str, int]  # market table -> rows deleted
    size_before: int
    size_after: int
    vacuumed: bool
    why_not: str = ""  # why it was not vacuumed

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def contents(path: Path) -> Contents:
    """Rows per table and the market data's span, only read (a desk may be running)."""
    opening.inspect(path)
    try:  # as a desk's reader: the last to close tidies the WAL, as a desk does
        conn = opening.reader(path)
    except sqlite3.Error as exc:
        raise opening.from_sqlite(path, exc) from None
    try:
        rows = {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in (*MARKET_TABLES, *KEPT_TABLES)}
        first = min(_ends(conn, newest=False), default=None)
        last = max(_ends(conn, newest=True), default=None)
    except sqlite3.Error as exc:
        raise opening.from_sqlite(path, exc) from None
    finally:
        conn.close()
    return Contents(file_size(path), rows, first, last)


class InUseError(StoreError):
    """Another pmdesk has the database open: a prune never waits for it. The command says
    so; a desk opening its database keeps the old data until a later open (retention.py)."""


def prune(path: Path, before: float, *, min_free: float = 0.0, only_if_old: bool = False,
          inspected: bool = False) -> Pruned | None:
    """Delete market data recorded before ``before`` and compact the file; InUseError if a
    pmdesk has it open, StoreError if it is not a database pmdesk can write.

    ``pmdesk db prune`` uses none of the keywords; a desk opening its database all three:
    ``inspected``, the caller has just run opening.inspect (its quick_check reads the file);
    ``only_if_old``, nothing at all is done (None) unless the oldest market data, found by
    index seeks, is before ``before``; ``min_free``, the file is compacted only when at
    least that share of its pages is free after the delete (the rest is reused anyway)."""
    if not inspected:
        opening.inspect(path)
    hold = inuse.exclusive(path)
    if hold is None:
        raise InUseError(f"The pmdesk database {path} is open in a running pmdesk (a desk, a "
                         "replay or an export); quit it and prune again.", path=path)
    try:
        size_before = file_size(path)
        conn = opening.connect(path)
        try:
            if only_if_old and oldest(conn) >= before:
                return None
            removed = delete_before(conn, before)
            vacuumed, why_not = False, "most of the file is in use; freed space is reused"
            if free_share(conn) >= min_free:
                vacuumed, why_not = vacuum(conn, path, size_before)
        except sqlite3.Error as exc:
            raise opening.from_sqlite(path, exc) from None
        finally:
            conn.close()  # the last connection: checkpoints and removes the -wal
        return Pruned(before, removed, size_before, file_size(path), vacuumed, why_not)
    finally:
        hold.release()


def delete_before(conn: sqlite3.Connection, before: float) -> dict[str, int]:
    removed: dict[str, int] = {}
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table in MARKET_TABLES:  # names from the dict above, never from the trader
            removed[table] = conn.execute(f"DELETE FROM {table} WHERE at < ?",
                                          (before,)).rowcount
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return removed


def oldest(conn: sqlite3.Connection) -> float:
    """When the oldest market data was recorded (infinity: none), by index seeks only:
    a scan of a big history at every desk's open is what this must not cost."""
    return min(_ends(conn, newest=False), default=float("inf"))


def _ends(conn: sqlite3.Connection, *, newest: bool) -> list[float]:
    """Each market table's oldest (or newest) times through its index (MarketTable): one
    seek for an index that leads with `at`; else each symbol's first (or last) row,
    stepping from symbol to symbol, as many seeks as symbols."""
    way, past = ("DESC", "<") if newest else ("ASC", ">")
    found = []
    for table, kind in MARKET_TABLES.items():  # names from the dict above, never the trader
        if kind.symbol_then is None:
            found.append(conn.execute(f"SELECT {'max' if newest else 'min'}(at) "
                                      f"FROM {table}").fetchone()[0])
            continue
        order = f"ORDER BY symbol {way}, {kind.symbol_then} {way} LIMIT 1"
        row = conn.execute(f"SELECT symbol, at FROM {table} {order}").fetchone()
        while row is not None:
            found.append(row[1])
            row = conn.execute(f"SELECT symbol, at FROM {table} WHERE symbol {past} ? "
                               f"{order}", (row[0],)).fetchone()
    return [t for t in found if t is not None]


def free_share(conn: sqlite3.Connection) -> float:
    """The share of the file's pages that are free (a delete frees pages, VACUUM returns
    them to the disk)."""
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    return free / pages if pages else 0.0


def vacuum(conn: sqlite3.Connection, path: Path, size: int) -> tuple[bool, str]:
    """VACUUM writes the whole database again beside it: only with room on the disk."""
    free = shutil.disk_usage(path.parent).free
    if free < VACUUM_ROOM * size:
        return False, (f"not compacted: {size_words(free)} free on its disk, VACUUM needs "
                       f"about {size_words(int(VACUUM_ROOM * size))}; the space freed is "
                       "reused as new data is recorded")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return True, ""
