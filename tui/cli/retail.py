"""The retail venue's commands: its credentials from a profile, and its desk."""

from __future__ import annotations

import os
import ssl
import sys
from pathlib import Path

from tui.cli.common import redact_logs, run_desk, store_opener
from tui.core.config import DeskConfig
from tui.core.profiles import Profile


def run_retail(rest_url: str, public_url: str, key_id: str, secret: str | bytes,
                venue_name: str, config: DeskConfig, profile: str,
                silence_timeout: float = 60.0, ssl_context: ssl.SSLContext | None = None
                ) -> int:
    from tui.venues.retail.venue import RetailVenue

    redact_logs([secret])
    venue = RetailVenue(rest_url=rest_url, public_url=public_url, key_id=key_id,
                        secret=secret, venue_name=venue_name, silence_timeout=silence_timeout,
                        open_store=store_opener(profile, config),
                        ssl_context=ssl_context)
    return run_desk(venue, venue_name, config)


def retail_ssl(profile: Profile) -> ssl.SSLContext | None:
    """The profile's CA file as a TLS context (None: the system's roots); ValueError in
    words when the file is missing or not PEM."""
    from tui.core.venue import VenueError
    from tui.venues.gateway.connection import Connection

    if not profile.ca_file:
        return None
    try:
        return Connection(ca_file=profile.ca_file).ssl_context()
    except VenueError as exc:
        raise ValueError(str(exc)) from None


def retail_credentials(profile: Profile) -> tuple[str, str | bytes]:
    """The key id and secret a retail profile names; ValueError in words if missing."""
    from tui.venues.keys import KeyFileError, load_ed25519_seed
    from tui.venues.retail.signing import load_seed

    key_id = os.environ.get(profile.key_id_env, "").strip()
    if not key_id:
        raise ValueError(f"set {profile.key_id_env} to your retail API key id.")
    if profile.key_file:
        try:
            return key_id, load_ed25519_seed(Path(profile.key_file).expanduser())
        except KeyFileError as exc:
            raise ValueError(str(exc)) from None
    secret = os.environ.get(profile.secret_env, "").strip()
    if not secret:
        raise ValueError(f"set {profile.secret_env} to your retail secret key.")
    try:
        load_seed(secret)  # base64 of 32 or 64 bytes, said now rather than as a traceback
    except ValueError as exc:
        raise ValueError(f"${profile.secret_env}: {exc}.") from None
    return key_id, secret


def profile_retail(profile: Profile, config: DeskConfig) -> int:
    try:
        key_id, secret = retail_credentials(profile)
        context = retail_ssl(profile)
    except ValueError as exc:
        print(f"pmdesk: profile {profile.name}: {exc}", file=sys.stderr)
        return 2
    return run_retail(profile.rest, profile.public or profile.rest, key_id, secret,
                      profile.name, config=config, profile=profile.name, ssl_context=context)
