"""The one machinery behind every bulk cancel: the kill switch, a market's or one side's
cancels, a list of orders, and flatten's cancels.

A sweep goes in rounds: cancel what it knows (the desk's own working orders in scope,
acknowledged or not, and what the exchange listed last round), then list the exchange's
open orders again; it stops when the listing shows nothing working in scope and no insert
of the desk's is still on its way, or when its bound runs out, and then names each order
that may still be working and why. A read is safe, so a lost answer is read again; a cancel
is idempotent, so one whose answer was lost is sent again next round if the order is still
listed; an insert is never sent again. An insert whose answer was lost is cancelled by the
desk's own id where the venue keeps it (the gateway), or by the exchange-wide cancel.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from tui.core.cancels import NO_ANSWER, STILL_LISTED, UNREACHABLE, CancelReport, MaybeWorking
from tui.core.enums import OrderState, Side
from tui.core.model import Order
from tui.core.venue import VenueError
from tui.venues.order_marks import MARKERS, OrderMarks

SWEEP_BOUND = 10.0  # seconds a sweep keeps going before it names what may still be working
REQUEST_WAIT = 2.0  # seconds one read or cancel of a sweep may take: a hung answer is lost
READ_WAITS = (0.0, 0.1, 0.3)  # seconds before each try of a safe read in a sweep
ROUND_PAUSES = (0.05, 0.1, 0.2, 0.4)  # seconds between rounds (the last one repeats)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Scope:
    """Which orders a sweep is about: every one, a market's (one YES side), or a list."""

    symbol: str | None = None
    side: Side | None = None
    ids: frozenset[str] | None = None  # exchange or desk ids of a list of orders
    symbols: frozenset[str] | None = None  # the markets a list of orders is in

    @classmethod
    def of(cls, orders: Iterable[Order]) -> Scope:
        orders = list(orders)
        return cls(ids=frozenset(i for o in orders for i in (o.order_id, o.clord_id) if i),
                   symbols=frozenset(o.symbol for o in orders))

    @property
    def everything(self) -> bool:
        return self.symbol is None and self.side is None and self.ids is None

    @property
    def markets(self) -> list[str] | None:
        """The markets to list (None: every one)."""
        if self.symbol is not None:
            return [self.symbol]
        return sorted(self.symbols) if self.symbols is not None else None

    def covers(self, order: Order) -> bool:
        if self.symbol is not None and order.symbol != self.symbol:
            return False
        if self.side is not None and order.side is not self.side:
            return False
        return self.ids is None or bool({order.order_id, order.clord_id} & self.ids - {""})


class Sweeps(OrderMarks):
    sweep_bound = SWEEP_BOUND
    request_wait = REQUEST_WAIT
    client_ids: bool
    cancel_batch: int

    # --- hooks: the adapter's wire --------------------------------------------------
    async def _list_open(self, symbols: list[str] | None) -> list[Order]:
        """The account's open orders as the exchange lists them (in these markets)."""
        raise NotImplementedError

    async def _send_cancels(self, orders: list[Order]) -> None:
        raise NotImplementedError

    async def _sweep_send(self, orders: list[Order], scope: Scope, first: bool) -> list[str]:
        """Cancel these orders by whatever id the venue accepts (the exchange's, else the
        desk's own where the venue keeps it); returns exchange ids known cancelled besides.
        A venue with an exchange-wide cancel may send that instead."""
        sendable = [o for o in orders if o.order_id or self.client_ids]
        size = self.cancel_batch
        await asyncio.gather(*(self._bounded(self._send_cancels(sendable[i:i + size]))
                               for i in range(0, len(sendable), size)),
                             return_exceptions=True)  # what is still listed goes again
        return []

    # --- the sweep ----------------------------------------------------------------------
    async def _bounded(self, call: Awaitable[T]) -> T:
        """One request of a sweep, given up after request_wait: its answer counts as lost."""
        try:
            return await asyncio.wait_for(call, self.request_wait)
        except TimeoutError:
            raise VenueError(f"The exchange did not answer within {self.request_wait:g} s.",
                             uncertain=True) from None

    async def _read(self, read: Callable[[], Awaitable[T]], deadline: float) -> T:
        """A safe read, tried again after a short wait when its answer is lost (not past
        the sweep's deadline: the trader was told how long it takes)."""
        failure = VenueError("The exchange could not be asked.")
        loop = asyncio.get_running_loop()
        for wait in READ_WAITS:
            if wait and loop.time() + wait >= deadline:
                break
            if wait:
                await asyncio.sleep(wait)
            try:
                return await self._bounded(read())
            except VenueError as exc:
                failure = exc
        raise failure

    def _current(self, order: Order) -> Order:
        """The desk's copy of an order the exchange listed, if it has one."""
        known = self.state.find_order(order_id=order.order_id, clord_id=order.clord_id)
        return known if known is not None else order

    @staticmethod
    def _key(order: Order) -> str:
        return order.clord_id or order.order_id

    def _mine(self, scope: Scope) -> list[Order]:
        """The desk's own working orders in scope, acknowledged or not."""
        return [o for o in self.state.home.working_orders(scope.symbol) if scope.covers(o)]

    def _flying(self, scope: Scope) -> list[Order]:
        return [o for o in self._mine(scope) if o.clord_id in self._inflight]

    async def _sweep(self, scope: Scope, bound: float | None = None) -> CancelReport:
        """Rounds of cancel-then-list until the exchange lists nothing working in scope and
        no insert is on its way, or until `bound` seconds have passed."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        deadline = start + (self.sweep_bound if bound is None else bound)
        asked: set[str] = set()
        listed: list[Order] = []  # the exchange's last word on what works in scope
        unread = True  # no listing has come yet
        for round_no in range(1_000_000):  # ends on the deadline at the latest
            # an insert on its way is left to its answer: a cancel by the desk's id could
            # reach the exchange before it (refused), then it lands; once answered (or lost)
            # it is cancelled like the rest
            fresh = [o for o in self._mine(scope) if self._key(o) not in asked
                     and o.clord_id not in self._inflight]
            targets = list({self._key(o): o for o in [*fresh, *listed]}.values())
            newly = [o for o in targets if o.order_id and o.state not in MARKERS]
            for order in targets:
                if order.order_id:
                    self._mark(order, OrderState.PENDING_CANCEL)
            gone = await self._sweep_send(targets, scope, first=round_no == 0)
            self._settle_later(newly)  # once an order: a venue that never reports a refusal
            asked |= {self._key(o) for o in targets}
            asked |= {self._key(o) if (o := self.state.find_order(order_id=i)) else i
                      for i in gone}
            try:
                found = await self._read(lambda: self._list_open(scope.markets), deadline)
            except VenueError:
                unread = True
            else:
                unread = False
                listed = [c for o in found if o.state.is_working
                          and scope.covers(c := self._current(o)) and c.state.is_working]
            if not unread and not listed and not self._flying(scope):
                return CancelReport(len(asked), (), True, loop.time() - start)
            now = loop.time()
            if now >= deadline:
                break
            pause = ROUND_PAUSES[min(round_no, len(ROUND_PAUSES) - 1)]
            await asyncio.sleep(min(pause, deadline - now))
        return CancelReport(len(asked), self._left(scope, listed, unread),
                            False, loop.time() - start)

    def _left(self, scope: Scope, listed: list[Order], unread: bool) -> tuple[MaybeWorking, ...]:
        """Each order that may still be working, and why."""
        left: dict[str, MaybeWorking] = {}
        flying = {self._key(o) for o in self._flying(scope)}
        for order in listed:
            left[self._key(order)] = MaybeWorking(order, UNREACHABLE if unread else STILL_LISTED)
        for order in self._mine(scope):
            key = self._key(order)
            if key in flying:
                left.setdefault(key, MaybeWorking(order, NO_ANSWER))
            elif unread:
                left.setdefault(key, MaybeWorking(order, UNREACHABLE))
        return tuple(left.values())

    # --- the kill switch and the latch -------------------------------------------------
    async def kill_switch(self, why: str = "the kill switch was pressed", *,
                          account: str | None = None) -> CancelReport:
        """Latch (nothing that adds risk is sent until re-armed), then cancel every order of
        the account in every market, acknowledged or not, until the exchange lists nothing
        working or the sweep's bound passes (then it names what may still be working)."""
        self.state.set_latch(why)
        return await self._sweep(Scope())

    @property
    def latched(self) -> bool:
        return self.state.latched

    def rearm(self) -> None:
        """The trader re-arms trading after the kill switch."""
        self.state.set_latch("")
