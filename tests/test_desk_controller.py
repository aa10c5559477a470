"""The desk controller's trading rules, on a venue and a clock in memory (tests/desk_fakes.py):
no exchange, no sockets, no screen. "Nothing was sent" is the fake venue's `arrived` event
never set; every plan is carried out (or not) by the test itself."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.desk_fakes import MARKET, FakeVenue, holding, market
from tests.fake_clock import FakeClock
from tui.core.cancels import UNREACHABLE, CancelReport, MaybeWorking
from tui.core.config import DeskConfig
from tui.core.enums import OrderState, Side, TimeInForce
from tui.core.limits import Limit, Limits
from tui.core.model import Estimate
from tui.core.prices import Intent, Outcome
from tui.core.ticket import OrderKind
from tui.core.venue import VenueError
from tui.desk.asks import CancelAll, CancelOrders, Change, Flatten, KillSwitch, Plan
from tui.desk.controller import DeskController
from tui.desk.estimate import ESTIMATE_REFRESH
from tui.desk.words import REFRESHING

LOOSE = Limits()


def desk(limits: Limits = LOOSE, *, guard: float = 0.0, **venue: object
         ) -> tuple[DeskController, FakeVenue, FakeClock]:
    fake, clock = FakeVenue(**venue), FakeClock()  # type: ignore[arg-type]
    market(fake.state)
    controller = DeskController(fake, DeskConfig(limits=limits), clock=clock,
                                repeat_guard=guard,
                                say_key={"move": "m", "escape": "Esc", "rearm": "R"}.get)
    controller.aim(MARKET, 40)
    return controller, fake, clock


def told(controller: DeskController) -> list[str]:
    return [n.text for n in controller.take_notices()]


async def send(controller: DeskController, plan: Plan | None) -> None:
    assert plan is not None and plan.question is None, plan
    await controller.perform(plan.act)


# --- orders at the cursor --------------------------------------------------------------------

async def test_b_sends_the_tickets_order_at_the_cursor_and_says_so() -> None:
    controller, venue, _ = desk()
    await send(controller, controller.order(True))
    (command,) = venue.sent()
    request = command.request
    assert request is not None
    assert (request.intent, request.yes_side, request.yes_price, request.qty) == (
        Intent.BUY_YES, Side.BUY, 40, 10)
    assert told(controller) == [f"Sent BUY YES 10 @ 0.40 GTC {MARKET}"]


async def test_a_no_order_is_sent_on_the_other_side_of_the_yes_book() -> None:
    controller, venue, _ = desk()
    assert controller.toggle_outcome() is Outcome.NO
    controller.aim(MARKET, 44)
    await send(controller, controller.order(True))  # BUY NO 0.56 = SELL YES 0.44
    request = venue.sent()[0].request
    assert request is not None and (request.yes_side, request.yes_price) == (Side.SELL, 44)


def test_no_market_or_a_bad_ticket_sends_nothing_and_says_why() -> None:
    controller, venue, _ = desk()
    controller.aim(None, None)
    assert controller.order(True) is None
    assert told(controller) == ["No market on the ladder."]
    controller.aim(MARKET, 40)
    market(controller.state, offer=None)
    controller.cycle_kind()  # a market buy with nothing offered
    assert controller.order(True) is None
    assert told(controller) == ["Not sent: There are no YES offers to buy from, so a market "
                                "order cannot trade."]
    assert not venue.arrived.is_set()


def test_a_held_key_sends_one_order_and_says_so_once() -> None:
    controller, _, clock = desk(guard=0.7)
    assert controller.order(True) is not None
    clock.advance(0.05)
    assert controller.order(True) is None and controller.order(True) is None
    assert told(controller) == ["Repeated key ignored: one order per press."]
    clock.advance(0.8)
    assert controller.order(True) is not None  # a new press after the guard
    assert controller.order(False) is not None  # and another key at once


# --- checks: hard refuses, soft asks ------------------------------------------------------

def test_a_hard_limit_refuses_and_nothing_is_sent() -> None:
    controller, venue, _ = desk(Limits(max_qty=Limit(Decimal(5), hard=True)))
    assert controller.order(True) is None
    (said,) = told(controller)
    assert said.startswith("Not sent: Quantity 10 is over your hard limit of 5")
    assert not venue.arrived.is_set()


async def test_a_soft_limit_asks_with_the_exact_request_and_a_no_sends_nothing() -> None:
    controller, venue, _ = desk(Limits(max_qty=Limit(Decimal(5), hard=False)))
    plan = controller.order(True)
    assert plan is not None and plan.question is not None
    assert plan.question.warnings == ("Quantity 10 is over your soft limit of 5 (confirm to "
                                      "send).",)
    assert plan.question.text == ('BUY YES 10 @ 0.40 GTC\n\nPOST /orders {"side": "BUY", '
                                  '"price": "40", "qty": "10"}')
    await controller.answer(plan, False)
    assert told(controller) == ["Not sent."] and not venue.arrived.is_set()
    await controller.answer(plan, True)
    assert [c.request for c in venue.sent()] == [plan.act.request]  # type: ignore[union-attr]


def test_my_own_resting_order_is_named_before_a_self_match() -> None:
    controller, venue, _ = desk()
    controller.state.upsert_order(_working(Side.SELL, 40))
    plan = controller.order(True)
    assert plan is not None and plan.question is not None
    assert "would trade against your own SELL YES 0.40" in plan.question.warnings[0]
    assert not venue.arrived.is_set()


# --- the ticket's size ladder --------------------------------------------------------------

def test_plus_and_minus_walk_the_size_ladder() -> None:
    controller, _, _ = desk()
    sizes = []
    for steps in (1, 1, -1, -1, -1, -1, -1):
        controller.step_size(steps)
        sizes.append(controller.ticket.qty)
    assert sizes == [25, 50, 25, 10, 5, 1, 1]


def test_a_preset_sets_the_size_and_a_missing_one_says_so() -> None:
    controller, _, _ = desk()
    controller.preset(4)
    assert controller.ticket.qty == 100
    controller.preset(6)
    assert told(controller) == ["No size preset 7: the config file's size_presets has 5."]
    assert controller.ticket.qty == 100


# --- working orders: move, resize, cancel ---------------------------------------------------

def _working(side: Side, price: int, qty: int = 10, order_id: str = "w1"):  # type: ignore[no-untyped-def]
    from tui.core.model import Order
    return Order(order_id=order_id, clord_id=f"c-{order_id}", symbol=MARKET, side=side,
                 price=price, order_qty=qty, leaves_qty=qty, state=OrderState.NEW)


async def test_m_picks_up_my_order_and_m_again_moves_it_there() -> None:
    controller, venue, _ = desk()
    order = _working(Side.BUY, 40)
    controller.state.upsert_order(order)
    assert controller.move() is None and controller.moving is order
    assert told(controller) == ["Move the cursor, then m to place it there (Esc drops it)."]
    assert controller.view().moving is not None
    controller.aim(MARKET, 38)
    plan = controller.move()
    assert plan == Plan(Change(order, price=38))
    await controller.perform(plan.act)
    assert [c.args for c in venue.sent("replace")] == [("w1", 38, None)]
    assert told(controller) == [f"Moving BUY YES 10 from 0.40 to 0.38 in {MARKET}."]
    assert controller.moving is None


def test_esc_drops_an_order_picked_up_and_another_market_drops_it_too() -> None:
    controller, venue, _ = desk()
    controller.state.upsert_order(_working(Side.BUY, 40))
    controller.move()
    controller.take_notices()
    assert controller.drop_move()
    assert told(controller) == ["Move dropped; the order stays where it was."]
    controller.move()
    market(controller.state, symbol="OTHER")
    controller.aim("OTHER", 40)
    assert controller.moving is None and not venue.arrived.is_set()


@pytest.mark.parametrize(("qty", "steps", "total"), [(10, 1, 25), (10, -1, 5), (12, 1, 25),
                                                      (100, -2, 25)])
def test_greater_and_less_than_resize_by_the_size_ladder(qty: int, steps: int,
                                                         total: int) -> None:
    controller, _, _ = desk()
    order = _working(Side.BUY, 40, qty)
    controller.state.upsert_order(order)
    assert controller.resize(steps) == Plan(Change(order, qty=total))


def test_a_resize_that_leaves_nothing_or_passes_the_top_is_refused() -> None:
    controller, venue, _ = desk()
    controller.state.upsert_order(_working(Side.BUY, 40, 1))
    assert controller.resize(-1) is None
    assert told(controller) == ["Not sent: that would leave nothing to work; cancel it instead."]
    controller.aim(MARKET, 39)
    controller.state.upsert_order(_working(Side.BUY, 39, 1000, "w2"))
    assert controller.resize(1) is None
    assert told(controller) == ["Not sent: 1000 is at the top of the size steps (config "
                                "size_steps)."]
    assert not venue.arrived.is_set()


async def test_every_cancel_says_how_many_of_what_where() -> None:
    controller, venue, _ = desk()
    controller.state.upsert_order(_working(Side.BUY, 40, order_id="b1"))
    controller.state.upsert_order(_working(Side.SELL, 47, order_id="s1"))
    plan = controller.cancel_market("bids")
    assert plan == Plan(CancelAll(MARKET, Side.BUY, "bid"))
    await controller.perform(plan.act)
    assert told(controller) == [f"Cancelled 1 bid in {MARKET}; none working."]
    await send(controller, controller.cancel_market("bids"))
    assert told(controller) == [f"No working bids in {MARKET}."]
    assert controller.cancel_here() is None
    assert told(controller) == ["No working order of yours at 0.40."]
    controller.aim(MARKET, 47)
    plan = controller.cancel_here()
    assert isinstance(plan and plan.act, CancelOrders)
    await send(controller, controller.kill_switch())
    assert told(controller) == ["Kill switch: nothing working in any market (1 cancelled). "
                                "Nothing that adds risk is sent until you re-arm (R)."]
    assert [c.kind for c in venue.commands] == ["cancel_all", "cancel_all", "kill_switch"]
    assert controller.kill_switch() == Plan(KillSwitch())


async def test_a_sweep_that_cannot_finish_names_each_order_that_may_still_work() -> None:
    controller, venue, _ = desk()
    order = _working(Side.BUY, 42, 10, "b1")
    controller.state.upsert_order(order)
    left = (MaybeWorking(order, UNREACHABLE),)

    async def cut_off(why: str, *, account: str | None = None) -> CancelReport:
        venue.state.set_latch(why)
        return CancelReport(0, left, seconds=10.2)
    venue.kill_switch = cut_off  # type: ignore[method-assign]
    await send(controller, controller.kill_switch())
    assert told(controller) == [
        f"Kill switch: 1 order may still be working after 10 s: BUY YES 10 {MARKET} at 0.42 "
        "— the exchange could not be reached. Nothing that adds risk is sent until you "
        "re-arm (R)."]


async def test_the_latch_refuses_orders_and_changes_in_words_until_rearmed() -> None:
    controller, venue, _ = desk()
    assert controller.rearm() is None
    assert told(controller) == ["Trading is armed: the kill switch is not on."]
    await send(controller, controller.kill_switch())
    controller.take_notices()
    assert controller.order(True) is None
    assert told(controller) == ["Not sent: the kill switch is on (the kill switch was "
                                "pressed); R re-arms."]
    controller.state.upsert_order(_working(Side.BUY, 40, order_id="w9"))
    assert controller.change(controller.orders_here()[0], price=41) is None
    assert "kill switch is on" in told(controller)[0]
    assert [c.kind for c in venue.commands] == ["kill_switch"]
    plan = controller.rearm()
    assert plan is not None and plan.question is not None
    assert plan.question.confirm_words == "re-arm"
    await controller.answer(plan, False)
    assert told(controller) == ["Still killed: nothing that adds risk is sent."]
    assert venue.latched
    await controller.answer(plan, True)
    assert not venue.latched
    await send(controller, controller.order(True))
    assert [c.kind for c in venue.commands] == ["kill_switch", "rearm", "submit"]


async def test_a_refused_command_is_one_sentence() -> None:
    controller, venue, _ = desk()
    venue.refuse = VenueError("The exchange is closed.")
    await send(controller, controller.order(True))
    assert told(controller) == [f"Not sent: BUY YES 10 @ 0.40 GTC {MARKET}. The exchange is "
                                "closed."]
    venue.refuse = VenueError("No answer in 5 s.", uncertain=True)
    controller.aim(MARKET, 39)
    await send(controller, controller.order(True))
    assert "Outcome unknown" in told(controller)[0]
    venue.refuse = RuntimeError("boom\ntraceback")
    await send(controller, controller.kill_switch())
    assert told(controller) == ["Kill switch failed: boom."]


# --- flatten -----------------------------------------------------------------------------------

async def test_flatten_while_killed_only_cancels_and_says_the_position_stays() -> None:
    controller, venue, _ = desk()
    holding(controller.state, 10, 45)
    controller.state.upsert_order(_working(Side.BUY, 38))
    venue.state.set_latch("the daily loss limit was reached")
    plan = controller.flatten()
    assert plan is not None and plan.question is not None
    assert plan.question.warnings == ("The kill switch is on: only the cancels are sent; the "
                                      "position is not closed until you re-arm (R).",)
    assert "Then close" not in plan.question.text
    await controller.answer(plan, True)
    assert [c.kind for c in venue.commands] == ["cancel_all"]
    controller.take_notices()
    assert controller.flatten() is None  # nothing working now, the position still held
    assert told(controller) == [f"The kill switch is on: the position in {MARKET} is not "
                                "closed until you re-arm (R)."]


async def test_flatten_asks_then_cancels_and_closes_once_the_cancels_end() -> None:
    controller, venue, _ = desk()
    holding(controller.state, 10, 45)
    controller.state.upsert_order(_working(Side.BUY, 38))
    plan = controller.flatten()
    assert plan is not None and plan.question is not None
    assert plan.question.title == f"Flatten {MARKET}?"
    assert plan.question.text.startswith(f"Cancel 1 working order in {MARKET}.\nThen close: "
                                         "SELL YES 10 MARKET (IOC, worst 0.37)")
    assert '"price": "37"' in plan.question.text  # what goes on the wire
    assert not venue.arrived.is_set()
    await controller.answer(plan, True)
    assert [c.kind for c in venue.commands] == ["cancel_all", "submit"]
    close = venue.sent()[0].request
    assert close is not None and (close.yes_side, close.qty, close.kind) == (
        Side.SELL, 10, OrderKind.MARKET)


async def test_flatten_sends_no_close_while_an_order_still_works() -> None:
    controller, venue, _ = desk(acks=False)  # the exchange never confirms the cancel
    holding(controller.state, 10, 45)
    controller.state.upsert_order(_working(Side.BUY, 38))
    plan = controller.flatten()
    assert plan is not None
    await controller.answer(plan, True)
    assert [c.kind for c in venue.commands] == ["cancel_all"]
    assert told(controller)[-1] == ("Flatten stopped: orders are still working, so the close "
                                    "was not sent.")


async def test_flattens_close_passes_the_same_checks_as_every_order() -> None:
    controller, venue, _ = desk(Limits(max_qty=Limit(Decimal(5), hard=True)))
    holding(controller.state, 10, 45)
    assert controller.flatten() is None
    assert told(controller) == ["Cannot close the position: Quantity 10 is over your hard "
                                "limit of 5."]
    assert not venue.arrived.is_set()

    controller, venue, _ = desk(Limits(max_qty=Limit(Decimal(5), hard=False)))
    holding(controller.state, 10, 45)
    plan = controller.flatten()
    assert plan is not None and plan.question is not None
    assert plan.question.warnings == ("Quantity 10 is over your soft limit of 5 (confirm to "
                                      "send).",)
    assert isinstance(plan.act, Flatten) and plan.act.confirmed == {"max_qty"}
    await controller.answer(plan, True)
    assert len(venue.sent()) == 1  # confirmed: the close went


async def test_a_close_the_checks_see_anew_after_the_cancels_is_not_sent() -> None:
    controller, venue, _ = desk(Limits(max_ticks_from_mid=Limit(Decimal(10), hard=False)))
    holding(controller.state, 10, 45)
    plan = controller.flatten()
    assert plan is not None and plan.question is not None and plan.question.warnings == ()
    market(controller.state, bid=80, offer=82)  # the mid runs off while the trader reads
    await controller.answer(plan, True)
    assert venue.sent() == []
    assert told(controller)[-1].startswith("Flatten stopped: Price 0.37 is 44 ticks from the "
                                           "mid 0.81")


async def test_flatten_with_nothing_to_do_or_declined_sends_nothing() -> None:
    controller, venue, _ = desk()
    assert controller.flatten() is None
    assert told(controller) == [f"Nothing to flatten in {MARKET}."]
    holding(controller.state, -10, 45)  # long NO
    plan = controller.flatten()
    assert plan is not None
    await controller.answer(plan, False)
    assert told(controller) == ["Flatten cancelled; nothing sent."]
    assert not venue.arrived.is_set()


# --- the estimate ------------------------------------------------------------------------------

async def test_the_estimate_is_asked_once_the_ticket_rests_and_shown_under_each_line() -> None:
    controller, venue, _ = desk(estimate=Estimate(10, 45, 0))
    controller.aim(MARKET, 45)
    view = controller.view()
    assert view.buy is not None and view.buy.refreshing and view.buy.estimate == ()
    assert controller.estimate_due()
    assert not controller.estimate_due()  # asked already
    await controller.estimate()
    assert [r.intent for r in venue.previews] == [Intent.BUY_YES, Intent.SELL_YES]
    view = controller.view()
    assert view.buy is not None and not view.buy.refreshing
    assert view.buy.estimate[1] == "\n  ≈ fills 10 @ 0.45"
    assert not controller.estimate_due()
    assert not venue.arrived.is_set()  # a preview is not an order


async def test_after_a_fast_move_the_old_estimate_is_never_shown() -> None:
    """The bug: 's SELL YES 0.229 ≈ fills 10 @ 0.231' stayed up for 1-2 s after the book
    had gone to 0.190/0.192."""
    controller, venue, clock = desk(estimate=Estimate(10, 40, 0))
    controller.aim(MARKET, 40)
    controller.estimate_due()
    await controller.estimate()
    assert controller.view().sell.estimate[1] == "\n  ≈ fills 10 @ 0.40"  # type: ignore[union-attr]
    market(controller.state, bid=19, offer=20)  # the market falls away
    sell = controller.view().sell
    assert sell is not None and sell.refreshing and sell.estimate == ()
    assert not controller.estimate_due()  # asked under a second ago
    clock.advance(ESTIMATE_REFRESH)
    assert controller.estimate_due()
    venue.estimate = Estimate(0, 0, 10)
    await controller.estimate()
    assert controller.view().sell.estimate[0] == "\n  ≈ rests, no fill now"  # type: ignore[union-attr]
    assert REFRESHING[0] == "\n  … refreshing"


async def test_an_estimate_stands_while_the_levels_it_meets_stand() -> None:
    controller, _, _ = desk()
    controller.aim(MARKET, 30)  # a bid far under the offer: meets nothing
    controller.estimate_due()
    await controller.estimate()
    market(controller.state, bid=41, offer=46)  # the book moves, nothing near my price
    buy = controller.view().buy
    assert buy is not None and not buy.refreshing
    assert buy.estimate[0] == "\n  ≈ rests, no fill now"


async def test_a_ticket_change_waits_for_its_own_estimate() -> None:
    controller, venue, _ = desk()
    controller.estimate_due()
    await controller.estimate()
    controller.step_size(1)
    assert controller.view().buy.refreshing  # type: ignore[union-attr]
    assert controller.estimate_due()
    venue.estimate = VenueError("The exchange would refuse it: post-only would have crossed "
                                "the book and taken liquidity.")
    await controller.estimate()
    buy = controller.view().buy
    assert buy is not None and buy.estimate[-1] == "\n  ✕ post-only crosses"
    assert venue.previews[-1].qty == 25


def test_a_market_ticket_is_priced_from_the_book_on_screen() -> None:
    controller, _, _ = desk()
    controller.cycle_kind()
    view = controller.view()
    assert view.buy is not None and view.sell is not None
    assert (view.buy.price, view.sell.price) == (48, 37)  # 3 ticks of slippage
    market(controller.state, bid=41, offer=43)
    assert controller.view().buy.price == 46  # type: ignore[union-attr]
    assert controller.view().ticket.settings_text == "MARKET IOC"


def test_the_view_holds_the_position_and_working_orders() -> None:
    controller, _, _ = desk()
    holding(controller.state, -10, 45)
    controller.state.upsert_order(_working(Side.BUY, 38))
    view = controller.view()
    assert (view.net, view.avg, view.working) == (-10, Decimal("0.45"), 1)
    assert view == controller.view()  # compared whole: the widget redraws on a change
    assert view.ticket.tif is TimeInForce.GOOD_TILL_CANCEL


# --- a market the desk cannot trade exactly ------------------------------------------------

TICK_3 = "This market cannot be traded exactly: its tick 3 does not divide its price scale 100."


def test_an_untradable_market_says_why_when_shown_and_refuses_every_order() -> None:
    from tui.core.model import Book, Instrument
    from tui.core.prices import Scales

    controller, venue, _ = desk()
    state = controller.state
    state.set_instruments([*state.instruments.values(),
                           Instrument("ODD", "tick 0.03 at scale 100", Scales(100, 3))])
    state.replace_book(Book("ODD", bids=[(3, 10)], offers=[(6, 10)]))
    controller.aim("ODD", 3)
    assert told(controller) == [TICK_3]
    controller.toggle_outcome()  # BUY NO 0.97 would be a SELL YES 0.03 ... and 0.97 is off
    view = controller.view()
    for side in (view.buy, view.sell):
        assert side is not None and any(TICK_3 in line for line in side.estimate)
    for buy in (True, False):
        assert controller.order(buy) is None
        assert told(controller) == [f"Not sent: {TICK_3}"]
    controller.cycle_kind()  # a market order is refused the same way
    assert controller.order(True) is None and told(controller) == [f"Not sent: {TICK_3}"]
    order = _working(Side.BUY, 3)
    order.symbol = "ODD"
    state.upsert_order(order)
    assert controller.move() is None
    controller.take_notices()
    controller.aim("ODD", 6)
    assert controller.move() is None  # a move is vetted as a new order: refused too
    assert told(controller) == [f"Not sent: {TICK_3}"]
    assert not venue.arrived.is_set()
    controller.aim(MARKET, 40)  # a tradable market again: no reason, and it trades
    assert told(controller) == [] and controller.order(True) is not None


@pytest.mark.parametrize("preset", ["1e28", "1e999999", "12345678901234567890123456789.5"])
def test_a_size_past_any_order_is_refused_in_words_not_raised(preset: str) -> None:
    fake, clock = FakeVenue(), FakeClock()
    market(fake.state)
    controller = DeskController(fake, DeskConfig(limits=Limits(
        max_qty=Limit(Decimal(1000), hard=False), max_notional=Limit(Decimal(10), hard=True)),
        size_presets=[Decimal(preset)]), clock=clock, repeat_guard=0)
    controller.aim(MARKET, 40)
    controller.preset(0)
    for buy in (True, False):
        assert controller.order(buy) is None
        assert told(controller) == ["Not sent: The quantity is more than an order can carry "
                                    "(at most 9,223,372,036,854,775,807)."]
    assert not fake.arrived.is_set()
