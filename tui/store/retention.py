"""The config's ``[store] keep_market_data_days``: a desk opening its database first takes out
the market data older than that, as ``pmdesk db prune --before`` would (prune.py).

Only when nothing else has the file open at that moment (inuse.py): a replay or an export
reading beside it is never pulled from under, and the desk just opens as it is; the next
open tries again. It must cost nothing when nothing is old, which is most opens: the oldest
row of each market table is found through its index, and nothing is deleted or compacted
unless it is before the cut. The space a daily prune frees is reused as new data is
recorded, so the file is compacted (VACUUM rewrites all of it, seconds for a big history)
only when most of it is free, as after the setting is first turned on.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from tui.store import inuse, opening
from tui.store.paths import StoreError
from tui.store.prune import Pruned, delete_before, file_size, vacuum

log = logging.getLogger(__name__)

DAY = 86_400.0
VACUUM_SHARE = 0.5  # compact at open only when at least this share of the file is free


def cut(days: int, now: float | None = None) -> float:
    """The time before which market data goes, ``days`` days before ``now``."""
    return (time.time() if now is None else now) - days * DAY


def prune_old(path: Path, days: int, now: float | None = None) -> Pruned | None:
    """Delete market data older than ``days`` days if no other pmdesk has the file open;
    None when nothing was done (off, a new file, in use, nothing old, or an error logged:
    keeping data a while longer never stops a desk from opening)."""
    if days <= 0 or not path.exists():
        return None
    hold = inuse.exclusive(path)
    if hold is None:
        log.info("store: %s is open in another pmdesk; market data older than %d days is "
                 "kept until a later open", path, days)
        return None
    try:
        return _prune(path, cut(days, now), days)
    except StoreError as exc:
        log.warning("store: keeping %s's old market data: %s (%s)", path, exc, exc.detail)
        return None
    finally:
        hold.release()


def _prune(path: Path, before: float, days: int) -> Pruned | None:
    size_before = file_size(path)
    conn = opening.connect(path)
    try:
        if oldest(conn) >= before:
            return None
        removed = delete_before(conn, before)
        vacuumed, why_not = False, "most of the file is in use; freed space is reused"
        if _free_share(conn) >= VACUUM_SHARE:
            vacuumed, why_not = vacuum(conn, path, size_before)
    except sqlite3.Error as exc:
        raise opening.from_sqlite(path, exc) from None
    finally:
        conn.close()
    done = Pruned(before, removed, size_before, file_size(path), vacuumed, why_not)
    log.info("store: %s: removed %d rows of market data older than %d days (%d -> %d "
             "bytes%s)", path, done.total, days, size_before, done.size_after,
             "" if vacuumed else f"; {why_not}")
    return done


def oldest(conn: sqlite3.Connection) -> float:
    """When the oldest market data was recorded (infinity: none), by index seeks only:
    a scan of a big history at every open is what this must not cost."""
    found = [conn.execute("SELECT min(at) FROM books").fetchone()[0]]  # books_at(at, symbol)
    # trades_at(symbol, at) and top_of_book's key (symbol, sec): the first row of each
    # symbol, stepping from symbol to symbol through the index
    for table, order in (("trades", "at"), ("top_of_book", "sec")):
        row = conn.execute(f"SELECT symbol, at FROM {table} ORDER BY symbol, {order} "
                           "LIMIT 1").fetchone()
        while row is not None:
            found.append(row[1])
            row = conn.execute(f"SELECT symbol, at FROM {table} WHERE symbol > ? "
                               f"ORDER BY symbol, {order} LIMIT 1", (row[0],)).fetchone()
    times = [t for t in found if t is not None]
    return min(times) if times else float("inf")


def _free_share(conn: sqlite3.Connection) -> float:
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    return free / pages if pages else 0.0

