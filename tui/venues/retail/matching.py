"""Which of the account's trades made up each order's missing fills (retail-api.md §6.2).

A trade in the activities history names its market, price, size and whether it took
liquidity, but not its order. An order's missing part is known from the exchange's copy of
the order (cumulative quantity and average price) less what the desk recorded. The trades
are shared out so that each order's quantity adds up exactly and its cost agrees with the
average price: a resting order trades at its own price, a taking one at its limit or
better. Trades are tried in the order given, and the search is bounded: no answer means the
history cannot say, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.core.enums import Side
from tui.core.model import Order

BUDGET = 20_000  # search steps per market before giving up
INSERT_SLACK = 1.0  # seconds: a trade's time and its order's insert time, both the exchange's
MAX_TRADES = 400  # unknown trades considered per market (the search recurses per trade)


@dataclass(frozen=True, slots=True)
class Traded:
    """One trade of the account's, from the activities history; prices are YES prices."""

    trade_id: str
    price: int  # raw YES price
    qty: int  # raw quantity
    aggressor: bool
    at: float  # seconds since the epoch
    # the sides of my orders it may be a fill of: a trade between two of my own orders is
    # listed twice under one id, and a side the desk recorded already is not open
    sides: frozenset[Side] = field(default=frozenset({Side.BUY, Side.SELL}))


@dataclass(frozen=True, slots=True)
class Gap:
    """What the desk has not recorded of one order: quantity, and the cost the exchange's
    (rounded) average price implies for it, give or take `slack`."""

    order: Order  # the exchange's copy
    need: int  # raw quantity
    cost: int  # raw notional (raw price × raw quantity)
    slack: int


def fits(order: Order, trade: Traded) -> bool:
    """Could this trade be one of this order's fills?"""
    if order.side not in trade.sides:
        return False
    if order.inserted_ns is not None and trade.at < order.inserted_ns / 1e9 - INSERT_SLACK:
        return False  # traded before the order existed
    if not trade.aggressor:
        return trade.price == order.price  # a resting order trades at its own price
    return trade.price <= order.price if order.side is Side.BUY else trade.price >= order.price


class _OutOfStepsError(Exception):
    pass


def share_out(gaps: list[Gap], trades: list[Traded], budget: int = BUDGET
              ) -> list[list[Traded]] | None:
    """Each gap's trades (in the order of `gaps`), covering every gap exactly; None when no
    such sharing was found. `trades` in the order to try them; a trade goes to one order or
    none."""
    trades = trades[:MAX_TRADES]
    choices = [[k for k, g in enumerate(gaps) if fits(g.order, t)] for t in trades]
    needs = [g.need for g in gaps]
    costs = [0] * len(gaps)
    picked: list[int | None] = [None] * len(trades)
    # what the trades from i on could still supply, for pruning
    left = [0] * (len(trades) + 1)
    for i in range(len(trades) - 1, -1, -1):
        left[i] = left[i + 1] + (trades[i].qty if choices[i] else 0)
    steps = 0

    def search(i: int, wanted: int) -> bool:
        nonlocal steps
        steps += 1
        if steps > budget:
            raise _OutOfStepsError
        if wanted == 0:
            return all(abs(c - g.cost) <= g.slack for c, g in zip(costs, gaps, strict=True))
        if i == len(trades) or left[i] < wanted:
            return False
        trade = trades[i]
        for k in choices[i]:
            if trade.qty <= needs[k]:
                needs[k] -= trade.qty
                costs[k] += trade.qty * trade.price
                picked[i] = k
                if search(i + 1, wanted - trade.qty):
                    return True
                needs[k] += trade.qty
                costs[k] -= trade.qty * trade.price
                picked[i] = None
        return search(i + 1, wanted)

    try:
        if not search(0, sum(needs)):
            return None
    except _OutOfStepsError:
        return None
    shares: list[list[Traded]] = [[] for _ in gaps]
    for trade, k in zip(trades, picked, strict=True):
        if k is not None:
            shares[k].append(trade)
    return shares
