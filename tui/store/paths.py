"""Where each profile's and account's database lives, and the error a trader reads."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from platformdirs import user_data_dir

DATA_DIR_ENV = "PMDESK_DATA_DIR"  # overrides the platformdirs base (tests and jump hosts use it)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class StoreError(Exception):
    """The database cannot be used; ``str()`` is one sentence naming the file and what to do."""

    def __init__(self, message: str, *, path: Path, detail: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.detail = detail  # SQLite's own words, for a log or a bug report


def data_dir() -> Path:
    """``$PMDESK_DATA_DIR``, else pmdesk's directory in the user's data directory."""
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir("pmdesk", appauthor=False))


def safe_name(name: str) -> str:
    """A file name made from ``name``: unsafe characters become ``_`` and a short hash of the
    original is added, so "a/b" and "a_b" never share a database."""
    cleaned = _UNSAFE.sub("_", name).lstrip(".")[:80]  # no hidden files, no ".."
    if cleaned == name and name:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned or 'default'}-{digest}"


def profile_dir(profile: str) -> Path:
    """``<base>/<profile>``: where a profile's accounts keep their databases."""
    return data_dir() / safe_name(profile)


def db_path(profile: str, account: str) -> Path:
    """``<base>/<profile>/<account>.sqlite3``: one database per profile and account."""
    return profile_dir(profile) / f"{safe_name(account)}.sqlite3"


def make_dirs(directory: Path) -> None:
    """Create ``directory`` and any missing parents as 0700 (orders and fills are private);
    directories that already exist keep their mode."""
    missing: list[Path] = []
    here = directory
    while not here.exists():
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    for part in reversed(missing):
        try:
            part.mkdir(mode=0o700)
            part.chmod(0o700)  # mkdir's mode is masked by the umask
        except FileExistsError:
            pass  # another pmdesk made it first
        except OSError as exc:
            raise StoreError(
                f"Cannot create the pmdesk data directory {part} "
                f"({exc.strerror or type(exc).__name__}); set {DATA_DIR_ENV} to a writable "
                "directory.", path=part) from None
