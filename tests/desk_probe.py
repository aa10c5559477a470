"""A desk in a process of its own (for tests/test_restart.py): start pmdesk headless against
a gateway, with the local database under $PMDESK_DATA_DIR, and print what its blotter's
fills and order history show, as JSON. Run: python tests/desk_probe.py REST GRPC USER."""

from __future__ import annotations

import asyncio
import json
import sys
import time

from tui.sim.auth import DEMO_PASSWORD
from tui.store import Store, db_path
from tui.ui.app import PmdeskApp
from tui.ui.widgets.blotter import FillsTable
from tui.ui.widgets.history import OrderHistoryTable
from tui.venues.gateway.venue import GatewayVenue


def rows(table: FillsTable | OrderHistoryTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def main(rest: str, grpc_target: str, user: str) -> None:
    venue = GatewayVenue(rest_url=rest, grpc_target=grpc_target, username=user,
                         password=DEMO_PASSWORD, venue_name="probe",
                         open_store=lambda account: Store.open(db_path("probe", account)))
    app = PmdeskApp(venue)
    async with app.run_test(size=(160, 48)) as pilot:
        deadline = time.monotonic() + 20
        while not (app.state.instruments and app.state.streams
                   and all(s.state.value == "live" for s in app.state.streams.values())):
            if time.monotonic() > deadline:
                raise SystemExit("the desk did not come up")
            await asyncio.sleep(0.1)
        await pilot.pause(0.5)
        while not app.query_one("#blotter").has_class("-show-history"):
            await pilot.press("f")  # as a trader opens the history view
        await pilot.pause(0.2)
        shown = {"fills": rows(app.query_one(FillsTable)),
                 "history": rows(app.query_one(OrderHistoryTable)),
                 "fill_ids": sorted(f.exec_id for f in app.state.fills),
                 "order_ids": sorted(o.order_id for o in app.state.history),
                 "problem": app.state.problem}
        await app.action_quit()
    print(json.dumps(shown))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
