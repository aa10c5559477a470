"""The fault suite's long form: the runs of tests/test_faults.py at full size, printing the
figures as a table (README "Faults").

Every run is against the real embedded exchange on loopback, through the fault proxy
(tests/faults/proxy.py), and ends reconciled with the exchange's journal:

  streams    the desk's streams cut at random (gateway: the gRPC connection, or one stream;
             retail: the private socket, the markets socket, or both) while a synthetic
             trader takes its resting orders; --restarts desk restarts on its database
  process    the desk in a process of its own, SIGKILLed --process-kills times and
             started again on its database
  inserts    --inserts inserts, --lose of their answers lost after the exchange took them
             (the connection cut; with --hang, held open until the desk gives up)
  kill       --presses kill-switch presses, each with --in-flight inserts on their way,
             --lose of every REST answer lost; judged --check-after seconds later
  stale      the price feed frozen (its connection open, nothing coming through)
             --stale-trials times: how soon the desk shows it stale

Run from the repository root:  python bench/faults.py [--quick] [--runs streams,kill]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import logging
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ and tui/

from machine_info import cpu_model

from tests.faults.desk_child import LOG_ENV, LOG_FORMAT
from tests.faults.orders import kill_switch_presses, lost_inserts
from tests.faults.process import process_kills
from tests.faults.reconcile import Figures, table
from tests.faults.stale import stale_trials
from tests.faults.streams import stream_kills

RUNS = ("streams", "process", "inserts", "kill", "stale")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venues", default="gateway,retail,clob")
    parser.add_argument("--runs", default=",".join(RUNS), help=", ".join(RUNS))
    parser.add_argument("--kills", type=int, default=1000, help="streams broken, per venue")
    parser.add_argument("--restarts", type=int, default=8, help="desk restarts in that run")
    parser.add_argument("--process-kills", type=int, default=35)
    parser.add_argument("--inserts", type=int, default=500)
    parser.add_argument("--lose", type=float, default=0.3, help="share of answers lost")
    parser.add_argument("--hang", action="store_true",
                        help="a lost insert answer holds its connection open until the desk "
                             "gives up (its REST timeout), instead of cutting it")
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--in-flight", type=int, default=20)
    parser.add_argument("--check-after", type=float, default=3.0)
    parser.add_argument("--stale-trials", type=int, default=8)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--log", metavar="FILE",
                        help="the desk's log (venues, recovery decisions) written to FILE, "
                             "to find why a figure is off")
    parser.add_argument("--quick", action="store_true", help="CI's sizes (about a minute)")
    args = parser.parse_args()
    if args.quick:
        args.kills, args.restarts, args.process_kills = 40, 1, 3
        args.inserts, args.presses, args.check_after = 40, 4, 0.5
        args.stale_trials = 1
    return args


async def run(args: argparse.Namespace) -> list[Figures]:
    venues = args.venues.split(",")
    runs = args.runs.split(",")
    plan = []
    for venue in venues:
        if "streams" in runs:
            plan.append(lambda v=venue: stream_kills(v, args.kills, args.restarts, args.seed))
        if "inserts" in runs:
            plan.append(lambda v=venue: lost_inserts(v, args.inserts, args.lose, args.seed,
                                                   hang=args.hang))
        if "kill" in runs:
            plan.append(lambda v=venue: kill_switch_presses(
                v, args.presses, args.in_flight, args.lose, args.seed, args.check_after))
        if "stale" in runs:
            plan.append(lambda v=venue: stale_trials(v, args.stale_trials, args.seed))
        if "process" in runs:
            plan.append(lambda v=venue: process_kills(args.process_kills, args.seed, v))
    rows = []
    for step in plan:
        started = time.monotonic()
        figures = await step()
        print(f"{figures.describe()}: {figures.result()} "
              f"({time.monotonic() - started:.0f} s)", flush=True)
        rows.append(figures)
    return rows


def main() -> int:
    args = arguments()
    if args.log:
        logging.basicConfig(filename=args.log, level=logging.INFO, format=LOG_FORMAT)
        os.environ[LOG_ENV] = args.log  # the process-kill run's desks log there too
    started = datetime.datetime.now(datetime.UTC)
    rows = asyncio.run(run(args))
    print()
    print(f"{started:%Y-%m-%d}, machine: {platform.machine()} {cpu_model()}, "
          f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
          f"Python {platform.python_version()}")
    print()
    print(table(rows))
    return 1 if any(row.bad or row.notes for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
