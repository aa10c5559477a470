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
from tui.core.money import notional_dollars
from tui.core.prices import Outcome, Scales


class PaperAccount:
    def __init__(self, cash: Decimal) -> None:
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
                self.cash += notional_dollars(sc, closing * sc.complement(px))
            if qty > closing:
                pos.trade(Outcome.YES, qty - closing, px)
                self.cash -= notional_dollars(sc, (qty - closing) * px)
            pos.qty_bought += qty
        else:
            closing = min(pos.yes.qty, qty)
            if closing:
                pos.trade(Outcome.YES, -closing, px)
                self.cash += notional_dollars(sc, closing * px)
            if qty > closing:
                pos.trade(Outcome.NO, qty - closing, sc.complement(px))
                self.cash -= notional_dollars(sc, (qty - closing) * sc.complement(px))
            pos.qty_sold += qty
        return pos

    def settle(self, symbol: str, yes_price: int, sc: Scales) -> tuple[Position, Decimal]:
        """The market settled at ``yes_price``: what is held is paid out at it (NO at its
        complement), realised, and the position is flat. Returns it and the dollars paid."""
        pos = self.position(symbol)
        paid = Decimal(0)
        for outcome, price in ((Outcome.YES, yes_price), (Outcome.NO, sc.complement(yes_price))):
            held = pos.holding(outcome).qty
            if held:
                pos.trade(outcome, -held, price)
                paid += notional_dollars(sc, held * price)
        self.cash += paid
        return pos, paid

    def closable(self, symbol: str, side: Side) -> int:
        """Contracts an order on this YES side closes before it opens any: a sale of YES
        sells YES held; a purchase of YES sells back NO held."""
        pos = self.positions.get(symbol)
        if pos is None:
            return 0
        return pos.yes.qty if side is Side.SELL else pos.no.qty

    def balance(self, held_back: Decimal) -> Balance:
        return Balance(balance=self.cash, buying_power=self.cash - held_back)
