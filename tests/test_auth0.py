"""Auth0 private-key JWT login (spec §2.1) against the embedded exchange over loopback: the
client's assertion and token request as the exchange received them, the token on real REST
and gRPC calls, and each refusal with its spec error code and its plain words."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import grpc
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import DEMO_ACCOUNT
from tests.desk_kit import expire_tokens
from tui.core.venue import VenueError
from tui.proto.polymarket.v1 import marketdatasubscription_pb2 as md_pb
from tui.proto.polymarket.v1 import marketdatasubscription_pb2_grpc as md_grpc
from tui.sim.server import SimServer
from tui.venues.gateway import auth0
from tui.venues.gateway.auth0 import Auth0Client, load_private_key_file
from tui.venues.gateway.rest import GatewayRest

CLIENT = "pmdesk-test-client"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SPEC_FIELDS = {"grant_type", "client_id", "client_assertion_type", "client_assertion",
               "audience"}
SPEC_CLAIMS = {"iss", "sub", "aud", "iat", "exp", "jti"}


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture
def sim(quiet_sim: SimServer, key: rsa.RSAPrivateKey) -> SimServer:
    quiet_sim.register_client(CLIENT, public_pem(key), "demo")
    return quiet_sim


def token_url(sim: SimServer) -> str:
    return f"{sim.rest_url}/oauth/token"  # loopback stand-in for https://<token host>/...


@pytest.fixture
async def client(sim: SimServer, key: rsa.RSAPrivateKey) -> AsyncIterator[Auth0Client]:
    c = Auth0Client(token_url=token_url(sim), client_id=CLIENT, private_key=key,
                    audience=sim.rest_url)
    try:
        yield c
    finally:
        await c.close()


async def refused(c: Auth0Client) -> str:
    with pytest.raises(VenueError) as caught:
        await c.fetch()
    return str(caught.value)


# --- the good path --------------------------------------------------------------------------

async def test_token_works_on_rest_and_on_the_market_data_stream(
        sim: SimServer, client: Auth0Client) -> None:
    before = time.time()
    token = await client.fetch()
    assert 175 <= token.expires_at - before <= 181  # spec: a 180 s token
    claims = jwt.decode(token.access_token, options={"verify_signature": False})
    assert claims["firm_id"] == "DEMO"
    assert {"read:marketdata", "write:orders", "read:positions"} <= set(claims["scope"].split())
    assert CLIENT not in repr(token) and token.access_token not in repr(token)

    async with httpx.AsyncClient(base_url=sim.rest_url) as http:
        assert (await http.get("/v1/whoami")).status_code == 401  # the check is real
        who = await http.get("/v1/whoami", headers={"authorization": token.authorization})
        assert who.status_code == 200, who.text
        assert who.json()["user"] == "firms/DEMO/users/demo"
        bal = await http.post("/v1/positions/balance", json={"account": DEMO_ACCOUNT},
                              headers={"authorization": token.authorization,
                                       "x-participant-id": "firms/DEMO/users/demo"})
        assert bal.status_code == 200, bal.text

    async with grpc.aio.insecure_channel(sim.grpc_target) as channel:
        stub = md_grpc.MarketDataSubscriptionAPIStub(channel)
        request = md_pb.CreateMarketDataSubscriptionRequest(snapshot_only=True)
        stream = stub.CreateMarketDataSubscription(
            request, metadata=[("authorization", token.authorization)])
        first = await asyncio.wait_for(stream.read(), timeout=5.0)
        assert first is not grpc.aio.EOF and first.HasField("update")
        stream.cancel()
        bare = stub.CreateMarketDataSubscription(request)  # no token: refused
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await asyncio.wait_for(bare.read(), timeout=5.0)
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_renew_installs_the_token_in_the_rest_client(
        sim: SimServer, client: Auth0Client) -> None:
    rest = GatewayRest(sim.rest_url)
    try:
        got = await client.renew(rest.tokens)
        assert rest.tokens.access == got.access_token and rest.tokens.refresh == ""
        assert rest.tokens.access_expires == got.expires_at
        assert (await rest.whoami()).user == "firms/DEMO/users/demo"
    finally:
        await rest.close()


async def test_an_expired_access_token_is_refused_at_the_exchange(key: rsa.RSAPrivateKey
                                                                  ) -> None:
    server = SimServer(seed=7, flow=False, heartbeat=0.5)
    await server.start()
    try:
        server.register_client(CLIENT, public_pem(key), "demo")
        c = Auth0Client(token_url=token_url(server), client_id=CLIENT, private_key=key,
                        audience=server.rest_url)
        token = await c.fetch()
        await c.close()
        async with httpx.AsyncClient(base_url=server.rest_url) as http:
            headers = {"authorization": token.authorization}
            assert (await http.get("/v1/whoami", headers=headers)).status_code == 200
            expire_tokens(server)
            late = await http.get("/v1/whoami", headers=headers)
        assert late.status_code == 401 and "expired" in late.json()["message"]
    finally:
        await server.stop()


# --- the wire, as the exchange received it --------------------------------------------------

async def test_token_request_and_assertion_have_exactly_the_spec_fields(
        sim: SimServer, client: Auth0Client, key: rsa.RSAPrivateKey) -> None:
    before = int(time.time())
    await client.fetch()
    seen = sim.auth0.seen[-1]
    assert seen.outcome == "ok"
    assert seen.content_type == "application/x-www-form-urlencoded"
    assert set(seen.fields) == SPEC_FIELDS
    assert seen.fields["grant_type"] == "client_credentials"
    assert seen.fields["client_id"] == CLIENT
    assert seen.fields["client_assertion_type"] == ASSERTION_TYPE
    assert seen.fields["audience"] == sim.rest_url  # the API audience, not the token URL

    assertion = seen.fields["client_assertion"]
    assert jwt.get_unverified_header(assertion) == {"alg": "RS256", "typ": "JWT"}
    claims = jwt.decode(assertion, key.public_key(), algorithms=["RS256"],
                        audience=token_url(sim))
    assert set(claims) == SPEC_CLAIMS
    assert claims["iss"] == claims["sub"] == CLIENT
    assert claims["aud"] == token_url(sim)  # the token endpoint, not the API audience
    assert before <= claims["iat"] <= time.time() + 1
    assert claims["exp"] == claims["iat"] + 300
    assert uuid.UUID(claims["jti"]).version == 4

    await client.fetch()
    assert jwt.decode(sim.auth0.seen[-1].fields["client_assertion"],
                      options={"verify_signature": False})["jti"] != claims["jti"]


async def test_the_docs_json_body_is_accepted_too(sim: SimServer, client: Auth0Client) -> None:
    async with httpx.AsyncClient() as http:
        resp = await http.post(token_url(sim), json=client.form())
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 180
    assert sim.auth0.seen[-1].content_type == "application/json"


# --- refusals: the spec's code at the exchange, plain words at the client -------------------

async def assert_refused_at_exchange(sim: SimServer, code: str) -> None:
    assert sim.auth0.seen[-1].outcome == code


async def test_expired_assertion(sim: SimServer, key: rsa.RSAPrivateKey) -> None:
    c = Auth0Client(token_url=token_url(sim), client_id=CLIENT, private_key=key,
                    audience=sim.rest_url, clock=lambda: time.time() - 400)
    words = await refused(c)
    await c.close()
    await assert_refused_at_exchange(sim, "invalid_client_assertion")
    assert "exp claim" in words and "clock" in words


async def test_bad_signature(sim: SimServer, other_key: rsa.RSAPrivateKey) -> None:
    c = Auth0Client(token_url=token_url(sim), client_id=CLIENT, private_key=other_key,
                    audience=sim.rest_url)
    words = await refused(c)
    await c.close()
    await assert_refused_at_exchange(sim, "invalid_client")
    assert "does not know this key" in words and "signature does not verify" in words
    assert "signature does not verify" in sim.auth0.seen[-1].detail


async def test_unknown_client(sim: SimServer, key: rsa.RSAPrivateKey) -> None:
    c = Auth0Client(token_url=token_url(sim), client_id="nobody", private_key=key,
                    audience=sim.rest_url)
    words = await refused(c)
    await c.close()
    await assert_refused_at_exchange(sim, "invalid_client")
    assert "unknown client" in sim.auth0.seen[-1].detail
    assert "does not know this key" in words and "'nobody'" in words


async def test_reused_jti(sim: SimServer, client: Auth0Client,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth0, "client_assertion",
                        partial(auth0.client_assertion, jti=str(uuid.uuid4())))
    await client.fetch()
    words = await refused(client)
    await assert_refused_at_exchange(sim, "invalid_client_assertion")
    assert "jti claim" in words and "already used" in words


async def test_wrong_aud(sim: SimServer, client: Auth0Client,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    real = auth0.client_assertion

    def api_audience_as_aud(client_id: str, key: Any, url: str, **kw: Any) -> str:
        return real(client_id, key, sim.rest_url, **kw)  # the mistake the spec warns of

    monkeypatch.setattr(auth0, "client_assertion", api_audience_as_aud)
    words = await refused(client)
    await assert_refused_at_exchange(sim, "invalid_client_assertion")
    assert "aud claim" in words and token_url(sim) in words


async def test_wrong_api_audience(sim: SimServer, key: rsa.RSAPrivateKey) -> None:
    c = Auth0Client(token_url=token_url(sim), client_id=CLIENT, private_key=key,
                    audience="https://api.prod.polymarketexchange.com")
    words = await refused(c)
    await c.close()
    await assert_refused_at_exchange(sim, "access_denied")
    assert "audience" in words


async def test_token_server_unreachable(key: rsa.RSAPrivateKey) -> None:
    c = Auth0Client(token_url="http://127.0.0.1:1/oauth/token", client_id=CLIENT,
                    private_key=key, audience="x")
    assert "Cannot reach the token server" in await refused(c)
    await c.close()


# --- key files ------------------------------------------------------------------------------

def test_a_key_file_open_to_others_is_refused(key: rsa.RSAPrivateKey, tmp_path: Path) -> None:
    path = tmp_path / "client.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o644)
    with pytest.raises(VenueError, match="chmod 600"):
        load_private_key_file(path)
    path.chmod(0o600)
    assert isinstance(load_private_key_file(path), rsa.RSAPrivateKey)


async def test_an_assertion_not_signed_with_rs256_is_refused(sim: SimServer,
                                                            client: Auth0Client) -> None:
    form = client.form()
    claims = jwt.decode(form["client_assertion"], options={"verify_signature": False})
    claims["jti"] = str(uuid.uuid4())
    form["client_assertion"] = jwt.encode(claims, "a shared secret, never the RSA key", "HS256")
    async with httpx.AsyncClient() as http:
        resp = await http.post(token_url(sim), data=form)
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_client"
    assert "RS256" in sim.auth0.seen[-1].detail
