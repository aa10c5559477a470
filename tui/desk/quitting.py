"""Quitting with orders working: the question, and cancel-and-quit.

A desk that quits leaves its orders at the exchange (they are the trader's, and the
exchange keeps working them). That is only right when the trader chose it, so quitting
with orders working asks: cancel them and quit, leave them working and quit, or stay.
Cancel-and-quit presses the kill switch (every order the exchange lists for the account,
and every insert still unanswered) and waits, a bounded time, for the exchange to end
them; if it has not by then, it says which orders may still be working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.listener import until
from tui.core.model import Order
from tui.core.state import DeskState
from tui.desk.asks import KillSwitch

if TYPE_CHECKING:
    from tui.desk.controller import DeskController

QUIT_WAIT = 5.0  # seconds cancel-and-quit waits for the exchange to end the orders
NAMED = 5  # orders named one by one when some may still be working


def working_words(state: DeskState) -> str | None:
    """'3 orders are working in 2 markets.' (None: nothing is working, quit at once)."""
    working = state.working_orders()
    if not working:
        return None
    count, markets = len(working), len({o.symbol for o in working})
    verb = "is" if count == 1 else "are"
    words = (f"{count} order{'s' * (count != 1)} {verb} working in {markets} "
             f"market{'s' * (markets != 1)}.")
    return f"{words} {state.orders_after_quit}" if state.orders_after_quit else words


def leave_words(state: DeskState, count: int) -> str:
    """What quitting without cancelling does to the working orders, as the quit question's
    choice says it: they work on at the exchange, unless the venue says otherwise (the
    CLOB's heartbeat cancels them; paper orders end with the desk), said above it."""
    them = "it" if count == 1 else "them"
    if state.orders_after_quit:
        return f"quit without cancelling {them} here (see above)"
    return f"leave {them} working at the exchange and quit"


async def cancel_before_quit(desk: DeskController, wait: float = QUIT_WAIT) -> str | None:
    """Cancel every working order (the kill switch) and wait until the exchange has ended
    them, at most ``wait`` seconds. None when nothing is left working; else what to tell
    the trader on the way out."""
    await desk.perform(KillSwitch())
    left = await _until_none_working(desk, wait)
    if not left:
        return None
    named = ", ".join(_order_words(desk.state, o) for o in left[:NAMED])
    more = f" and {len(left) - NAMED} more" if len(left) > NAMED else ""
    return (f"{len(left)} order{'s' * (len(left) != 1)} may still be working at the exchange "
            f"(no cancel confirmed within {wait:g} s): {named}{more}. Check them on the "
            "exchange or with pmdesk before you walk away.")


async def _until_none_working(desk: DeskController, wait: float) -> list[Order]:
    """My working orders once none is left, or ``wait`` has passed (waits on order
    changes, not a poll)."""
    await until(desk.state, lambda: not desk.state.working_orders(), wait,
                now=desk.clock.now, wait=desk.clock.wait)
    return desk.state.working_orders()


def _order_words(state: DeskState, order: Order) -> str:
    inst = state.instruments.get(order.symbol)
    if inst is None:
        return f"{order.shown_intent.label} in {order.symbol}"
    s = inst.scales
    return (f"{order.shown_intent.label} {s.qty_text(order.leaves_qty)} @ "
            f"{s.price_text(order.shown_price(s))} in {order.symbol}")
