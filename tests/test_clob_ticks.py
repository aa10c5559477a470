"""A CLOB market's tick changing near the ends of the range (docs/spec/global-clob.md §6.5), at
the embedded exchange and on the desk: a cent market trades in tenths of a cent above 0.96,
says so on the market channel, refuses orders off its grid, and the desk follows."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import websockets

from tests.clob_kit import ClobKit, live_venue, logged_in
from tests.conftest import eventually, make_clob_venue
from tests.desk_kit import BOB, place
from tests.pilot_kit import cursor_to, pilot_desk, step_to
from tests.test_clob_streams_exchange import frames_until, ws_url
from tui.core.config import DeskConfig
from tui.core.enums import Side
from tui.core.limits import Limits
from tui.core.prices import Intent
from tui.core.ticket import TicketError, build_order
from tui.sim.clob.markets import ClobMarket
from tui.sim.clob.ticks import DYNAMIC
from tui.sim.server import SimServer
from tui.venues.clob.convert import QTY_SCALE as LOT

SYMBOL = next(iter(DYNAMIC))
SLUG = SYMBOL.lower()
MARKET = ClobMarket.of(SYMBOL)


@pytest.fixture
async def kit(quiet_sim: SimServer) -> AsyncIterator[ClobKit]:
    async with logged_in(quiet_sim) as kit:
        yield kit


async def tick_now(kit: ClobKit) -> float:
    answer = await kit.http.get("/tick-size", params={"token_id": MARKET.no_token})
    return float(answer.json()["minimum_tick_size"])


async def test_the_tick_turns_fine_above_096_and_back_and_off_grid_orders_are_refused(
        kit: ClobKit) -> None:
    sim = kit.sim
    assert await tick_now(kit) == 0.01
    refused = await kit.place(kit.order(MARKET, True, "BUY", "0.305", "5", "0.001"))
    assert refused.status_code == 400
    assert "INVALID_ORDER_MIN_TICK_SIZE" in refused.json()["error"]
    async with websockets.connect(ws_url(sim, "/ws/market")) as ws:
        await ws.send(json.dumps({"type": "market", "initial_dump": True,
                                  "assets_ids": [MARKET.yes_token, MARKET.no_token]}))
        first = json.loads(await ws.recv())
        assert {b["tick_size"] for b in first} == {"0.01"}
        bob = place(sim, BOB, SYMBOL, Side.BUY, 970, 10)  # YES bid 0.970 on the engine's grid
        seen = await frames_until(ws, lambda e: e.get("event_type") == "price_change")
        fine = [e for e in seen if e.get("event_type") == "tick_size_change"]
        assert {(e["asset_id"], e["old_tick_size"], e["new_tick_size"]) for e in fine} == {
            (MARKET.yes_token, "0.01", "0.001"), (MARKET.no_token, "0.01", "0.001")}
        assert await tick_now(kit) == 0.001
        # a NO bid at 0.025 is a YES offer at 0.975: on the fine grid only
        taken = await kit.place(kit.order(MARKET, False, "BUY", "0.025", "5", "0.001"))
        assert taken.status_code == 200, taken.text
        sim.exchange.cancel_order(order_id=bob, account=BOB[0])
        seen = await frames_until(ws, lambda e: e.get("event_type") == "tick_size_change"
                                  and e["new_tick_size"] == "0.01")
    assert await tick_now(kit) == 0.01
    again = await kit.place(kit.order(MARKET, False, "BUY", "0.035", "5", "0.001"))
    assert "INVALID_ORDER_MIN_TICK_SIZE" in again.json()["error"]
    resting = [o for o in sim.clob.orders.records.orders.values() if o.status == "LIVE"]
    assert len(resting) == 1, "the order made on the fine grid rests on after it widened"


async def test_the_desk_follows_the_tick_and_names_its_order_left_off_the_grid(
        quiet_sim: SimServer) -> None:
    async with live_venue(quiet_sim) as venue:
        state = venue.state
        assert state.instruments[SLUG].scales.tick == 100  # 0.01 at ten-thousandths
        bob = place(quiet_sim, BOB, SYMBOL, Side.BUY, 970, 10)
        await eventually(lambda: state.instruments[SLUG].scales.tick == 10,
                         what="the desk's tick to turn 0.001")
        assert any("the tick is now 0.001" in n.text for n in state.notices_after(0))
        inst = state.instruments[SLUG]
        await venue.submit(build_order(inst, Intent.BUY_NO, 250, 5 * LOT))  # NO at 0.025
        await eventually(lambda: any(o.price == 9750 for o in state.working_orders(SLUG)),
                         what="the desk's order resting at 0.975 on the YES axis")
        quiet_sim.exchange.cancel_order(order_id=bob, account=BOB[0])
        await eventually(lambda: state.instruments[SLUG].scales.tick == 100,
                         what="the desk's tick back to 0.01")
        words = [n.text for n in state.notices_after(0)]
        left = f"1 of your orders rest off the new grid (BUY NO {SLUG} at 0.025)"
        assert any(left in w for w in words), words
        with pytest.raises(TicketError):
            build_order(state.instruments[SLUG], Intent.BUY_NO, 250, 5 * LOT)
        assert venue.markets[SLUG].tick == Decimal("0.01")


async def test_the_ladder_redraws_on_the_new_grid_under_the_trader(
        quiet_sim: SimServer) -> None:
    place(quiet_sim, BOB, SYMBOL, Side.BUY, 300, 10)
    config = DeskConfig(limits=Limits(), confirm_delay=0.2)
    async with pilot_desk(make_clob_venue(quiet_sim), config) as (app, pilot):
        await step_to(app, pilot, SLUG)
        assert app.cursor_price == 3000
        place(quiet_sim, BOB, SYMBOL, Side.BUY, 962, 10)  # the bid above 0.96: fine tick
        await eventually(lambda: app.cursor_price == 9620, what="the cursor on 0.962")
        await cursor_to(app, pilot, 9630)  # a row of the new grid, between the old ones
        await pilot.press("b")
        await eventually(lambda: any(o.price == 9630 for o in app.state.working_orders(SLUG)),
                         what="a bid at 0.963 working")


def test_raw_tick_is_the_engines_for_a_fixed_market_and_the_grid_for_a_changing_one(
        quiet_sim: SimServer) -> None:
    """The synthetic flow asks per quote: a fixed market's is its own tick, at once."""
    ticks, instruments = quiet_sim.clob.ticks, quiet_sim.exchange.instruments
    fixed = next(i for s, i in instruments.items() if s not in ticks.dynamic)
    assert ticks.raw_tick(fixed) == fixed.scales.tick
    changing = instruments[SYMBOL]  # an empty book sits in the middle: the coarse cent
    assert ticks.raw_tick(changing) == int(Decimal("0.01") * changing.scales.price_scale)
