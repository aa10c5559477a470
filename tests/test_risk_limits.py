"""The account's limits in the desk controller, on a venue and a clock in memory
(tests/desk_fakes.py): position per market, working exposure, open orders, the check again
at send, and the daily loss watch that presses the kill switch. The same rules at the real
exchange, by keys, are in tests/test_risk_exchange.py."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from tests.desk_fakes import MARKET, FakeVenue, holding, market
from tests.fake_clock import FakeClock
from tui.core.config import DeskConfig
from tui.core.enums import Side
from tui.core.limits import Limit, Limits
from tui.core.model import Fill
from tui.core.prices import Intent
from tui.desk.asks import Plan, Submit
from tui.desk.controller import DeskController
from tui.desk.quitting import cancel_before_quit, working_words


def desk(limits: Limits) -> tuple[DeskController, FakeVenue, FakeClock]:
    fake, clock = FakeVenue(), FakeClock()
    market(fake.state)
    controller = DeskController(fake, DeskConfig(limits=limits), clock=clock, repeat_guard=0)
    controller.aim(MARKET, 40)
    return controller, fake, clock


def told(controller: DeskController) -> list[str]:
    return [n.text for n in controller.take_notices()]


def hard(value: int | str) -> Limit:
    return Limit(Decimal(value), hard=True)


async def bid(controller: DeskController, price: int, contracts: int,
              buy: bool = True) -> Plan | None:
    """The ticket's order of ``contracts`` at ``price``, carried out when the desk clears it."""
    controller.aim(MARKET, price)
    controller.ticket = controller.ticket.with_contracts(Decimal(contracts))
    plan = controller.order(buy)
    if plan is not None and plan.question is None:
        await controller.perform(plan.act)
    return plan


# --- position per market -----------------------------------------------------------------

async def test_position_counts_what_is_held_and_the_working_orders_on_the_orders_side(
        ) -> None:
    controller, venue, _ = desk(Limits(max_position=hard(1000)))
    holding(controller.state, 500, 40)
    await bid(controller, 39, 300)  # worst case 800 YES
    assert len(venue.sent()) == 1
    told(controller)
    assert await bid(controller, 38, 400) is None  # 500 + 300 + 400 = 1,200
    assert told(controller) == [
        f"Not sent: Position in {MARKET} would be 1,200 YES if this order (400) and your 1 "
        "working bid there (300) fill, with 500 YES held now; your hard position limit is "
        "1,000."]
    assert len(venue.sent()) == 1
    await bid(controller, 38, 200)  # exactly 1,000: within
    assert len(venue.sent()) == 2


async def test_an_order_that_reduces_the_position_goes_out_past_the_limit() -> None:
    controller, venue, _ = desk(Limits(max_position=hard(100)))
    holding(controller.state, 500, 40)  # already past a limit just lowered
    await bid(controller, 45, 50, buy=False)  # selling 50 of 500 held
    assert len(venue.sent()) == 1
    told(controller)
    # from 450 YES (if the offer fills) to 550 NO: past the limit, and larger
    assert await bid(controller, 45, 1000, buy=False) is None
    assert told(controller) == [
        f"Not sent: Position in {MARKET} would be 550 NO if this order (1,000) and your 1 "
        "working offer there (50) fill, with 500 YES held now; your hard position limit is "
        "100."]
    await bid(controller, 45, 800, buy=False)  # 350 NO: past the limit, but smaller
    assert len(venue.sent()) == 2


# --- working exposure and open orders ------------------------------------------------------

async def test_working_exposure_adds_every_markets_working_orders() -> None:
    controller, venue, _ = desk(Limits(max_working_exposure=hard(10)))
    market(controller.state, symbol="OTHER")
    await bid(controller, 40, 10)  # $4.00
    controller.aim("OTHER", 40)
    controller.ticket = controller.ticket.with_contracts(Decimal(10))
    await controller.perform(controller.order(True).act)  # type: ignore[union-attr]  # $4.00
    assert len(venue.sent()) == 2
    told(controller)
    assert await bid(controller, 30, 10, buy=False) is None  # a YES offer at 0.30 risks 0.70
    assert told(controller) == [
        "Not sent: Working exposure would be $15.00 across 2 markets with this order's $7.00 "
        "($8.00 now); your hard working exposure limit is $10.00."]
    await bid(controller, 20, 10)  # $2.00 more: $10.00 exactly
    assert len(venue.sent()) == 3


async def test_open_orders_counts_every_market_and_a_move_is_not_a_new_order() -> None:
    controller, venue, _ = desk(Limits(max_open_orders=hard(2)))
    await bid(controller, 40, 1)
    await bid(controller, 39, 1)
    told(controller)
    assert await bid(controller, 38, 1) is None
    assert told(controller) == ["Not sent: You would have 3 orders working (2 now, in 1 "
                                "market); your hard open order limit is 2."]
    controller.aim(MARKET, 40)
    assert controller.move() is None  # picked up
    controller.aim(MARKET, 37)
    plan = controller.move()
    assert plan is not None and plan.question is None  # replacing one: still two
    await controller.perform(plan.act)
    assert len(venue.sent("replace")) == 1


async def test_a_way_out_or_an_ioc_is_not_stopped_by_exposure_or_order_count() -> None:
    controller, venue, _ = desk(Limits(max_open_orders=hard(1), max_working_exposure=hard(1)))
    holding(controller.state, 100, 40)
    await bid(controller, 39, 1)  # one order, $0.39: both limits nearly used
    await bid(controller, 60, 50, buy=False)  # selling what is held: a way out
    assert len(venue.sent()) == 2
    told(controller)
    assert await bid(controller, 38, 1) is None  # a third order that adds: refused
    assert "working exposure limit is $1.00" in told(controller)[-1]
    controller.cycle_kind()  # a market order, sent IOC: it never rests
    await bid(controller, 45, 10)
    assert len(venue.sent()) == 3


async def test_a_soft_account_limit_asks_and_names_itself() -> None:
    controller, venue, _ = desk(Limits(max_open_orders=Limit(Decimal(1), hard=False)))
    await bid(controller, 40, 1)
    plan = await bid(controller, 39, 1)
    assert plan is not None and plan.question is not None
    assert "open order limit is 1 (confirm to send)" in plan.question.warnings[0]
    assert len(venue.sent()) == 1


async def test_the_hard_limits_are_checked_again_as_the_order_goes_out() -> None:
    """Two presses decided before either order existed: the second is refused at send."""
    controller, venue, _ = desk(Limits(max_open_orders=hard(1)))
    first, second = (controller.order(True), controller.order(True))
    assert isinstance(first.act, Submit) and isinstance(second.act, Submit)  # type: ignore[union-attr]
    await controller.perform(first.act)  # type: ignore[union-attr]
    await controller.perform(second.act)  # type: ignore[union-attr]
    assert len(venue.sent()) == 1
    assert "open order limit is 1" in told(controller)[-1]


async def test_a_resize_that_adds_past_the_position_limit_is_refused() -> None:
    controller, venue, _ = desk(Limits(max_position=hard(15)))
    await bid(controller, 40, 10)
    controller.aim(MARKET, 40)
    assert controller.resize(+1) is None  # 10 -> 25 contracts
    assert "position limit is 15" in told(controller)[-1]
    plan = controller.resize(-1)  # 10 -> 5: smaller, never stopped
    assert plan is not None
    await controller.perform(plan.act)
    assert len(venue.sent("replace")) == 1


# --- the daily loss limit --------------------------------------------------------------

def bought_today(controller: DeskController, contracts: int, price: int) -> None:
    """A fill today, and the position it leaves (the venue reports both)."""
    controller.state.add_fill(Fill(f"x{contracts}", "o-x", MARKET, Side.BUY, price, contracts,
                                   Intent.BUY_YES, 0.0))
    holding(controller.state, contracts, price)


async def settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_a_hard_daily_loss_presses_the_kill_switch_once_and_says_why() -> None:
    controller, venue, _ = desk(Limits(max_daily_loss=hard(5)))
    await bid(controller, 30, 1)  # an order working when the loss comes
    bought_today(controller, 100, 45)  # the mid is 0.425: -$2.50
    await settle()
    assert venue.sent("kill_switch") == []
    told(controller)
    market(controller.state, bid=38, offer=40)  # mid 0.39: -$6.00
    await settle()
    assert len(venue.sent("kill_switch")) == 1
    assert controller.state.working_orders() == []
    said = told(controller)
    assert said[0].startswith("Daily loss limit: P&L today -$6.00 is past -$5.00. Kill "
                              "switch pressed")
    market(controller.state, bid=37, offer=39)  # deeper still: the same breach
    await settle()
    assert len(venue.sent("kill_switch")) == 1
    # latched until the trader re-arms; then, while still past the limit, an order that
    # adds to the position is refused and a close goes out
    assert venue.latched and controller.state.latch == "the daily loss limit was reached"
    venue.rearm()
    assert await bid(controller, 38, 10) is not None
    assert "Daily loss limit: P&L today -$7.00" in told(controller)[-1]
    assert venue.sent() == venue.sent()[:1]
    await bid(controller, 38, 10, buy=False)
    assert len(venue.sent()) == 2


async def test_the_daily_loss_counts_from_where_the_day_started() -> None:
    controller, venue, clock = desk(Limits(max_daily_loss=hard(5)))
    holding(controller.state, 100, 45)  # held from yesterday
    market(controller.state, bid=38, offer=40)  # -$6.00 overall, but not today's
    await settle()
    assert venue.sent("kill_switch") == []
    assert controller.risk.pnl == 0
    clock.advance(86_400)  # a new UTC day: counted from here
    market(controller.state, bid=33, offer=35)  # -$5.00 today: at the limit, not past
    await settle()
    assert controller.risk.pnl == Decimal(-5) and venue.sent("kill_switch") == []
    market(controller.state, bid=32, offer=35)
    await settle()
    assert len(venue.sent("kill_switch")) == 1


async def test_a_soft_daily_loss_warns_and_cancels_nothing() -> None:
    controller, venue, _ = desk(Limits(max_daily_loss=Limit(Decimal(5), hard=False)))
    await bid(controller, 30, 1)
    bought_today(controller, 100, 45)
    market(controller.state, bid=38, offer=40)
    await settle()
    assert venue.sent("kill_switch") == [] and controller.state.working_orders()
    assert "(a soft limit: nothing was cancelled)" in told(controller)[-1]


# --- quitting -------------------------------------------------------------------------

async def test_cancel_before_quit_names_what_may_still_be_working() -> None:
    controller, venue, _ = desk(Limits())
    await bid(controller, 40, 1)
    await bid(controller, 39, 2)
    assert working_words(controller.state) == "2 orders are working in 1 market."
    venue.acks = False  # the exchange never confirms the cancels
    left = await cancel_before_quit(controller, wait=2.0)
    assert venue.sent("kill_switch")
    assert left == (f"2 orders may still be working at the exchange (no cancel confirmed "
                    f"within 2 s): BUY YES 1 @ 0.40 in {MARKET}, BUY YES 2 @ 0.39 in {MARKET}. "
                    "Check them on the exchange or with pmdesk before you walk away.")
    venue.acks = True
    assert await cancel_before_quit(controller) is None
    assert working_words(controller.state) is None
