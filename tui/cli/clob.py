"""The global CLOB venue's commands: its wallet from a profile, and its desk."""

from __future__ import annotations

import ssl

from tui.cli.common import redact_logs, run_desk
from tui.core.config import DeskConfig


def run_clob(rest_url: str, private_key: str | bytes, venue_name: str, config: DeskConfig,
             profile: str, *, signature_type: int = 0, funder: str = "",
             ssl_context: ssl.SSLContext | None = None) -> int:
    from tui.store import Store, db_path
    from tui.venues.clob.venue import ClobVenue

    if isinstance(private_key, str):
        redact_logs([private_key, private_key.removeprefix("0x")])
    venue = ClobVenue(rest_url=rest_url, private_key=private_key,
                      signature_type=signature_type, funder=funder, venue_name=venue_name,
                      open_store=lambda account: Store.open(db_path(profile, account)),
                      ssl_context=ssl_context)
    return run_desk(venue, venue_name, config)
