"""A local database that stops taking writes (a full disk) is said on the status bar
through either venue, trading goes on, and the words go once it can write again."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DEMO_ACCOUNT, eventually, venue_via
from tests.desk_kit import cent_symbols, quote
from tests.pilot_kit import pilot_desk
from tui.sim.server import SimServer
from tui.store import Store
from tui.ui.widgets.status import StatusBar

FULL = "The local database cannot write"


async def test_a_full_disk_is_said_and_unsaid(quiet_sim: SimServer, via: str,
                                              tmp_path: Path) -> None:
    venue = venue_via(quiet_sim, via)
    store = Store.open(tmp_path / "desk.sqlite", interval=0.01)
    venue.store = store
    async with pilot_desk(venue, size=(160, 48)) as (app, pilot):  # no limits: no confirm
        assert store.flush()
        pages = store._query("PRAGMA page_count")[0][0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now full
        bar = app.query_one(StatusBar)
        symbols = cent_symbols(quiet_sim)
        for n in range(200):  # books and trades for the database to keep
            quote(quiet_sim, symbols[n % len(symbols)], bid=30 + n % 10, offer=50)
            if FULL in str(bar.render()):
                break
            await pilot.pause(0.05)
        await eventually(lambda: FULL in str(bar.render()), what="the full disk said")
        await pilot.press("b")  # trading goes on: the exchange gets the order
        await eventually(lambda: any(DEMO_ACCOUNT in str(c.params)
                                     for c in quiet_sim.exchange.order_log),
                         what="the order at the exchange")
        store._conn.execute("PRAGMA max_page_count = 1000000")  # space freed
        await eventually(lambda: FULL not in str(bar.render()), what="the words gone")
        await app.action_quit()
