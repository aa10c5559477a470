"""TLS and PrivateLink: the desk trusts the CA it is given, and presents the names it is told.

A throwaway CA and server certificates are made here with `cryptography`; the embedded
exchange serves REST and gRPC over TLS with them, and what it received (the Host header,
the bytes of the gRPC stream's headers) is read at the exchange.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import start_live
from tui.cli.check import Checker, report
from tui.core.profiles import Profile, load_profiles
from tui.core.venue import VenueError
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.server import SimServer
from tui.venues.gateway.connection import Connection
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.keys import new_rsa

REST_HOST = "rest.preprod.example"  # PrivateLink-style names (spec §1.3), never resolved
AUTHORITY = "traderapi.preprod.example"
PASSWORD_ENV = "PMDESK_TLS_TEST_PASSWORD"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name("pmdesk test CA"))
            .issuer_name(_name("pmdesk test CA")).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                         crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def server_cert(ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate],
                names: list[str]) -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM) for these DNS names / IP addresses, signed by the CA."""
    ca_key, ca_cert = ca
    key = ec.generate_private_key(ec.SECP256R1())
    sans: list[x509.GeneralName] = []
    for name in names:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            sans.append(x509.DNSName(name))
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(names[0]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM,
                              serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


@pytest.fixture(scope="module")
def ca() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    return make_ca()


@pytest.fixture
def ca_file(ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate], tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    path.write_bytes(ca[1].public_bytes(serialization.Encoding.PEM))
    return str(path)


async def _sim(tls: tuple[bytes, bytes] | None) -> SimServer:
    sim = SimServer(flow=False, heartbeat=0.5, tls=tls)
    await sim.start()
    return sim


@pytest.fixture
async def tls_sim(ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate]
                  ) -> AsyncIterator[SimServer]:
    sim = await _sim(server_cert(ca, ["127.0.0.1", "localhost"]))
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
async def privatelink_sim(ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate]
                          ) -> AsyncIterator[SimServer]:
    # the certificate names only the service, never the address the desk dials
    sim = await _sim(server_cert(ca, [AUTHORITY, REST_HOST]))
    try:
        yield sim
    finally:
        await sim.stop()


def venue_for(sim: SimServer, connection: Connection | None) -> GatewayVenue:
    return GatewayVenue(rest_url=sim.rest_url, grpc_target=sim.grpc_target, username="demo",
                        password=DEMO_PASSWORD, silence_timeout=5.0, connection=connection)


def profile_for(sim: SimServer, **tls: str) -> Profile:
    return Profile(name="tls", venue="gateway", rest=sim.rest_url, grpc=sim.grpc_target,
                   user="demo", password_env=PASSWORD_ENV, **tls)


async def test_the_desk_trades_over_tls_with_its_ca_file(tls_sim: SimServer,
                                                         ca_file: str) -> None:
    assert tls_sim.rest_url.startswith("https://")
    venue = venue_for(tls_sim, Connection(ca_file=ca_file))
    try:
        await start_live(venue)
    finally:
        await venue.stop()


async def test_without_the_ca_the_desk_says_the_certificate_is_not_trusted(
        tls_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    venue = venue_for(tls_sim, None)  # system roots: our throwaway CA is not among them
    try:
        with pytest.raises(VenueError, match="TLS certificate is not trusted"):
            await venue.start()
    finally:
        await venue.stop()
    monkeypatch.setenv(PASSWORD_ENV, DEMO_PASSWORD)
    out = report(await Checker(profile_for(tls_sim)).run())
    assert "✗ REST reachable:" in out and "not trusted" in out and "ca_file" in out
    assert "Traceback" not in out and "SSLCertVerificationError" not in out


@pytest.mark.parametrize(("content", "words"), [
    (None, "does not exist"),
    (b"not a certificate\n", "holds no PEM certificate"),
    (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
     "is not a usable PEM certificate"),
])
async def test_a_bad_ca_file_is_one_sentence_naming_the_file(
        tls_sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        content: bytes | None, words: str) -> None:
    path = tmp_path / "ca.pem"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setenv(PASSWORD_ENV, DEMO_PASSWORD)
    out = report(await Checker(profile_for(tls_sim, ca_file=str(path))).run())
    line = next(x for x in out.splitlines() if x.startswith("✗"))
    assert str(path) in line and words in line, out
    assert "Traceback" not in out
    venue = venue_for(tls_sim, Connection(ca_file=str(path)))
    try:
        with pytest.raises(VenueError, match=words):
            await venue.start()
    finally:
        await venue.stop()


async def test_privatelink_names_reach_the_exchange_and_verify(
        privatelink_sim: SimServer, ca_file: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sim = privatelink_sim
    # dialling 127.0.0.1 with no names: the certificate does not match, and it is said
    bare = venue_for(sim, Connection(ca_file=ca_file))
    try:
        with pytest.raises(VenueError, match="not trusted"):
            await bare.start()
    finally:
        await bare.stop()
    conn = Connection(ca_file=ca_file, rest_host=REST_HOST, grpc_authority=AUTHORITY)
    venue = venue_for(sim, conn)
    try:
        await start_live(venue)
    finally:
        await venue.stop()
    hosts = {dict(headers).get("host") for _, path, headers, _ in sim.rest_received
             if path.startswith("/v1/")}
    assert hosts == {REST_HOST}
    monkeypatch.setenv(PASSWORD_ENV, DEMO_PASSWORD)
    profile = profile_for(sim, ca_file=ca_file, rest_host=REST_HOST, grpc_authority=AUTHORITY)
    steps = await Checker(profile).run()
    assert all(s.ok for s in steps), report(steps)


async def test_the_grpc_authority_is_what_the_exchange_receives() -> None:
    """Plain-text gRPC through a recording relay: grpc's own server does not expose
    :authority to handlers, so its HEADERS frame is read off the wire (gRPC never
    Huffman-codes ordinary header values, so the name appears as it is)."""
    sim = await _sim(None)
    seen = bytearray()

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_r, up_w = await asyncio.open_connection(sim.host, sim.grpc_port)

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter,
                       keep: bool) -> None:
            while data := await src.read(65536):
                if keep:
                    seen.extend(data)
                dst.write(data)
                await dst.drain()
            dst.close()

        await asyncio.gather(pump(reader, up_w, True), pump(up_r, writer, False),
                             return_exceptions=True)

    server = await asyncio.start_server(relay, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    venue = GatewayVenue(rest_url=sim.rest_url, grpc_target=f"127.0.0.1:{port}",
                         username="demo", password=DEMO_PASSWORD, silence_timeout=5.0,
                         connection=Connection(grpc_authority=AUTHORITY))
    try:
        await start_live(venue)
    finally:
        await venue.stop()
        server.close()
        await sim.stop()
    assert AUTHORITY.encode() in bytes(seen)
    assert f"127.0.0.1:{port}".encode() not in bytes(seen)


async def test_the_private_key_login_trusts_the_profiles_ca_too(
        tls_sim: SimServer, ca_file: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A custom environment's token endpoint is on the gateway's own TLS host."""
    key = tmp_path / "keys" / "rsa.pem"
    new_rsa(key)
    tls_sim.register_client("client-tls", key.with_name(key.name + ".pub").read_bytes(), "demo")
    monkeypatch.setenv("PMDESK_TEST_CLIENT", "client-tls")
    path = tmp_path / "profiles.toml"
    path.write_text(f'[profiles.jwt]\nvenue = "sim"\nauth = "auth0"\nrest = "{tls_sim.rest_url}"\n'
                    f'grpc = "{tls_sim.grpc_target}"\nclient_id_env = "PMDESK_TEST_CLIENT"\n'
                    f'key_file = "{key}"\nca_file = "{ca_file}"\n', encoding="utf-8")
    steps = await Checker(load_profiles(path, write_example=False)["jwt"]).run()
    assert all(s.ok for s in steps), report(steps)


async def test_the_retail_desk_and_its_check_trust_the_profiles_ca(
        tls_sim: SimServer, ca_file: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Signed REST and both WebSockets over TLS (wss://) to a host the CA file vouches for;
    without the CA, the check says the certificate is not trusted."""
    from tui.cli.check_retail import RetailChecker
    from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
    from tui.venues.retail.venue import RetailVenue

    venue = RetailVenue(rest_url=tls_sim.rest_url, key_id=DEMO_RETAIL_KEY_ID,
                        secret=DEMO_RETAIL_SECRET, silence_timeout=5.0,
                        ssl_context=Connection(ca_file=ca_file).ssl_context())
    assert venue.ws_url.startswith("wss://")
    try:
        await start_live(venue)
    finally:
        await venue.stop()

    key = tmp_path / "retail.key"
    key.write_text(DEMO_RETAIL_SECRET, encoding="ascii")
    key.chmod(0o600)
    monkeypatch.setenv("PMDESK_TEST_KEY_ID", DEMO_RETAIL_KEY_ID)

    def profile(ca: str) -> Profile:
        return Profile(name="rt", venue="retail", rest=tls_sim.rest_url, grpc="",
                       public=tls_sim.rest_url, key_id_env="PMDESK_TEST_KEY_ID",
                       key_file=str(key), ca_file=ca)

    steps = await RetailChecker(profile(ca_file)).run()
    assert all(s.ok for s in steps), report(steps)
    out = report(await RetailChecker(profile("")).run())
    assert "✗ public REST" in out and "not trusted" in out and "Traceback" not in out
