"""The sim's firehose: every step changes a book, behind the inside so it never trades, with a
bounded pool of orders; at the running exchange its changes reach the gateway's gRPC market
data and the retail markets socket; and a rate or market count that cannot work is one
sentence from `pmdesk sim` and `pmdesk demo`."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import connect

from tests.conftest import eventually
from tests.fake_clock import FakeClock
from tests.simkit import CENT, HALF, A, B, Recorder, Wire, buy, make_exchange, sell
from tui.cli.main import main
from tui.core.enums import Side
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import marketdatasubscription_pb2_grpc as md_grpc
from tui.sim.firehose import ACCOUNT, POOL, Firehose
from tui.sim.model import BookChanged, TradePrint
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET, slug_of
from tui.sim.server import SimServer
from tui.venues.retail.signing import sign

RATE, WINDOW = 200, 2.0


def test_every_change_changes_a_book_behind_the_inside_and_never_trades() -> None:
    ex = make_exchange(FakeClock())
    for symbol, bid, ask in ((CENT, 40, 45), (HALF, 400, 450)):
        buy(ex, A, bid, 100, symbol=symbol)
        sell(ex, B, ask, 100, symbol=symbol)
    rec = Recorder(ex)
    hose = Firehose(ex, RATE, [CENT, HALF], seed=1)
    for _ in range(2000):
        hose.change()
    changed = [e.symbol for e in rec.events if isinstance(e, BookChanged)]
    assert len(changed) == hose.changes == 2000  # one book change per step, none lost
    assert changed.count(CENT) == changed.count(HALF) == 1000  # spread over both markets
    assert not [e for e in rec.events if isinstance(e, TradePrint)]
    for symbol, bid, ask in ((CENT, 40, 45), (HALF, 400, 450)):
        assert ex.best(symbol) == (bid, ask)  # the inside is the other traders'
        mine = ex.open_orders([ACCOUNT], [symbol])
        assert 0 < len(mine) <= POOL  # bounded: books do not grow without end
        assert all(o.price < bid if o.side is Side.BUY else o.price > ask for o in mine)


@pytest.fixture
async def firehose_sim() -> AsyncIterator[SimServer]:
    """The firehose alone (no synthetic traders), market data sent as books change."""
    server = SimServer(seed=7, flow=False, heartbeat=0.5, firehose=RATE, md_interval=0.0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def count_grpc(sim: SimServer, symbol: str, counts: dict[str, int],
                     ready: asyncio.Event) -> None:
    async with Wire(sim) as wire:
        stream = md_grpc.MarketDataSubscriptionAPIStub(wire.channel)\
            .CreateMarketDataSubscription(md_pb.CreateMarketDataSubscriptionRequest(
                symbols=[symbol]), metadata=wire.metadata)
        async for msg in stream:
            ready.set()  # the snapshot
            if msg.HasField("update"):
                counts["grpc"] += 1


async def count_retail(sim: SimServer, symbol: str, counts: dict[str, int],
                       ready: asyncio.Event) -> None:
    path = "/v1/ws/markets"
    signed = sign(DEMO_RETAIL_SECRET, "GET", path, int(time.time() * 1000),
                  key_id=DEMO_RETAIL_KEY_ID)
    headers = {k: signed[k] for k in ("X-PM-Access-Key", "X-PM-Timestamp", "X-PM-Signature")}
    async with connect(f"ws://{sim.host}:{sim.rest_port}{path}",
                       additional_headers=headers) as ws:
        await ws.send(json.dumps({"subscribe": {
            "requestId": "md", "subscriptionType": "SUBSCRIPTION_TYPE_MARKET_DATA",
            "marketSlugs": [slug_of(symbol)]}}))
        async for raw in ws:
            if "marketData" in json.loads(raw):
                ready.set()
                counts["retail"] += 1


async def test_the_streams_carry_about_the_asked_rate(firehose_sim: SimServer) -> None:
    symbol = sorted(firehose_sim.exchange.instruments)[0]  # where the desk opens
    counts = {"grpc": 0, "retail": 0}
    ready = [asyncio.Event(), asyncio.Event()]
    tasks = [asyncio.create_task(count_grpc(firehose_sim, symbol, counts, ready[0])),
             asyncio.create_task(count_retail(firehose_sim, symbol, counts, ready[1]))]
    try:
        await eventually(lambda: all(r.is_set() for r in ready), what="both subscriptions")
        counts.update(grpc=0, retail=0)
        await asyncio.sleep(WINDOW)  # the window counted, not a wait for something
        seen = dict(counts)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    assert seen["grpc"] >= RATE * WINDOW / 2, seen
    assert seen["retail"] >= RATE * WINDOW / 2, seen
    assert firehose_sim.exchange.stats(symbol).volume == 0  # it never traded
    assert firehose_sim.firehose is not None and firehose_sim.firehose.behind == 0


@pytest.mark.parametrize(("argv", "words"), [
    (["sim", "--firehose", "-5"], "pmdesk sim: --firehose -5 is not a rate"),
    (["sim", "--firehose", "100", "--firehose-markets", "8"],
     "pmdesk sim: --firehose-markets 8 is not a number of markets here; the exchange has 7"),
    (["sim", "--firehose-markets", "0"], "pmdesk sim: --firehose-markets 0 is not"),
    (["demo", "--firehose", "-1"], "pmdesk demo: --firehose -1 is not a rate"),
    (["demo", "--firehose", "10", "--firehose-markets", "99"],
     "pmdesk demo: --firehose-markets 99 is not a number of markets here"),
])
def test_a_rate_or_market_count_that_cannot_work_is_one_sentence(
        argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1

