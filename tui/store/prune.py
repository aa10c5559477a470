"""`pmdesk db size` and `pmdesk db prune`: how big a database is, and taking its old market
data out of it.

Market data (depth, top of book, the tape) is what grows: four depth rows a second a market.
It can be recorded again; what was traded cannot, so a prune deletes rows of MARKET_TABLES
only, never orders, their states, executions, positions, balances, the audit journal or the
streams' history. It runs only while no pmdesk has the file open (inuse.py), then VACUUMs
when the disk has room for the copy VACUUM writes.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tui.store import inuse, opening
from tui.store.paths import StoreError

# table -> the words a trader reads; each has an `at` column (seconds since the epoch);
# retention.oldest() finds each one's oldest row by its index: teach it a new table
MARKET_TABLES = {"books": "depth snapshots", "top_of_book": "top-of-book rows",
                 "trades": "tape trades"}
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
        spans = [conn.execute(f"SELECT min(at), max(at) FROM {t}").fetchone()
                 for t in MARKET_TABLES]
    except sqlite3.Error as exc:
        raise opening.from_sqlite(path, exc) from None
    finally:
        conn.close()
    firsts = [s[0] for s in spans if s[0] is not None]
    lasts = [s[1] for s in spans if s[1] is not None]
    return Contents(file_size(path), rows, min(firsts) if firsts else None,
                    max(lasts) if lasts else None)


def prune(path: Path, before: float) -> Pruned:
    """Delete market data recorded before ``before`` and compact the file; StoreError if a
    pmdesk has it open, or it is not a database pmdesk can write."""
    opening.inspect(path)
    hold = inuse.exclusive(path)
    if hold is None:
        raise StoreError(f"The pmdesk database {path} is open in a running pmdesk (a desk, a "
                         "replay or an export); quit it and prune again.", path=path)
    try:
        size_before = file_size(path)
        conn = opening.connect(path)
        try:
            removed = delete_before(conn, before)
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
