"""`pmdesk replay`: recorded books played back into the ladder; nothing is sent."""

from __future__ import annotations

import argparse
import sys

from tui.cli.common import desk_config, run_desk


def cmd_replay(args: argparse.Namespace) -> int:
    from tui.store import Store, StoreError
    from tui.store.export import ExportError, find_database, parse_since

    config = desk_config()
    if config is None:
        return 2
    try:
        store = Store.open(find_database(args.profile, args.account))
        since = parse_since(args.since)
    except (ExportError, StoreError) as exc:
        print(f"pmdesk replay: {exc}", file=sys.stderr)
        return 2
    from tui.venues.replay import ReplayVenue

    venue = ReplayVenue(store, speed=args.speed, since=since, symbol=args.symbol)
    return run_desk(venue, f"replay x{args.speed:g}", config)
