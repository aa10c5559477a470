"""`pmdesk db size` and `pmdesk db prune --before DATE` (tui/store/prune.py does the work)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _rows(counts: dict[str, int], words: dict[str, str]) -> str:
    return ", ".join(f"{counts.get(t, 0):,} {w}" for t, w in words.items())


def cmd_db_size(args: argparse.Namespace) -> int:
    from tui.store import StoreError
    from tui.store.export import ExportError, find_database
    from tui.store.prune import KEPT_TABLES, MARKET_WORDS, contents, size_words

    try:
        path = find_database(args.profile, args.account)
        held = contents(path)
    except (ExportError, StoreError) as exc:
        print(f"pmdesk db size: {exc}", file=sys.stderr)
        return 2
    print(f"{path}: {size_words(held.size)}")
    span = (f", {_when(held.first)} to {_when(held.last)}"
            if held.first is not None and held.last is not None else "")
    print(f"  market data (prunable): {_rows(held.rows, MARKET_WORDS)}{span}")
    print(f"  kept always: {_rows(held.rows, KEPT_TABLES)}")
    return 0


def cmd_db_prune(args: argparse.Namespace) -> int:
    from tui.store import StoreError
    from tui.store.export import ExportError, find_database, parse_since
    from tui.store.prune import MARKET_WORDS, prune, size_words

    try:
        before = parse_since(args.before, "--before")
        if before is None:  # an empty --before: never "everything"
            raise ExportError("--before needs a date: today, yesterday, YYYY-MM-DD or an "
                              "ISO time.")
        path = find_database(args.profile, args.account)
        done = prune(path, before)  # not only_if_old: always a Pruned
    except (ExportError, StoreError) as exc:
        print(f"pmdesk db prune: {exc}", file=sys.stderr)
        return 2
    print(f"{path}: removed {done.total:,} rows of market data recorded before "
          f"{_when(before)} ({_rows(done.removed, MARKET_WORDS)}); orders, fills, "
          "positions, balances and the journal are untouched.")
    size = f"{size_words(done.size_before)} before, {size_words(done.size_after)} after"
    print(f"  size: {size}" + ("" if done.vacuumed else f" ({done.why_not})"))
    return 0
