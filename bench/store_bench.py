"""Sustained writes through tui.store next to raw sqlite3 executemany of the same rows.

Three phases, each ``--seconds`` long, in one process on one disk:

  executions   the producer thread calls Store.execution() as fast as the store keeps up
               (it pauses while more than 50k items wait); rate = rows committed / time to
               the final flush. Raw: the same rows, prebuilt, executemany'd into the same
               schema (same indexes, WAL, synchronous=NORMAL) in 20k-row transactions.
  depth        Store.top_of_book() + Store.book() for 50 symbols, 10 levels a side, each
               update a new quarter second of its symbol so the downsampler keeps every
               book (the worst case: nothing coalesces); a top-of-book row every 4th.
               Raw: the same rows with their JSON prebuilt.
  live feed    updates stamped with the wall clock, offered at --feed-rate/s: the store
               keeps at most 1 top-of-book and 4 books per symbol per second, so this shows
               what a firehose costs the caller (the UI loop) and what reaches the disk.

"caller µs" is the producer thread's CPU per call (time.thread_time): what the UI loop pays.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from machine_info import cpu_model

from tui.core.enums import Side
from tui.core.prices import Intent
from tui.store import Store, schema
from tui.store.rows import Params, levels_json
from tui.store.writer import SQL

SYMBOLS = [f"AEC-BENCH-{n:02d}" for n in range(50)]
DEPTH = 10
BATCH = 20_000
HIGH_WATER = 50_000


def filesystem(path: Path) -> str:
    """The mount under ``path`` and its type: tmpfs and overlay disks differ a lot."""
    best = ("?", "?")
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                _, point, kind, *_ = line.split()
                if str(path.resolve()).startswith(point) and len(point) >= len(best[0]):
                    best = (point, kind)
    except OSError:
        pass
    return f"{best[0]} ({best[1]})"


def machine(where: Path) -> str:
    return (f"machine: {platform.machine()} {cpu_model()}, {os.cpu_count()} CPUs, "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}; "
            f"SQLite {sqlite3.sqlite_version}; database on {filesystem(where)}")


def levels(n: int, base: int) -> list[tuple[int, int]]:
    return [(base + 10 * i, 1 + (n + i) % 97) for i in range(DEPTH)]


def execution_row(n: int) -> Params:
    return (f"exec-{n:012d}", f"order-{n // 3}", f"clord-{n // 3}", SYMBOLS[n % 50],
            int(Side.BUY), 500 + n % 400, 1 + n % 50, Intent.BUY_YES.name, "fill",
            1.78e9 + n / 1000)


def depth_update(n: int) -> tuple[str, float, list[tuple[int, int]], list[tuple[int, int]]]:
    symbol = SYMBOLS[n % 50]
    at = 1.78e9 + (n // 50) * 0.25  # each update of a symbol opens its next quarter second
    return symbol, at, levels(n, 400), levels(n, 600)


def through_store(path: Path, seconds: float, feed: str, rate: int = 0) -> dict[str, float]:
    store = Store.open(path)
    calls, n = 0, 0
    cpu = 0.0
    start = time.monotonic()
    end = start + seconds
    while time.monotonic() < end:
        if store.backlog > HIGH_WATER:  # back-pressure, as a real feed would meet it
            time.sleep(0.001)
            continue
        if rate and calls > (time.monotonic() - start) * rate:
            time.sleep(0.0005)
            continue
        # build 100 calls' arguments first: only the calls themselves are timed
        if feed == "executions":
            rows = [execution_row(i) for i in range(n, n + 100)]
            c0 = time.thread_time()
            for (exec_id, order_id, clord_id, symbol, _, price, qty, _, kind, at) in rows:
                store.execution(exec_id, order_id, clord_id, symbol, Side.BUY, price, qty,
                                Intent.BUY_YES, kind, at)
        else:
            updates = [depth_update(i) for i in range(n, n + 100)]
            c0 = time.thread_time()
            for symbol, at, bids, offers in updates:
                if feed == "live":
                    at = time.time()
                store.top_of_book(symbol, bids[0][0], offers[0][0], None, None, at)
                store.book(symbol, bids, offers, at)
        cpu += time.thread_time() - c0
        n += 100
        calls += 100
    ok = store.flush(timeout=600)
    wall = time.monotonic() - start
    committed = store.committed
    store.close()
    assert ok and store.error is None, store.error
    return {"calls": calls, "rows": committed, "wall": wall, "caller_us": cpu / calls * 1e6}


def raw(path: Path, feed: str, count: int, *, encode: bool = False) -> dict[str, float]:
    """The same rows through plain executemany: prebuilt, in 20k-row transactions. With
    ``encode`` the depth rows' JSON is made inside the timed part, as the store must."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    schema.migrate(conn)
    if feed == "executions":
        batches = [("execution", [execution_row(n) for n in range(i, min(i + BATCH, count))])
                   for i in range(0, count, BATCH)]
    else:
        books, tobs = [], []
        start = time.monotonic()
        for n in range(count):
            symbol, at, bids, offers = depth_update(n)
            slot = int(at * 4)
            books.append((symbol, slot, at, levels_json(bids), levels_json(offers)))
            if slot % 4 == 3:  # the last quarter of its second: the row the store keeps
                tobs.append((symbol, int(at), bids[0][0], offers[0][0], None, None, at))
        encoding = time.monotonic() - start if encode else 0.0
        batches = [("book", books[i:i + BATCH]) for i in range(0, len(books), BATCH)]
        batches += [("tob", tobs[i:i + BATCH]) for i in range(0, len(tobs), BATCH)]
    rows = sum(len(b) for _, b in batches)
    start = time.monotonic()
    for op, batch in batches:
        conn.execute("BEGIN")
        conn.executemany(SQL[op], batch)
        conn.execute("COMMIT")
    wall = time.monotonic() - start
    conn.close()
    if feed != "executions":
        wall += encoding
    return {"rows": rows, "wall": wall}


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    cli.add_argument("--feed-rate", type=int, default=20_000,
                     help="book updates/s offered in the live-feed phase")
    cli.add_argument("--dir", type=Path, default=None,
                     help="where the databases go (default: a new temporary directory)")
    args = cli.parse_args()
    where = Path(tempfile.mkdtemp(prefix="pmdesk-bench-", dir=args.dir))
    try:
        run(args, where)
    finally:
        shutil.rmtree(where, ignore_errors=True)


def run(args: argparse.Namespace, where: Path) -> None:
    print(machine(where))
    print(f"{'phase':<12} {'writer':<22} {'calls/s':>10} {'rows/s':>10} {'caller µs':>10}")
    for feed in ("executions", "depth"):
        s = through_store(where / f"store-{feed}.sqlite3", args.seconds, feed)
        r = raw(where / f"raw-{feed}.sqlite3", feed, int(s["calls"]))
        print(f"{feed:<12} {'pmdesk Store':<22} {s['calls'] / s['wall']:>10,.0f} "
              f"{s['rows'] / s['wall']:>10,.0f} {s['caller_us']:>10.2f}")
        print(f"{'':<12} {'raw executemany':<22} {'':>10} {r['rows'] / r['wall']:>10,.0f}")
        if feed == "depth":
            e = raw(where / "raw-depth-json.sqlite3", feed, int(s["calls"]), encode=True)
            print(f"{'':<12} {'raw + JSON timed':<22} {'':>10} {e['rows'] / e['wall']:>10,.0f}")
    live = through_store(where / "store-live.sqlite3", args.seconds, "live", args.feed_rate)
    print(f"{'live feed':<12} {'pmdesk Store':<22} {live['calls'] / live['wall']:>10,.0f} "
          f"{live['rows'] / live['wall']:>10,.0f} {live['caller_us']:>10.2f}")
    print("calls/s = store calls per second until all were committed (depth: one call = one "
          "top_of_book + one book); rows/s = rows committed per second; raw = the same rows, "
          "prebuilt, through sqlite3 executemany into the same schema; raw + JSON timed = the "
          "same, with building the depth rows (their JSON) inside the timing")
    print(f"reproduce: .venv/bin/python bench/store_bench.py --seconds {args.seconds:g} "
          f"--feed-rate {args.feed_rate}" + (f" --dir {args.dir}" if args.dir else ""))


if __name__ == "__main__":
    main()
