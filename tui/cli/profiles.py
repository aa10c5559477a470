"""`pmdesk profiles`: the connection profiles, listed."""

from __future__ import annotations

import argparse

from tui.cli.common import all_profiles


def cmd_profiles(args: argparse.Namespace) -> int:
    from tui.core.profiles import profiles_path

    profiles = all_profiles()
    if profiles is None:
        return 2
    print(f"profiles in {profiles_path()}:")
    for profile in profiles.values():
        print(f"  {profile.summary()}")
    return 0
