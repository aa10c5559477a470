"""Races a trader meets in real life: a cancel against a fill, dropped links, lost sessions."""

from __future__ import annotations

import time

from tests.conftest import DEMO_ACCOUNT, eventually
from tests.desk_kit import ALICE, cent_symbols, place
from tui.core.enums import OrderState, Side
from tui.core.model import Order
from tui.core.prices import Intent
from tui.core.state import DeskState
from tui.core.ticket import build_order
from tui.sim.server import SimServer
from tui.venues.gateway.venue import GatewayVenue


async def test_a_cancel_that_loses_to_a_fill_leaves_the_order_filled(
        venue: GatewayVenue, quiet_sim: SimServer) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    await venue.submit(build_order(venue.state.instruments[symbol], Intent.BUY_YES, 30, 5))
    local = await eventually(lambda: next(iter(venue.state.working_orders(symbol)), None)
                             and venue.state.working_orders(symbol)[0].order_id
                             and venue.state.working_orders(symbol)[0], what="working order")
    assert isinstance(local, Order)
    # the market fills it at the exchange before the trader's cancel gets there
    place(quiet_sim, ALICE, symbol, Side.SELL, 30, 5)
    await venue.cancel(local)  # refused by the exchange: the order is already filled
    await eventually(lambda: any("refused" in n.text for n in venue.state.notices),
                     what="the cancel reject")
    # the position comes on its own stream, in no set order with the order stream's reject
    await eventually(lambda: symbol in venue.state.positions
                     and venue.state.positions[symbol].net != 0, what="the position's update")
    assert venue.state.orders[local.order_id].state is OrderState.FILLED
    assert venue.state.working_orders(symbol) == []
    assert venue.state.positions[symbol].net == 5


def test_a_snapshot_replaces_the_pending_copy_of_the_same_order() -> None:
    state = DeskState()
    pending = Order(order_id="", clord_id="c-1", symbol="S", side=Side.BUY, price=40,
                    order_qty=5, leaves_qty=5, state=OrderState.PENDING_NEW)
    state.upsert_order(pending)
    acked = Order(order_id="o-1", clord_id="c-1", symbol="S", side=Side.BUY, price=40,
                  order_qty=5, leaves_qty=5, state=OrderState.NEW)
    state.replace_open_orders([acked])
    assert list(state.orders) == ["o-1"]  # shown once, not twice
    assert sum(o.leaves_qty for o in state.working_orders("S")) == 5


def test_a_snapshot_keeps_this_sessions_ended_orders_for_the_history_view() -> None:
    """A reconnect's snapshot lists open orders only; the ones that already filled or were
    cancelled this session stay in the desk's picture (the history view shows them)."""
    state = DeskState()
    filled = Order(order_id="o-1", clord_id="c-1", symbol="S", side=Side.BUY, price=40,
                   order_qty=5, leaves_qty=0, cum_qty=5, state=OrderState.FILLED)
    working = Order(order_id="o-2", clord_id="c-2", symbol="S", side=Side.SELL, price=60,
                    order_qty=5, leaves_qty=5, state=OrderState.NEW)
    state.upsert_order(filled)
    state.upsert_order(working)
    state.replace_open_orders([])  # the working one ended while the stream was down
    assert list(state.orders) == ["o-1"] and state.working_orders() == []
    again = Order(order_id="o-1", clord_id="c-1", symbol="S", side=Side.BUY, price=40,
                  order_qty=5, leaves_qty=5, state=OrderState.NEW)
    state.replace_open_orders([again])  # a snapshot's word wins over what the desk held
    assert state.orders["o-1"] is again


async def test_repeated_drops_reconnect_quickly_every_time(
        venue: GatewayVenue, quiet_sim: SimServer) -> None:
    """Backoff starts over after a session that worked: the fifth outage is as short."""
    for _ in range(5):
        before = {w.name: w.connects for w in venue._workers}
        started = time.monotonic()
        quiet_sim.drop_streams()
        await eventually(lambda b=before: all(w.connects > b[w.name] for w in venue._workers),
                         within=10.0, what="reconnect")
        # with the backoff never reset, the fifth outage alone waits 8 s (-20 % jitter: 6.4)
        assert time.monotonic() - started < 6.0


async def test_a_session_the_exchange_forgot_recovers_at_once(
        venue: GatewayVenue, quiet_sim: SimServer) -> None:
    """Tokens revoked early: REST and streams log in again instead of waiting for expiry."""
    quiet_sim.auth._access.clear()  # the exchange forgets every access token
    symbol = cent_symbols(quiet_sim)[0]
    await venue.submit(build_order(venue.state.instruments[symbol], Intent.BUY_YES, 20, 1))
    await eventually(lambda: quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]),
                     what="the order after a 401 and a fresh login")
    quiet_sim.auth._access.clear()
    before = {w.name: w.connects for w in venue._workers}
    quiet_sim.drop_streams()
    await eventually(lambda: all(w.connects > before[w.name] for w in venue._workers),
                     within=20.0, what="streams back on a renewed token")
