"""The `pmdesk` command line's dispatch (its grammar: tui/cli/parser.py); each sub-command
lives in its own module of this package, loaded only when it runs."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable

from tui.cli.parser import build_parser


def _load(where: str | Callable[[argparse.Namespace], int]
          ) -> Callable[[argparse.Namespace], int]:
    """'tui.cli.check:cmd_check' -> the function: a command's module (and what it pulls in,
    grpc, textual) loads only when that command runs, so `pmdesk --help` stays quick."""
    if callable(where):  # a test's parser may set the function itself
        return where
    module, name = where.split(":")
    command: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), name)
    return command


def _stall_log_problem(args: argparse.Namespace) -> str | None:
    """A desk's stall-log setting that cannot work, said before anything starts."""
    if args.command not in ("demo", "connect", "replay") and not args.desk_profile:
        return None
    if not os.environ.get("PMDESK_STALL_LOG"):  # not asked: no need to load its module
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
    args.private = getattr(args, "private", False) or args.desk_private  # before or after
    args.paper = getattr(args, "paper", False) or args.desk_paper
    if args.paper and args.command not in (None, "demo", "connect", "serve"):
        print(f"pmdesk {args.command}: --paper opens a desk that trades on paper; it does not "
              f"go with {args.command}.", file=sys.stderr)
        return 2
    # a sub-command's own --profile wins, else the one before it, else the demo's
    args.profile = getattr(args, "profile", None) or args.desk_profile
    if args.command in ("export", "replay", "db"):
        args.profile = args.profile or "demo"
    elif args.command == "check" and not args.profile:
        print("pmdesk check: name the profile to check with --profile.", file=sys.stderr)
        return 2
    from tui.cli.args import argument_problem

    problem = argument_problem(args) or _stall_log_problem(args)
    if problem:  # said before anything connects, not as a broken connection later
        print(problem, file=sys.stderr)
        return 2
    from tui.cli.logfile import log_to_file

    log_to_file()
    from tui.cli.switch import run_switching

    command = _load(args.func)
    try:
        return run_switching(command, args)  # a profile chosen in a desk's palette opens next
    except KeyboardInterrupt:
        return 130
    except EOFError:  # Ctrl-D at a prompt: the trader chose not to answer
        print(file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
