"""Asking the exchange what b and s would get: when to ask, and the asking.

Debounced: a ticket or cursor change asks after ESTIMATE_DELAY of rest (the screen runs
``ask`` as an exclusive worker, so a newer change restarts the wait); a book that only
moves is asked about at most every ESTIMATE_REFRESH (tui/desk/estimate.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from tui.core.prices import Intent
from tui.core.ticket import TicketError
from tui.core.venue import VenueError
from tui.desk.estimate import ESTIMATE_DELAY, SideEstimate, estimate_key
from tui.desk.views import side_view
from tui.desk.words import estimate_words, plain, refusal_estimate

if TYPE_CHECKING:
    from tui.desk.controller import DeskController

log = logging.getLogger("pmdesk.desk")


def due(desk: DeskController) -> bool:
    """Whether to ask again now: the ticket shows an estimate that is not current."""
    if desk.instrument is None or desk.cursor is None:
        return False
    keys = (side_view(desk, True)[1], side_view(desk, False)[1])
    return desk.estimates.due((desk.symbol, desk.cursor, desk.ticket), keys, desk.clock.now())


async def ask(desk: DeskController) -> None:
    await desk.clock.sleep(ESTIMATE_DELAY)
    inst, cursor = desk.instrument, desk.cursor
    aim = (desk.symbol, cursor, desk.ticket)
    if inst is None or cursor is None:
        return
    found: dict[bool, SideEstimate] = {}
    for buy in (True, False):
        try:
            request = desk.request(Intent.of(buy, desk.ticket.outcome), cursor)
        except TicketError:  # the ticket says why itself, with no exchange to ask
            continue
        key = estimate_key(request, desk.state.books.get(inst.symbol))  # the book asked about
        try:
            est = await desk.venue.preview(request)
        except VenueError as error:
            found[buy] = SideEstimate(key, refusal_estimate(plain(error)))
            continue
        except Exception as error:  # noqa: BLE001 - an estimate is a nicety; never a crash
            log.error("estimate failed: %r", error)
            found[buy] = SideEstimate(key, ())
            continue
        found[buy] = SideEstimate(key, estimate_words(est, request.intent.outcome, inst.scales))
    if aim == (desk.symbol, desk.cursor, desk.ticket):  # still the ticket it was asked for
        desk.estimates.store(found)
        desk.version += 1
