"""An insert whose answer never comes is not guessed at: it stays pending, never 'rejected'."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.conftest import eventually, make_venue
from tests.wire_faults import arm
from tui.core.enums import OrderState
from tui.core.model import Order
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.server import SimServer
from tui.venues.gateway.rest import GatewayRest
from tui.venues.gateway.venue import GatewayVenue


@dataclass
class Silent:
    url: str
    heard: asyncio.Event  # set once a request has been read


@pytest.fixture
async def silent_server() -> AsyncIterator[Silent]:
    """A peer that accepts the connection, reads the request, and never answers."""
    heard = asyncio.Event()

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        heard.set()
        await asyncio.sleep(30)
        writer.close()

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield Silent(f"http://127.0.0.1:{port}", heard)
    finally:
        server.close()


def _reroute_rest(venue: GatewayVenue, url: str, timeout: float = 5.0) -> None:
    """Keep the live streams and session, but send REST commands to another peer."""
    rest = GatewayRest(url, timeout=timeout)
    rest.tokens, rest.participant_id = venue.rest.tokens, venue.rest.participant_id
    venue.rest = rest


async def test_timed_out_insert_stays_pending(venue: GatewayVenue,
                                              silent_server: Silent) -> None:
    old = venue.rest
    _reroute_rest(venue, silent_server.url, timeout=0.3)
    inst = next(iter(venue.state.instruments.values()))
    request = build_order(inst, Intent.BUY_YES, inst.scales.min_price, inst.scales.min_qty)
    with pytest.raises(VenueError, match="did not answer") as err:
        await venue.submit(request)
    assert err.value.uncertain
    order = venue.state.find_order(clord_id=request.clord_id)
    assert order is not None and order.state is OrderState.PENDING_NEW
    assert "looking it up" in order.reject_text
    await venue.rest.close()
    venue.rest = old


async def _lost_answer(venue: GatewayVenue, sim: SimServer,
                       reached: bool) -> tuple[str, Order | None]:
    """An insert whose answer is lost; the order stream goes down before any report of it
    (so only the lookup by clord_id can tell); the exchange got it, or never did."""
    venue.lookup_waits = (0.2, 0.2, 0.2)
    faults = arm(venue, sim)
    leaving, staged = asyncio.Event(), asyncio.Event()

    async def held() -> None:  # the stage is set while the insert waits for its answer,
        leaving.set()  # so no lookup can run first
        await staged.wait()

    faults.fault, faults.deliver, faults.before = "lose", reached, held
    inst = next(i for i in venue.state.instruments.values() if i.scales.price_scale == 100)
    request = build_order(inst, Intent.BUY_NO, 60, inst.scales.min_qty)
    submit = asyncio.create_task(venue.submit(request))
    await leaving.wait()
    await venue._workers[1].stop()  # the order stream: it cannot report the order now
    staged.set()
    with pytest.raises(VenueError, match="did not answer"):
        await submit
    await eventually(lambda: not venue.state.find_order(clord_id=request.clord_id)
                     .is_pending, what="the lookup's answer")  # type: ignore[union-attr]
    return request.clord_id, venue.state.find_order(clord_id=request.clord_id)


async def test_an_insert_whose_answer_was_lost_is_found_by_its_clord_id(
        venue: GatewayVenue, quiet_sim: SimServer) -> None:
    clord_id, order = await _lost_answer(venue, quiet_sim, reached=True)
    at_exchange = [o for o in quiet_sim.exchange.open_orders() if o.clord_id == clord_id]
    assert len(at_exchange) == 1  # found, not sent again
    assert order is not None and order.order_id == at_exchange[0].order_id
    assert order.state is OrderState.NEW and order.shown_intent is Intent.BUY_NO


async def test_an_insert_the_exchange_never_got_is_marked_so(
        venue: GatewayVenue, quiet_sim: SimServer) -> None:
    clord_id, order = await _lost_answer(venue, quiet_sim, reached=False)
    assert not [o for o in quiet_sim.exchange.open_orders() if o.clord_id == clord_id]
    assert order is not None and order.state is OrderState.REJECTED
    assert "never reached the exchange" in order.reject_text


async def test_a_finished_lookup_of_an_uncertain_insert_is_let_go(
        venue: GatewayVenue, quiet_sim: SimServer) -> None:
    """Each unanswered insert starts a lookup; a long session must not keep every one."""
    await _lost_answer(venue, quiet_sim, reached=False)
    await eventually(lambda: not venue.tasks.held("lookup"), what="the ended lookup let go")


async def test_refused_connection_is_certain_and_rejects_locally(venue: GatewayVenue) -> None:
    old = venue.rest
    _reroute_rest(venue, "http://127.0.0.1:9")
    inst = next(iter(venue.state.instruments.values()))
    request = build_order(inst, Intent.BUY_NO, inst.scales.min_price, inst.scales.min_qty)
    with pytest.raises(VenueError, match="Cannot reach") as err:
        await venue.submit(request)
    assert not err.value.uncertain
    order = venue.state.find_order(clord_id=request.clord_id)
    assert order is not None and order.state is OrderState.REJECTED
    await venue.rest.close()
    venue.rest = old


async def test_no_order_is_sent_without_a_live_order_stream(quiet_sim: SimServer) -> None:
    v = make_venue(quiet_sim)
    await v.start()
    try:
        await v._workers[1].stop()  # the order stream, and only it, goes away
        inst = next(iter(v.state.instruments.values()))
        with pytest.raises(VenueError, match="order stream is not live"):
            await v.submit(build_order(inst, Intent.BUY_YES, inst.scales.min_price,
                                       inst.scales.min_qty))
        assert not quiet_sim.exchange.order_log
    finally:
        await v.stop()
