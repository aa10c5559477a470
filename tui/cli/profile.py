"""`pmdesk --profile NAME`: the desk on a connection profile's venue."""

from __future__ import annotations

import argparse
import sys

from tui.cli.common import desk_config, load_profile, logged_in, run_gateway


def cmd_profile(args: argparse.Namespace) -> int:
    """`pmdesk --profile NAME`: the desk on that profile's venue."""
    profile = load_profile(args.profile)
    config = desk_config(args)
    if profile is None or config is None:
        return 2
    if profile.venue == "retail":
        from tui.cli.retail import profile_retail

        return profile_retail(profile, config)
    if profile.venue == "clob":
        from tui.cli.clob import profile_clob

        return profile_clob(profile, config)
    from tui.cli.credentials import gateway_credentials
    from tui.core.venue import VenueError

    try:
        password, auth0 = gateway_credentials(profile)
    except VenueError as exc:
        print(f"pmdesk: profile {profile.name}: {exc}", file=sys.stderr)
        return 2
    from tui.venues.gateway.connection import Connection

    # the profile's CA file and PrivateLink names, for the login, REST and gRPC alike
    connection = Connection.from_profile(profile)
    tokens = (logged_in(profile.rest, profile.user, password, connection)
              if auth0 is None else None)
    if auth0 is None and tokens is None:
        return 2
    return run_gateway(profile.rest, profile.grpc, profile.user, password, profile.name,
                    silence_timeout=180.0, config=config, profile=profile.name, auth0=auth0,
                    tokens=tokens, connection=connection, tier=profile.tier)
