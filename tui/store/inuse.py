"""Whether a pmdesk has a database open: every Store holds a shared lock on a file beside it
(``<db>.lock``) for as long as it is open; ``pmdesk db prune`` takes it exclusively, so it
never deletes or vacuums under a running desk, a replay or an export.

A desk also holds ``<db>.desk`` exclusively, with its pid in it: two desks on one account
would record the same streams twice, while a replay or an export only reads beside it.

SQLite's own locks cannot say this: in WAL mode an idle desk holds none a second program
would meet. flock() locks are the kernel's: they go when the process dies, so a crashed desk
never leaves the file locked. Without fcntl (Windows) nothing is held and nothing refused.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SHARED_WAIT = 0.5  # seconds a desk retries: another desk closing holds it exclusively a moment


def lock_path(db: Path) -> Path:
    return Path(f"{db}.lock")


class Hold:
    """One lock on a database's lock file; ``release()`` when the database is closed."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self._fd = fd

    def release(self) -> None:
        """Let go; the last holder removes the file (no litter beside the database)."""
        fd, self._fd = self._fd, None
        if fd is None or fcntl is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nobody else holds it
            os.unlink(self.path)
        except OSError:
            pass  # another pmdesk still holds it (BlockingIOError), or it is gone already
        finally:
            os.close(fd)


def _take(path: Path, mode: int) -> int | None:
    """The lock file's descriptor, locked in ``mode``; None if another holder refuses it."""
    assert fcntl is not None
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except OSError:
            os.close(fd)
            raise
        # the last holder may have removed the file between our open and our lock: a lock
        # on a removed file guards nothing, so take the one now at the path
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def share(db: Path) -> Hold | None:
    """A desk's lock: shared with other desks; None while a prune holds the database."""
    path = lock_path(db)
    if fcntl is None:
        return Hold(path, None)
    deadline = time.monotonic() + SHARED_WAIT
    while True:
        try:
            fd = _take(path, fcntl.LOCK_SH)
        except OSError:  # a directory it cannot write: SQLite will say so in its own words
            return Hold(path, None)
        if fd is not None:
            return Hold(path, fd)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.02)


def exclusive(db: Path) -> Hold | None:
    """A prune's lock: None at once if any desk, replay or export has the database open."""
    path = lock_path(db)
    if fcntl is None:
        return Hold(path, None)
    fd = _take(path, fcntl.LOCK_EX)
    return None if fd is None else Hold(path, fd)


def desk_path(db: Path) -> Path:
    return Path(f"{db}.desk")


def desk(db: Path) -> Hold | None:
    """A desk's own lock, with our pid in the file; None at once while another desk has it."""
    path = desk_path(db)
    if fcntl is None:
        return Hold(path, None)
    try:
        fd = _take(path, fcntl.LOCK_EX)
    except OSError:  # a directory it cannot write: SQLite will say so in its own words
        return Hold(path, None)
    if fd is None:
        return None
    try:  # for the sentence the next desk reads; the lock, not the pid, is what refuses it
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    except OSError:
        pass
    return Hold(path, fd)


def desk_pid(db: Path) -> int | None:
    """The pid the desk holding ``db`` wrote, if it can be read."""
    try:
        return int(desk_path(db).read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        return None
