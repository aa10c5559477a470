"""The local database across restarts: a new desk process shows the previous session's
orders and fills; a corrupt or newer-schema database is named in words and left alone."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.conftest import DEMO_ACCOUNT, eventually, make_venue
from tests.desk_kit import ALICE, place
from tests.pilot_kit import pilot_desk
from tui.core.enums import Side
from tui.sim.server import SimServer
from tui.store import SCHEMA_VERSION, db_path
from tui.ui.app import PmdeskApp
from tui.ui.widgets.names import market_names

PROBE = Path(__file__).parent / "desk_probe.py"


@asynccontextmanager
async def _desk(sim: SimServer, size: tuple[int, int]
                ) -> AsyncIterator[tuple[PmdeskApp, Pilot[None]]]:
    """A desk keeping its database as the probe's, live, with a market on the ladder (no
    fat-finger limits: this test is about memory, not about confirmations)."""
    venue = make_venue(sim, profile="probe", venue_name="probe")
    async with pilot_desk(venue, size=size) as (app, pilot):
        await eventually(lambda: app.cursor_price is not None, what="a market on the ladder")
        await pilot.pause()
        yield app, pilot


async def _probe(sim: SimServer) -> dict[str, object]:
    """A new process: nothing of the first desk's memory, only its database."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(PROBE), sim.rest_url, sim.grpc_target, "demo",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(PROBE.parents[1])})
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()[-2000:]
    return json.loads(out.decode().strip().splitlines()[-1])


async def test_a_new_desk_process_shows_the_last_sessions_orders_and_fills(
        quiet_sim: SimServer) -> None:
    async with _desk(quiet_sim, (160, 48)) as (app, pilot):
        symbol = app.symbol
        assert symbol is not None
        scales = app.state.instruments[symbol].scales
        offer = scales.price_scale * 60 // 100 // scales.tick * scales.tick
        place(quiet_sim, ALICE, symbol, Side.SELL, offer, 1000 * scales.qty_scale)
        await eventually(lambda: app.state.books.get(symbol) is not None
                         and app.state.books[symbol].best_offer == offer, what="the offer")
        await pilot.press("l", "b")  # buy at the offer: a fill
        await eventually(lambda: app.state.fills, what="the fill")
        await pilot.press("down", "down", "b", "x")  # rest a bid, then cancel it
        await eventually(lambda: any(o.state.name == "CANCELED" for o in app.state.orders
                                     .values()), what="the cancelled order")
        fill_id = app.state.fills[0].exec_id
        ended = sorted(o.order_id for o in app.state.orders.values() if not o.state.is_working)
        await app.action_quit()

    shown = await _probe(quiet_sim)
    assert fill_id in shown["fill_ids"]  # type: ignore[operator]
    assert ended == shown["order_ids"]
    fills, history = shown["fills"], shown["history"]
    # the market by what tells it apart (the fills table's names drop the shared "AEC-")
    name = market_names(list(quiet_sim.exchange.instruments), 8)[symbol]
    assert any(name in " ".join(row) and "BUY YES" in row for row in fills)  # type: ignore[union-attr]
    states = [row[-1] for row in history]  # type: ignore[union-attr]
    assert "filled" in states and "cancelled" in states


@pytest.mark.parametrize("damage", ["garbage", "newer"])
async def test_a_corrupt_or_newer_database_is_named_and_left_alone(
        quiet_sim: SimServer, damage: str) -> None:
    path = db_path("probe", DEMO_ACCOUNT)
    path.parent.mkdir(parents=True)
    if damage == "garbage":
        path.write_bytes(b"this is not a database, it is a shopping list\n" * 200)
    else:
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE notes (text TEXT)")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    before = path.read_bytes()
    async with _desk(quiet_sim, (120, 36)) as (app, pilot):
        # the desk still trades (and can cancel): it says why
        problem = app.state.problem
        assert str(path) in problem and "History is not being kept" in problem
        assert ("made by a newer pmdesk" in problem) if damage == "newer" else (
            "is not an SQLite database" in problem)
        await pilot.press("b")  # trading goes on, nothing is written to that file
        await eventually(lambda: app.state.working_orders(), what="an order working")
        await app.action_quit()
    assert path.read_bytes() == before
