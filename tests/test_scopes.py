"""Scopes (spec §2.4): the exchange refuses a token without the method's scope, in the
spec's words, over REST and gRPC; the desk tells the trader which scope is missing."""

from __future__ import annotations

import re
from pathlib import Path

import grpc
import pytest

from tests.conftest import eventually
from tests.specs import GATEWAY_SPEC
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.proto.polymarket.v1 import dropcopy_pb2 as dc_pb
from tui.proto.polymarket.v1 import dropcopy_pb2_grpc as dc_grpc
from tui.sim.auth0 import DEFAULT_SCOPES
from tui.sim.scopes import SCOPES, UNSCOPED
from tui.sim.server import SimServer
from tui.venues.gateway.auth0 import client_for
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.keys import new_rsa

SPEC = GATEWAY_SPEC
READ_ONLY = tuple(s for s in DEFAULT_SCOPES if s not in ("write:orders", "read:dropcopy"))


def test_every_methods_scope_is_the_spec_table_s() -> None:
    rows = re.findall(r"^\| \w+ \| (\w+)(?: \(later\))? \| `/polymarket\.v1\.\w+/\w+` \|"
                      r".*\| `([a-z0-9:]+)` \|$", SPEC.read_text(encoding="utf-8"), flags=re.M)
    spec = dict(rows)
    assert len(spec) > 20  # the table was read
    assert {m: spec[m] for m in SCOPES} == SCOPES
    assert not UNSCOPED & set(spec)  # served without a scope only where none is published


async def _venue(sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 scopes: tuple[str, ...]) -> GatewayVenue:
    key = tmp_path / "rsa.pem"
    new_rsa(key)
    sim.register_client("narrow", key.with_name(key.name + ".pub").read_bytes(), "demo",
                        scopes=scopes)
    monkeypatch.setenv("PMDESK_TEST_CLIENT", "narrow")
    auth0 = client_for(token_url=f"{sim.rest_url}/oauth/token", audience=sim.rest_url,
                       client_id_env="PMDESK_TEST_CLIENT", key_file=str(key))
    return GatewayVenue(rest_url=sim.rest_url, grpc_target=sim.grpc_target, username="",
                        password="", auth0=auth0, silence_timeout=5.0)


async def test_a_token_without_write_orders_trades_nothing_and_says_why(
        quiet_sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    venue = await _venue(quiet_sim, tmp_path, monkeypatch, READ_ONLY)
    await venue.start()
    try:
        await eventually(lambda: venue.state.streams.get("orders") is not None
                         and venue.state.streams["orders"].state.value == "live",
                         what="the order stream (read:orders is granted)")
        inst = next(iter(venue.state.instruments.values()))
        with pytest.raises(VenueError, match="write:orders"):
            await venue.submit(build_order(inst, Intent.BUY_YES, inst.scales.min_price,
                                           inst.scales.min_qty))
        assert quiet_sim.exchange.open_orders() == []
        # the drop copy needs read:dropcopy: refused, and the stream says so, not "down"
        await eventually(lambda: "missing required scope read:dropcopy"
                         in venue.state.stream("dropcopy").detail,
                         what="the drop copy refused in words")
        sent = [r for r in quiet_sim.rest_received if r[1] == "/v1/trading/orders"]
        assert sent  # it reached the exchange, which refused it
    finally:
        await venue.stop()


async def test_grpc_refusal_is_permission_denied_in_the_specs_words(
        quiet_sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    venue = await _venue(quiet_sim, tmp_path, monkeypatch, READ_ONLY)
    await venue._log_in()
    try:
        async with grpc.aio.insecure_channel(quiet_sim.grpc_target) as channel:
            call = dc_grpc.DropCopyAPIStub(channel).CreateDropCopySubscription(
                dc_pb.CreateDropCopySubscriptionRequest(),
                metadata=[("authorization", f"Bearer {venue.rest.tokens.access}")])
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await call.read()
        assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED
        assert refused.value.details() == \
            "permission denied: missing required scope read:dropcopy"
    finally:
        await venue.stop()
