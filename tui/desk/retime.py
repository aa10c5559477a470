"""e: my working order at the cursor gets the ticket's terms (time in force, post-only, the
GTD expiry), its price and size kept, once confirmed. The venue sends a change of terms where
it can (the gateway's cancel-replace, the retail API's modify); the CLOB cannot, and says so.
Only GTC and GTD suit an order that rests; post-only is the ticket's as shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.ticket import Terms
from tui.core.words import order_words
from tui.desk.asks import Change, Plan, Question
from tui.desk.ticket import GTC, GTD

if TYPE_CHECKING:
    from tui.desk.controller import DeskController


def plan(desk: DeskController) -> Plan | None:
    orders = desk.orders_here()
    if not orders or desk.instrument is None:
        desk.tell("No working order of yours at the cursor.", "warning")
        return None
    ticket = desk.ticket
    if ticket.tif not in (GTC, GTD):
        desk.tell(f"Not sent: an order that rests is GTC or GTD; choose one with "
                  f"{desk.say_key('tif')}.", "error")
        return None
    terms = Terms(ticket.tif, ticket.post_only,
                  desk.clock.wall() + ticket.gtd_seconds if ticket.tif is GTD else None)
    order = orders[0]
    text = (f"{order_words(desk.state, order)} becomes {terms.words()}; its price and size "
            "stay. The exchange replaces the order: it may lose its place in the queue.")
    return Plan(Change(order, terms=terms),
                Question("Change this order's terms?", (), text, declined="Not changed."))
