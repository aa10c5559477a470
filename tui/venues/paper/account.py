"""The paper account: cash and positions from paper fills, and what working orders hold back.

It starts flat with the cash the trader set (``[paper] cash``, default $1,000) each session;
the paper database keeps every order and fill for the blotter and exports. Positions are
net, as the US venues keep them: buying YES while holding NO closes the NO first, and selling
YES beyond what is held is holding NO. No fee is charged on paper.
"""

from __future__ import annotations

from decimal import Decimal

from tui.core.enums import Side
from tui.core.model import Balance, Fill, Position
from tui.core.prices import Outcome, Scales

DEFAULT_CASH = Decimal(1000)


def _dollars(raw_notional: int, sc: Scales) -> Decimal:
    return Decimal(raw_notional) / (sc.price_scale * sc.qty_scale)


class PaperAccount:
    def __init__(self, cash: Decimal = DEFAULT_CASH) -> None:
        self.cash = cash
        self.positions: dict[str, Position] = {}

    def position(self, symbol: str) -> Position:
        return self.positions.setdefault(symbol, Position(symbol))

    def apply(self, fill: Fill, sc: Scales) -> Position:
        """A fill on the YES book into the net position, and its cash."""
        pos = self.position(fill.symbol)
        qty, px = fill.qty, fill.price
        if fill.side is Side.BUY:
            closing = min(pos.no.qty, qty)  # NO held is sold back first
            if closing:
                pos.trade(Outcome.NO, -closing, sc.complement(px))
                self.cash += _dollars(closing * sc.complement(px), sc)
            if qty > closing:
                pos.trade(Outcome.YES, qty - closing, px)
                self.cash -= _dollars((qty - closing) * px, sc)
            pos.qty_bought += qty
        else:
            closing = min(pos.yes.qty, qty)
            if closing:
                pos.trade(Outcome.YES, -closing, px)
                self.cash += _dollars(closing * px, sc)
            if qty > closing:
                pos.trade(Outcome.NO, qty - closing, sc.complement(px))
                self.cash -= _dollars((qty - closing) * sc.complement(px), sc)
            pos.qty_sold += qty
        return pos

    def cost(self, symbol: str, side: Side, price: int, qty: int, sc: Scales) -> Decimal:
        """Dollars an order would take from cash at worst: what it opens (a sale of YES held
        opens nothing)."""
        pos = self.positions.get(symbol)
        if side is Side.BUY:
            opening = qty - min(pos.no.qty if pos else 0, qty)
            return _dollars(opening * price, sc)
        opening = qty - min(pos.yes.qty if pos else 0, qty)
        return _dollars(opening * sc.complement(price), sc)

    def balance(self, held_back: Decimal) -> Balance:
        return Balance(balance=self.cash, buying_power=self.cash - held_back)
