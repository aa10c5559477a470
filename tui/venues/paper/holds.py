"""What paper orders may take from paper cash, counted together.

An order costs what it could open if it filled: a sale of YES held, or a purchase of YES
while NO is held, opens nothing. Working orders on one side of a market share what the
position can close, so three sales of the same 100 YES held cannot each count as closing
it: the first closes it, the others open NO and hold back its cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from tui.core.enums import Side
from tui.core.model import Order
from tui.core.money import notional_dollars
from tui.core.prices import Scales
from tui.venues.paper.account import PaperAccount


def _opening_cost(side: Side, price: int, opening: int, sc: Scales) -> Decimal:
    each = price if side is Side.BUY else sc.complement(price)
    return notional_dollars(sc, opening * each)


def held_back(account: PaperAccount, orders: Iterable[Order],
              scales: Mapping[str, Scales]) -> Decimal:
    """Cash the working orders would take if they all filled."""
    left: dict[tuple[str, Side], int] = {}
    total = Decimal(0)
    for order in orders:
        key = (order.symbol, order.side)
        if key not in left:
            left[key] = account.closable(*key)
        closing = min(left[key], order.leaves_qty)
        left[key] -= closing
        total += _opening_cost(order.side, order.price, order.leaves_qty - closing,
                               scales[order.symbol])
    return total


def new_cost(account: PaperAccount, working: Iterable[Order], symbol: str, side: Side,
             price: int, qty: int, sc: Scales) -> Decimal:
    """What a new order could take, after the working orders on its side close what they
    can first."""
    taken = sum(o.leaves_qty for o in working if o.symbol == symbol and o.side is side)
    closing = min(max(account.closable(symbol, side) - taken, 0), qty)
    return _opening_cost(side, price, qty - closing, sc)
