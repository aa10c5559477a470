"""From an insert's arguments to a new order, and why the exchange would refuse it.

Shared by ``Exchange.insert_order`` and ``Exchange.preview`` so a preview is validated
exactly as the insert would be. Read-only: nothing here changes a book or the ledger.
"""

from __future__ import annotations

from typing import Any

from tui.core.enums import OrdRejectReason, Side, TimeInForce
from tui.matching.book import OrderBook
from tui.sim import quote, rules
from tui.sim.ledger import Ledger
from tui.sim.model import SimInstrument, SimOrder


def new_order(order_id: str, now: float, p: dict[str, Any], inst: SimInstrument | None,
              book: OrderBook | None) -> SimOrder:
    """A new order from insert arguments ``p``; a cash amount is turned into its quantity."""
    tif = TimeInForce(p["tif"]) or TimeInForce.DAY  # absent/zero is DAY (spec §6 Order)
    qty, cash, price = p["order_qty"], p["cash_order_qty"], p["price"]
    if (cash > 0 and not qty and p["side"] is Side.BUY and inst is not None
            and book is not None and rules.price_problem(inst, price) is None):
        qty = quote.cash_quantity(book, price, cash, now)
    return SimOrder(
        order_id=order_id, clord_id=p["clord_id"], account=p["account"],
        participant=p["participant"], symbol=p["symbol"], side=p["side"],
        type=p["order_type"], tif=tif, price=price, order_qty=qty, leaves_qty=qty,
        insert_time=now, create_time=now, last_transact_time=now,
        good_till_time=p["good_till_time"] if tif is TimeInForce.GOOD_TILL_TIME else None,
        participate_dont_initiate=p["participate_dont_initiate"], cash_order_qty=cash,
        price_scale=inst.scales.price_scale if inst else 0,
        qty_scale=inst.scales.qty_scale if inst else 1)


def refusal(order: SimOrder, asked_qty: int, inst: SimInstrument | None,
            book: OrderBook | None, ledger: Ledger, now: float) -> rules.Problem | None:
    """Why the exchange refuses ``order`` (rules first, then buying power), or None."""
    problem = rules.insert_problem(order, inst, book, now, asked_qty=asked_qty,
                                   known_account=order.account in ledger.participants)
    if problem is None and not ledger.can_fund(order):
        problem = OrdRejectReason.EXCHANGE_OPTION, rules.NO_BUYING_POWER
    return problem
