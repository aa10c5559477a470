"""The global CLOB venue's commands: its wallet from a profile, and its desk."""

from __future__ import annotations

import os
import ssl
import sys
from pathlib import Path

from tui.cli.common import redact_logs, run_desk, store_opener
from tui.core.config import DeskConfig
from tui.core.profiles import Profile


def run_clob(rest_url: str, private_key: str | bytes, venue_name: str, config: DeskConfig,
             profile: str, *, signature_type: int = 0, funder: str = "", ws_url: str = "",
             ssl_context: ssl.SSLContext | None = None) -> int:
    from tui.venues.clob.venue import ClobVenue

    redact_logs([private_key] if isinstance(private_key, bytes) else
                [private_key, private_key.removeprefix("0x")])
    venue = ClobVenue(rest_url=rest_url, private_key=private_key,
                      signature_type=signature_type, funder=funder, venue_name=venue_name,
                      ws_url=ws_url or None,
                      open_store=store_opener(profile, config),
                      ssl_context=ssl_context)
    return run_desk(venue, venue_name, config)


def clob_key(profile: Profile) -> bytes | str:
    """The wallet's private key a clob profile names; ValueError in words if missing."""
    from tui.core.clob_sign import SigningError, Wallet
    from tui.venues.keys import KeyFileError, load_secp256k1_key

    if profile.key_file:
        try:
            return load_secp256k1_key(Path(profile.key_file).expanduser())
        except KeyFileError as exc:
            raise ValueError(str(exc)) from None
    key = os.environ.get(profile.key_env, "").strip()
    if not key:
        raise ValueError(f"set {profile.key_env} to the wallet's private key (hex).")
    try:
        Wallet.from_key(key)  # 64 hex digits, said now rather than as a traceback
    except (SigningError, ValueError):
        raise ValueError(f"${profile.key_env} is not a secp256k1 private key (64 hex "
                         "digits).") from None
    return key


def profile_clob(profile: Profile, config: DeskConfig) -> int:
    from tui.cli.retail import retail_ssl

    try:
        key = clob_key(profile)
        context = retail_ssl(profile)
    except ValueError as exc:
        print(f"pmdesk: profile {profile.name}: {exc}", file=sys.stderr)
        return 2
    return run_clob(profile.rest, key, profile.name, config, profile.name,
                    signature_type=profile.signature_type, funder=profile.funder,
                    ws_url=profile.ws, ssl_context=context)
