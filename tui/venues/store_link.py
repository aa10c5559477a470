"""What every venue does with the local database: open it without ever stopping the desk,
bring back past sessions, keep the books as they come, and say when it cannot write."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.core.model import Book, Instrument
from tui.core.state import DeskState
from tui.core.tape import Trade

if TYPE_CHECKING:
    from tui.store import Store
    from tui.store.rows import OrderRow

HISTORY_SHOWN = 500  # past fills and ended orders brought back into the blotter and history
STORE_CHECK = 2.0  # seconds between looks at the database's writer


async def open_store(state: DeskState, opener: Callable[[str], Store],
                     account: str) -> Store | None:
    """The account's database, or None with the reason on the status bar: trading on
    without history beats a desk that cannot even cancel. Opened off the event loop: its
    integrity check and a lock another pmdesk holds can take seconds."""
    try:
        return await asyncio.to_thread(opener, account)
    except Exception as exc:  # noqa: BLE001 - StoreError, said in its own words
        state.problem = f"{exc} History is not being kept."
        return None


def bring_back(store: Store, state: DeskState, instruments: list[Instrument]) -> list[OrderRow]:
    """Wire the database in: keep the markets and stream events, and show what it holds of
    past sessions. Returns the past orders (a venue may want their intents)."""
    store.instruments(instruments)
    orders = store.orders(limit=HISTORY_SHOWN)
    state.load_history([row.to_fill() for row in store.fills(limit=HISTORY_SHOWN)],
                       [row.to_order() for row in orders if not row.state.is_working])
    state.link_listeners.append(lambda name, link, detail: store.stream_event(
        name, link.value, detail, time.time()))
    return orders


def journal(store: Store) -> Callable[[str, object, object], None]:
    """Every command sent and what came back, for a venue's REST client."""
    return lambda path, body, answer: store.journal(path, body, answer, time.time())


def keep_book(store: Store, book: Book, trade: Trade | None, at: float) -> None:
    """Queue only: the store downsamples books on its own thread."""
    store.top_of_book(book.symbol, book.best_bid, book.best_offer, book.last_trade_px,
                      book.volume, at)
    store.book(book.symbol, book.bids, book.offers, at)
    if trade is not None:
        store.trade(trade)


async def watch(store: Store, state: DeskState) -> None:
    """A database that cannot write (disk full, locked) is said, and unsaid once it can."""
    said = ""
    while True:
        await asyncio.sleep(STORE_CHECK)
        error = store.error
        text = f"The local database cannot write: {error}" if error else ""
        if text != said:
            if said and state.problem == said:
                state.problem = ""
            if text:
                state.problem = text
            said = text
            state.status_version += 1
