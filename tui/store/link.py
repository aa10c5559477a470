"""The local database listening to the desk: attached once to a DeskState, it keeps every
change a venue writes there (orders in every state, fills, positions, balances, markets,
books, the tape, stream events, the audit journal), shows what it holds of past sessions,
and says when it cannot write. No venue writes it by hand."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from tui.core.audit import AuditEntry
from tui.core.model import Balance, Book, Fill, Instrument, Order, Position
from tui.core.state import DeskListener, DeskState, LinkState
from tui.core.tape import Trade

if TYPE_CHECKING:
    from tui.store.store import Store

HISTORY_SHOWN = 500  # past fills and ended orders brought back into the blotter and history
STORE_CHECK = 2.0  # seconds between looks at the database's writer


class StoreListener(DeskListener):
    """Each change queued for the writer thread: nothing here waits on the disk."""

    def __init__(self, store: Store, state: DeskState) -> None:
        self.store = store
        self.state = state

    def on_instruments(self, instruments: list[Instrument]) -> None:
        self.store.instruments(instruments)

    def on_book(self, book: Book, trade: Trade | None) -> None:
        at = self.state.clock()  # the store downsamples books on its own thread
        self.store.top_of_book(book.symbol, book.best_bid, book.best_offer,
                               book.last_trade_px, book.volume, at)
        self.store.book(book.symbol, book.bids, book.offers, at)
        if trade is not None:
            self.store.trade(trade)

    def on_trade(self, trade: Trade) -> None:
        self.store.trade(trade)

    def on_order(self, order: Order) -> None:
        self.store.order_event(order, self.state.clock())

    def on_fill(self, fill: Fill, clord_id: str) -> None:
        self.store.execution(fill.exec_id, fill.order_id, clord_id, fill.symbol, fill.side,
                             fill.price, fill.qty, fill.intent,
                             fill_kind(fill), fill.at, fill.fee)

    def on_positions(self, positions: list[Position]) -> None:
        at = self.state.clock()
        for position in positions:
            self.store.position(position, at)

    def on_balance(self, balance: Balance) -> None:
        self.store.balance(balance, time.time())

    def on_link(self, name: str, state: LinkState, detail: str) -> None:
        self.store.stream_event(name, state.value, detail, time.time())

    def on_audit(self, entry: AuditEntry) -> None:
        self.store.journal(entry.kind, entry.request, entry.response, entry.at,
                           account=entry.account, summary=entry.summary)


def attach(store: Store, state: DeskState, *, history: bool = True) -> tuple[
        list[Order], StoreListener]:
    """Listen to the desk from now on, and (``history``) show what the database holds of
    past sessions. Returns the past orders, newest first (a venue may want their ids and
    intents), and the listener (to stop with when the desk trades another account)."""
    if state.paper:  # said in the file itself, and in every export of it
        store.mark_paper()
    if state.instruments:  # listed before the database was opened
        store.instruments(list(state.instruments.values()))
    rows = store.orders(limit=HISTORY_SHOWN)
    orders = [row.to_order() for row in rows]
    if history:
        state.load_history([row.to_fill() for row in store.fills(limit=HISTORY_SHOWN)],
                           [order for order in orders if not order.state.is_working])
    listener = StoreListener(store, state)
    state.listen(listener)
    return orders, listener


def fill_kind(fill: Fill) -> str:
    """The executions table's kind: an undone fill is a row of its own, not an edit of the
    row it reverses (history is appended, never rewritten; no schema change)."""
    if fill.undone:
        return "undone"
    return "aggregate" if fill.aggregate else "fill"


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
