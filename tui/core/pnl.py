"""Position P&L in dollars: average price, mark, realized and unrealized. No I/O, no textual.

Conventions:

- A ``Position`` holds YES and NO separately, each with its raw quantity and raw cost.
- ``Position.net`` is raw YES contracts, YES − NO; negative is long NO (short YES).
- ``Position.net_cost(scales)`` is the signed raw YES notional of the same exposure (the
  exchange's net position report's ``cost``): a short YES position has a negative one.
- A raw notional in dollars is ``raw / (price_scale × qty_scale)``.

Every price here is a YES price in dollars; ``in_outcome`` turns one into a NO price.
Closing everything held at YES price p sells the YES at p and the NO at 1 − p, which
realises ``net × p − net cost`` (a YES and a NO held together are $1 a pair at any price),
so the formulas hold for longs, shorts and both outcomes held at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from tui.core.model import Book, Instrument, Position
from tui.core.money import notional_dollars
from tui.core.prices import Outcome, Scales

ONE = Decimal(1)
TWO = Decimal(2)


@dataclass(frozen=True, slots=True)
class PositionPnl:
    """One position's P&L, in dollars. Prices are YES prices."""

    net: int  # raw YES contracts, signed (negative = long NO)
    avg_price: Decimal | None  # average open YES price; None when flat
    mark: Decimal | None  # YES mid, else last trade, else None
    realized: Decimal  # dollars already realised
    unrealized: Decimal | None  # dollars if closed at the mark; None without a mark

    @property
    def outcome(self) -> Outcome | None:
        """The outcome the trader holds: YES when long, NO when short YES, None when flat."""
        if self.net == 0:
            return None
        return Outcome.YES if self.net > 0 else Outcome.NO


def in_outcome(yes_price: Decimal, outcome: Outcome) -> Decimal:
    """A YES price (dollars) seen from an outcome: the NO price is 1 − YES."""
    return yes_price if outcome is Outcome.YES else ONE - yes_price


def mark_price(scales: Scales, book: Book | None) -> Decimal | None:
    """The YES mark in dollars: the mid of a two-sided book, else the last trade, else None."""
    if book is None:
        return None
    bid, offer = book.best_bid, book.best_offer
    if bid is not None and offer is not None:
        return (scales.to_decimal(bid) + scales.to_decimal(offer)) / TWO
    if book.last_trade_px is not None:
        return scales.to_decimal(book.last_trade_px)
    return None


def avg_price(position: Position, scales: Scales) -> Decimal | None:
    """Average open YES price in dollars (net cost / net), or None when the net is flat: the
    YES price at which closing breaks even.

    A short YES position has negative net and negative net cost, so this is still a YES price.
    """
    if position.net == 0:
        return None
    raw = Decimal(position.net_cost(scales)) / Decimal(position.net)  # raw price units
    return raw / Decimal(scales.price_scale)


def pnl_at(position: Position, scales: Scales, yes_price: Decimal) -> Decimal:
    """Dollars realised by closing the whole open position at a YES price (in dollars).

    ``net × price − net cost``: long 10 YES bought at 0.40, closed at 0.50 → +1.00; short 10
    YES sold at 0.60 (10 NO at 0.40), closed at 0.50 → +1.00. Zero when nothing is held; for
    pairs held, their $1 less their cost at any price. Excludes what was realised already.
    """
    contracts = Decimal(position.net) / Decimal(scales.qty_scale)
    return contracts * yes_price - notional_dollars(scales, position.net_cost(scales))


def close_pnl(position: Position, scales: Scales, price_raw: int) -> Decimal:
    """Dollars the trader would realise closing the whole position at a raw YES price."""
    return pnl_at(position, scales, scales.to_decimal(price_raw))


def entry_tick(position: Position, scales: Scales) -> int | None:
    """The average entry as a raw YES price on the nearest tick (the ladder marks it), or
    None when flat. Halves round up, to the whole price unit and then to the tick."""
    net = position.net
    if net == 0:
        return None
    # net cost / net to the nearest price unit
    unit = (2 * position.net_cost(scales) + net) // (2 * net)
    return (unit + scales.tick // 2) // scales.tick * scales.tick


def position_pnl(position: Position, scales: Scales, book: Book | None) -> PositionPnl:
    """Average price, mark, realized and unrealized P&L of one position."""
    mark = mark_price(scales, book)
    unrealized: Decimal | None = None
    if position.net == 0:  # no mark needed: nothing open, or pairs worth $1 at any price
        unrealized = 0 - notional_dollars(scales, position.net_cost(scales))
    elif mark is not None:
        unrealized = pnl_at(position, scales, mark)
    return PositionPnl(
        net=position.net,
        avg_price=avg_price(position, scales),
        mark=mark,
        realized=notional_dollars(scales, position.realized),
        unrealized=unrealized,
    )


@dataclass(frozen=True, slots=True)
class DeskPnl:
    """P&L summed over positions, in dollars."""

    realized: Decimal
    unrealized: Decimal  # over open positions that have a mark
    unmarked: int  # open positions without a mark (not in ``unrealized``)


def desk_pnl(positions: Iterable[Position], instruments: Mapping[str, Instrument],
             books: Mapping[str, Book]) -> DeskPnl:
    """Total realized and unrealized P&L; positions in unknown markets are skipped."""
    realized = unrealized = Decimal(0)
    unmarked = 0
    for position in positions:
        inst = instruments.get(position.symbol)
        if inst is None:
            continue
        pnl = position_pnl(position, inst.scales, books.get(position.symbol))
        realized += pnl.realized
        if pnl.unrealized is not None:
            unrealized += pnl.unrealized
        elif position.net != 0:
            unmarked += 1
    return DeskPnl(realized=realized, unrealized=unrealized, unmarked=unmarked)
