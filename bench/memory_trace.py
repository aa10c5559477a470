"""bench/memory.py --trace: the demo's desk and exchange in this process under tracemalloc.

The exchange (synthetic traders, optional firehose) and the desk (GatewayVenue, the local
database, the Textual app headless at 160x48) share this process, so every growing history
of either shows up. With --orders, the desk's own account also trades at the exchange
(as from another session of the same account): IOC orders across the spread and resting
orders that are cancelled a moment later, so its orders, fills, blotter and database grow
as a busy trader's would. Prints the allocation sites that grew most after --warm seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

from tui.core.enums import Side, TimeInForce
from tui.sim.server import SimServer
from tui.store import Store, db_path
from tui.ui.app import PmdeskApp
from tui.venues.gateway.venue import GatewayVenue

SIZE = (160, 48)
ACCOUNT, PARTICIPANT = "firms/DEMO/accounts/demo-1", "firms/DEMO/users/demo"


async def trader(server: SimServer, symbol: str, rate: float, stop: asyncio.Event) -> int:
    """The desk's account trading at the exchange: every other order an IOC that takes the
    touch, the rest a resting order cancelled on the next turn."""
    ex, sent, resting = server.exchange, 0, ""
    participant = server.auth.users["demo"].participant_id
    for turn in itertools.count():
        if stop.is_set():
            break
        bid, offer = ex.best(symbol)
        side = Side.BUY if turn % 4 < 2 else Side.SELL
        if turn % 2 == 0 and bid is not None and offer is not None:
            ex.insert_order(account=ACCOUNT, participant=participant, symbol=symbol, side=side,
                            price=offer if side is Side.BUY else bid, order_qty=1,
                            tif=TimeInForce.IMMEDIATE_OR_CANCEL, clord_id=f"mem-{turn}")
        elif bid is not None:
            if resting:
                ex.cancel_order(account=ACCOUNT, order_id=resting)
            resting = ex.insert_order(account=ACCOUNT, participant=participant, symbol=symbol,
                                      side=Side.BUY, price=bid, order_qty=1,
                                      clord_id=f"mem-{turn}")
        sent += 1
        await asyncio.sleep(1 / rate)
    return sent


def top(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, count: int) -> None:
    keep = [tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, "<frozen importlib._bootstrap*>")]
    stats = after.filter_traces(keep).compare_to(before.filter_traces(keep), "traceback")
    grown = sorted(stats, key=lambda s: s.size_diff, reverse=True)[:count]
    total = sum(s.size_diff for s in stats)
    print(f"traced heap grew {total / 1024:+.0f} KiB; the top {count} sites:")
    by_file: dict[str, int] = {}
    for stat in stats:
        ours = [f for f in stat.traceback if "/tui/" in f.filename]
        name = _where(ours[-1]).rsplit(":", 1)[0] if ours else "(no pmdesk frame)"
        by_file[name] = by_file.get(name, 0) + stat.size_diff
    print("by the innermost pmdesk file on the stack:")
    for name, size in sorted(by_file.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {size / 1024:+9.1f} KiB  {name}")
    for stat in grown:
        frames = list(stat.traceback)
        ours = [f for f in frames if "/tui/" in f.filename or "/bench/" in f.filename]
        print(f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+8d} blocks  "
              f"{_where(frames[-1])}")
        for frame in (ours or frames[:1])[-3:][::-1]:
            print(f"        from {_where(frame)}")


def _where(frame: tracemalloc.Frame) -> str:
    name = frame.filename
    for cut in ("/site-packages/", "/tui/", "/lib/python3"):
        if cut in name:
            name = name.split(cut, 1)[1]
            break
    return f"{name}:{frame.lineno}"


async def run(args: argparse.Namespace) -> None:
    server = SimServer(firehose=args.firehose, heartbeat=1.0)
    await server.start()
    stop = asyncio.Event()
    try:
        venue = GatewayVenue(rest_url=server.rest_url, grpc_target=server.grpc_target,
                             username="demo", password="demo", venue_name="demo",
                             silence_timeout=10.0,
                             open_store=lambda account: Store.open(db_path("demo", account)))
        app = PmdeskApp(venue, title="pmdesk — demo")
        async with app.run_test(size=SIZE):
            while app.symbol is None or app.symbol not in app.state.books:  # noqa: ASYNC110
                await asyncio.sleep(0.1)  # no event says so
            trading = (asyncio.create_task(trader(server, app.symbol, args.orders, stop))
                       if args.orders else None)
            await asyncio.sleep(args.warm)
            gc.collect()
            first, started = tracemalloc.take_snapshot(), time.monotonic()
            await asyncio.sleep(max(0.0, args.trace - args.warm))
            gc.collect()
            last = tracemalloc.take_snapshot()
            stop.set()
            sent = await trading if trading is not None else 0
            print(f"{time.monotonic() - started:.0f} s traced after {args.warm:g} s; "
                  f"desk: {len(app.state.orders)} orders, {len(app.state.fills)} fills held, "
                  f"{sent} orders sent by --orders")
            top(first, last, args.top)
    finally:
        stop.set()
        await server.stop()


def trace(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="pmdesk-trace-") as tmp:
        os.environ["PMDESK_DATA_DIR"] = str(Path(tmp) / "data")
        tracemalloc.start(args.depth)
        asyncio.run(run(args))
