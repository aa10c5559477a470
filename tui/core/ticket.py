"""An order ticket: what the trader asked for, checked before anything is sent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from tui.core.enums import Side, TimeInForce
from tui.core.model import Instrument
from tui.core.prices import Intent, yes_order


class TicketError(ValueError):
    """A ticket that must not be sent; the message is for the trader."""


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """A validated limit order on the YES book, with the intent it came from."""

    symbol: str
    intent: Intent
    price: int  # the trader's price in the intent's outcome, raw
    yes_side: Side
    yes_price: int  # raw YES price sent to the venue
    qty: int  # raw quantity
    tif: TimeInForce = TimeInForce.GOOD_TILL_CANCEL
    clord_id: str = field(default_factory=lambda: new_clord_id())


def new_clord_id() -> str:
    return f"pmd-{uuid.uuid4().hex[:20]}"


def build_order(instrument: Instrument, intent: Intent, price: int, qty: int,
                tif: TimeInForce = TimeInForce.GOOD_TILL_CANCEL) -> OrderRequest:
    """Check a ticket against the market's rules; raise TicketError in plain words."""
    scales = instrument.scales
    shown = scales.price_text(price)
    if not scales.in_bounds(price):
        raise TicketError(f"Price {shown} is outside 0.01–0.99.")
    if not scales.on_tick(price):
        raise TicketError(f"Price {shown} is not on the tick of "
                          f"{scales.price_text(scales.tick)}.")
    if qty <= 0:
        raise TicketError("Quantity must be more than zero.")
    if qty < scales.min_qty:
        raise TicketError(f"Quantity is below the minimum of {scales.qty_text(scales.min_qty)}.")
    side, yes_price = yes_order(intent, price, scales)
    return OrderRequest(symbol=instrument.symbol, intent=intent, price=price, yes_side=side,
                        yes_price=yes_price, qty=qty, tif=tif)
