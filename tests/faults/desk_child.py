"""A desk in a process of its own, for the process-kill run (tests/faults/process.py): the
venue (gateway, retail or clob) with its local database under $PMDESK_DATA_DIR, resting small
orders now and then, until it is killed. It prints "live" once its streams are, and "sent
SYMBOL SIDE PRICE QTY" (the desk's symbol, the YES side and price) before each insert, so
the run knows what it asked for.

Run: python tests/faults/desk_child.py gateway|retail|clob REST GRPC PROFILE SEED"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import sys

from tui.core.prices import Intent
from tui.core.state import LinkState
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.clob.api import DEMO_CLOB_KEY
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
from tui.store import Store, db_path
from tui.venues.clob.convert import PRICE_SCALE, QTY_SCALE
from tui.venues.clob.venue import ClobVenue
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.retail.venue import RetailVenue

LOG_ENV = "PMDESK_FAULT_LOG"  # bench/faults.py --log: this desk logs to that file too
LOG_FORMAT = "%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"
SYMBOLS_ENV = "PMDESK_FAULT_SYMBOLS"  # the desk's names of the markets the run trades


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def main(kind: str, rest: str, grpc_target: str, profile: str, seed: str) -> None:
    rng = random.Random(int(seed))
    if log := os.environ.get(LOG_ENV):
        logging.basicConfig(filename=log, level=logging.INFO, format=LOG_FORMAT)
    opener = lambda account: Store.open(db_path(profile, account))  # noqa: E731
    venue: GatewayVenue | RetailVenue | ClobVenue
    if kind == "clob":
        venue = ClobVenue(rest_url=rest, private_key=DEMO_CLOB_KEY, open_store=opener)
    elif kind == "retail":
        venue = RetailVenue(rest_url=rest, key_id=DEMO_RETAIL_KEY_ID,
                            secret=DEMO_RETAIL_SECRET, silence_timeout=5.0, open_store=opener)
    else:
        venue = GatewayVenue(rest_url=rest, grpc_target=grpc_target, username="demo",
                             password=DEMO_PASSWORD, silence_timeout=5.0, open_store=opener)
    streams = {"retail": 2, "clob": 3}.get(kind, 4)
    lot = QTY_SCALE if kind == "clob" else 1  # the CLOB desk counts base units of a share
    px = PRICE_SCALE // 100 if kind == "clob" else 1  # and ten-thousandths of a dollar
    state = venue.state
    live = asyncio.Event()

    def on_link(*_: object) -> None:
        if len(state.streams) == streams and all(s.state is LinkState.LIVE
                                           for s in state.streams.values()):
            live.set()
    state.link_listeners.append(on_link)
    await venue.start()
    await live.wait()
    # the run's markets (whole cents, whole contracts at the exchange), as the run names them
    symbols = os.environ[SYMBOLS_ENV].split(",")
    say("live")
    while True:
        await asyncio.sleep(rng.random() * 0.2)
        buy = rng.random() < 0.5
        price = rng.randint(30, 47) if buy else rng.randint(53, 70)
        qty = rng.randint(1, 5)
        symbol = rng.choice(symbols)
        if kind == "clob":  # a CLOB desk holds no YES to sell: it buys NO instead
            request = build_order(state.instruments[symbol],
                                  Intent.BUY_YES if buy else Intent.BUY_NO,
                                  (price if buy else 100 - price) * px, qty * lot)
        else:
            request = build_order(state.instruments[symbol],
                                  Intent.BUY_YES if buy else Intent.SELL_YES, price, qty)
        say(f"sent {symbol} {request.yes_side.name} {request.yes_price // px} {qty}")
        try:
            await venue.submit(request)
        except VenueError:
            pass  # the run reconciles what reached the exchange


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
