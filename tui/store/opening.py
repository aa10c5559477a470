"""Opening a database file safely: look at it read-only first, write only once it is ours.

A file that is damaged, is not a database, belongs to another program or was made by a newer
pmdesk is refused with one sentence and left byte for byte as it was: the trader's history is
in it, and only the trader decides to move it aside.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import time
from pathlib import Path

from tui.store import schema
from tui.store.paths import DATA_DIR_ENV, StoreError

log = logging.getLogger(__name__)

HEADER = b"SQLite format 3\x00"
CHECK_SECONDS = 1.0  # quick_check's budget at start-up: a big history is checked in part
BUSY_MS = 5000
# the writer's page cache (KiB): it only appends, so a small cache costs nothing, while
# SQLite's default (2 MB) grows the desk's memory for a quarter of an hour as it fills
WRITER_CACHE_KIB = 256


def inspect(path: Path) -> None:
    """Raise StoreError if ``path`` exists and pmdesk must not write to it; never writes."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise unreadable(path, exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"The pmdesk database {path} is a directory; move it aside so "
                         "pmdesk can create its database there.", path=path)
    if info.st_size == 0:
        return  # SQLite treats an empty file as a new database
    try:
        with path.open("rb") as f:
            head = f.read(len(HEADER))
    except OSError as exc:
        raise unreadable(path, exc) from None
    if head != HEADER:
        raise StoreError(f"The pmdesk database {path} is not an SQLite database (or its "
                         "start is damaged); move it aside and pmdesk will start a new one.",
                         path=path)
    # a read-only connection makes -wal/-shm files when there are none; tidy them if refused
    extras = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    made = [p for p in extras if not p.exists()]
    try:
        _check(path)
    except StoreError:
        for p in made:
            try:
                p.unlink()
            except OSError:
                pass
        raise


def _check(path: Path) -> None:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_MS / 1000)
    except sqlite3.Error as exc:
        raise from_sqlite(path, exc) from None
    try:
        version = schema.version_of(conn)
        app = int(conn.execute("PRAGMA application_id").fetchone()[0])
        if version > schema.SCHEMA_VERSION:
            raise newer(path, version)
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app != schema.APPLICATION_ID and (app != 0 or tables):
            raise StoreError(f"{path} is an SQLite database of another program, not "
                             f"pmdesk's; move it aside, or set {DATA_DIR_ENV} to another "
                             "directory.", path=path)
        problem = _quick_check(conn)
        if problem is not None:
            raise damaged(path, problem)
    except sqlite3.Error as exc:
        raise from_sqlite(path, exc) from None
    finally:
        conn.close()


def _quick_check(conn: sqlite3.Connection) -> str | None:
    """The first problem quick_check finds, or None. It reads every page, so it stops at its
    budget: the pages it did not reach are checked as they are used."""
    deadline = time.monotonic() + CHECK_SECONDS
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        found = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_INTERRUPT":
            raise
        log.info("store: quick_check stopped at its %.1f s budget", CHECK_SECONDS)
        return None
    finally:
        conn.set_progress_handler(None, 0)
    if found == "ok":
        return None
    lines = [ln for ln in str(found).splitlines() if not ln.startswith("*** in database")]
    return " ".join(lines)[:160] or "quick_check failed"  # one line for the sentence


def connect(path: Path) -> sqlite3.Connection:
    """The writer's connection, the file created 0600 and migrated; call after inspect()."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise unreadable(path, exc, verb="created") from None
    try:
        os.chmod(path, 0o600)  # orders and fills are nobody else's business
    except OSError:
        pass  # not our file to change; SQLite will say if it cannot write
    try:
        conn = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        raise from_sqlite(path, exc) from None
    try:
        found = schema.migrate(conn)
        if found > schema.SCHEMA_VERSION:  # a newer pmdesk migrated it since inspect()
            raise newer(path, found)
        conn.execute("PRAGMA journal_mode = WAL")  # readers never wait for the writer
        # WAL + NORMAL: a commit survives a crash of the app; only power loss can drop the
        # last few, and the streams' resume tokens were in those same transactions
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        if found and found < schema.SCHEMA_VERSION:
            log.info("store: %s migrated from schema %d to %d", path, found,
                     schema.SCHEMA_VERSION)
    except sqlite3.Error as exc:
        conn.close()
        raise from_sqlite(path, exc) from None
    except BaseException:
        conn.close()
        raise
    return conn


def reader(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA query_only = 1")
    return conn


def newer(path: Path, version: int) -> StoreError:
    return StoreError(f"The pmdesk database {path} was made by a newer pmdesk (schema "
                      f"{version}; this one knows {schema.SCHEMA_VERSION}); upgrade pmdesk, "
                      "or move the file aside.", path=path)


def damaged(path: Path, why: str) -> StoreError:
    log.warning("store: %s is damaged: %s", path, why)
    return StoreError(f"The pmdesk database {path} is damaged; move it aside and pmdesk will "
                      "start a new one (sqlite3's .recover may save its history).",
                      path=path, detail=why)


def unreadable(path: Path, exc: OSError, verb: str = "read") -> StoreError:
    reason = exc.strerror or type(exc).__name__
    return StoreError(f"The pmdesk database {path} could not be {verb} ({reason}); check the "
                      "permissions of the file and its directory.", path=path)


def from_sqlite(path: Path, exc: sqlite3.Error) -> StoreError:
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return damaged(path, str(exc))
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(f"The pmdesk database {path} is locked by another program; close "
                          "it and start pmdesk again.", path=path, detail=str(exc))
    if name.startswith("SQLITE_READONLY"):
        return StoreError(f"The pmdesk database {path} is read-only; check the permissions "
                          "of the file and its directory.", path=path, detail=str(exc))
    if name.startswith("SQLITE_FULL"):
        return StoreError(f"The disk holding the pmdesk database {path} is full; free some "
                          "space and start pmdesk again.", path=path, detail=str(exc))
    return StoreError(f"The pmdesk database {path} could not be opened ({exc}); check the "
                      "file and its directory.", path=path, detail=str(exc))
