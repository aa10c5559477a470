"""A venue in memory, for the desk controller's tests: no sockets, no screen (the clock
they move by hand is tests/fake_clock.py).

FakeVenue implements the Venue protocol (tui/core/venue.py) and records every command it
is given, in order; ``arrived`` is set the moment one comes, so "nothing was sent" is a
check of that event, not a sleep. Its orders work as soon as they arrive and end as soon
as they are cancelled, as the exchange's order stream would report them (``acks=False``
leaves them working, for a cancel the exchange never confirms).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from tui.core.cancels import CancelReport
from tui.core.enums import OrderState, Side
from tui.core.model import Book, Estimate, Instrument, Order, Position
from tui.core.prices import Scales
from tui.core.state import DeskState
from tui.core.ticket import OrderRequest

CENTS = Scales(price_scale=100, tick=1)
MARKET = "KC-BUF"


@dataclass
class Command:
    kind: str  # submit | cancel | replace | cancel_orders | cancel_all | kill_switch | rearm
    args: tuple[object, ...] = ()
    request: OrderRequest | None = None


@dataclass
class FakeVenue:
    state: DeskState = field(default_factory=DeskState)
    acks: bool = True  # cancels end the orders at once
    refuse: Exception | None = None  # raised by the next command, once
    estimate: Estimate | Exception = field(default_factory=lambda: Estimate(0, 0, 10))
    commands: list[Command] = field(default_factory=list)
    previews: list[OrderRequest] = field(default_factory=list)
    hold_previews: asyncio.Event | None = None  # previews wait for it when given
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    # --- the Venue protocol -------------------------------------------------------------
    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def submit(self, request: OrderRequest) -> None:
        self._record(Command("submit", request=request))
        qty = request.qty or 1
        self.state.upsert_order(Order(
            order_id=f"o{next(self._ids)}", clord_id=request.clord_id, symbol=request.symbol,
            side=request.yes_side, price=request.yes_price, order_qty=qty, leaves_qty=qty,
            state=OrderState.NEW, intent=request.intent))

    async def cancel(self, order: Order) -> None:
        self._record(Command("cancel", (order.order_id,)))
        self._end([order])

    async def replace(self, order: Order, *, price: int | None = None,
                      qty: int | None = None) -> None:
        self._record(Command("replace", (order.order_id, price, qty)))
        if price is not None:
            order.price = price
        if qty is not None:
            order.leaves_qty, order.order_qty = qty - order.cum_qty, qty
        self.state.upsert_order(order)

    async def cancel_orders(self, orders: Iterable[Order]) -> CancelReport:
        orders = list(orders)
        self._record(Command("cancel_orders", tuple(o.order_id for o in orders)))
        self._end(orders)
        return CancelReport(len(orders), confirmed=True)

    async def cancel_all(self, symbol: str | None = None,
                         side: Side | None = None) -> CancelReport:
        self._record(Command("cancel_all", (symbol, side)))
        mine = [o for o in self.state.working_orders(symbol)
                if side is None or o.side is side]
        self._end(mine)
        return CancelReport(len(mine), confirmed=True)

    async def kill_switch(self, why: str = "the kill switch was pressed", *,
                          account: str | None = None) -> CancelReport:
        self._record(Command("kill_switch"))
        self.state.set_latch(why)
        mine = self.state.working_orders()
        self._end(mine)
        return CancelReport(len(mine), confirmed=True)

    @property
    def latched(self) -> bool:
        return self.state.latched

    def rearm(self) -> None:
        self._record(Command("rearm"))
        self.state.set_latch("")

    def wire_text(self, request: OrderRequest) -> str:
        return (f'POST /orders {{"side": "{request.yes_side.name}", '
                f'"price": "{request.yes_price}", "qty": "{request.qty}"}}')

    async def preview(self, request: OrderRequest) -> Estimate:
        self.previews.append(request)
        if self.hold_previews is not None:
            await self.hold_previews.wait()
        if isinstance(self.estimate, Exception):
            raise self.estimate
        return self.estimate

    # --- what the tests look at -----------------------------------------------------------
    def _record(self, command: Command) -> None:
        self.commands.append(command)
        self.arrived.set()
        if self.refuse is not None:
            error, self.refuse = self.refuse, None
            raise error

    def _end(self, orders: list[Order]) -> None:
        if not self.acks:
            return
        for order in orders:
            order.state = OrderState.CANCELED
            order.leaves_qty = 0
            self.state.upsert_order(order)

    def sent(self, kind: str = "submit") -> list[Command]:
        return [c for c in self.commands if c.kind == kind]


def market(state: DeskState, bid: int | None = 40, offer: int | None = 45,
           qty: int = 100, symbol: str = MARKET) -> Book:
    """A cent market with this inside (each side one level deep) on the desk."""
    if symbol not in state.instruments:
        state.set_instruments([*state.instruments.values(),
                               Instrument(symbol, "Chiefs beat the Bills", CENTS)])
    book = Book(symbol, bids=[(bid, qty)] if bid else [], offers=[(offer, qty)] if offer else [])
    state.replace_book(book)
    return book


def holding(state: DeskState, net: int, avg: int, symbol: str = MARKET) -> None:
    """A position of ``net`` YES contracts (negative: NO) bought at a YES price."""
    state.set_positions([Position.from_net(symbol, net, cost=net * avg, scales=CENTS)],
                        snapshot=False)
