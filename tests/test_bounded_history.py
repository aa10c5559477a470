"""A desk that runs for days holds only the latest of its history in memory: the blotter the
newest fills, the desk the newest ended orders (working ones always), while the local
database keeps every one. The bounds are made small here so a test reaches them quickly."""

from __future__ import annotations

import pytest

from tests.conftest import eventually, live, make_venue, venue_via
from tests.desk_kit import ALICE, DEMO, cent_symbols, place
from tests.pilot_kit import pilot_desk
from tui.core import account
from tui.core.enums import OrderState, Side, TimeInForce
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.sim.retail.wire import slug_of
from tui.sim.server import SimServer
from tui.ui.widgets.blotter import FillsTable
from tui.venues import base
from tui.venues.retail import venue as retail_venue

KEPT, MORE = 20, 100
IOC = TimeInForce.IMMEDIATE_OR_CANCEL


def symbol_of(sim: SimServer) -> str:
    return cent_symbols(sim)[0]  # prices here are in cents


async def test_the_desk_forgets_old_ended_orders_but_keeps_working_ones_and_the_database_all(
        quiet_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(account, "ENDED_KEPT", KEPT)
    symbol = symbol_of(quiet_sim)
    async with live(make_venue(quiet_sim, profile="bounded")) as venue:
        state, store = venue.state, venue.store
        assert store is not None
        resting = place(quiet_sim, DEMO, symbol, Side.BUY, 2, 1)  # far below: it stays
        # IOCs with nothing to meet: each one ends at once, expired
        ended = [place(quiet_sim, DEMO, symbol, Side.BUY, 3, 1, tif=IOC)
                 for _ in range(KEPT + MORE)]
        await eventually(lambda: (o := state.find_order(order_id=ended[-1])) is not None
                         and o.state is OrderState.EXPIRED, what="the newest order ended")
        held_ended = [o for o in state.orders.values() if not o.state.is_working]
        assert KEPT <= len(held_ended) <= 2 * KEPT
        assert state.find_order(order_id=ended[0]) is None  # the oldest is forgotten
        assert state.find_order(order_id=resting) is not None  # working: never forgotten
        assert [o.order_id for o in state.working_orders(symbol)] == [resting]
        assert store.flush()
        stored = {row.order_id for row in store.orders(limit=None)}
        assert {resting, *ended} <= stored


async def test_the_blotter_shows_the_newest_fills_and_the_database_keeps_all(
        quiet_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(account, "FILLS_KEPT", KEPT)
    monkeypatch.setattr(FillsTable, "MAX_ROWS", KEPT)
    symbol = symbol_of(quiet_sim)
    async with pilot_desk(make_venue(quiet_sim, profile="bounded"), size=(160, 48)) as (app, _):
        store = app.venue.store
        assert store is not None
        place(quiet_sim, ALICE, symbol, Side.SELL, 60, KEPT + MORE)
        taken = [place(quiet_sim, DEMO, symbol, Side.BUY, 60, 1, tif=IOC)
                 for _ in range(KEPT + MORE)]
        blotter = app.query_one(FillsTable)

        def newest_on_top() -> bool:
            rows = blotter.row_keys
            return bool(rows) and app.state.fills[0].order_id == taken[-1] and (
                rows[0] == app.state.fills[0].exec_id)

        await eventually(newest_on_top, what="the newest fill on top of the blotter")
        assert blotter.row_count == KEPT
        assert len(app.state.fills) == KEPT
        assert store.flush()
        assert len(store.fills(limit=None)) == KEPT + MORE


async def test_a_long_working_order_keeps_its_intent_when_the_desk_has_forgotten_older_ids(
        quiet_sim: SimServer, via: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The desk remembers what the trader meant for its latest orders only; an order working
    since before them still fills as what the trader meant (buy NO), and is told as filled."""
    monkeypatch.setattr(base, "INTENTS_KEPT", 5)
    monkeypatch.setattr(retail_venue, "INTENTS_KEPT", 5)
    symbol = symbol_of(quiet_sim)
    async with live(venue_via(quiet_sim, via)) as venue:
        shown = slug_of(symbol) if via == "retail" else symbol
        inst = venue.state.instruments[shown]
        await venue.submit(build_order(inst, Intent.BUY_NO, 60, 1))  # rests as SELL YES 0.40
        first = await eventually(lambda: next((o for o in venue.state.working_orders(shown)
                                               if o.order_id), None), what="acknowledged")
        for _ in range(8):  # nothing to meet at 0.01: each expires
            await venue.submit(build_order(inst, Intent.BUY_YES, 1, 1, tif=IOC))
        await eventually(lambda: sum(not o.state.is_working
                                     for o in venue.state.orders.values()) == 8,
                         what="the later orders ended")
        place(quiet_sim, ALICE, symbol, Side.BUY, 40, 1)
        fill = await eventually(lambda: next((f for f in venue.state.fills
                                              if f.order_id == first.order_id), None),
                                what="the first order filled")
        assert fill.intent is Intent.BUY_NO
        assert any(n.text.startswith("Filled") for n in venue.state.notices)
