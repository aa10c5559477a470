"""The exchange's market-data stream sends one update per trade, then the current book.

A client derives its trade tape from consecutive MarketDataUpdates (a trade = shares_traded
grew; its price and size = last_trade_px / last_trade_qty), so trades must not be merged
the way book changes are. Driven over a real gRPC channel against a running SimServer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import grpc
import httpx
import pytest

from tests.fake_clock import FakeClock
from tests.simkit import CENT, A, B, Recorder, buy, make_exchange, sell
from tui.core.enums import Side
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import marketdatasubscription_pb2_grpc as md_grpc
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.exchange import Exchange
from tui.sim.hub import MAX_PENDING_TRADES, Hub, Subscriber
from tui.sim.model import TradePrint
from tui.sim.server import SimServer

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"  # price_scale 100, whole contracts
ALICE = "firms/DEMO/accounts/alice-1"
BOB = "firms/DEMO/accounts/bob-1"


class Feed:
    """One market-data subscription for SYMBOL, read in the background."""

    def __init__(self, sim: SimServer) -> None:
        self.sim = sim
        self.messages: asyncio.Queue[md_pb.CreateMarketDataSubscriptionResponse] = (
            asyncio.Queue())

    async def start(self) -> None:
        async with httpx.AsyncClient(base_url=self.sim.rest_url, timeout=10.0) as http:
            login = await http.post("/auth/v1beta1/login",
                                    json={"username": "demo", "password": DEMO_PASSWORD})
        token = login.json()["accessToken"]
        self.channel = grpc.aio.insecure_channel(self.sim.grpc_target)
        stub = md_grpc.MarketDataSubscriptionAPIStub(self.channel)
        self.call = stub.CreateMarketDataSubscription(
            md_pb.CreateMarketDataSubscriptionRequest(symbols=[SYMBOL]),
            metadata=[("authorization", f"Bearer {token}")])
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.call:
            await self.messages.put(msg)

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, grpc.aio.AioRpcError):
            await self.task
        await self.channel.close()

    async def next_update(self) -> md_pb.MarketDataUpdate:
        while True:
            msg = await asyncio.wait_for(self.messages.get(), timeout=10.0)
            if msg.HasField("update"):
                return msg.update

    async def updates_until_quiet(self) -> list[md_pb.MarketDataUpdate]:
        """Every update until the stream next sends a heartbeat (it has nothing more)."""
        updates = []
        while True:
            msg = await asyncio.wait_for(self.messages.get(), timeout=10.0)
            if msg.HasField("heartbeat"):
                return updates
            updates.append(msg.update)


@pytest.fixture
async def feed(quiet_sim: SimServer) -> AsyncIterator[Feed]:
    f = Feed(quiet_sim)
    await f.start()
    snapshot = await f.next_update()
    assert snapshot.symbol == SYMBOL and snapshot.stats.shares_traded == 0
    try:
        yield f
    finally:
        await f.stop()


def _rest(ex: Exchange, account: str, side: Side, price: int, qty: int) -> str:
    return ex.insert_order(account=account, participant="p", symbol=SYMBOL, side=side,
                           price=price, order_qty=qty)


def _tape(updates: list[md_pb.MarketDataUpdate], volume: int = 0
          ) -> list[tuple[int, int, int]]:
    """What a client derives: (px, qty, shares_traded) per growth of shares_traded.

    Fails on a merged trade (growth other than last_trade_qty) or a step backwards.
    """
    tape = []
    for u in updates:
        traded = u.stats.shares_traded
        assert traded >= volume, f"shares_traded went back from {volume} to {traded}"
        if traded > volume:
            assert traded - volume == u.stats.last_trade_qty, "trades merged into one update"
            tape.append((u.stats.last_trade_px, u.stats.last_trade_qty, traded))
        volume = traded
    return tape


async def test_a_sweep_sends_one_update_per_trade_then_the_book(
        quiet_sim: SimServer, feed: Feed) -> None:
    ex = quiet_sim.exchange
    for px, qty in ((50, 3), (51, 4), (52, 5)):
        _rest(ex, ALICE, Side.SELL, px, qty)
    _rest(ex, ALICE, Side.BUY, 40, 7)  # a bid the sweep leaves alone
    resting = await feed.updates_until_quiet()
    assert [(e.px, e.qty) for e in resting[-1].offers] == [(50, 3), (51, 4), (52, 5)]

    _rest(ex, BOB, Side.BUY, 52, 12)  # one command, three trades
    updates = await feed.updates_until_quiet()

    stats = [(u.stats.last_trade_px, u.stats.last_trade_qty, u.stats.shares_traded,
              u.stats.notional_traded, u.stats.open_px) for u in updates]
    assert stats == [(50, 3, 3, 150, 50), (51, 4, 7, 354, 50), (52, 5, 12, 614, 50),
                     (52, 5, 12, 614, 50)]  # the last one: the current book and stats
    final = updates[-1]
    assert final.symbol == SYMBOL
    assert [(e.px, e.qty) for e in final.bids] == [(40, 7)] and not final.offers
    assert (final.stats.high_px, final.stats.low_px) == (52, 50)
    assert _tape(updates, volume=0) == [(50, 3, 3), (51, 4, 7), (52, 5, 12)]


async def test_trades_over_many_commands_all_reach_a_lagging_reader(
        quiet_sim: SimServer, feed: Feed) -> None:
    """Commands faster than the stream's flush pace: nothing merged, nothing out of order."""
    ex = quiet_sim.exchange
    done: list[tuple[int, int]] = []
    for round_ in range(6):
        for px, qty in ((60 + round_, 1 + round_), (61 + round_, 2)):
            _rest(ex, ALICE, Side.SELL, px, qty)
        _rest(ex, BOB, Side.BUY, 61 + round_, 3 + round_)
        done += [(60 + round_, 1 + round_), (61 + round_, 2)]
        if round_ % 2:
            await asyncio.sleep(0.02)  # let the stream take some batches mid-way
    updates = await feed.updates_until_quiet()
    tape = _tape(updates)
    assert [(px, qty) for px, qty, _ in tape] == done
    last = updates[-1].stats
    now = ex.stats(SYMBOL)
    assert (last.shares_traded, last.last_trade_px, last.notional_traded) == (
        now.volume, now.last_px, now.notional)


# --- the hub, without sockets ---------------------------------------------------------------

def test_trade_prints_carry_the_stats_as_of_each_trade() -> None:
    ex = make_exchange(clock := FakeClock())
    rec = Recorder(ex)
    for px in (50, 51, 52):
        sell(ex, B, px, 2)
    buy(ex, A, 52, 6)
    prints = [e for e in rec.events if isinstance(e, TradePrint)]
    assert [(p.px, p.qty, p.volume, p.notional, p.open_px, p.high_px, p.low_px)
            for p in prints] == [(50, 2, 2, 100, 50, 50, 50), (51, 2, 4, 202, 50, 51, 50),
                                 (52, 2, 6, 306, 50, 52, 50)]
    assert all(p.time == clock.t for p in prints)


def test_pending_trades_are_bounded_and_drop_the_oldest() -> None:
    ex = make_exchange(FakeClock())
    hub = Hub(ex)
    sub = hub.add(hub.market, Subscriber(frozenset({CENT})))
    other = hub.add(hub.market, Subscriber(frozenset({"SOMETHING-ELSE"})))
    extra = 7
    for _ in range(MAX_PENDING_TRADES + extra):
        sell(ex, B, 50, 1)
    buy(ex, A, 50, MAX_PENDING_TRADES + extra)  # one command, 1007 trades
    assert len(sub.trades) == MAX_PENDING_TRADES and sub.trades_dropped == extra
    trades, dirty = sub.take_market()
    # the oldest went: the first kept trade's volume shows the unattributed jump
    assert trades[0].volume == extra + 1
    assert trades[-1].volume == MAX_PENDING_TRADES + extra == ex.stats(CENT).volume
    assert [t.volume for t in trades] == list(range(extra + 1, MAX_PENDING_TRADES + extra + 1))
    assert dirty == [CENT]
    assert sub.take_market() == ([], [])
    assert not other.trades and not other.dirty  # not its symbol


def test_book_changes_stay_coalesced() -> None:
    ex = make_exchange(FakeClock())
    hub = Hub(ex)
    sub = hub.add(hub.market, Subscriber(None))
    for px in (40, 41, 42):
        buy(ex, A, px, 1)
    assert sub.take_market() == ([], [CENT])
    assert sub.wake.is_set()
