"""An insert whose answer never comes is not guessed at: it stays pending, never 'rejected'."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tui.core.enums import OrderState
from tui.core.model import Instrument
from tui.core.prices import Intent, Scales
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.venues.gateway.rest import GatewayRest
from tui.venues.gateway.venue import GatewayVenue


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """A peer that accepts the connection, reads the request, and never answers."""
    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await asyncio.sleep(30)
        writer.close()

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()


async def test_timed_out_insert_stays_pending(silent_server: str) -> None:
    venue = GatewayVenue(rest_url=silent_server, grpc_target="127.0.0.1:9", username="demo",
                         password="x")
    venue.rest = GatewayRest(silent_server, timeout=0.3)
    inst = Instrument("AEC-TEST", "test", Scales.from_refdata(100, "0.01"))
    request = build_order(inst, Intent.BUY_YES, 40, 5)
    with pytest.raises(VenueError, match="did not answer") as err:
        await venue.submit(request)
    assert err.value.uncertain
    order = venue.state.find_order(clord_id=request.clord_id)
    assert order is not None and order.state is OrderState.PENDING_NEW
    assert "waiting for the exchange" in order.reject_text
    await venue.rest.close()


async def test_refused_connection_is_certain_and_rejects_locally() -> None:
    venue = GatewayVenue(rest_url="http://127.0.0.1:9", grpc_target="127.0.0.1:9",
                         username="demo", password="x")
    inst = Instrument("AEC-TEST", "test", Scales.from_refdata(100, "0.01"))
    request = build_order(inst, Intent.BUY_NO, 40, 5)
    with pytest.raises(VenueError, match="Cannot reach") as err:
        await venue.submit(request)
    assert not err.value.uncertain
    order = venue.state.find_order(clord_id=request.clord_id)
    assert order is not None and order.state is OrderState.REJECTED
    await venue.rest.close()
