"""What the trading keys say: cancel counts, change notices, the ticket's move note.

Plain functions of the desk's state, so each sentence a trader reads can be checked alone.
"""

from __future__ import annotations

from decimal import Decimal

from tui.core.model import Estimate, Order
from tui.core.prices import Outcome, Scales
from tui.core.state import DeskState
from tui.ui.keymap import DeskKeys
from tui.ui.widgets.ticket import REFUSED
from tui.venues.refusals import POST_ONLY_CROSSED


def cancel_words(count: int, what: str, where: str) -> str:
    """'Cancelling 3 bids in X.' / 'No working bids in X.': how many of what, where."""
    if count:
        return f"Cancelling {count} {what}{'s' * (count != 1)} {where}."
    return f"No working {what}s {where}."


def change_words(state: DeskState, order: Order, *, price: int | None = None,
                 qty: int | None = None) -> str:
    """'Moving BUY YES 10 from 0.226 to 0.228 in X.' / 'Changing BUY YES at 0.226 from 10 to
    15 in X.': the order as the trader knows it and what changes, in the outcome traded.

    ``price`` is the new YES price, ``qty`` the new total quantity (as venue.replace takes
    them); call it before the change reaches the order.
    """
    inst = state.instruments.get(order.symbol)
    intent, where = order.shown_intent, f" in {order.symbol}"
    if inst is None:
        return f"Changing {intent.label}{where}."
    s = inst.scales
    px = s.price_text(order.shown_price(s))
    if price is not None and price != order.price:
        to = s.price_text(price if intent.outcome is Outcome.YES else s.complement(price))
        size = s.qty_text(order.leaves_qty if qty is None else qty - order.cum_qty)
        return f"Moving {intent.label} {size} from {px} to {to}{where}."
    total = order.order_qty if qty is None else qty
    filled = f" ({s.qty_text(order.cum_qty)} filled)" if order.cum_qty else ""
    return (f"Changing {intent.label} at {px} from {s.qty_text(order.order_qty)} to "
            f"{s.qty_text(total)}{filled}{where}.")


def move_note(grabbed: Order, s: Scales, keys: DeskKeys) -> list[tuple[str, ...]]:
    """The ticket's lines for an order picked up to move, each in long and short forms."""
    what = f"moving {grabbed.shown_intent.label} {s.qty_text(grabbed.leaves_qty)}"
    since = f"from {s.price_text(grabbed.shown_price(s))}"
    keys_words = f"{keys.said('move')} places, {keys.said('escape')} drops"
    return [(f"{what} {since}", f"{what}\n{since}"), (keys_words,)]


def estimate_words(est: Estimate, outcome: Outcome, s: Scales) -> tuple[str, ...]:
    """The exchange's preview under a ticket line, long form first, shorter for narrow
    panels: '≈ fills 10 @ 0.231 ($2.31)', '≈ fills 10 @ 0.231', '≈ 10 @ 0.231'."""
    if est.fill_qty:
        px = est.avg_px if outcome is Outcome.YES else s.complement(est.avg_px)
        cost = Decimal(est.fill_qty * px) / (s.price_scale * s.qty_scale)
        fills = f"{s.qty_text(est.fill_qty)} @ {s.price_text(px)}"
        return (f"\n  ≈ fills {fills} (${cost:,.2f})", f"\n  ≈ fills {fills}",
                f"\n  ≈ {fills}")
    if est.leaves_qty:
        return "\n  ≈ rests, no fill now", "\n  ≈ rests, no fill", "\n  ≈ rests"
    return ()


def refusal_estimate(text: str) -> tuple[str, ...]:
    """Why an order would be refused, under its ticket line; a short form for narrow panels."""
    short = ("Refused: post-only would cross the book", "post-only crosses") if (
        POST_ONLY_CROSSED in text) else ()
    return tuple(f"\n  {REFUSED} {words}" for words in (text, *short))
