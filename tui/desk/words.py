"""What the desk says to the trader: cancel counts, change notices, estimates, the move note.

Plain functions of the desk's state, so each sentence a trader reads can be checked alone.
"""

from __future__ import annotations

from tui.core.model import Estimate, Order
from tui.core.money import dollars, notional_dollars
from tui.core.prices import Intent, Outcome, Scales
from tui.core.state import DeskState
from tui.venues.refusals import POST_ONLY_CROSSED

UNTRADABLE = "This market cannot be traded exactly: "  # tui/core/tradable.py
REFUSED = "✕"  # marks an estimate the exchange (or the ticket) refused
REFRESHING = ("\n  … refreshing", "\n  …")  # an estimate for the book on screen is on its way


def plain(error: BaseException) -> str:
    """One sentence for a trader: the message, never a traceback."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else error.__class__.__name__


def cancel_words(count: int, what: str, where: str) -> str:
    """'Cancelling 3 bids in X.' / 'No working bids in X.': how many of what, where
    ('in every market' reads 'in any market' when there are none)."""
    if count:
        return f"Cancelling {count} {what}{'s' * (count != 1)} {where}."
    return f"No working {what}s {where.replace('in every ', 'in any ')}."


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


def move_note(intent: Intent, leaves: int, price: int, s: Scales, move_key: str,
              drop_key: str) -> list[tuple[str, ...]]:
    """The ticket's lines for an order picked up to move (``price`` in its outcome), each in
    long and short forms."""
    what = f"moving {intent.label} {s.qty_text(leaves)}"
    since = f"from {s.price_text(price)}"
    return [(f"{what} {since}", f"{what}\n{since}"), (f"{move_key} places, {drop_key} drops",)]


def estimate_words(est: Estimate, outcome: Outcome, s: Scales) -> tuple[str, ...]:
    """The exchange's preview under a ticket line, long form first, shorter for narrow
    panels: '≈ fills 10 @ 0.231 ($2.31)', '≈ fills 10 @ 0.231', '≈ 10 @ 0.231'."""
    if est.fill_qty:
        px = est.avg_px if outcome is Outcome.YES else s.complement(est.avg_px)
        cost = notional_dollars(s, est.fill_qty * px)
        fills = f"{s.qty_text(est.fill_qty)} @ {s.price_text(px)}"
        if est.fee:  # the venue's fee stays in every form that has room for it
            fee = dollars(est.fee)
            return (f"\n  ≈ fills {fills} ({dollars(cost)} + {fee} fee)",
                    f"\n  ≈ fills {fills} + {fee} fee", f"\n  ≈ {fills} + {fee} fee",
                    f"\n  ≈ {fills}")
        return (f"\n  ≈ fills {fills} ({dollars(cost)})", f"\n  ≈ fills {fills}",
                f"\n  ≈ {fills}")
    if est.leaves_qty:
        return "\n  ≈ rests, no fill now", "\n  ≈ rests, no fill", "\n  ≈ rests"
    return ()


KILLED = "Kill switch on"  # the ticket's line while the kill switch latches


def refusal_estimate(text: str) -> tuple[str, ...]:
    """Why an order would be refused, under its ticket line; a short form for narrow panels."""
    short: tuple[str, ...] = ("Refused: post-only would cross the book",
                              "post-only crosses") if POST_ONLY_CROSSED in text else ()
    if text.startswith(KILLED):
        short = (KILLED, "killed")
    if text.startswith(UNTRADABLE):  # the reason is the point: keep it, drop the preamble
        why = text.removeprefix(UNTRADABLE)
        short = (f"Cannot be traded exactly: {why}", "cannot be traded exactly")
    return tuple(f"\n  {REFUSED} {words}" for words in (text, *short))
