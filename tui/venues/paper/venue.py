"""Paper trading: the real venue's market data, orders matched on this machine.

``PaperVenue`` wraps a venue started with ``market_only`` (its books, trades and markets;
no account, order, position or balance is read from it, and none of its order routes is
ever called). The orders go to a paper account that starts flat, with a database of its
own (account ``paper`` in the profile's folder), and are matched against the live book by
the matching engine (tui/matching/paper.py). Every order keeps the venue base's lifecycle:
pending at once, then the paper exchange's reports, so the desk trades paper exactly as it
trades the venue. Paper orders end with the session that matched them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from tui.core.config import DEFAULT_PAPER_CASH
from tui.core.enums import ExecType, OrderState
from tui.core.listener import DeskListener, LinkState
from tui.core.model import Book, Estimate, Fill, Order
from tui.core.state import PAPER_ACCOUNT
from tui.core.tape import Trade
from tui.core.ticket import OrderRequest, Terms, request_words
from tui.core.venue import LocalDatabase, VenueError
from tui.venues.base import ORDER_STREAM, VenueBase
from tui.venues.paper.account import PaperAccount
from tui.venues.paper.exchange import PaperExchange

log = logging.getLogger(__name__)
ENDED = "the paper session ended"


class PaperWire:
    """The paper venue's stand-in for a REST client: nothing to send, nothing to close."""

    timeout = 5.0
    journal: Callable[[str, Any, object], None] | None = None

    async def close(self) -> None:
        return None


class PaperVenue(VenueBase, DeskListener):
    def __init__(self, feed: VenueBase, *,
                 open_store: Callable[[str], LocalDatabase] | None = None,
                 store: LocalDatabase | None = None, cash: Decimal = DEFAULT_PAPER_CASH) -> None:
        feed.market_only = True  # before it starts: it must never open the account's side
        # its database beside the feed's, opened as the feed would (account "paper")
        super().__init__(state=feed.state, venue_name=feed.state.venue, store=store,
                         open_store=open_store or feed._open_store)
        self.feed = feed
        self.rest = PaperWire()
        self.paper = PaperExchange(self.state, PaperAccount(cash), self._on_report)
        self._faulted = False  # a matching fault was said (once a session)

    # --- start and stop ---------------------------------------------------------------
    async def start(self) -> None:
        self.state.paper = True
        self.state.orders_after_quit = ("Paper orders end with this desk: nothing is working "
                                        "at the venue.")
        await self.feed.start()
        self.account = PAPER_ACCOUNT
        self.state.user = "paper"
        self.state.open_account(self.account)
        await self._open_local_database()
        self.state.listen(self)
        self.state.set_balance(self.paper.balance())
        self.state.set_link(ORDER_STREAM, LinkState.LIVE, "paper: matched on this machine")
        self.tasks.spawn(self._beat(), "paper orders")
        self.state.notify(f"PAPER: orders are matched here against the live book, never sent. "
                          f"The paper account starts flat with ${self.paper.account.cash:,.2f}.")

    async def _beat(self) -> None:
        """The paper order stream is this process: live while it runs."""
        while True:
            self.state.touch_stream(ORDER_STREAM)
            await asyncio.sleep(1.0)

    async def stop(self) -> None:
        if self in self.state.listeners:
            self.state.unlisten(self)
        self.paper.end_all(ENDED)  # recorded as ended, never left "working" in the database
        await self.feed.stop()
        await super().stop()

    def _remember(self, past: list[Order]) -> None:
        """A past session's paper orders that the database still shows working ended with it
        (a desk that was killed could not say so)."""
        super()._remember(past)
        for order in past:
            if not order.state.is_terminal:
                order.state = OrderState.CANCELED
                order.reject_text = ENDED
                self.state.record_order(order)

    # --- the live market, as the desk's state hears it --------------------------------
    def on_book(self, book: Book, trade: Trade | None) -> None:
        self._guarded(lambda: self.paper.on_book(book, trade))

    def on_trade(self, trade: Trade) -> None:
        self._guarded(lambda: self.paper.on_trade(trade))

    def _guarded(self, match: Callable[[], None]) -> None:
        """Matching runs inside the price stream's handling: a fault in it must not cut
        the real feed (it would reconnect, and the books go stale). Said, and logged."""
        try:
            match()
        except Exception:  # said once; the books and the feed go on
            log.exception("paper matching failed")
            if not self._faulted:
                self._faulted = True
                self.state.notify("PAPER: matching a book failed (see the log); paper fills "
                                  "may be missing until the next one.", "error")

    def _on_report(self, order: Order, kind: ExecType, fill: Fill | None = None) -> None:
        if order.intent is not None:  # a replacement's successor: the desk's own too
            self._intents.setdefault(order.clord_id, order.intent)
        self._apply_report(order, kind, fill)
        self.state.set_balance(self.paper.balance())  # what working orders hold back too

    # --- the hooks: the paper exchange in place of a wire -----------------------------
    def wire_text(self, request: OrderRequest) -> str:
        inst = self.state.instruments.get(request.symbol)
        what = request_words(request, inst.scales) if inst is not None else request.symbol
        return ("PAPER: nothing is sent to the venue.\nMatched on this machine against the "
                f"live book: {what} in {request.symbol}")

    def _insert_sender(self, request: OrderRequest) -> Callable[[], Awaitable[str]]:
        self.paper.check(request)  # VenueError in the trader's words: nothing shown

        async def send() -> str:
            return self.paper.accept(request)
        return send

    async def _send_cancels(self, orders: list[Order]) -> None:
        for order in orders:
            self.paper.cancel(order.order_id)

    def _replace_sender(self, order: Order, price: int | None, qty: int | None,
                        terms: Terms | None = None) -> Callable[[], Awaitable[object]]:
        check = self.paper.replace_check(order, price, qty)

        async def send() -> object:
            return self.paper.replace(order, check, terms)
        return send

    async def _find_sent(self, pending: Order, before: set[str]) -> Order | None:
        return self.paper.by_clord(pending.clord_id)

    async def _list_open(self, symbols: list[str] | None) -> list[Order]:
        return self.paper.working(symbols)

    async def preview(self, request: OrderRequest) -> Estimate:
        self.paper.check(request)
        market = self.paper.market(request.symbol)  # what paper orders took is not there
        got = market.available(request.yes_side, request.yes_price, request.qty or 1 << 40)
        qty = sum(q for _px, q in got)
        avg = round(sum(px * q for px, q in got) / qty) if qty else 0
        return Estimate(fill_qty=qty, avg_px=avg, leaves_qty=max(request.qty - qty, 0))

    async def switch_account(self, account: str) -> None:
        raise VenueError("A paper desk trades one account: paper.")
