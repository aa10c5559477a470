"""Carrying a plan's act out: the venue command, the hard account limits once more as it
goes out, and the words the trader reads after (never a traceback)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, TypeVar

from tui.core.cancels import CancelReport
from tui.core.model import Order
from tui.core.ticket import OrderRequest, Terms, request_words
from tui.core.venue import VenueError
from tui.core.words import order_words
from tui.desk import flatten
from tui.desk.asks import (
    Act,
    CancelAll,
    CancelOrders,
    Change,
    Flatten,
    KillSwitch,
    Rearm,
    Submit,
    SwitchAccount,
)
from tui.desk.risk import replacement
from tui.desk.sweep_words import kill_words, sweep_words
from tui.desk.words import change_words, plain

if TYPE_CHECKING:
    from tui.desk.controller import DeskController

T = TypeVar("T")
log = logging.getLogger("pmdesk.desk")


async def perform(desk: DeskController, act: Act) -> None:
    venue = desk.venue
    match act:
        case Submit(request):
            await submit(desk, request)
        case Change(order, price, qty, terms) if terms is not None:
            await retime(desk, order, terms)
        case Change(order, price, qty):
            await change(desk, order, price, qty)
        case CancelOrders(orders, where):
            await cancels(desk, venue.cancel_orders(orders), where)
        case CancelAll(symbol, side, what):
            await cancels(desk, venue.cancel_all(symbol, side), f"in {symbol}", what)
        case KillSwitch(why, account):
            await kill(desk, why, account)
        case Rearm():
            venue.rearm()
            desk.tell("Re-armed: orders and changes are sent again.", timeout=4)
        case SwitchAccount(account):
            await call(desk, venue.switch_account(account), "Not switched")
        case Flatten():
            await flatten.carry_out(desk, act)


async def submit(desk: DeskController, request: OrderRequest) -> bool:
    scales = desk.state.instruments[request.symbol].scales
    what = f"{request_words(request, scales)} {request.symbol}"
    if not within(desk, request):
        return False
    try:
        await desk.venue.submit(request)
    except VenueError as error:
        if error.uncertain:  # it may be working: resending could double the size
            desk.tell(f"Outcome unknown: {what}. {plain(error)} Watch open orders; "
                      "do not resend.", "warning", 15)
        else:
            desk.tell(f"Not sent: {what}. {plain(error)}", "error", 8)
        return False
    except Exception as error:  # noqa: BLE001 - a sentence for the trader, no traceback
        log.error("submit failed: %r", error)
        desk.tell(f"Outcome unknown: {what}: {plain(error)}.", "error", 8)
        return False
    desk.tell(f"Sent {what}", timeout=3)
    return True


async def change(desk: DeskController, order: Order, price: int | None,
                 qty: int | None) -> None:
    scales = desk.state.instruments[order.symbol].scales
    if not within(desk, replacement(order, scales, price=price, qty=qty), order):
        return
    words = change_words(desk.state, order, price=price, qty=qty)  # before it changes
    ok, _ = await call(desk, desk.venue.replace(order, price=price, qty=qty),
                       "Change not sent")
    if ok:
        desk.tell(words, timeout=4)


async def retime(desk: DeskController, order: Order, terms: Terms) -> None:
    ok, _ = await call(desk, desk.venue.replace(order, terms=terms), "Terms not changed")
    if ok:
        desk.tell(f"Changing {order_words(desk.state, order)} to {terms.words()}.", timeout=4)


def within(desk: DeskController, request: OrderRequest, *replaced: Order) -> bool:
    """The hard account limits, again, as the order goes out (no await until it has)."""
    refusal = desk.risk.refusal(request, replaced)
    if refusal is not None:
        desk.tell(f"Not sent: {refusal}", "error", 10)
    return refusal is None


async def call(desk: DeskController, command: Awaitable[T],
               failure: str) -> tuple[bool, T | None]:
    try:
        return True, await command
    except VenueError as error:
        desk.tell(f"{failure}: {plain(error)}", "error", 8)
    except Exception as error:  # noqa: BLE001 - a sentence for the trader, no traceback
        log.error("%s: %r", failure, error)
        desk.tell(f"{failure}: {plain(error)}.", "error", 8)
    return False, None


async def cancels(desk: DeskController, command: Awaitable[CancelReport], where: str,
                  what: str = "order") -> None:
    ok, report = await call(desk, command, "Cancel failed")
    if ok and report is not None:
        desk.tell(sweep_words(desk.state, report, what, where),
                  "information" if report.done else "error", 6 if report.done else 30)


async def kill(desk: DeskController, why: str, account: str | None = None) -> None:
    ok, report = await call(desk, desk.venue.kill_switch(why, account=account),
                            "Kill switch failed")
    if ok and report is not None:
        desk.tell(kill_words(desk.state, report, desk.say_key("rearm")),
                  "warning" if report.done else "error", 10 if report.done else 60)
