"""The desk's log file: set up before a command runs, so it stays light (no config, no
venue): `pmdesk demo` starts its exchange right after it."""

from __future__ import annotations

import logging
from pathlib import Path

from platformdirs import user_log_dir


def log_to_file() -> None:
    # the screen belongs to the app; diagnostics go to a file, never secrets
    log_dir = Path(user_log_dir("pmdesk", appauthor=False))
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        logging.basicConfig(filename=log_dir / "pmdesk.log", level=logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    except OSError:
        logging.basicConfig(level=logging.CRITICAL)
