"""The desk's ticket as a value: each key's transition, its interlocks, and the size ladder
(`+` from 10 is 25, not 11). Pure: no exchange, no screen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tui.core.config import DEFAULT_SIZE_STEPS
from tui.core.enums import TimeInForce
from tui.core.prices import Outcome, Scales
from tui.core.ticket import OrderKind
from tui.desk.sizes import carry_size, rungs, step_size
from tui.desk.ticket import GTD_CHOICES, Ticket

CENTS = Scales(price_scale=100, tick=1)
LOTS = Scales(price_scale=1000, tick=10, qty_scale=100, min_qty=50)  # half-contract lots
LADDER = [Decimal(n) for n in DEFAULT_SIZE_STEPS]
GTC, GTD = TimeInForce.GOOD_TILL_CANCEL, TimeInForce.GOOD_TILL_TIME
IOC, FOK = TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.FILL_OR_KILL
MARKET, LIMIT = OrderKind.MARKET, OrderKind.LIMIT


def on(scales: Scales = CENTS) -> Ticket:
    return Ticket().for_market(scales)


# --- the size ladder ----------------------------------------------------------------------

@pytest.mark.parametrize(("start", "steps", "end"), [
    (10, 1, 25), (10, -1, 5), (10, 2, 50), (10, 9, None), (1, -1, None),
    (12, 1, 25), (12, -1, 10),  # between steps: the next step the way pressed
    (1000, 1, None), (1500, -1, 1000), (7, -3, None)])
def test_a_size_steps_along_the_ladder(start: int, steps: int, end: int | None) -> None:
    assert step_size(start, steps, LADDER, CENTS) == end


def test_ten_to_a_hundred_is_three_presses_not_ninety() -> None:
    ticket = on()
    assert ticket.qty == 10
    for _ in range(3):
        ticket = ticket.stepped(1, LADDER)
    assert ticket.qty == 100


def test_the_ladder_is_in_contracts_on_each_markets_lot() -> None:
    assert rungs([Decimal("0.2"), Decimal(1), Decimal("2.75")], LOTS) == [50, 100, 250]
    assert step_size(100, 1, [Decimal(1), Decimal("2.5")], LOTS) == 250


def test_the_ticket_stops_at_the_ends_of_the_ladder() -> None:
    top = on().with_contracts(Decimal(1000))
    assert top.stepped(1, LADDER).qty == 1000
    bottom = on().with_contracts(Decimal(1))
    assert bottom.stepped(-1, LADDER).qty == 1 == CENTS.min_qty
    odd = on(LOTS).with_contracts(Decimal("0.5"))  # below the smallest step: the minimum
    assert odd.stepped(-1, [Decimal(1), Decimal(5)]).qty == LOTS.min_qty


def test_cash_steps_five_dollars_and_never_below_five() -> None:
    ticket = on().toggle_cash()
    assert ticket.cash == 25
    assert ticket.stepped(1, LADDER).cash == 30
    for _ in range(10):
        ticket = ticket.stepped(-1, LADDER)
    assert ticket.cash == 5
    assert ticket.qty == 10  # sells stay in contracts, untouched


# --- sizes across markets and presets ------------------------------------------------------

def test_a_new_market_keeps_the_contracts_on_its_lot() -> None:
    assert Ticket().qty == 10 and on().qty == 10
    ticket = on().with_contracts(Decimal(7))
    assert ticket.for_market(LOTS).qty == 700
    assert ticket.for_market(LOTS).for_market(CENTS).qty == 7
    assert carry_size(1, CENTS, LOTS) == 100
    assert carry_size(30, LOTS, CENTS) == 1  # 0.3 contracts: the cent market's minimum


def test_a_preset_rounds_down_to_the_lot() -> None:
    assert on(LOTS).with_contracts(Decimal("2.7")).qty == 250
    assert Ticket().with_contracts(Decimal(5)) == Ticket()  # no market: nothing to size


# --- the interlocks -------------------------------------------------------------------------

def test_each_transition_returns_a_new_ticket_and_leaves_the_old_one() -> None:
    ticket = on()
    turned = ticket.toggle_outcome()
    assert (ticket.outcome, turned.outcome) == (Outcome.YES, Outcome.NO)
    assert turned.toggle_outcome() == ticket
    with pytest.raises(AttributeError):
        ticket.qty = 5  # type: ignore[misc]


def test_a_market_ticket_is_never_post_only_and_a_limit_never_cash() -> None:
    post = on().toggle_post_only()
    assert post.post_only and post.kind is LIMIT
    market = post.cycle_kind()
    assert market.kind is MARKET and not market.post_only
    cash = on().toggle_cash()
    assert cash.kind is MARKET and cash.cash is not None
    assert cash.cycle_kind().cash is None and cash.cycle_kind().kind is LIMIT
    assert cash.toggle_post_only().cash is None  # post-only turns it back into a limit


def test_a_second_dollar_puts_the_kind_back() -> None:
    assert on().toggle_cash().toggle_cash().kind is LIMIT
    market = on().cycle_kind()
    assert market.toggle_cash().toggle_cash().kind is MARKET


def test_tif_cycles_through_every_gtd_lifetime_and_drops_post_only_on_ioc() -> None:
    ticket, seen = on().toggle_post_only(), []
    for _ in range(8):
        ticket = ticket.cycle_tif()
        seen.append((ticket.tif, ticket.gtd_seconds if ticket.tif is GTD else None,
                     ticket.post_only))
    assert seen == [(GTD, 60, True), (GTD, 300, True), (GTD, 900, True), (GTD, 3600, True),
                    (IOC, None, False), (FOK, None, False), (GTC, None, False),
                    (GTD, GTD_CHOICES[0], False)]


def test_post_only_on_an_ioc_ticket_makes_it_gtc() -> None:
    ioc = on()
    while ioc.tif is not IOC:
        ioc = ioc.cycle_tif()
    assert ioc.toggle_post_only().tif is GTC


def test_what_the_ticket_says_it_sends() -> None:
    assert on().settings_text == "LIMIT GTC"
    assert on().cycle_tif().cycle_tif().settings_text == "LIMIT GTD 5m"
    assert on().cycle_tif().expire_at(1000.0) == 1060.0 and on().expire_at(1000.0) is None
    assert on().cycle_kind().settings_text == "MARKET IOC"
    assert on().cycle_tif().cycle_kind().settings_text == "MARKET GTD (not for market)"
    assert on().toggle_post_only().settings_text == "LIMIT GTC post-only"
    assert on().toggle_outcome().price_for(40) == 60 and on().price_for(40) == 40
    assert on().toggle_cash().cash_qty == 2500  # $25 x price scale 100
