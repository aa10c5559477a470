"""Orders described in a trader's words, the same for every venue."""

from __future__ import annotations

from tui.core.model import Order
from tui.core.prices import Outcome
from tui.core.state import DeskState


def short_account(account: str) -> str:
    """'firms/ISV/accounts/ann-1' → 'ann-1': an account as a trader names it."""
    return account.rsplit("/", 1)[-1]


def order_words(state: DeskState, order: Order, yes_px: int | None = None) -> str:
    """'BUY NO KC-BUF at 0.56': the intent and the price in the outcome traded."""
    inst = state.instruments.get(order.symbol)
    intent = order.shown_intent
    if inst is None:
        return f"{intent.label} {order.symbol}"
    px = order.price if yes_px is None else yes_px
    if intent.outcome is Outcome.NO:
        px = inst.scales.complement(px)
    return f"{intent.label} {order.symbol} at {inst.scales.price_text(px)}"


def quantity(state: DeskState, order: Order, qty: int) -> str:
    inst = state.instruments.get(order.symbol)
    return inst.scales.qty_text(qty) if inst else str(qty)
