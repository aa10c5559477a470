"""`pmdesk sim`: the embedded exchange alone, for several desks to share."""

from __future__ import annotations

import argparse


def cmd_sim(args: argparse.Namespace) -> int:
    from tui.sim.__main__ import run

    return run(args)
