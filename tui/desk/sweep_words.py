"""What the desk says after a sweep of cancels (tui/venues/sweep.py): "nothing working"
only when the exchange listed nothing, otherwise each order that may still be working and
why, so the trader never reads "done" with an order still live."""

from __future__ import annotations

from tui.core.cancels import CancelReport, MaybeWorking
from tui.core.model import Order
from tui.core.state import DeskState
from tui.core.words import short_account
from tui.desk.words import cancel_words

SHOWN = 6  # orders named in one notice; the rest are counted


def order_text(state: DeskState, order: Order) -> str:
    """'BUY YES 10 KC-BUF at 0.40': what the trader sent, in the outcome traded."""
    inst = state.instruments.get(order.symbol)
    intent = order.shown_intent
    if inst is None:
        return f"{intent.label} {order.leaves_qty} {order.symbol}"
    s = inst.scales
    return (f"{intent.label} {s.qty_text(order.leaves_qty)} {order.symbol} at "
            f"{s.price_text(order.shown_price(s))}")


def left_text(state: DeskState, left: tuple[MaybeWorking, ...]) -> str:
    named = [f"{order_text(state, m.order)} — {m.why}" for m in left[:SHOWN]]
    more = f"; and {len(left) - SHOWN} more" if len(left) > SHOWN else ""
    return "; ".join(named) + more


def kill_words(state: DeskState, report: CancelReport, rearm_key: str) -> str:
    """The kill switch's last word."""
    held = f" Nothing that adds risk is sent until you re-arm ({rearm_key})."
    names = [short_account(a) for a in report.accounts]
    where = ("" if not names else f"of {names[0]}" if len(names) == 1
             else f"of {len(names)} accounts ({', '.join(names)})")
    if report.done and not report.cancelled:
        return f"Kill switch: {cancel_words(0, 'order', f'in every market {where}'.rstrip())}{held}"
    if report.done:
        return (f"Kill switch: nothing working in any market {where}".rstrip() +
                f" ({report.cancelled} cancelled).{held}")
    n = len(report.left)
    return (f"Kill switch: {n} order{'s' * (n != 1)} may still be working after "
            f"{report.seconds:.0f} s: {left_text(state, report.left)}.{held}")


def sweep_words(state: DeskState, report: CancelReport, what: str, where: str) -> str:
    """A market's, a side's or the cursor's cancels: 'Cancelled 2 bids in X; none working.'"""
    if report.done:
        n = report.cancelled
        if not n:
            return cancel_words(0, what, where)
        return f"Cancelled {n} {what}{'s' * (n != 1)} {where}; none working."
    n = len(report.left)
    return (f"{n} {what}{'s' * (n != 1)} {where} may still be working: "
            f"{left_text(state, report.left)}.")
