"""`pmdesk connect`: the desk on a gateway named by its addresses (e.g. a running
`pmdesk sim`), logged in before the screen opens."""

from __future__ import annotations

import argparse
import sys

from tui.cli.common import desk_config, logged_in, run_gateway


def cmd_connect(args: argparse.Namespace) -> int:
    config = desk_config(args)
    if config is None:
        return 2
    from tui.cli.auth import password_for
    from tui.core.venue import VenueError

    try:
        password = password_for(args, f"Password for {args.user}: ")
    except VenueError as exc:
        print(f"pmdesk connect: {exc}", file=sys.stderr)
        return 2
    tokens = logged_in(args.rest, args.user, password)
    if tokens is None:
        return 2
    return run_gateway(args.rest, args.grpc, args.user, password, args.rest,
                    silence_timeout=args.silence_timeout, config=config,
                    profile=profile_name(args.rest), tokens=tokens)


def profile_name(rest_url: str) -> str:
    """`pmdesk connect` has no profile: one database folder per gateway address."""
    host = rest_url.split("://", 1)[-1].rstrip("/")
    return "".join(c if c.isalnum() or c in "-." else "-" for c in host) or "gateway"
