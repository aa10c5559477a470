"""Retail: no fill lost, none doubled, though the private socket has no replay.

The exchange breaks the desk's private socket over and over while another firm's trader
fills the desk's resting orders, mostly while the socket is down. After each reconnect
every fill the exchange made for the account is on the desk, in its database and in
`pmdesk export fills` exactly once (by trade id), with each order's quantity and cost
equal to the exchange's. Fills made while the desk was stopped come back when it starts;
where the exchange's history has no trades, one aggregate fill per order says so.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal

import pytest

from tests.conftest import DEMO_ACCOUNT, eventually, live, make_retail_venue, streams_live
from tests.pilot_kit import pilot_desk, told
from tests.retail_kit import counterparty
from tui.cli.main import main
from tui.core.account import FILLS_KEPT
from tui.core.enums import OrderState, Side, TimeInForce
from tui.core.model import Fill, Order
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID
from tui.sim.retail.portfolio import RetailPortfolio
from tui.sim.server import SimServer
from tui.store import Store, db_path
from tui.ui.widgets.blotter import FillsTable
from tui.venues.retail import recovery
from tui.venues.retail.convert import trade_key
from tui.venues.retail.matching import Gap, Traded, share_out
from tui.venues.retail.venue import RetailVenue

SLUG = "aec-nfl-kc-buf-2026-11-29"  # cent ticks, whole contracts
SYMBOL = SLUG.upper()
PRIVATE = "/v1/ws/private"
OUTAGES = 12
PerOrder = dict[str, tuple[int, int]]  # order id → (quantity, cost), raw


def exchange_fills(sim: SimServer) -> list[tuple[str, str, int, int]]:
    """The exchange's own record of the account's fills: (fill id, order id, qty, px), a
    fill id being the trade id and the order's side, as the desk keys it."""
    return [(trade_key(e.trade_id, e.order.side), e.order.order_id, e.last_shares, e.last_px)
            for e in sim.exchange.executions(DEMO_ACCOUNT) if e.last_shares]


def per_order(fills: Iterable[tuple[str, int, int]]) -> PerOrder:
    totals: dict[str, tuple[int, int]] = {}
    for order_id, qty, px in fills:
        q, c = totals.get(order_id, (0, 0))
        totals[order_id] = (q + qty, c + qty * px)
    return totals


def exchange_view(sim: SimServer) -> tuple[list[str], PerOrder]:
    fills = exchange_fills(sim)
    return sorted(t for t, *_ in fills), per_order((o, q, p) for _, o, q, p in fills)


def desk_view(fills: Iterable[Fill]) -> tuple[list[str], PerOrder]:
    kept = list(fills)
    return sorted(f.exec_id for f in kept), per_order((f.order_id, f.qty, f.price)
                                                      for f in kept)


async def unanswered_history(**kw: str) -> tuple[list[dict[str, object]], str]:
    """The activities read, its answer lost."""
    raise VenueError("The retail API did not answer in time.")


async def rest_orders(venue: RetailVenue, orders: list[tuple[Intent, int, int]]) -> None:
    """The desk places resting orders and waits until the exchange has them working."""
    inst = venue.state.instruments[SLUG]
    for intent, price, qty in orders:
        await venue.submit(build_order(inst, intent, price, qty))
    await eventually(lambda: len([o for o in venue.state.working_orders(SLUG)
                                  if o.order_id and o.state is OrderState.NEW]) == len(orders),
                     what="the desk's orders working")


def take(sim: SimServer, rng: random.Random) -> None:
    """Another firm's trader takes some of the desk's bids or offers (never rests)."""
    if rng.random() < 0.5:
        counterparty(sim, Side.SELL, 39, rng.randint(1, 4), SYMBOL)
    else:
        counterparty(sim, Side.BUY, 61, rng.randint(1, 4), SYMBOL)


async def trade_through(sim: SimServer, rng: random.Random, back: Callable[[], bool]) -> None:
    """Trades while the socket is down (nothing reaches it), and on while the desk
    reconnects and recovers (their frames race the history the desk reads)."""
    take(sim, rng)
    deadline = time.monotonic() + 20
    while not back():
        if time.monotonic() > deadline:
            pytest.fail("timed out after 20 s waiting for the private socket back")
        await asyncio.sleep(rng.random() * 0.05)
        take(sim, rng)
    for _ in range(rng.randint(0, 5)):
        await asyncio.sleep(rng.random() * 0.01)
        take(sim, rng)


def ioc(sim: SimServer) -> None:
    """The counterparty's orders never rest (an unfilled rest would be traded later)."""
    original = sim.exchange.insert_order

    def insert(**kw: object) -> str:
        if kw.get("account") != DEMO_ACCOUNT:
            kw["tif"] = TimeInForce.IMMEDIATE_OR_CANCEL
        return original(**kw)  # type: ignore[arg-type]

    sim.exchange.insert_order = insert  # type: ignore[method-assign]


def exported(profile: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    assert main(["export", "fills", "--profile", profile, "--format", "json"]) == 0
    return list(json.loads(capsys.readouterr().out))


def export_view(rows: list[dict[str, str]]) -> tuple[list[str], PerOrder]:
    """Export's decimal dollars and contracts back in raw cents and contracts."""
    return sorted(r["exec_id"] for r in rows), per_order(
        (r["order_id"], int(r["qty"]), int(Decimal(r["yes_price"]) * 100)) for r in rows)


def opened(profile: str) -> Store:
    return Store.open(db_path(profile, f"retail-{DEMO_RETAIL_KEY_ID[:8]}"))


def database_fills(profile: str) -> list[Fill]:
    store = opened(profile)
    try:
        return [row.to_fill() for row in store.fills(limit=None)]
    finally:
        store.close()


async def test_every_fill_made_while_the_private_socket_was_down_is_recorded_once(
        quiet_sim: SimServer, capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(13)
    ioc(quiet_sim)
    async with live(make_retail_venue(quiet_sim, profile="p")) as venue:
        private = venue._workers[1]
        # two bids at one price (the history cannot tell their trades apart by price), one
        # below them, and an offer: each filled a little at a time
        await rest_orders(venue, [(Intent.BUY_YES, 40, 200), (Intent.BUY_YES, 40, 200),
                                  (Intent.BUY_YES, 39, 200), (Intent.SELL_YES, 61, 200)])
        for outage in range(OUTAGES):
            if rng.random() < 0.3:  # some fills while the socket is up, too
                take(quiet_sim, rng)
            before = private.connects
            assert quiet_sim.retail_ws.drop_all(PRIVATE) == 1
            await trade_through(quiet_sim, rng, lambda: private.connects > before)  # noqa: B023
            await eventually(lambda: desk_view(venue.state.fills) == exchange_view(quiet_sim),
                             within=10, what=f"the desk's fills equal to the exchange's after "
                                             f"outage {outage + 1}")
        trade_ids, _ = exchange_view(quiet_sim)
        # it really traded through the outages (and the blotter keeps them all)
        assert 2 * OUTAGES < len(trade_ids) < FILLS_KEPT
        assert not any(f.aggregate for f in venue.state.fills)  # every one by its trade id
        held = quiet_sim.exchange.position(DEMO_ACCOUNT, SYMBOL).net_position
        await eventually(lambda: venue.state.positions[SLUG].net == held, what="the position")
    assert desk_view(database_fills("p")) == exchange_view(quiet_sim)
    rows = exported("p", capsys)
    assert export_view(rows) == exchange_view(quiet_sim)
    assert Counter(r["kind"] for r in rows) == {"fill": len(trade_ids)}


async def test_a_trade_between_two_of_my_orders_is_recorded_on_both_sides(
        quiet_sim: SimServer) -> None:
    """My bid crosses my own offer while the private socket is down: one trade id, two
    fills (one per order). Keyed by trade id alone, one side was dropped as already seen
    and an aggregate stood in for it."""
    async with live(make_retail_venue(quiet_sim, profile="p")) as venue:
        private = venue._workers[1]
        await rest_orders(venue, [(Intent.SELL_YES, 48, 3)])
        before = private.connects
        assert quiet_sim.retail_ws.drop_all(PRIVATE) == 1
        inst = venue.state.instruments[SLUG]
        await venue.submit(build_order(inst, Intent.BUY_YES, 49, 4))  # crosses my offer
        await eventually(lambda: private.connects > before, what="the socket back")
        fills = exchange_fills(quiet_sim)
        assert len({t.split(":")[0] for t, *_ in fills}) == 1 < len(fills)  # one trade, 2 sides
        await eventually(lambda: desk_view(venue.state.fills) == exchange_view(quiet_sim),
                         what="both sides of the trade on the desk")
        assert not any(f.aggregate for f in venue.state.fills)
    assert desk_view(database_fills("p")) == exchange_view(quiet_sim)


async def test_fills_made_while_the_desk_was_stopped_are_recovered_at_start(
        quiet_sim: SimServer, capsys: pytest.CaptureFixture[str]) -> None:
    ioc(quiet_sim)
    async with live(make_retail_venue(quiet_sim, profile="p")) as venue:
        await rest_orders(venue, [(Intent.BUY_YES, 40, 10), (Intent.SELL_YES, 61, 10)])
        counterparty(quiet_sim, Side.SELL, 40, 2, SYMBOL)  # seen live
        await eventually(lambda: len(venue.state.fills) == 1, what="the live fill")
    # the desk is stopped: its bid fills in three trades (to the end), its offer in one
    for qty in (3, 4, 1):
        counterparty(quiet_sim, Side.SELL, 40, qty, SYMBOL)
    counterparty(quiet_sim, Side.BUY, 61, 5, SYMBOL)
    async with live(make_retail_venue(quiet_sim, profile="p")) as venue:
        await eventually(lambda: desk_view(venue.state.fills) == exchange_view(quiet_sim),
                         what="the fills made while the desk was away")
    assert desk_view(database_fills("p")) == exchange_view(quiet_sim)
    store = opened("p")  # the bid that ended meanwhile is kept as the exchange ended it
    try:
        assert sorted((o.price, o.state, o.cum_qty) for o in store.orders()) == [
            (40, OrderState.FILLED, 10), (61, OrderState.PARTIALLY_FILLED, 5)]
    finally:
        store.close()
    assert export_view(exported("p", capsys)) == exchange_view(quiet_sim)


async def test_a_recovery_cut_off_by_a_stop_is_finished_at_the_next_start(
        quiet_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fill missed in an outage, the desk stopped before it looked, and the order's last
    fill seen live (so it ended FILLED on the desk, short of one fill): the next start
    finds that fill in the history."""
    ioc(quiet_sim)
    async with live(make_retail_venue(quiet_sim, profile="p")) as venue:
        private = venue._workers[1]
        await rest_orders(venue, [(Intent.BUY_YES, 40, 3)])
        with monkeypatch.context() as cut:  # the recovery never runs: the desk stops first
            cut.setattr(recovery.FillRecovery, "reconnected", lambda *a: None)
            before = private.connects
            quiet_sim.retail_ws.drop_all(PRIVATE)
            counterparty(quiet_sim, Side.SELL, 40, 1, SYMBOL)  # missed
            await eventually(lambda: private.connects > before, what="the socket back")
            await eventually(lambda: streams_live(venue.state, 2), what="the streams live")
            counterparty(quiet_sim, Side.SELL, 40, 2, SYMBOL)  # seen: the order is filled
            await eventually(lambda: not venue.state.working_orders(SLUG), what="filled")
        assert len(venue.state.fills) == 1
    async with live(make_retail_venue(quiet_sim, profile="p")) as venue:
        await eventually(lambda: desk_view(venue.state.fills) == exchange_view(quiet_sim),
                         what="the missed fill, by its trade id")
        assert not any(f.aggregate for f in venue.state.fills)
    assert desk_view(database_fills("p")) == exchange_view(quiet_sim)


async def test_fills_with_no_trades_in_the_history_are_one_aggregate_never_doubled(
        quiet_sim: SimServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    ioc(quiet_sim)
    async with live(make_retail_venue(quiet_sim, profile="p")) as venue:
        private = venue._workers[1]
        await rest_orders(venue, [(Intent.BUY_YES, 40, 50)])
        (order_id,) = [o.order_id for o in venue.state.working_orders(SLUG)]
        with monkeypatch.context() as history:  # the history lists no trades for a while
            history.setattr(RetailPortfolio, "_trades", lambda self, user, market: [])
            before = private.connects
            quiet_sim.retail_ws.drop_all(PRIVATE)
            counterparty(quiet_sim, Side.SELL, 40, 3, SYMBOL)
            counterparty(quiet_sim, Side.SELL, 40, 4, SYMBOL)
            await eventually(lambda: private.connects > before, what="the socket back")
            aggregate = await eventually(lambda: next(
                (f for f in venue.state.fills if f.aggregate), None), what="an aggregate")
        assert isinstance(aggregate, Fill)
        assert (aggregate.exec_id, aggregate.qty, aggregate.price) == (f"agg:{order_id}:7", 7,
                                                                       40)
        # the history is back, and the order fills again while the socket is down: those
        # trades come by their ids; the two already covered by the aggregate never again
        before = private.connects
        quiet_sim.retail_ws.drop_all(PRIVATE)
        counterparty(quiet_sim, Side.SELL, 40, 5, SYMBOL)
        await eventually(lambda: private.connects > before, what="the socket back")
        _, exchange = exchange_view(quiet_sim)
        await eventually(lambda: desk_view(venue.state.fills)[1] == exchange,
                         what="the order's quantity and cost equal to the exchange's")
        late = [f.exec_id for f in venue.state.fills if not f.aggregate]
        assert late == [exchange_fills(quiet_sim)[-1][0]]
    rows = exported("p", capsys)
    assert export_view(rows)[1] == exchange
    assert sorted((r["exec_id"], r["kind"]) for r in rows) == sorted(
        [(f"agg:{order_id}:7", "aggregate"), (late[0], "fill")])


async def test_the_blotter_shows_an_aggregate_as_a_total(
        quiet_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    ioc(quiet_sim)
    monkeypatch.setattr(RetailPortfolio, "_trades", lambda self, user, market: [])
    venue = make_retail_venue(quiet_sim)
    async with pilot_desk(venue, size=(160, 48)) as (app, pilot):
        private = venue._workers[1]
        await rest_orders(venue, [(Intent.BUY_YES, 40, 50)])
        before = private.connects
        quiet_sim.retail_ws.drop_all(PRIVATE)
        counterparty(quiet_sim, Side.SELL, 40, 3, SYMBOL)
        counterparty(quiet_sim, Side.SELL, 40, 4, SYMBOL)
        await eventually(lambda: private.connects > before, what="the socket back")
        await pilot.press("f")  # the fills
        fills = app.query_one(FillsTable)

        def rows() -> list[list[str]]:
            return [[str(c) for c in fills.get_row_at(i)] for i in range(fills.row_count)]

        await eventually(lambda: [r[:1] + r[2:5] for r in rows()] == [
            ["total", "BUY YES", "7", "0.40"]],  # no one trade's time: the average price
                         what="one row: the order's total at its average price")
        await eventually(lambda: told(app, "recorded as one aggregate fill"),
                         what="the trader told it is an aggregate")


async def test_a_trade_made_while_the_desk_reads_the_history_is_not_taken_for_a_missing_one(
        quiet_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The history can hold a trade newer than the desk's look at the order, whose own
    frame is still on its way: taken for the missing one, the missing one would be lost."""
    ioc(quiet_sim)
    async with live(make_retail_venue(quiet_sim)) as venue:
        private = venue._workers[1]
        await rest_orders(venue, [(Intent.BUY_YES, 40, 50)])
        read, handle, held = venue.rest.activity_page, private._handle, []

        def release() -> None:
            private._handle = handle
            for frame in held:
                handle(frame)

        async def trade_then_read(**kw: str) -> tuple[list[dict[str, object]], str]:
            monkeypatch.setattr(venue.rest, "activity_page", read)
            private._handle = held.append  # a slow network: the socket's frames wait
            counterparty(quiet_sim, Side.SELL, 40, 2, SYMBOL)
            try:
                return await read(**kw)  # type: ignore[arg-type]
            finally:  # they arrive once the desk has made what it will of the history
                asyncio.get_running_loop().call_soon(release)

        monkeypatch.setattr(venue.rest, "activity_page", trade_then_read)
        before = private.connects
        quiet_sim.retail_ws.drop_all(PRIVATE)
        counterparty(quiet_sim, Side.SELL, 40, 2, SYMBOL)  # missed: the socket is down
        await eventually(lambda: private.connects > before, what="the socket back")
        await eventually(lambda: desk_view(venue.state.fills) == exchange_view(quiet_sim),
                         what="both trades, once each")
        assert len(venue.state.fills) == 2


async def missed_while_history_unanswered(sim: SimServer, venue: RetailVenue,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A fill of 3 at 0.40 missed in an outage, looked for while the trade history goes
    unanswered (the desk says it will look again); then the history answers again."""
    private = venue._workers[1]
    read = venue.rest.activity_page
    monkeypatch.setattr(venue.rest, "activity_page", unanswered_history)
    before = private.connects
    sim.retail_ws.drop_all(PRIVATE)
    counterparty(sim, Side.SELL, 40, 3, SYMBOL)
    await eventually(lambda: private.connects > before, what="the socket back")
    await eventually(lambda: any("looks again" in n.text for n in venue.state.notices),
                     what="the desk saying it will look again")
    monkeypatch.setattr(venue.rest, "activity_page", read)  # answers come back


async def test_a_history_that_cannot_be_read_is_asked_again_never_taken_for_no_trades(
        quiet_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    ioc(quiet_sim)
    monkeypatch.setattr(recovery, "RETRY_AFTER", (0.5,) * 6)  # not the trader's 2 s, 4 s…
    async with live(make_retail_venue(quiet_sim)) as venue:
        await rest_orders(venue, [(Intent.BUY_YES, 40, 50)])
        await missed_while_history_unanswered(quiet_sim, venue, monkeypatch)
        await eventually(lambda: desk_view(venue.state.fills) == exchange_view(quiet_sim),
                         what="the missed fill, by its trade id")
        assert not any(f.aggregate for f in venue.state.fills)


async def test_a_reconnect_is_looked_at_at_once_while_older_orders_wait_to_be_retried(
        quiet_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """An order left unsettled waits a while before it is looked at again; a fill missed in
    a later outage must not wait behind it."""
    ioc(quiet_sim)
    monkeypatch.setattr(recovery, "RETRY_AFTER", (60.0,) * 6)  # far beyond `eventually`
    async with live(make_retail_venue(quiet_sim)) as venue:
        private = venue._workers[1]
        await rest_orders(venue, [(Intent.BUY_YES, 40, 3), (Intent.BUY_YES, 39, 50)])
        await missed_while_history_unanswered(quiet_sim, venue, monkeypatch)
        before = private.connects
        quiet_sim.retail_ws.drop_all(PRIVATE)
        counterparty(quiet_sim, Side.SELL, 39, 4, SYMBOL)  # the other order: the first filled
        await eventually(lambda: private.connects > before, what="the socket back again")
        await eventually(lambda: desk_view(venue.state.fills) == exchange_view(quiet_sim),
                         what="every missed fill, without waiting out the retry")


async def test_a_modified_orders_carried_fills_are_not_taken_for_missing_ones(
        quiet_sim: SimServer) -> None:
    """A modify's successor starts with its predecessor's fills in its cumulative quantity:
    only what it filled itself while the socket was down is missing."""
    ioc(quiet_sim)
    async with live(make_retail_venue(quiet_sim)) as venue:
        private = venue._workers[1]
        await rest_orders(venue, [(Intent.BUY_YES, 40, 10)])
        counterparty(quiet_sim, Side.SELL, 40, 3, SYMBOL)
        await eventually(lambda: len(venue.state.fills) == 1, what="the live fill")
        (order,) = venue.state.working_orders(SLUG)
        await venue.replace(order, price=41)
        moved = await eventually(lambda: next((o for o in venue.state.working_orders(SLUG)
                                               if o.price == 41), None), what="moved")
        assert isinstance(moved, Order) and moved.cum_qty == 3  # carried over
        before = private.connects
        quiet_sim.retail_ws.drop_all(PRIVATE)
        counterparty(quiet_sim, Side.SELL, 41, 2, SYMBOL)
        await eventually(lambda: private.connects > before, what="the socket back")
        await eventually(lambda: desk_view(venue.state.fills) == exchange_view(quiet_sim),
                         what="the successor's own fill, once")
        assert not any(f.aggregate for f in venue.state.fills)


# --- sharing trades out among orders (no exchange: the search itself) -------------------
def _order(order_id: str, side: Side, price: int) -> Order:
    return Order(order_id, "", "M", side, price, 100, 100)


def _gap(order: Order, need: int, avg: int) -> Gap:
    return Gap(order, need, need * avg, 0)


def test_trades_are_shared_out_so_each_orders_quantity_and_cost_add_up() -> None:
    bid, low, offer = _order("a", Side.BUY, 40), _order("b", Side.BUY, 39), \
        _order("c", Side.SELL, 61)
    trades = [Traded("t4", 61, 2, False, 4), Traded("t3", 39, 3, False, 3),
              Traded("t2", 40, 1, False, 2), Traded("t1", 40, 4, False, 1)]
    shares = share_out([_gap(bid, 5, 40), _gap(low, 3, 39), _gap(offer, 2, 61)], trades)
    assert shares is not None
    assert [[t.trade_id for t in s] for s in shares] == [["t2", "t1"], ["t3"], ["t4"]]


def test_a_taking_order_trades_at_its_limit_or_better_a_resting_one_at_its_price() -> None:
    bid = _order("a", Side.BUY, 45)
    took = Traded("t1", 43, 2, True, 1)
    assert share_out([_gap(bid, 2, 43)], [took]) == [[took]]
    assert share_out([_gap(bid, 2, 43)], [Traded("t1", 43, 2, False, 1)]) is None
    assert share_out([_gap(bid, 2, 46)], [Traded("t1", 46, 2, True, 1)]) is None


def test_no_sharing_when_the_history_cannot_make_up_the_quantity() -> None:
    bid = _order("a", Side.BUY, 40)
    assert share_out([_gap(bid, 5, 40)], [Traded("t1", 40, 3, False, 1),
                                          Traded("t2", 40, 3, False, 2)]) is None
