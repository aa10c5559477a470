"""Retail fill recovery under private-socket kills: fills lost, doubled, or only aggregated.

The desk (RetailVenue, with its local database) rests four orders on the embedded exchange;
another firm's trader takes from them while the private socket is killed --kills times
(trading on while it is down and while the desk reconnects). At the end the desk's
recorded fills, and its database's, are compared with the exchange's own executions: by
trade id (lost, doubled), and per order by quantity and cost.

    python bench/retail_recovery_bench.py --kills 300
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections import Counter
from decimal import Decimal

from machine_info import cpu_model

from tui.core.enums import OrderState, Side, TimeInForce
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
from tui.sim.server import SimServer
from tui.store import DATA_DIR_ENV, Store, db_path
from tui.venues.retail.venue import RetailVenue

ACCOUNT = "firms/DEMO/accounts/demo-1"
OTHER = ("firms/X/accounts/x-1", "firms/X/users/x")
SLUG = "aec-nfl-kc-buf-2026-11-29"
PRIVATE = "/v1/ws/private"


async def until(check: object, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        await asyncio.sleep(0.02)


def take(sim: SimServer, rng: random.Random) -> None:
    side, price = (Side.SELL, 39) if rng.random() < 0.5 else (Side.BUY, 61)
    sim.exchange.insert_order(account=OTHER[0], participant=OTHER[1], symbol=SLUG.upper(),
                              side=side, price=price, order_qty=rng.randint(1, 4),
                              tif=TimeInForce.IMMEDIATE_OR_CANCEL)


def per_order(rows: list[tuple[str, int, int]]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for order_id, qty, px in rows:
        q, c = out.get(order_id, (0, 0))
        out[order_id] = (q + qty, c + qty * px)
    return out


async def run(kills: int, seed: int) -> None:
    sim = SimServer(seed=7, flow=False, heartbeat=0.5)
    await sim.start()
    sim.exchange.add_account(OTHER[0], OTHER[1], Decimal(10_000_000))
    venue = RetailVenue(rest_url=sim.rest_url, key_id=DEMO_RETAIL_KEY_ID,
                        secret=DEMO_RETAIL_SECRET, silence_timeout=5.0,
                        open_store=lambda account: Store.open(db_path("bench", account)))
    rng = random.Random(seed)
    started = time.monotonic()
    try:
        await venue.start()
        private = venue._workers[1]
        await until(lambda: private.connects > 0 and SLUG in venue.state.instruments, 20,
                    "the desk live")
        inst = venue.state.instruments[SLUG]
        for intent, price in ((Intent.BUY_YES, 40), (Intent.BUY_YES, 40),
                              (Intent.BUY_YES, 39), (Intent.SELL_YES, 61)):
            await venue.submit(build_order(inst, intent, price, 50_000))
        await until(lambda: sum(o.state is OrderState.NEW and bool(o.order_id)
                                for o in venue.state.working_orders(SLUG)) == 4, 20,
                    "the desk's orders working")
        for _ in range(kills):
            before = private.connects
            sim.retail_ws.drop_all(PRIVATE)
            take(sim, rng)
            while private.connects <= before:
                await asyncio.sleep(rng.random() * 0.05)
                take(sim, rng)
            for _ in range(rng.randint(0, 5)):
                await asyncio.sleep(rng.random() * 0.01)
                take(sim, rng)
        exchange = [(e.trade_id, e.order.order_id, e.last_shares, e.last_px)
                    for e in sim.exchange.executions(ACCOUNT) if e.last_shares]
        ids = {t for t, *_ in exchange}
        booked = venue._recovery._booked  # every fill the desk recorded this session
        await until(lambda: {i for fills in booked.values() for i in fills} >= ids, 60,
                    "the desk to recover the last outage")
        seconds = time.monotonic() - started
    finally:
        await venue.stop()
        await sim.stop()
    store = Store.open(db_path("bench", venue.account))
    try:
        saved = [row.to_fill() for row in store.fills(limit=None)]
    finally:
        store.close()
    times = Counter(f.exec_id for f in saved)
    want = per_order([(o, q, p) for _, o, q, p in exchange])
    got = per_order([(f.order_id, f.qty, f.price) for f in saved])
    print(f"retail recovery: {kills} private-socket kills, {len(ids)} fills, "
          f"{seconds:.0f} s on {cpu_model()}")
    print(f"  lost (in the exchange's executions, not the database): {len(ids - set(times))}")
    print(f"  doubled (a trade id kept twice): {sum(n > 1 for n in times.values())}")
    print(f"  kept that the exchange never made: {len(set(times) - ids)}")
    print(f"  aggregates: {sum(f.aggregate for f in saved)}")
    print(f"  orders whose quantity and cost differ from the exchange's: "
          f"{sum(want.get(o) != got.get(o) for o in set(want) | set(got))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=300)
    parser.add_argument("--seed", type=int, default=99)
    args = parser.parse_args()
    # a database of its own, never the trader's
    os.environ[DATA_DIR_ENV] = tempfile.mkdtemp(prefix="pmdesk-bench-")
    asyncio.run(run(args.kills, args.seed))


if __name__ == "__main__":
    main()
