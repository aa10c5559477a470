"""What `pmdesk sim --firehose RATE` achieves, seen from outside its process.

Starts the embedded exchange as its own process with the firehose on, subscribes to the
firehose's markets on the gateway's gRPC market data and on the retail markets socket, counts
for --seconds what each subscriber receives, then stops the exchange and prints its own count
of book changes made (and any it skipped for being behind), and the exchange process's CPU.

    python bench/firehose_rate.py --rate 2000 --markets 1 --seconds 10

The exchange's streams coalesce per subscriber (the latest book wins; see tui/sim/hub.py):
by default a market's book goes out at most every 50 ms, so a subscriber receives about 20
updates a second a market whatever the rate; --md-interval 0 sends as books change.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import grpc
import httpx
from websockets.asyncio.client import connect

from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import marketdatasubscription_pb2_grpc as md_grpc
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.markets import demo_instruments
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET, slug_of
from tui.venues.retail.signing import sign

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


async def grpc_updates(grpc_target: str, rest: str, symbols: list[str],
                       counts: dict[str, int], stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=rest) as http:
        login = await http.post("/auth/v1beta1/login",
                                json={"username": "demo", "password": DEMO_PASSWORD})
    metadata = [("authorization", f"Bearer {login.json()['accessToken']}"),
                ("x-participant-id", "firms/DEMO/users/demo")]
    async with grpc.aio.insecure_channel(grpc_target) as channel:
        stream = md_grpc.MarketDataSubscriptionAPIStub(channel).CreateMarketDataSubscription(
            md_pb.CreateMarketDataSubscriptionRequest(symbols=symbols, depth=10),
            metadata=metadata)
        async for msg in stream:
            if stop.is_set():
                stream.cancel()
                return
            if msg.HasField("update"):
                counts["grpc"] += 1


async def retail_updates(rest: str, symbols: list[str], counts: dict[str, int],
                         stop: asyncio.Event) -> None:
    path = "/v1/ws/markets"
    signed = sign(DEMO_RETAIL_SECRET, "GET", path, int(time.time() * 1000),
                  key_id=DEMO_RETAIL_KEY_ID)
    headers = {k: signed[k] for k in ("X-PM-Access-Key", "X-PM-Timestamp", "X-PM-Signature")}
    url = rest.replace("http://", "ws://") + path
    async with connect(url, additional_headers=headers, max_queue=None) as ws:
        await ws.send(json.dumps({"subscribe": {
            "requestId": "md", "subscriptionType": "SUBSCRIPTION_TYPE_MARKET_DATA",
            "marketSlugs": [slug_of(s) for s in symbols]}}))
        async for raw in ws:
            if stop.is_set():
                return
            if "marketData" in json.loads(raw):
                counts["retail"] += 1


async def measure(rest: str, grpc_target: str, symbols: list[str], seconds: float,
                  pid: int) -> tuple[dict[str, int], float, float]:
    counts = {"grpc": 0, "retail": 0}
    stop = asyncio.Event()
    tasks = [asyncio.create_task(grpc_updates(grpc_target, rest, symbols, counts, stop)),
             asyncio.create_task(retail_updates(rest, symbols, counts, stop))]
    await asyncio.sleep(2.0)  # connected, snapshots in, the firehose at its pace
    counts.update(grpc=0, retail=0)
    cpu0, began = cpu_seconds(pid), time.monotonic()
    await asyncio.sleep(seconds)
    wall, cpu = time.monotonic() - began, cpu_seconds(pid) - cpu0
    got = dict(counts)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return got, wall, cpu


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    cli.add_argument("--rate", type=int, default=2000, help="book changes a second")
    cli.add_argument("--markets", type=int, default=1, help="spread over the first M markets")
    cli.add_argument("--seconds", type=float, default=10.0, help="how long to count")
    cli.add_argument("--no-flow", action="store_true", help="the firehose alone")
    cli.add_argument("--md-interval", type=float, default=50.0, metavar="MS",
                     help="the exchange's market-data interval (0: send as books change)")
    args = cli.parse_args()
    cmd = [sys.executable, "-m", "tui.sim", "--port", "0", "--grpc-port", "0", "--ready-json",
           "--exit-with-parent", "--firehose", str(args.rate),
           "--firehose-markets", str(args.markets), "--md-interval", f"{args.md_interval:g}",
           *(["--no-flow"] if args.no_flow else [])]
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stderr is not None
    ready = json.loads(child.stdout.readline())
    symbols = sorted(i.symbol for i in demo_instruments())[:args.markets]  # as the sim does
    try:
        counts, wall, cpu = asyncio.run(measure(ready["rest"], ready["grpc"], symbols,
                                                args.seconds, child.pid))
    finally:
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=10)
    summary = next((line for line in err.splitlines() if "firehose:" in line), err.strip())
    print(f"asked: {args.rate} book changes/s over {args.markets} market(s)"
          f"{', firehose only' if args.no_flow else ', with the synthetic traders'}; "
          f"market data at most every {args.md_interval:g} ms a market")
    print(f"exchange (its own count, whole run): {summary.removeprefix('pmdesk sim: ')}")
    print(f"exchange process CPU while counting: {100 * cpu / wall:.0f}% of a core")
    print(f"gateway gRPC market data received: {counts['grpc'] / wall:.0f} updates/s")
    print(f"retail markets socket received: {counts['retail'] / wall:.0f} marketData frames/s")


if __name__ == "__main__":
    main()
