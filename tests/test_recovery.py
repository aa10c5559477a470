"""No fill lost, none doubled: the exchange breaks every stream at random moments while the
desk's account is filling, over and over; after each reconnect the desk's open orders,
fills and positions equal the exchange's own records.

The fills of each outage can only come back through the drop copy's replay from the last
resume token the desk applied (the order stream's snapshot holds working orders only).
"""

from __future__ import annotations

import asyncio
import random

from tests.conftest import eventually, live, make_venue, streams_live
from tests.desk_kit import ALICE, DEMO, cent_symbols, place
from tui.core.enums import ExecType, Side
from tui.sim.server import SimServer
from tui.venues.gateway.venue import GatewayVenue

DISCONNECTS = 50


def _trade_a_little(sim: SimServer, symbol: str, rng: random.Random) -> None:
    """Alice rests, the desk's account takes part of it (or the other way round): fills."""
    price = rng.randint(30, 70)
    qty = rng.randint(1, 5)
    maker, taker = (ALICE, DEMO) if rng.random() < 0.5 else (DEMO, ALICE)
    side = Side.BUY if rng.random() < 0.5 else Side.SELL
    place(sim, maker, symbol, side, price, qty + rng.randint(0, 3))
    place(sim, taker, symbol, side.opposite, price, qty)


def _exchange_view(sim: SimServer) -> tuple[object, ...]:
    ex = sim.exchange
    fills = sorted(e.exec_id for e in ex.executions(DEMO[0])
                   if e.type in (ExecType.FILL, ExecType.PARTIAL_FILL))
    orders = sorted((o.order_id, o.leaves_qty) for o in ex.open_orders([DEMO[0]]))
    positions = sorted((p.symbol, p.net_position) for p in ex.positions(DEMO[0])
                       if p.net_position)
    return fills, orders, positions


def _desk_view(venue: GatewayVenue) -> tuple[object, ...]:
    state = venue.state
    fills = sorted(f.exec_id for f in state.fills)
    orders = sorted((o.order_id, o.leaves_qty) for o in state.working_orders())
    positions = sorted((s, p.net) for s, p in state.positions.items() if p.net)
    return fills, orders, positions


async def test_no_fill_is_lost_or_doubled_across_fifty_outages(quiet_sim: SimServer) -> None:
    rng = random.Random(5)
    symbol = cent_symbols(quiet_sim)[0]
    async with live(make_venue(quiet_sim)) as venue:
        for outage in range(DISCONNECTS):
            # trade while the streams are up, break them mid-flow, trade through the outage
            for _ in range(rng.randint(0, 4)):
                _trade_a_little(quiet_sim, symbol, rng)
                await asyncio.sleep(rng.random() * 0.02)
            # every stream subscribed at the exchange (a snapshot can reach the desk first)
            await eventually(lambda: quiet_sim.hub.stream_count == 4, what="4 subscriptions")
            assert quiet_sim.drop_streams() == 4
            for _ in range(rng.randint(1, 4)):
                _trade_a_little(quiet_sim, symbol, rng)
            await eventually(lambda: streams_live(venue.state, 4), within=20,
                             what=f"every stream back after outage {outage + 1}")
            await eventually(lambda: _desk_view(venue) == _exchange_view(quiet_sim),
                             within=10, what=f"the desk equal to the exchange after outage "
                                             f"{outage + 1}")
        fills = _exchange_view(quiet_sim)[0]
        assert len(fills) > 2 * DISCONNECTS  # the test really traded through the outages
        assert len(venue.state.fills) == len(fills)  # none doubled
