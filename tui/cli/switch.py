"""Another profile's desk, chosen in the desk's palette (tui/ui/profile_switch.py).

The desk closes first, through its quit question, and the command that opened it unwinds
everything it holds (the demo's embedded exchange, a venue's store, the stall log) as it
would on any quit: run_desk raises OpenProfile once the app has closed for another profile,
and run_switching, around every command, then opens that profile as `pmdesk --profile NAME`
would, with the same flags (--private). Until a desk closes for good.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextvars import ContextVar

PROFILE_COMMAND = "tui.cli.profile:cmd_profile"

# the profile the desk being opened is on: its palette says so when it is chosen again
_opened: ContextVar[str | None] = ContextVar("pmdesk_opened_profile", default=None)


class OpenProfile(Exception):  # noqa: N818 - a request, not an error
    """The desk closed for this profile: open it next."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def opened_profile() -> str | None:
    """The profile the desk now opening is on (None: the demo, connect, a replay)."""
    return _opened.get()


def run_switching(command: Callable[[argparse.Namespace], int],
                  args: argparse.Namespace) -> int:
    """Run the command; whenever its desk closes for another profile, open that one."""
    while True:
        token = _opened.set(args.profile if args.func == PROFILE_COMMAND else None)
        try:
            return int(command(args))
        except OpenProfile as chosen:
            from tui.cli.profile import cmd_profile

            args.func, args.profile, args.desk_profile = PROFILE_COMMAND, chosen.name, chosen.name
            command = cmd_profile
        finally:
            _opened.reset(token)
