"""The desk controller: the ticket, where the keys trade, and every trading action.

Headless (no textual, no sockets of its own): it speaks to a venue through the narrow
``Venue`` protocol and reads DeskState. Actions decide at once, on the cursor and book the
trader saw, and return a Plan (tui/desk/asks.py): carried out at once, or after the
trader confirms its Question. What the desk says is queued as Notices for the screen.
Every order, a move's or a resize's replacement and flatten's close included, passes
``vet()`` (the trader's limits, per order and for the account, then a self-match look)
before anything is sent, and the hard account limits once more as it goes out
(tui/desk/risk.py, which also watches the daily loss limit).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from tui.core.config import DeskConfig
from tui.core.enums import OrderState, Side
from tui.core.model import Instrument, Order
from tui.core.prices import Intent, Outcome
from tui.core.state import DeskState
from tui.core.ticket import OrderRequest, TicketError, build_order, request_words
from tui.core.tradable import untradable
from tui.core.venue import Venue
from tui.core.vetting import vet
from tui.desk import audit, carry, flatten, preview, retime
from tui.desk.asks import (
    Act,
    CancelAll,
    CancelOrders,
    Change,
    KillSwitch,
    Notice,
    Plan,
    Question,
    Rearm,
    Submit,
    SwitchAccount,
)
from tui.desk.clock import Clock, SystemClock
from tui.desk.estimate import Estimates
from tui.desk.risk import RiskWatch, replacement
from tui.desk.sizes import step_size
from tui.desk.ticket import Ticket
from tui.desk.view import TicketView
from tui.desk.views import ticket_view
from tui.desk.words import plain

T = TypeVar("T")
SIDES = {"bids": (Side.BUY, "bid"), "offers": (Side.SELL, "offer")}


def orders_at(state: DeskState, symbol: str | None, price: int | None) -> list[Order]:
    """My working orders in a market at a YES price (not those already cancelling): what
    the keys at the cursor act on."""
    if symbol is None or price is None:
        return []
    return [o for o in state.working_orders(symbol) if o.price == price
            and o.state is not OrderState.PENDING_CANCEL]


class DeskController:
    """Tests may read: ticket, symbol, cursor, moving, version, and take_notices()."""

    def __init__(self, venue: Venue, config: DeskConfig | None = None, *,
                 clock: Clock | None = None, repeat_guard: float = 0.7,
                 say_key: Callable[[str], str] = str) -> None:
        self.venue = venue
        self.config = config or DeskConfig()
        self.clock: Clock = clock or SystemClock()
        self.repeat_guard = repeat_guard  # the same order again this soon: a held key
        self.say_key = say_key  # binding id -> the key in a sentence ('m', 'Esc')
        self.ticket = Ticket()
        self.symbol: str | None = None  # the market the keys trade
        self.cursor: int | None = None  # its cursor, a raw YES price
        self.moving: Order | None = None  # a working order picked up to move
        self.version = 0  # moves whenever what the ticket shows may have changed
        self.notices: list[Notice] = []
        self.estimates = Estimates()
        self._last_press: tuple[float, object] = (float("-inf"), None)
        self._told_held = False
        self.risk = RiskWatch(self)  # account limits at send; the daily loss watch

    # --- what the screen reads --------------------------------------------------------
    @property
    def state(self) -> DeskState:
        return self.venue.state

    @property
    def instrument(self) -> Instrument | None:
        return self.state.instruments.get(self.symbol) if self.symbol else None

    def take_notices(self) -> list[Notice]:
        notices, self.notices = self.notices, []
        return notices

    @audit.told
    def tell(self, text: str, severity: str = "information", timeout: float = 5.0) -> None:
        self.notices.append(Notice(text, severity, timeout))

    def view(self) -> TicketView:
        """The ticket as the screen should draw it now, against the book in DeskState."""
        return ticket_view(self)

    def orders_here(self) -> list[Order]:
        return orders_at(self.state, self.symbol, self.cursor)

    # --- where the keys trade ---------------------------------------------------------
    def aim(self, symbol: str | None, cursor: int | None) -> None:
        """The market and cursor price the keys trade at now (the screen says)."""
        symbol = symbol if symbol in self.state.instruments else None
        if (symbol, cursor) == (self.symbol, self.cursor):
            return
        if symbol != self.symbol:
            self.moving = None  # an order picked up to move stays in its own market
        moved = symbol != self.symbol
        self.symbol, self.cursor = symbol, cursor
        inst = self.instrument
        self.ticket = self.ticket.for_market(inst.scales if inst else None)
        reason = untradable(inst.scales) if inst is not None else None
        if reason is not None and moved:  # said once, when the trader turns to it
            self.tell(reason, "warning", 10)
        self.version += 1

    def drop_move(self) -> bool:
        """Esc, or another ladder: the order picked up stays where it was."""
        if self.moving is None:
            return False
        self.moving = None
        self.version += 1
        self.tell("Move dropped; the order stays where it was.", timeout=3)
        return True

    # --- the ticket -------------------------------------------------------------------
    def _set(self, ticket: Ticket) -> None:
        if ticket != self.ticket:
            self.ticket = ticket
            self.version += 1

    def toggle_outcome(self) -> Outcome:
        self._set(self.ticket.toggle_outcome())
        return self.ticket.outcome

    def cycle_kind(self) -> None:
        self._set(self.ticket.cycle_kind())

    def cycle_tif(self) -> None:
        self._set(self.ticket.cycle_tif())

    def toggle_post_only(self) -> None:
        self._set(self.ticket.toggle_post_only())

    def toggle_cash(self) -> None:
        self._set(self.ticket.toggle_cash())

    def step_size(self, steps: int) -> None:
        self._set(self.ticket.stepped(steps, self.config.size_steps))

    def preset(self, index: int) -> None:
        presets = self.config.size_presets
        if not 0 <= index < len(presets):
            self.tell(f"No size preset {index + 1}: the config file's size_presets has "
                      f"{len(presets)}.", "warning", 4)
            return
        if self.instrument is not None:
            self._set(self.ticket.with_contracts(presets[index]))

    def request(self, intent: Intent, cursor: int) -> OrderRequest:
        """The ticket's order for an intent at a YES cursor price (raises TicketError)."""
        inst, ticket = self.instrument, self.ticket
        assert inst is not None
        cash = ticket.cash_qty if intent.is_buy else None  # sells stay in contracts
        now = self.clock.wall()
        return build_order(
            inst, intent, ticket.price_for(cursor), 0 if cash else ticket.qty,
            kind=ticket.kind, tif=ticket.tif, expire_at=ticket.expire_at(now),
            post_only=ticket.post_only, cash_qty=cash, slippage=self.config.slippage,
            book=self.state.books.get(inst.symbol), now=now)

    # --- new orders -------------------------------------------------------------------
    def _held(self, press: object) -> bool:
        """The same press again within the guard: a held key's repeat."""
        now, (at, last) = self.clock.now(), self._last_press
        self._last_press = (now, press)
        return press == last and now - at < self.repeat_guard

    @audit.key
    def order(self, buy: bool) -> Plan | None:
        """b / s: the ticket's order at the cursor, checked; a bad ticket is never sent."""
        inst, cursor, ticket = self.instrument, self.cursor, self.ticket
        if inst is None or cursor is None:
            self.tell("No market on the ladder.", "warning")
            return None
        if self._held((inst.symbol, buy, cursor, ticket)):
            if not self._told_held:  # a held key sends one order, not a burst
                self.tell("Repeated key ignored: one order per press.", "warning")
            self._told_held = True
            return None
        self._told_held = False
        try:
            request = self.request(Intent.of(buy, ticket.outcome), cursor)
        except TicketError as error:
            self.tell(f"Not sent: {plain(error)}", "error")
            return None
        return self.vetted(request)

    def vetted(self, request: OrderRequest, title: str = "Send this order?") -> Plan | None:
        """Hard limits refuse (None); soft limits and self-matches ask first."""
        if self._killed():
            return None
        verdict = vet(request, self.state, self.config.limits)
        if verdict.refusal is not None:
            self.tell(f"Not sent: {verdict.refusal}", "error", 10)
            return None
        if verdict.clear:
            return Plan(Submit(request))
        scales = self.state.instruments[request.symbol].scales
        text = f"{request_words(request, scales)}\n\n{self.venue.wire_text(request)}"
        return Plan(Submit(request), Question(title, tuple(verdict.warnings), text))

    # --- working orders ---------------------------------------------------------------
    @audit.key
    def cancel_here(self) -> Plan | None:
        """x: my working orders at the cursor price."""
        inst, cursor = self.instrument, self.cursor
        if inst is None or cursor is None:
            return None
        price = inst.scales.price_text(cursor)
        orders = self.orders_here()
        if not orders:
            self.tell(f"No working order of yours at {price}.", "warning")
            return None
        return Plan(CancelOrders(tuple(orders), f"at {price}"))

    @audit.key
    def cancel_market(self, side: str = "") -> Plan | None:
        """X , .: my working orders in this market: all, only bids or only offers (YES
        book sides: a SELL NO is a bid, a BUY NO an offer)."""
        if self.symbol is None:
            return None
        yes_side, what = SIDES.get(side, (None, "order"))
        return Plan(CancelAll(self.symbol, yes_side, what))

    @audit.key
    def kill_switch(self, account: str | None = None) -> Plan:
        """K: every order in every market (of every account the login trades, or of the one
        named: ctrl+k in the account picker), as the exchange lists them. Never asks: a cancel
        can never add risk. It latches: nothing that adds risk is sent until re-armed."""
        return Plan(KillSwitch(account=account))

    @audit.key
    def switch_account(self, account: str) -> Plan | None:
        """A (then Enter on one): trade and show another of the login's accounts."""
        if account == self.state.account:
            return None
        return Plan(SwitchAccount(account))

    @audit.key
    def rearm(self) -> Plan | None:
        """R: trading again after the kill switch, once the trader confirms."""
        if not self.venue.latched:
            self.tell("Trading is armed: the kill switch is not on.", timeout=3)
            return None
        return Plan(Rearm(), Question(
            "Re-arm trading?", (f"Trading was stopped: {self.state.latch}.",),
            "New orders and changes will be sent again.", confirm_words="re-arm",
            declined="Still killed: nothing that adds risk is sent."))

    def _killed(self) -> bool:
        """The kill switch latched: an order or a change is refused here, in words."""
        if not self.venue.latched:
            return False
        self.tell(f"Not sent: the kill switch is on ({self.state.latch}); "
                  f"{self.say_key('rearm')} re-arms.", "error", 8)
        return True

    @audit.key
    def move(self) -> Plan | None:
        """m: the first press picks up my order at the cursor; the second puts it there."""
        cursor, moving = self.cursor, self.moving
        if cursor is None or self.instrument is None:
            return None
        if moving is None:
            orders = self.orders_here()
            if not orders:
                self.tell("No working order of yours at the cursor to move.", "warning")
                return None
            self.moving = orders[0]
            self.version += 1
            self.tell(f"Move the cursor, then {self.say_key('move')} to place it there "
                      f"({self.say_key('escape')} drops it).", timeout=4)
            return None
        self.moving = None
        self.version += 1
        if cursor == moving.price:
            self.tell("Order left where it was.", timeout=3)
            return None
        return self.change(moving, price=cursor)

    @audit.key
    def resize(self, steps: int) -> Plan | None:
        """> <: my order at the cursor up or down the size ladder (cancel-replace)."""
        orders, inst = self.orders_here(), self.instrument
        if not orders or inst is None:
            self.tell("No working order of yours at the cursor.", "warning")
            return None
        order = orders[0]
        if self._held(("resize", order.order_id, steps)):
            return None  # a held key changes the order once, not on every repeat
        s = inst.scales
        total = step_size(order.order_qty, steps, self.config.size_steps, s)
        if total is None and steps > 0:
            self.tell(f"Not sent: {s.qty_text(order.order_qty)} is at the top of the size "
                      "steps (config size_steps).", "warning")
            return None
        if total is None or total - order.cum_qty < s.min_qty:
            self.tell("Not sent: that would leave nothing to work; cancel it instead.",
                      "error")
            return None
        return self.change(order, qty=total)

    def change(self, order: Order, *, price: int | None = None,
               qty: int | None = None) -> Plan | None:
        """A cancel-replace, vetted as a fresh order of what will work after it."""
        if self._killed():
            return None
        inst = self.state.instruments.get(order.symbol)
        if inst is None or order.symbol != self.symbol:
            self.tell("Not sent: that order is in another market.", "error")
            return None
        s = inst.scales
        request = replacement(order, s, price=price, qty=qty)
        intent, shown, yes_price = request.intent, request.price, request.yes_price
        verdict = vet(request, self.state, self.config.limits, ignoring=(order,))
        if verdict.refusal is not None:
            self.tell(f"Not sent: {verdict.refusal}", "error", 10)
            return None
        act = Change(order, price, qty)
        if verdict.clear:
            return Plan(act)
        text = (f"Change {intent.label} {s.qty_text(order.leaves_qty)} @ "
                f"{s.price_text(order.shown_price(s))} to {s.qty_text(request.qty)} @ "
                f"{s.price_text(shown)} (YES {s.price_text(yes_price)})")
        return Plan(act, Question("Change this order?", tuple(verdict.warnings), text,
                                  declined="Not changed."))

    @audit.key
    def retime(self) -> Plan | None:
        """e: my order at the cursor gets the ticket's TIF, post-only and expiry."""
        return None if self._killed() else retime.plan(self)

    @audit.key
    def flatten(self) -> Plan | None:
        """F: cancel my orders in this market and close the position, once confirmed."""
        return flatten.plan(self)

    # --- carrying plans out -----------------------------------------------------------
    @audit.answered
    async def answer(self, plan: Plan, yes: bool | None) -> None:
        """The trader's answer to a plan's question."""
        if yes:
            await self.perform(plan.act)
        elif plan.question is not None:
            self.tell(plan.question.declined, timeout=3)

    async def perform(self, act: Act) -> None:
        """Carry an act out now (tui/desk/carry.py)."""
        await carry.perform(self, act)

    async def submit(self, request: OrderRequest) -> bool:
        """Send one new order; True when the venue took it (the trader is told either way)."""
        return await carry.submit(self, request)

    async def call(self, call: Awaitable[T], failure: str) -> tuple[bool, T | None]:
        """Await a venue command; a refusal or a fault becomes a notice, never a traceback."""
        return await carry.call(self, call, failure)

    # --- the exchange's preview of b and s --------------------------------------------
    def estimate_due(self) -> bool:
        """Whether to ask the exchange again now (then run estimate())."""
        return preview.due(self)

    async def estimate(self) -> None:
        """After a short rest, ask the exchange what b and s would get now."""
        await preview.ask(self)
