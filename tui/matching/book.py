"""One symbol's order book: price-time priority on integer prices.

The matching engine both exchanges use: the embedded one (tui/sim) rests every order here, and
paper trading (tui/matching/paper.py) rests the desk's paper orders here against the live book.
It knows orders only by the four fields of ``Resting``.

Each price level is an insertion-ordered queue keyed by a private slot number (so an order
can hand its place to its replacement), with the level's total kept alongside; the occupied
prices of each side sit in an ascending list maintained with bisect.

The book owns queue positions and level totals only. ``match`` tells the caller which
resting orders trade and how much; the caller applies the fills to the orders.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import Generic, Protocol, TypeVar

from tui.core.enums import Side


class Resting(Protocol):
    """What the book needs of an order: the caller keeps leaves_qty as fills are applied."""

    order_id: str
    side: Side
    price: int
    leaves_qty: int


OrderT = TypeVar("OrderT", bound=Resting)


@dataclass(slots=True)
class _Level(Generic[OrderT]):
    orders: OrderedDict[int, OrderT] = field(default_factory=OrderedDict)
    qty: int = 0


@dataclass(frozen=True, slots=True)
class _Place:
    side: Side
    price: int
    slot: int


class OrderBook(Generic[OrderT]):
    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self._levels: dict[Side, dict[int, _Level[OrderT]]] = {Side.BUY: {}, Side.SELL: {}}
        self._prices: dict[Side, list[int]] = {Side.BUY: [], Side.SELL: []}  # ascending
        self._where: dict[str, _Place] = {}
        self._slots = count()

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._where

    # --- resting orders -------------------------------------------------------------
    def add(self, order: OrderT) -> None:
        """Rest an order at the back of its price level, with its leaves_qty."""
        if order.order_id in self._where:
            raise ValueError(f"order {order.order_id} is already in the book")
        side, price = order.side, order.price
        level = self._levels[side].get(price)
        if level is None:
            level = self._levels[side][price] = _Level[OrderT]()
            bisect.insort(self._prices[side], price)
        slot = next(self._slots)
        level.orders[slot] = order
        level.qty += order.leaves_qty
        self._where[order.order_id] = _Place(side, price, slot)

    def remove(self, order_id: str) -> OrderT | None:
        place = self._where.pop(order_id, None)
        if place is None:
            return None
        level = self._levels[place.side][place.price]
        order = level.orders.pop(place.slot)
        level.qty -= order.leaves_qty
        if not level.orders:
            self._drop_level(place.side, place.price)
        return order

    def hand_over(self, old_id: str, new: OrderT) -> None:
        """Put ``new`` in ``old_id``'s queue position (same side and price): priority kept."""
        place = self._where.pop(old_id)
        if (new.side, new.price) != (place.side, place.price):
            raise ValueError("a hand-over keeps side and price")
        level = self._levels[place.side][place.price]
        old = level.orders[place.slot]
        level.orders[place.slot] = new  # assigning an existing key keeps its position
        level.qty += new.leaves_qty - old.leaves_qty
        self._where[new.order_id] = place

    def take(self, order_id: str, qty: int) -> None:
        """``qty`` of a resting order traded outside ``match`` (a paper order met by a
        print): it keeps its place, and leaves the book when that was all of it. The caller
        applies the fill to the order, as after ``match``."""
        place = self._where[order_id]
        level = self._levels[place.side][place.price]
        order = level.orders[place.slot]
        level.qty -= qty
        if qty >= order.leaves_qty:
            del level.orders[place.slot]
            del self._where[order_id]
            if not level.orders:
                self._drop_level(place.side, place.price)

    # --- prices ---------------------------------------------------------------------
    def best(self, side: Side) -> int | None:
        prices = self._prices[side]
        if not prices:
            return None
        return prices[-1] if side is Side.BUY else prices[0]

    @property
    def best_bid(self) -> int | None:
        return self.best(Side.BUY)

    @property
    def best_offer(self) -> int | None:
        return self.best(Side.SELL)

    def would_cross(self, side: Side, price: int) -> bool:
        """Whether an order on ``side`` at ``price`` would trade against the other side."""
        other = self.best(side.opposite)
        if other is None:
            return False
        return price >= other if side is Side.BUY else price <= other

    def available(self, side: Side, price: int, up_to: int) -> int:
        """Quantity an order on ``side`` limited at ``price`` could take now, capped at up_to."""
        total = 0
        for px in self._crossable_prices(side, price):
            total += self._levels[side.opposite][px].qty
            if total >= up_to:
                return up_to
        return total

    # --- matching -------------------------------------------------------------------
    def match(self, side: Side, price: int, qty: int) -> list[tuple[OrderT, int]]:
        """Take up to ``qty`` for an incoming order on ``side`` limited at ``price``.

        Returns (resting order, quantity) pairs in priority order, best price first and
        FIFO within a price. Fully taken orders leave the book; the caller applies fills.
        """
        fills: list[tuple[OrderT, int]] = []
        other = side.opposite
        for px in list(self._crossable_prices(side, price)):
            level = self._levels[other][px]
            while qty > 0 and level.orders:
                resting = next(iter(level.orders.values()))
                take = min(qty, resting.leaves_qty)
                fills.append((resting, take))
                qty -= take
                level.qty -= take
                if take == resting.leaves_qty:
                    level.orders.popitem(last=False)
                    del self._where[resting.order_id]
            if not level.orders:
                self._drop_level(other, px)
            if qty == 0:
                break
        return fills

    # --- views ----------------------------------------------------------------------
    def levels(self, depth: int = 10) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Aggregated depth: bids best (highest) first, offers best (lowest) first."""
        bid_px = self._prices[Side.BUY][::-1][:depth]
        ask_px = self._prices[Side.SELL][:depth]
        bids = [(px, self._levels[Side.BUY][px].qty) for px in bid_px]
        offers = [(px, self._levels[Side.SELL][px].qty) for px in ask_px]
        return bids, offers

    def orders(self, side: Side | None = None) -> Iterator[OrderT]:
        """Resting orders in priority order (one side, or bids then offers)."""
        for s in (Side.BUY, Side.SELL) if side is None else (side,):
            prices = self._prices[s][::-1] if s is Side.BUY else self._prices[s]
            for px in prices:
                yield from self._levels[s][px].orders.values()

    def level_orders(self, side: Side, price: int) -> list[OrderT]:
        level = self._levels[side].get(price)
        return list(level.orders.values()) if level else []

    # --- internals ------------------------------------------------------------------
    def _crossable_prices(self, side: Side, price: int) -> Iterator[int]:
        """Opposite-side prices an order on ``side`` at ``price`` reaches, best first."""
        prices = self._prices[side.opposite]
        if side is Side.BUY:
            yield from prices[: bisect.bisect_right(prices, price)]
        else:
            yield from reversed(prices[bisect.bisect_left(prices, price):])

    def _drop_level(self, side: Side, price: int) -> None:
        del self._levels[side][price]
        prices = self._prices[side]
        del prices[bisect.bisect_left(prices, price)]
