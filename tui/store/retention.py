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
import time
from pathlib import Path

from tui.store.paths import StoreError
from tui.store.prune import InUseError, Pruned, prune

log = logging.getLogger(__name__)

DAY = 86_400.0
VACUUM_SHARE = 0.5  # compact at open only when at least this share of the file is free


def cut(days: int, now: float | None = None) -> float:
    """The time before which market data goes, ``days`` days before ``now``."""
    return (time.time() if now is None else now) - days * DAY


def prune_old(path: Path, days: int, now: float | None = None) -> Pruned | None:
    """Delete market data older than ``days`` days if no other pmdesk has the file open;
    None when nothing was done (off, a new file, in use, nothing old, or an error logged:
    keeping data a while longer never stops a desk from opening). Store.open has just
    inspected the file."""
    if days <= 0 or not path.exists():
        return None
    try:
        done = prune(path, cut(days, now), min_free=VACUUM_SHARE, only_if_old=True,
                     inspected=True)
    except InUseError:
        log.info("store: %s is open in another pmdesk; market data older than %d days is "
                 "kept until a later open", path, days)
        return None
    except StoreError as exc:
        log.warning("store: keeping %s's old market data: %s (%s)", path, exc, exc.detail)
        return None
    if done is not None:
        log.info("store: %s: removed %d rows of market data older than %d days (%d -> %d "
                 "bytes%s)", path, done.total, days, done.size_before, done.size_after,
                 "" if done.vacuumed else f"; {done.why_not}")
    return done
