"""`pmdesk replay`: recorded books played back into the ladder; nothing is sent."""

from __future__ import annotations

import argparse
import sys

from tui.cli.common import desk_config, run_desk


def cmd_replay(args: argparse.Namespace) -> int:
    from tui.store import Store, StoreError
    from tui.store.export import ExportError, find_database, parse_since

    config = desk_config(args)
    if config is None:
        return 2
    from tui.ui.replay_keys import replay_clash  # textual loads for the screen anyway

    clash = replay_clash(config)
    if clash:  # a desk key the trader moved onto a replay key: said before the screen opens
        print(f"pmdesk: {clash}", file=sys.stderr)
        return 2
    try:
        since = parse_since(args.since)
        store = Store.open(find_database(args.profile, args.account))
    except (ExportError, StoreError) as exc:
        print(f"pmdesk replay: {exc}", file=sys.stderr)
        return 2
    from tui.venues.replay import ReplayVenue

    venue = ReplayVenue(store, speed=args.speed, since=since, symbol=args.symbol)
    return run_desk(venue, "replay", config)  # the speed moves: the status bar says it
