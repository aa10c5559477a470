"""Building the ticket's view from the desk: the b / s lines priced from the book on
screen, and each estimate shown only while it holds for that book."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.enums import InstrumentState
from tui.core.pnl import avg_price
from tui.core.prices import Intent
from tui.core.ticket import OrderKind, TicketError
from tui.core.words import short_account
from tui.desk.estimate import Key, estimate_key
from tui.desk.view import MarketView, MoveView, SideView, TicketView
from tui.desk.words import KILLED, plain, refusal_estimate

if TYPE_CHECKING:
    from tui.desk.controller import DeskController


def side_view(desk: DeskController, buy: bool) -> tuple[SideView, Key | None]:
    """One b / s line and, when it waits on the exchange's estimate, the key it waits for."""
    ticket, cursor, inst = desk.ticket, desk.cursor, desk.instrument
    intent = Intent.of(buy, ticket.outcome)
    market = ticket.kind is OrderKind.MARKET
    assert inst is not None and cursor is not None
    if desk.state.latched:  # nothing would be sent: say so where the trader looks
        price = None if market else ticket.price_for(cursor)
        return SideView(intent, price, market, refusal_estimate(
            f"{KILLED}: {desk.say_key('rearm')} re-arms")), None
    try:
        request = desk.request(intent, cursor)
    except TicketError as error:  # no exchange to ask: the ticket says why at once
        price = None if market else ticket.price_for(cursor)
        return SideView(intent, price, market, refusal_estimate(plain(error))), None
    # a market request's price is its worst, from the book on screen
    price = request.price if market else ticket.price_for(cursor)
    key = estimate_key(request, desk.state.books.get(inst.symbol))
    words = desk.estimates.words(buy, key)
    if words is None:
        return SideView(intent, price, market, (), refreshing=True), key
    return SideView(intent, price, market, words), None


def ticket_view(desk: DeskController) -> TicketView:
    inst, state = desk.instrument, desk.state
    if inst is None:
        return TicketView(desk.ticket, None, desk.cursor)
    shown = "" if inst.state is InstrumentState.OPEN else inst.state.name.lower()
    market = MarketView(inst.symbol, inst.description, shown, inst.scales)
    position = state.positions.get(inst.symbol)
    net = position.net if position is not None else 0
    avg = avg_price(position, inst.scales) if position is not None and net else None
    moving = desk.moving
    move = None if moving is None else MoveView(moving.shown_intent, moving.leaves_qty,
                                                moving.shown_price(inst.scales))
    buy = sell = None
    if desk.cursor is not None:
        buy, sell = side_view(desk, True)[0], side_view(desk, False)[0]
    account = short_account(state.account) if state.tradable else ""
    return TicketView(desk.ticket, market, desk.cursor, buy, sell, net, avg,
                      len(state.working_orders(inst.symbol)), move, account,
                      bool(desk.orders_here()), state.paper)
