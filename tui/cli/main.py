"""The `pmdesk` command line: the parser and the dispatch; each sub-command lives in its own
module of this package."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

from tui.cli.common import log_to_file


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
    demo.add_argument("--firehose", type=int, default=0, metavar="RATE",
                      help="the exchange also makes RATE book changes a second (see pmdesk sim)")
    demo.add_argument("--firehose-markets", type=int, default=1, metavar="M",
                      help="spread them over the first M markets (default 1)")
    demo.set_defaults(func="tui.cli.demo:cmd_demo")

    sim = sub.add_parser("sim", help="run the embedded exchange for several desks to share")
    add_arguments(sim)
    sim.set_defaults(func="tui.cli.sim:cmd_sim")

    connect = sub.add_parser("connect", help="connect to a gateway (e.g. a running pmdesk sim)")
    connect.add_argument("--rest", required=True, help="REST base URL, e.g. http://127.0.0.1:8700")
    connect.add_argument("--grpc", required=True, help="gRPC target, e.g. 127.0.0.1:8701")
    connect.add_argument("--user", required=True, help="username")
    connect.add_argument("--password-env", default="PMDESK_PASSWORD",
                         help="environment variable holding the password (else prompted)")
    connect.add_argument("--silence-timeout", type=float, default=180.0,
                         help="reconnect a stream after this many silent seconds")
    connect.set_defaults(func="tui.cli.connect:cmd_connect")

    export = sub.add_parser(
        "export", help="fills, orders or the audit journal from the local database, as CSV "
                       "or JSON",
        description="Write out one account's local database: its fills, its orders, or its "
                    "audit journal (every key that traded or could, each confirmation and "
                    "the answer, each command sent and the exchange's answer, each refusal "
                    "and what the desk said; in time order, one line per entry, secrets "
                    "never in it).")
    export.add_argument("what", choices=["fills", "orders", "journal"],
                        help="fills, orders, or journal (the audit journal)")
    export.add_argument("--since", help="today, yesterday, YYYY-MM-DD (UTC) or an ISO time; "
                        "default: all")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    _where(export)
    export.add_argument("--out", help="write to this file instead of standard output")
    export.set_defaults(func="tui.cli.export:cmd_export")

    replay = sub.add_parser("replay", help="play recorded market data back into the ladder")
    _where(replay)
    replay.add_argument("--since", help="start from today, yesterday, YYYY-MM-DD (UTC) or an "
                        "ISO time")
    replay.add_argument("--speed", type=float, default=1.0, help="playback speed, e.g. 4")
    replay.add_argument("--symbol", help="only this market")
    replay.set_defaults(func="tui.cli.replay:cmd_replay")

    profiles = sub.add_parser("profiles", help="list the connection profiles")
    profiles.set_defaults(func="tui.cli.profiles:cmd_profiles")
    check = sub.add_parser("check", help="test a profile's connectivity and login, step by step")
    check.add_argument("--profile", help="the profile to check")
    check.set_defaults(func="tui.cli.check:cmd_check")

    from tui.cli.auth import add_parser as add_auth
    from tui.cli.keys import add_parser as add_keys
    add_keys(sub)
    add_auth(sub)
    return parser


def _where(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile",
                        help="demo, a profile's name, or the gateway address pmdesk connect "
                             "used (e.g. 127.0.0.1-8700); default demo")
    parser.add_argument("--account", help="the account, when the profile holds several")


def _load(where: str | Callable[[argparse.Namespace], int]
          ) -> Callable[[argparse.Namespace], int]:
    """'tui.cli.check:cmd_check' -> the function: a command's module (and what it pulls in,
    grpc, textual) loads only when that command runs, so `pmdesk --help` stays quick."""
    if callable(where):  # a light module (keys, register, mfa) set its function itself
        return where
    module, name = where.split(":")
    command: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), name)
    return command


def _stall_log_problem(args: argparse.Namespace) -> str | None:
    """A desk's stall-log setting that cannot work, said before anything starts."""
    if args.command not in ("demo", "connect", "replay") and not args.desk_profile:
        return None
    from tui.ui.stalls import StallLogError, settings_from_env  # no textual at import

    try:
        settings_from_env()
    except StallLogError as exc:
        return f"pmdesk: {exc}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        if args.desk_profile:
            args.func = "tui.cli.profile:cmd_profile"
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
    from tui.cli.args import argument_problem

    problem = argument_problem(args) or _stall_log_problem(args)
    if problem:  # said before anything connects, not as a broken connection later
        print(problem, file=sys.stderr)
        return 2
    log_to_file()
    command = _load(args.func)
    try:
        return int(command(args))
    except KeyboardInterrupt:
        return 130
    except EOFError:  # Ctrl-D at a prompt: the trader chose not to answer
        print(file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
