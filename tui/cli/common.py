"""What every desk-opening command shares: the config, profiles, and the
desk itself (run_desk), so each sub-command's module holds only its own steps."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.config import ConfigError, DeskConfig, load_config
from tui.core.profiles import Profile

if TYPE_CHECKING:
    from tui.core.venue import Venue
    from tui.store import Store
    from tui.venues.gateway.auth0 import Auth0Client
    from tui.venues.gateway.connection import Connection
    from tui.venues.gateway.rest import Tokens
    from tui.venues.gateway.venue import Where

CONFIRM_KEYS = {"enter", "y"}  # they answer "send" in a confirmation: never a trading key


def redact_logs(secrets: list[str | bytes]) -> None:
    """Every log line passes a filter that masks these secrets (tui/venues/keys.py; imported
    here, not at start: it brings the key libraries)."""
    from tui.venues.keys import redact_logs as redact

    redact(secrets)


def desk_config(args: argparse.Namespace | None = None) -> DeskConfig | None:
    """The trader's config (with --private, masked from the start), or None after saying
    in one sentence why it cannot be used.

    A broken config stops the desk: trading without the trader's own limits is worse.
    """
    try:
        config = load_config()
        check_keymap(config)
        # a flag turns masking or paper on; without it the config file's choice stands
        return replace(config, private=config.private or bool(getattr(args, "private", False)),
                       paper=config.paper or bool(getattr(args, "paper", False)))
    except ConfigError as exc:
        print(f"pmdesk: {exc}", file=sys.stderr)
        return None


def check_keymap(config: DeskConfig) -> None:
    """Refuse a keymap that names no action, puts one on a confirmation's keys, or leaves
    one key on two actions (tui/ui/keymap.py: after the overrides, as Textual applies them)."""
    from tui.ui.keymap import DeskKeys, canonical, key_names

    keys = DeskKeys(config.keymap)
    where = config.path or Path("config.toml")
    for action, names in config.keymap.items():
        if action not in keys:
            raise ConfigError(f"Config file {where}: keys.{action} is not an action; "
                              f"expected one of {', '.join(sorted(keys.actions))}.", path=where)
        if not keys.keys(action):
            raise ConfigError(f'Config file {where}: keys.{action} names no key; give one, '
                              f'e.g. "b" or "ctrl+k".', path=where)
        taken = {canonical(k) for k in key_names(names)} & CONFIRM_KEYS
        if taken:
            raise ConfigError(f"Config file {where}: keys.{action} uses "
                              f"{', '.join(sorted(taken))}, which confirm orders; "
                              f"choose another key.", path=where)
    clashes = keys.clashes()
    if clashes:
        raise ConfigError(clashes[0].sentence(where), path=where)


def run_gateway(rest_url: str, grpc_target: str, username: str, password: str,
             venue_name: str, silence_timeout: float, config: DeskConfig,
             profile: str, auth0: Auth0Client | None = None,
             tokens: Tokens | None = None, connection: Connection | None = None,
             tier: int = 1, where: Where | None = None) -> int:
    from tui.venues.gateway.venue import GatewayVenue

    redact_logs([password])
    venue = GatewayVenue(rest_url=rest_url, grpc_target=grpc_target, username=username,
                         password=password, venue_name=venue_name,
                         silence_timeout=silence_timeout,
                         open_store=store_opener(profile, config),
                         auth0=auth0, tokens=tokens, connection=connection, tier=tier,
                         where=where)
    return run_desk(venue, venue_name, config)


def store_opener(profile: str, config: DeskConfig) -> Callable[[str], Store]:
    """How a desk opens its account's database once it knows the account: as the only desk
    on it (two would record every stream twice), after the config's market-data retention."""
    from tui.store import Store, db_path

    keep = config.keep_market_data_days
    return lambda account: Store.open(db_path(profile, account), desk=True, keep_days=keep)


def run_desk(venue: Venue, venue_name: str, config: DeskConfig) -> int:
    from tui.cli.switch import OpenProfile, opened_profile
    from tui.ui.app import PmdeskApp  # textual only loads for the UI commands
    from tui.ui.stalls import StallLogError, settings_from_env, stall_log
    from tui.ui.theme_pick import theme_path

    try:
        stalls = settings_from_env()
    except StallLogError as exc:
        print(f"pmdesk: {exc}", file=sys.stderr)
        return 2
    if config.paper:  # the venue's books only; the orders never leave this machine
        from tui.venues.base import VenueBase
        from tui.venues.paper.venue import PaperVenue

        if not isinstance(venue, VenueBase):  # main refuses --paper with anything else
            raise TypeError(f"--paper needs a venue's feed, not {type(venue).__name__}")
        venue = PaperVenue(venue, cash=config.paper_cash)
        venue_name = f"PAPER on {venue_name}"
    app = PmdeskApp(venue, config=config, title=f"pmdesk — {venue_name}")
    app.theme_file = theme_path()  # the theme T chose last time, and where T keeps it
    app.profile_name = opened_profile()  # its palette says so when it is chosen again
    with stall_log(stalls):
        app.run()
    chosen = app.next_profile
    if chosen is not None and not app.return_code:  # closed for another profile's desk:
        raise OpenProfile(chosen)  # unwound up to tui/cli/switch.py, which opens it
    return app.return_code or 0


def logged_in(rest_url: str, user: str, password: str,
               connection: Connection | None = None) -> Tokens | None:
    """The login before the screen opens: a one-time code is asked here, in plain lines."""
    from tui.cli.auth import login_first
    from tui.core.venue import VenueError

    try:
        return login_first(rest_url, user, password, connection=connection)
    except VenueError as exc:
        print(f"pmdesk: {exc}", file=sys.stderr)
        return None


def all_profiles() -> dict[str, Profile] | None:
    from tui.core.profiles import ProfileError, load_profiles

    try:
        return load_profiles()
    except ProfileError as exc:
        print(f"pmdesk: {exc}", file=sys.stderr)
        return None


def load_profile(name: str) -> Profile | None:
    from tui.core.profiles import profiles_path

    profiles = all_profiles()
    if profiles is None:
        return None
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        print(f"pmdesk: no profile {name!r} in {profiles_path()} (it has: {known}).",
              file=sys.stderr)
        return None
    from tui.cli.args import profile_problem

    problem = profile_problem(profiles[name])
    if problem:
        print(f"pmdesk: profile {name} in {profiles_path()}: {problem}.", file=sys.stderr)
        return None
    return profiles[name]
