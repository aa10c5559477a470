"""The fault runs' rig: an embedded exchange with nobody trading but the run's own
synthetic traders, the fault proxy in front of it, and the desk (either venue) through the
proxy with its local database, as a trader's desk keeps one."""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults.proxy import ExchangeLink, Rules
from tests.faults.reconcile import Recorded, fill_key
from tui.core.enums import OrderState, Side
from tui.core.model import Fill
from tui.core.prices import Intent
from tui.core.state import DeskListener, DeskState, LinkState
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.clob.api import DEMO_CLOB_ADDRESS, DEMO_CLOB_KEY
from tui.sim.model import ExecReport, SimOrder
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET, slug_of
from tui.sim.server import SimServer
from tui.store import DATA_DIR_ENV, Store, db_path
from tui.venues.clob.convert import PRICE_SCALE, QTY_SCALE
from tui.venues.clob.venue import ClobVenue
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.retail.venue import RetailVenue

Venue = GatewayVenue | RetailVenue | ClobVenue
PROFILE = "faults"
DESK_USER = "demo"
TRADER = ("firms/DEMO/accounts/alice-1", "firms/DEMO/users/alice")  # trades with the desk
STREAMS = {"gateway": 4, "retail": 2, "clob": 3}  # the CLOB's third: its heartbeat
CLOB_LOT = QTY_SCALE  # the CLOB desk counts base units of a share; the run's markets whole ones
CLOB_PX = PRICE_SCALE // 100  # and prices in ten-thousandths; the run's markets in cents


async def wait_for(check: Callable[[], object], within: float, step: float = 0.02) -> bool:
    """Poll check() until it holds (True) or `within` seconds pass (False): a run reports
    what did not happen instead of failing at the first one."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(step)
    return True


class FillLog(DeskListener):
    """Every fill the desk took, by execution id (the state keeps only the latest 500)."""

    def __init__(self) -> None:
        self.fills: dict[str, tuple[str, int]] = {}

    def on_fill(self, fill: Fill, clord_id: str) -> None:
        self.fills[fill.exec_id] = (fill.order_id, fill.qty)


@dataclass
class Rig:
    kind: str  # "gateway", "retail" or "clob"
    sim: SimServer
    link: ExchangeLink
    rng: random.Random
    account: str
    symbols: list[str]  # the exchange's symbols the run trades (whole cents, whole contracts)
    venue: Venue | None = None
    log: FillLog = field(default_factory=FillLog)
    sent: list[tuple[str, Side, int, int]] = field(default_factory=list)  # every insert
    desk_account: str = ""  # the desk's name for its account (its database's name)

    def desk_symbol(self, symbol: str) -> str:
        if self.kind == "clob":
            return symbol.lower()  # the CLOB names a market by its slug
        return slug_of(symbol) if self.kind == "retail" else symbol

    def desk_order_id(self, order: SimOrder) -> str:
        """The desk's id of an exchange order: the CLOB's is its hash, the engine's
        clord_id for it; the other venues' the exchange's own id."""
        return order.clord_id if self.kind == "clob" else order.order_id

    def desk_fill_ids(self, e: ExecReport) -> set[str]:
        """The ids the desk may record a fill of the exchange under (see reconcile)."""
        if self.kind != "clob":
            return {e.exec_id, fill_key(e)} if e.trade_id else {e.exec_id}
        trades = self.sim.clob.orders.records.trades.values()
        return {f"{t.trade_id}:{e.order.clord_id}" for t in trades
                if t.engine_trade == e.trade_id}

    @property
    def db(self) -> Path:
        return db_path(PROFILE, self.desk_account)

    @property
    def desk(self) -> Venue:
        assert self.venue is not None
        return self.venue

    def engine_terms(self, recorded: Recorded) -> Recorded:
        """The desk's record in the exchange's terms: a CLOB desk's fills by the engine's
        execution and order ids, its quantities in whole contracts (others: as they are)."""
        if self.kind != "clob":
            return recorded
        ex = self.sim.exchange
        ids = {fid: e.exec_id for e in ex.executions(self.account)
               for fid in self.desk_fill_ids(e)}
        engine_of = {o.clord_id: o.order_id for o in ex.orders([self.account])}
        fills = {ids.get(x, x): (engine_of.get(o, o), q // CLOB_LOT)
                 for x, (o, q) in recorded.fills.items()}
        exec_ids: Counter[str] = Counter()
        for x, n in recorded.exec_ids.items():
            exec_ids[ids.get(x, x)] += n
        orders = (None if recorded.orders is None
                  else {engine_of.get(o, o) for o in recorded.orders})
        return Recorded(fills, {s: n // CLOB_LOT for s, n in recorded.positions.items()},
                        exec_ids, orders)

    def new_venue(self) -> Venue:
        state = DeskState()
        state.listen(self.log)
        opener = lambda account: Store.open(db_path(PROFILE, account))  # noqa: E731
        if self.kind == "clob":
            return ClobVenue(rest_url=self.link.rest_url, private_key=DEMO_CLOB_KEY,
                             state=state, open_store=opener)
        if self.kind == "retail":
            return RetailVenue(rest_url=self.link.rest_url, key_id=DEMO_RETAIL_KEY_ID,
                               secret=DEMO_RETAIL_SECRET, silence_timeout=5.0, state=state,
                               open_store=opener)
        return GatewayVenue(rest_url=self.link.rest_url, grpc_target=self.link.grpc_target,
                            username=DESK_USER, password=DEMO_PASSWORD, silence_timeout=5.0,
                            state=state, open_store=opener)

    async def start_desk(self) -> bool:
        """A desk on the run's database; True once every stream is live."""
        self.venue = self.new_venue()
        await self.venue.start()
        self.desk_account = self.venue.account
        return await self.streams_live(20.0)

    async def stop_desk(self) -> None:
        if self.venue is not None:
            await self.venue.stop()  # its database flushed and closed
            self.venue = None

    async def streams_live(self, within: float) -> bool:
        count = STREAMS[self.kind]

        def live() -> bool:
            streams = self.desk.state.streams
            return len(streams) == count and all(
                s.state is LinkState.LIVE for s in streams.values())
        return await wait_for(live, within)

    # --- the desk's orders, and the traders against them ------------------------------
    async def rest_order(self, symbol: str, *, cross: bool = False) -> bool:
        """The desk rests a bid (30-47) or an offer (53-70), or crosses the trader's
        resting quote (48-52); True when the exchange answered it."""
        buy = self.rng.random() < 0.5
        if cross:
            price = self.rng.randint(48, 52)
        else:
            price = self.rng.randint(30, 47) if buy else self.rng.randint(53, 70)
        qty = self.rng.randint(1, 5)
        inst = self.desk.state.instruments[self.desk_symbol(symbol)]
        px = 1
        if self.kind == "clob":  # a CLOB desk holds no YES to sell: it buys NO instead
            px = CLOB_PX
            request = build_order(inst, Intent.BUY_YES if buy else Intent.BUY_NO,
                                  (price if buy else 100 - price) * px, qty * CLOB_LOT)
        else:
            request = build_order(inst, Intent.BUY_YES if buy else Intent.SELL_YES, price,
                                  qty)
        sent = (symbol, request.yes_side, request.yes_price // px, qty)
        try:
            await self.desk.submit(request)
        except VenueError as exc:
            if "not live" in str(exc):
                return False  # refused before sending: nothing reached the exchange
            self.sent.append(sent)
            return False
        self.sent.append(sent)
        return True

    def trade_against_desk(self) -> int:
        """The trader takes part or all of some of the desk's resting orders; how many."""
        resting = self.sim.exchange.open_orders(accounts=[self.account])
        self.rng.shuffle(resting)
        taken = 0
        for order in resting[: self.rng.randint(1, 3)]:
            qty = self.rng.randint(1, order.leaves_qty)
            self.trader(order.symbol, order.side.opposite, order.price, qty)
            taken += 1
        return taken

    def quote(self, symbol: str) -> None:
        """The trader rests a little at 48-52 for the desk to cross."""
        price = self.rng.randint(48, 52)
        self.trader(symbol, Side.BUY if price < 50 else Side.SELL, price, self.rng.randint(1, 4))

    def trader(self, symbol: str, side: Side, price: int, qty: int) -> None:
        account, participant = TRADER
        self.sim.exchange.insert_order(account=account, participant=participant,
                                       symbol=symbol, side=side, price=price, order_qty=qty)

    def pending(self) -> list[str]:
        """The desk's inserts still waiting for the exchange's word."""
        return [o.clord_id for o in self.desk.state.home.orders.values()
                if o.state is OrderState.PENDING_NEW]


@asynccontextmanager
async def rig(kind: str, seed: int, rules: Rules | None = None) -> AsyncIterator[Rig]:
    """A quiet exchange, the proxy, a private data directory; the desk started by the run."""
    data = tempfile.TemporaryDirectory(prefix="pmdesk-faults-")
    before = os.environ.get(DATA_DIR_ENV)
    os.environ[DATA_DIR_ENV] = data.name
    sim = SimServer(seed=seed, flow=False, heartbeat=0.5)
    await sim.start()
    link = await ExchangeLink.open((sim.host, sim.rest_port), (sim.host, sim.grpc_port),
                                   rules)
    account = sim.auth.users[DESK_USER].accounts[0]
    if kind == "clob":
        wallet = sim.clob.auth.wallet(DEMO_CLOB_ADDRESS)
        assert wallet is not None
        account = wallet.account
    symbols = [s for s, i in sorted(sim.exchange.instruments.items())
               if i.scales.price_scale == 100 and i.scales.tick == 1
               and i.scales.qty_scale == 1][:3]
    the_rig = Rig(kind, sim, link, random.Random(seed), account, symbols)
    try:
        yield the_rig
    finally:
        await the_rig.stop_desk()
        await link.close()
        await sim.stop()
        if before is None:
            os.environ.pop(DATA_DIR_ENV, None)
        else:
            os.environ[DATA_DIR_ENV] = before
        data.cleanup()
