"""Positions held per outcome: a venue's net YES report as the holding it is, both outcomes
held at once (as on the global CLOB), and the P&L of each, in exact raw integers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.model import Book, Holding, Instrument, Position
from tui.core.pnl import avg_price, close_pnl, desk_pnl, entry_tick, position_pnl
from tui.core.prices import Outcome, Scales

CENTS = Scales(price_scale=100, tick=1)
MILLS = Scales(price_scale=1000, tick=10, qty_scale=100)  # hundredths of a contract

D = Decimal
YES, NO = Outcome.YES, Outcome.NO


def test_a_long_yes_report_is_a_yes_holding() -> None:
    position = Position.from_net("M", 10, 10, 0, 10 * 40, 25, scales=CENTS)
    assert position.yes == Holding(10, 400) and position.no == Holding()
    assert (position.net, position.net_cost(CENTS), position.realized) == (10, 400, 25)
    assert (position.qty_bought, position.qty_sold) == (10, 0)


def test_a_short_yes_report_is_a_no_holding_at_one_minus_the_price() -> None:
    # sold 10 YES at 0.60 (cost -6.00): 10 NO bought at 0.40, which cost 4.00
    position = Position.from_net("M", -10, 0, 10, -10 * 60, scales=CENTS)
    assert position.no == Holding(10, 400) and position.yes == Holding()
    assert (position.net, position.net_cost(CENTS)) == (-10, -600)
    # 0.75 contracts short at 0.600 at price scale 1000: 0.75 NO at 0.400 = 30000 raw
    partial = Position.from_net("M", -75, cost=-75 * 600, scales=MILLS)
    assert partial.no == Holding(75, 30000)
    # a basis off the tick stays exact: nothing is rounded on the way
    odd = Position.from_net("M", -3, cost=-3 * 402 - 1, scales=Scales(1000, 5))
    assert odd.no == Holding(3, 3 * 1000 - 3 * 402 - 1)
    assert odd.net_cost(Scales(1000, 5)) == -3 * 402 - 1


def test_a_flat_report_holds_nothing_and_keeps_its_realized() -> None:
    position = Position.from_net("M", 0, 10, 10, 0, -125, scales=CENTS)
    assert not position.held and position.net == 0 and position.realized == -125


@given(net=st.integers(-10**9, 10**9), cost=st.integers(-10**12, 10**12),
       scale=st.sampled_from([100, 1000, 10_000]))
def test_the_net_report_round_trips_exactly(net: int, cost: int, scale: int) -> None:
    scales = Scales(price_scale=scale, tick=1)
    position = Position.from_net("M", net, cost=cost if net else 0, scales=scales)
    assert position.net == net
    assert position.net_cost(scales) == (cost if net else 0)
    assert position.yes.qty >= 0 and position.no.qty >= 0
    assert not (position.yes.qty and position.no.qty)  # a net report holds one outcome
    if net < 0:
        assert position.no.cost == -net * scale + cost


# --- both outcomes held at once ----------------------------------------------------------


def both() -> Position:
    """10 YES bought at 0.40 and 4 NO at 0.70: 4 pairs (worth $4.00, cost $4.40) and 6 YES."""
    return Position("M", yes=Holding(10, 400), no=Holding(4, 280))


def test_both_held_are_worth_the_net_plus_a_dollar_a_pair() -> None:
    position = both()
    assert position.net == 6
    assert position.net_cost(CENTS) == 400 + 280 - 4 * 100  # 2.80 for the 6 YES net
    pnl = position_pnl(position, CENTS, Book("M", bids=[(49, 1)], offers=[(51, 1)]))
    # at 0.50: YES 10 x 0.50 + NO 4 x 0.50 = 7.00, against 6.80 paid
    assert pnl.unrealized == D("0.20") and pnl.outcome is YES
    # closing sells the YES at 0.55 and the NO at 0.45: 5.50 + 1.80 - 6.80
    assert close_pnl(position, CENTS, 55) == D("0.50")
    assert avg_price(position, CENTS) == D(280) / 6 / 100  # the YES price that breaks even
    assert close_pnl(position, CENTS, 47) == D("0.02") and entry_tick(position, CENTS) == 47


def test_pairs_alone_are_a_dollar_each_whatever_the_mark() -> None:
    pairs = Position("M", yes=Holding(5, 200), no=Holding(5, 350))  # 5.50 paid for $5.00
    assert pairs.net == 0 and pairs.held
    for book in (None, Book("M", bids=[(10, 1)], offers=[(12, 1)]), Book("M", last_trade_px=90)):
        pnl = position_pnl(pairs, CENTS, book)
        assert pnl.unrealized == D("-0.50") and pnl.avg_price is None and pnl.outcome is None
    assert close_pnl(pairs, CENTS, 1) == close_pnl(pairs, CENTS, 99) == D("-0.50")
    total = desk_pnl([pairs], {"M": Instrument("M", "M", CENTS)}, {})
    assert (total.unrealized, total.unmarked) == (D("-0.50"), 0)  # no mark needed


def test_a_trade_buys_or_sells_one_outcome_by_average_cost() -> None:
    position = Position("M", yes=Holding(10, 400))
    position.trade(NO, 4, 70)  # the CLOB: buying NO while long YES holds both
    assert position == both()
    position.trade(YES, -3, 50)  # 3 of 10 YES that cost 4.00: 1.20 of basis leaves
    assert position.yes == Holding(7, 280) and position.realized == 3 * 50 - 120
    position.trade(NO, -4, 30)
    assert position.no == Holding() and position.realized == 30 + 4 * 30 - 280
    with pytest.raises(ValueError, match="cannot sell 8 YES: 7 held"):
        position.trade(YES, -8, 50)  # a token not held is never sold
    assert position.yes == Holding(7, 280)


def test_a_share_of_the_cost_truncates_like_the_exchange() -> None:
    position = Position("M", no=Holding(3, 100))
    position.trade(NO, -1, 40)  # a third of 100: 33 leaves, 67 stays
    assert position.no == Holding(2, 67) and position.realized == 40 - 33
