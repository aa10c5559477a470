"""What every venue does with the local database it is handed: open it without ever
stopping the desk, and give it the journal of commands. Once attached to the desk's state
the database listens by itself (tui/store/link.py); no venue writes it by hand."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from tui.core.state import DeskState
from tui.core.venue import LocalDatabase


async def open_store(state: DeskState, opener: Callable[[str], LocalDatabase],
                     account: str) -> LocalDatabase | None:
    """The account's database, or None with the reason on the status bar: trading on
    without history beats a desk that cannot even cancel. Opened off the event loop: its
    integrity check and a lock another pmdesk holds can take seconds."""
    try:
        return await asyncio.to_thread(opener, account)
    except Exception as exc:  # noqa: BLE001 - StoreError, said in its own words
        state.problem = f"{exc} History is not being kept."
        return None


def journal(store: LocalDatabase) -> Callable[[str, object, object], None]:
    """Every command sent and what came back, for a venue's REST client."""
    return lambda path, body, answer: store.journal(path, body, answer, time.time())
