"""The `pmdesk` command: demo, sim, connect."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_log_dir

from tui.core.config import ConfigError, DeskConfig, load_config
from tui.core.profiles import Profile

if TYPE_CHECKING:
    from tui.core.venue import Venue
    from tui.venues.gateway.auth0 import Auth0Client
    from tui.venues.gateway.connection import Connection
    from tui.venues.gateway.rest import Tokens
from tui.sim.auth import DEMO_PASSWORD

CONFIRM_KEYS = {"enter", "y"}  # they answer "send" in a confirmation: never a trading key


def _log_to_file() -> None:
    # the screen belongs to the app; diagnostics go to a file, never secrets
    log_dir = Path(user_log_dir("pmdesk", appauthor=False))
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        logging.basicConfig(filename=log_dir / "pmdesk.log", level=logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    except OSError:
        logging.basicConfig(level=logging.CRITICAL)


def redact_logs(secrets: list[str | bytes]) -> None:
    """Every log line passes a filter that masks these secrets (and their encodings)."""
    from tui.venues.keys import RedactFilter

    wanted = [s for s in secrets if s]
    if wanted:
        for handler in logging.getLogger().handlers:
            handler.addFilter(RedactFilter(wanted))


def _config() -> DeskConfig | None:
    """The trader's config, or None after saying in one sentence why it cannot be used.

    A broken config stops the desk: trading without the trader's own limits is worse.
    """
    try:
        config = load_config()
        check_keymap(config)
        return config
    except ConfigError as exc:
        print(f"pmdesk: {exc}", file=sys.stderr)
        return None


def check_keymap(config: DeskConfig) -> None:
    """Refuse a keymap that names no action, puts one on a confirmation's keys, or leaves
    one key on two actions (tui/keymap.py: after the overrides, as Textual applies them)."""
    from tui.keymap import DeskKeys, canonical, key_names

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


def _run_app(rest_url: str, grpc_target: str, username: str, password: str,
             venue_name: str, silence_timeout: float, config: DeskConfig,
             profile: str, auth0: Auth0Client | None = None,
             tokens: Tokens | None = None, connection: Connection | None = None,
             tier: int = 1) -> int:
    from tui.store import Store, db_path
    from tui.venues.gateway.venue import GatewayVenue

    redact_logs([password])
    venue = GatewayVenue(rest_url=rest_url, grpc_target=grpc_target, username=username,
                         password=password, venue_name=venue_name,
                         silence_timeout=silence_timeout,
                         open_store=lambda account: Store.open(db_path(profile, account)),
                         auth0=auth0, tokens=tokens, connection=connection, tier=tier)
    return run_desk(venue, venue_name, config)


def run_desk(venue: Venue, venue_name: str, config: DeskConfig) -> int:
    from tui.app import PmdeskApp  # textual only loads for the UI commands

    app = PmdeskApp(venue, config=config, title=f"pmdesk — {venue_name}")
    app.run()
    return app.return_code or 0


def cmd_demo(args: argparse.Namespace) -> int:
    from tui.demo import DemoError, embedded_exchange

    config = _config()
    if config is None:
        return 2

    def load_ui() -> None:
        import tui.app  # noqa: F401 - textual's import time overlaps the exchange's boot

    try:
        with embedded_exchange(args.seed, meanwhile=load_ui) as sim:
            if args.venue == "retail":  # the same exchange, through the retail protocol
                from tui.cli_retail import run_retail
                from tui.sim.retail import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET

                return run_retail(sim.rest_url, sim.rest_url, DEMO_RETAIL_KEY_ID,
                                   DEMO_RETAIL_SECRET, "demo retail", config=config,
                                   profile="demo-retail", silence_timeout=10.0)
            return _run_app(sim.rest_url, sim.grpc_target, args.user, DEMO_PASSWORD,
                            "demo", silence_timeout=10.0, config=config, profile="demo")
    except DemoError as exc:
        print(f"pmdesk demo: {exc}", file=sys.stderr)
        return 1


def cmd_connect(args: argparse.Namespace) -> int:
    config = _config()
    if config is None:
        return 2
    from tui.cli_auth import password_for
    from tui.core.venue import VenueError

    try:
        password = password_for(args, f"Password for {args.user}: ")
    except VenueError as exc:
        print(f"pmdesk connect: {exc}", file=sys.stderr)
        return 2
    tokens = _logged_in(args.rest, args.user, password)
    if tokens is None:
        return 2
    return _run_app(args.rest, args.grpc, args.user, password, args.rest,
                    silence_timeout=args.silence_timeout, config=config,
                    profile=profile_name(args.rest), tokens=tokens)


def _logged_in(rest_url: str, user: str, password: str,
               connection: Connection | None = None) -> Tokens | None:
    """The login before the screen opens: a one-time code is asked here, in plain lines."""
    from tui.cli_auth import login_first
    from tui.core.venue import VenueError

    try:
        return login_first(rest_url, user, password, connection=connection)
    except VenueError as exc:
        print(f"pmdesk: {exc}", file=sys.stderr)
        return None


def profile_name(rest_url: str) -> str:
    """`pmdesk connect` has no profile: one database folder per gateway address."""
    host = rest_url.split("://", 1)[-1].rstrip("/")
    return "".join(c if c.isalnum() or c in "-." else "-" for c in host) or "gateway"


def cmd_sim(args: argparse.Namespace) -> int:
    import asyncio

    from tui.sim.__main__ import serve

    try:
        asyncio.run(serve(args))
    except OSError as exc:
        print(f"pmdesk sim: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from tui.export import ExportError, export
    from tui.store import StoreError

    try:
        text = export(args.what, profile=args.profile, account=args.account,
                      since=args.since, fmt=args.format)
    except (ExportError, StoreError) as exc:
        print(f"pmdesk export: {exc}", file=sys.stderr)
        return 2
    if not args.out:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"pmdesk export: cannot write {args.out} "
              f"({exc.strerror or type(exc).__name__}).", file=sys.stderr)
        return 2
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from tui.export import ExportError, find_database, parse_since
    from tui.store import Store, StoreError

    config = _config()
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


def _profiles() -> dict[str, Profile] | None:
    from tui.core.profiles import ProfileError, load_profiles

    try:
        return load_profiles()
    except ProfileError as exc:
        print(f"pmdesk: {exc}", file=sys.stderr)
        return None


def _profile(name: str) -> Profile | None:
    from tui.core.profiles import profiles_path

    profiles = _profiles()
    if profiles is None:
        return None
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        print(f"pmdesk: no profile {name!r} in {profiles_path()} (it has: {known}).",
              file=sys.stderr)
        return None
    from tui.cli_args import profile_problem

    problem = profile_problem(profiles[name])
    if problem:
        print(f"pmdesk: profile {name} in {profiles_path()}: {problem}.", file=sys.stderr)
        return None
    return profiles[name]


def cmd_profiles(args: argparse.Namespace) -> int:
    from tui.core.profiles import profiles_path

    profiles = _profiles()
    if profiles is None:
        return 2
    print(f"profiles in {profiles_path()}:")
    for profile in profiles.values():
        print(f"  {profile.describe()}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    import asyncio

    from tui.check import Checker, report

    profile = _profile(args.profile)
    if profile is None:
        return 2
    print(f"checking {profile.describe()}")
    if profile.venue == "retail":
        from tui.check_retail import RetailChecker

        steps = asyncio.run(RetailChecker(profile).run())
    else:
        steps = asyncio.run(Checker(profile).run())
    print(report(steps))
    return 0 if all(s.ok for s in steps) else 1


def build_parser() -> argparse.ArgumentParser:
    from tui.sim.__main__ import add_arguments

    parser = argparse.ArgumentParser(prog="pmdesk",
                                     description="A terminal trading desk for Polymarket US.")
    # its own dest: a sub-command's --profile default must not overwrite it
    parser.add_argument("--profile", dest="desk_profile",
                        help="open the desk on this connection profile (see pmdesk profiles); "
                             "export, replay and check use it too")
    sub = parser.add_subparsers(dest="command")

    demo = sub.add_parser("demo", help="trade against the embedded exchange (no account needed)")
    demo.add_argument("--seed", type=int, default=7, help="seed of the synthetic traders")
    demo.add_argument("--user", default="demo", choices=["demo", "alice", "bob"],
                      help="demo trader to log in as")
    demo.add_argument("--venue", default="gateway", choices=["gateway", "retail"],
                      help="which protocol the desk speaks to the embedded exchange: the "
                           "Exchange Trading Gateway (default) or the retail API")
    demo.set_defaults(func=cmd_demo)

    sim = sub.add_parser("sim", help="run the embedded exchange for several desks to share")
    add_arguments(sim)
    sim.set_defaults(func=cmd_sim)

    connect = sub.add_parser("connect", help="connect to a gateway (e.g. a running pmdesk sim)")
    connect.add_argument("--rest", required=True, help="REST base URL, e.g. http://127.0.0.1:8700")
    connect.add_argument("--grpc", required=True, help="gRPC target, e.g. 127.0.0.1:8701")
    connect.add_argument("--user", required=True, help="username")
    connect.add_argument("--password-env", default="PMDESK_PASSWORD",
                         help="environment variable holding the password (else prompted)")
    connect.add_argument("--silence-timeout", type=float, default=180.0,
                         help="reconnect a stream after this many silent seconds")
    connect.set_defaults(func=cmd_connect)

    export = sub.add_parser("export", help="fills or orders from the local database, "
                                           "as CSV or JSON")
    export.add_argument("what", choices=["fills", "orders"])
    export.add_argument("--since", help="today, yesterday, YYYY-MM-DD (UTC) or an ISO time; "
                        "default: all")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    _where(export)
    export.add_argument("--out", help="write to this file instead of standard output")
    export.set_defaults(func=cmd_export)

    replay = sub.add_parser("replay", help="play recorded market data back into the ladder")
    _where(replay)
    replay.add_argument("--since", help="start from today, yesterday, YYYY-MM-DD (UTC) or an "
                        "ISO time")
    replay.add_argument("--speed", type=float, default=1.0, help="playback speed, e.g. 4")
    replay.add_argument("--symbol", help="only this market")
    replay.set_defaults(func=cmd_replay)

    profiles = sub.add_parser("profiles", help="list the connection profiles")
    profiles.set_defaults(func=cmd_profiles)
    check = sub.add_parser("check", help="test a profile's connectivity and login, step by step")
    check.add_argument("--profile", help="the profile to check")
    check.set_defaults(func=cmd_check)

    from tui.cli_auth import add_parser as add_auth
    from tui.cli_keys import add_parser as add_keys
    add_keys(sub)
    add_auth(sub)
    return parser


def _where(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile",
                        help="demo, a profile's name, or the gateway address pmdesk connect "
                             "used (e.g. 127.0.0.1-8700); default demo")
    parser.add_argument("--account", help="the account, when the profile holds several")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        if args.desk_profile:
            from tui.cli_profile import cmd_profile

            args.func = cmd_profile
        else:
            args = parser.parse_args(["demo", *(argv or [])])
    if args.desk_profile and args.command in ("demo", "sim", "connect"):
        print(f"pmdesk: --profile opens a profile's desk; it does not go with "
              f"{args.command}.", file=sys.stderr)
        return 2
    # a sub-command's own --profile wins, else the one before it, else the demo's
    args.profile = getattr(args, "profile", None) or args.desk_profile
    if args.command in ("export", "replay"):
        args.profile = args.profile or "demo"
    elif args.command == "check" and not args.profile:
        print("pmdesk check: name the profile to check with --profile.", file=sys.stderr)
        return 2
    from tui.cli_args import argument_problem

    problem = argument_problem(args)
    if problem:  # said before anything connects, not as a broken connection later
        print(problem, file=sys.stderr)
        return 2
    _log_to_file()
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except EOFError:  # Ctrl-D at a prompt: the trader chose not to answer
        print(file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
