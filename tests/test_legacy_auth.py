"""The legacy `/auth/v1beta1` account flow (spec §2.3) against the embedded exchange over
loopback: one-time registration with a registration JWT, TOTP MFA enrollment and confirmation
with real codes, the code at login, and each refusal in plain words. Also the TOTP maths
against RFC 4226/6238's published vectors and the terminal QR rendering."""

from __future__ import annotations

import asyncio
import base64
import sys
import time
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import jwt
import pytest

from tests.desk_kit import expire_tokens
from tui.cli.auth import login_first
from tui.core import totp
from tui.core.venue import VenueError
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.server import DEMO_CASH, SimServer
from tui.venues.gateway import legacy
from tui.venues.gateway.legacy import OtpRequiredError, WrongOtpError
from tui.venues.gateway.qr_text import qr_lines, qr_matrix, render_matrix
from tui.venues.gateway.rest import GatewayRest

PASSWORD = "correct horse battery"

# --- TOTP: RFC 4226 Appendix D and RFC 6238 Appendix B ---------------------------------
RFC_KEYS = {"SHA1": b"12345678901234567890", "SHA256": b"12345678901234567890123456789012",
            "SHA512": b"1234567890" * 6 + b"1234"}
RFC6238 = [  # (time, SHA1, SHA256, SHA512), 8 digits, 30 s steps
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
RFC4226 = ["755224", "287082", "359152", "969429", "338314",
           "254676", "287922", "162583", "399871", "520489"]


def _b32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), RFC6238)
def test_totp_matches_rfc6238_vectors(at: int, sha1: str, sha256: str, sha512: str) -> None:
    for algorithm, want in (("SHA1", sha1), ("SHA256", sha256), ("SHA512", sha512)):
        got = totp.totp(_b32(RFC_KEYS[algorithm]), at, digits=8, algorithm=algorithm)
        assert got == want, algorithm


def test_hotp_matches_rfc4226_vectors() -> None:
    assert [totp.hotp(RFC_KEYS["SHA1"], c) for c in range(10)] == RFC4226


def test_a_code_matches_one_step_either_side_and_no_further() -> None:
    secret = _b32(RFC_KEYS["SHA1"])
    at = 1111111111.0
    code = totp.totp(secret, at)
    assert totp.match_counter(secret, code, at) == int(at // 30)
    step = int(at // 30)
    assert totp.match_counter(secret, code, at + 30) == totp.match_counter(secret, code, at - 30)
    assert totp.match_counter(secret, code, at + 30) == step
    assert totp.match_counter(secret, code, at + 61) is None
    assert totp.match_counter(secret, code, at - 61) is None
    assert totp.match_counter(secret, "12345", at) is None
    assert totp.match_counter(secret, "abcdef", at) is None
    assert totp.match_counter(secret, f"{code[:3]} {code[3:]}", at) == step  # "123 456"


def test_secret_and_uri_round_trip() -> None:
    assert totp.decode_secret("jbsw y3dp ehpk 3pxp") == totp.decode_secret("JBSWY3DPEHPK3PXP")
    parsed = totp.parse_uri(
        "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
    assert (parsed.secret, parsed.account, parsed.issuer) == (
        "JBSWY3DPEHPK3PXP", "alice@google.com", "Example")
    assert (parsed.digits, parsed.period, parsed.algorithm) == (6, 30, "SHA1")
    auth = totp.OtpAuth(secret=totp.new_secret(), account="carol smith", issuer="Ex Co",
                        digits=8, period=60, algorithm="SHA256")
    assert totp.parse_uri(totp.build_uri(auth)) == auth


@pytest.mark.parametrize(("uri", "words"), [
    ("https://example.com/?secret=JBSWY3DPEHPK3PXP", "otpauth"),
    ("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1", "TOTP"),
    ("otpauth://totp/x?issuer=y", "empty"),
    ("otpauth://totp/x?secret=not-base32!", "base32"),
    ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5", "algorithm"),
])
def test_unusable_uris_are_named(uri: str, words: str) -> None:
    with pytest.raises(totp.TotpError, match=words):
        totp.parse_uri(uri)


# --- QR as text --------------------------------------------------------------------------
def test_half_blocks_pair_rows() -> None:
    lines = render_matrix([[1, 0, 1, 0], [1, 1, 0, 0], [0, 1, 0, 1]], invert=False)
    assert lines == ["█▄▀ ", " ▀ ▀"]
    assert render_matrix([[1, 0]], invert=True) == [" ▀"]


def test_qr_falls_back_to_the_uri_without_segno(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "segno", None)  # import segno -> ImportError
    uri = "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"
    assert qr_matrix(uri) is None
    assert qr_lines(uri)[-1] == uri and "segno" in qr_lines(uri)[0]


def test_qr_lines_carry_segnos_matrix() -> None:
    segno = pytest.importorskip("segno")
    uri = "otpauth://totp/pmdesk-sim:carol?secret=JBSWY3DPEHPK3PXP&issuer=pmdesk-sim"
    lines = qr_lines(uri, invert=False)
    assert lines[-1] == uri
    decoded: list[list[bool]] = []
    for line in lines[:-2]:  # back from half blocks to module rows
        decoded.append([c in "█▀" for c in line])
        decoded.append([c in "█▄" for c in line])
    want = [[bool(m) for m in row] for row in segno.make(uri, error="m").matrix_iter(border=4)]
    assert decoded[:len(want)] == want


# --- over loopback -----------------------------------------------------------------------
@pytest.fixture
async def rest(quiet_sim: SimServer) -> AsyncIterator[GatewayRest]:
    client = GatewayRest(quiet_sim.rest_url)
    try:
        yield client
    finally:
        await client.close()


async def _register(sim: SimServer, rest: GatewayRest, name: str = "carol") -> None:
    await legacy.register(rest, sim.registration_token(name), PASSWORD)


async def test_register_then_log_in_with_the_chosen_password(quiet_sim: SimServer,
                                                             rest: GatewayRest) -> None:
    with pytest.raises(VenueError, match="invalid username or password"):
        await legacy.login(rest, "carol", PASSWORD)
    await _register(quiet_sim, rest)
    await legacy.login(rest, "carol", PASSWORD)
    who = await rest.whoami()
    assert who.user == "firms/DEMO/users/carol"
    rest.participant_id = who.user
    balance = await rest.balance("firms/DEMO/accounts/carol-1")  # a funded account came too
    assert Decimal(balance.balance) == DEMO_CASH


async def test_registration_token_works_once(quiet_sim: SimServer) -> None:
    token = quiet_sim.registration_token("dave")
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        first = await http.post("/auth/v1beta1/register",
                                json={"token": token, "password": PASSWORD})
        again = await http.post("/auth/v1beta1/register",
                                json={"token": token, "password": "another password"})
    assert (first.status_code, first.json()) == (200, {})
    assert again.status_code == 400
    assert again.json() == {"code": 9, "message": "registration token was already used",
                            "details": []}
    rest = GatewayRest(quiet_sim.rest_url)
    try:  # the first password stands
        with pytest.raises(VenueError, match="invalid username or password"):
            await legacy.login(rest, "dave", "another password")
        await legacy.login(rest, "dave", PASSWORD)
    finally:
        await rest.close()


async def test_expired_or_forged_registration_token_is_refused(quiet_sim: SimServer,
                                                               rest: GatewayRest) -> None:
    token = quiet_sim.registration_token("erin", ttl=3600)
    real_clock = quiet_sim.legacy.clock
    quiet_sim.legacy.clock = lambda: real_clock() + 3601  # an hour and a second later
    with pytest.raises(VenueError, match="registration token has expired"):
        await legacy.register(rest, token, PASSWORD)
    quiet_sim.legacy.clock = real_clock
    forged = jwt.encode({"iss": "pmdesk-sim", "sub": "erin", "typ": "registration",
                         "jti": "x", "exp": int(time.time()) + 600}, b"k" * 32,
                        algorithm="HS256")
    with pytest.raises(VenueError, match="registration token is not valid"):
        await legacy.register(rest, forged, PASSWORD)
    with pytest.raises(VenueError, match="at least 8 characters"):
        await legacy.register(rest, token, "short")
    with pytest.raises(VenueError, match="invalid username or password"):
        await legacy.login(rest, "erin", PASSWORD)
    with pytest.raises(ValueError, match="already a user"):
        quiet_sim.registration_token("demo")


def _wrong(secret: str) -> str:
    near = {totp.totp(secret, time.time() + d) for d in (-60, -30, 0, 30, 60)}
    return next(c for c in (f"{n:06d}" for n in range(0, 10**6, 7919)) if c not in near)


async def _enroll(rest: GatewayRest, user: str, password: str) -> totp.OtpAuth:
    uri = await legacy.enroll_mfa(rest, user, password)
    assert uri.startswith("otpauth://totp/")
    return totp.parse_uri(uri)


async def test_mfa_enroll_confirm_and_log_in_with_the_code(quiet_sim: SimServer,
                                                           rest: GatewayRest) -> None:
    with pytest.raises(VenueError, match="invalid username or password"):
        await legacy.enroll_mfa(rest, "alice", "guess")
    with pytest.raises(VenueError, match="call enroll_mfa first"):
        await legacy.confirm_mfa(rest, "alice", DEMO_PASSWORD, "123456")
    auth = await _enroll(rest, "alice", DEMO_PASSWORD)
    assert auth.account == "alice" and auth.digits == 6 and auth.period == 30
    with pytest.raises(WrongOtpError, match="one-time code is wrong"):
        await legacy.confirm_mfa(rest, "alice", DEMO_PASSWORD, _wrong(auth.secret))
    assert not quiet_sim.legacy.mfa_enabled("alice")
    await legacy.login(rest, "alice", DEMO_PASSWORD)  # not on yet: the password suffices
    await legacy.confirm_mfa(rest, "alice", DEMO_PASSWORD, totp.totp(auth.secret))
    assert quiet_sim.legacy.mfa_enabled("alice")

    fresh = GatewayRest(quiet_sim.rest_url)
    try:
        with pytest.raises(OtpRequiredError, match="one-time code required"):
            await legacy.login(fresh, "alice", DEMO_PASSWORD)
        with pytest.raises(WrongOtpError, match="one-time code is wrong"):
            await legacy.login(fresh, "alice", DEMO_PASSWORD, _wrong(auth.secret))
        stale = totp.totp(auth.secret, time.time() - 120)  # four steps ago
        if stale != totp.totp(auth.secret):
            with pytest.raises(WrongOtpError):
                await legacy.login(fresh, "alice", DEMO_PASSWORD, stale)
        assert not fresh.tokens.access
        code = totp.totp(auth.secret)
        await legacy.login(fresh, "alice", DEMO_PASSWORD, code)
        assert (await fresh.whoami()).user == "firms/DEMO/users/alice"
        with pytest.raises(WrongOtpError, match="already used"):
            await legacy.login(fresh, "alice", DEMO_PASSWORD, code)
        # the password is still checked first: a right code with a wrong password is no entry
        with pytest.raises(VenueError, match="invalid username or password") as err:
            await legacy.login(fresh, "alice", "guess", totp.totp(auth.secret))
        assert not isinstance(err.value, WrongOtpError)
        with pytest.raises(VenueError, match="already enabled"):
            await legacy.enroll_mfa(fresh, "alice", DEMO_PASSWORD)
    finally:
        await fresh.close()
    # other users are untouched
    await legacy.login(rest, "bob", DEMO_PASSWORD)


async def test_missing_code_on_the_wire(quiet_sim: SimServer, rest: GatewayRest) -> None:
    auth = await _enroll(rest, "bob", DEMO_PASSWORD)
    await legacy.confirm_mfa(rest, "bob", DEMO_PASSWORD, totp.totp(auth.secret))
    async with httpx.AsyncClient(base_url=quiet_sim.rest_url) as http:
        resp = await http.post("/auth/v1beta1/login",
                               json={"username": "bob", "password": DEMO_PASSWORD})
    assert resp.status_code == 401
    body = resp.json()
    assert body["code"] == 16 and "one-time code required" in body["message"]
    assert "accessToken" not in body


async def test_registered_user_with_mfa_and_an_expired_access_token() -> None:
    sim = SimServer(flow=False, heartbeat=0.5)
    await sim.start()
    rest = GatewayRest(sim.rest_url)
    try:
        await _register(sim, rest, "frank")
        auth = await _enroll(rest, "frank", PASSWORD)
        await legacy.confirm_mfa(rest, "frank", PASSWORD, totp.totp(auth.secret))
        await legacy.login(rest, "frank", PASSWORD, totp.totp(auth.secret))
        assert (await rest.whoami()).user == "firms/DEMO/users/frank"
        expire_tokens(sim)
        with pytest.raises(VenueError, match="access token expired"):
            await rest.whoami()
        await rest.refresh()  # the refresh token needs no second code
        assert (await rest.whoami()).user == "firms/DEMO/users/frank"
    finally:
        await rest.close()
        await sim.stop()


async def test_connect_asks_for_the_one_time_code_before_the_screen_opens(
        quiet_sim: SimServer, rest: GatewayRest) -> None:
    auth = await _enroll(rest, "bob", DEMO_PASSWORD)
    await legacy.confirm_mfa(rest, "bob", DEMO_PASSWORD, totp.totp(auth.secret))
    asked: list[str] = []

    def trader(question: str) -> str:  # types the code their authenticator shows next
        asked.append(question)
        return totp.totp(auth.secret, time.time() + 30) if len(asked) > 1 else "000000"

    tokens = await asyncio.to_thread(login_first, quiet_sim.rest_url, "bob", DEMO_PASSWORD,
                                     trader)
    assert tokens.access
    assert asked == ["One-time code from your authenticator: "] * 2  # a wrong code: asked again
    with pytest.raises(OtpRequiredError):  # no one to ask: said, not hung
        await asyncio.to_thread(login_first, quiet_sim.rest_url, "bob", DEMO_PASSWORD,
                                None)


def test_mfa_enroll_away_from_a_terminal_turns_nothing_on(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a terminal it cannot ask for the code: it says so before asking the exchange
    for a key (which would land in a pipe or a log, and leave the factor half set up)."""
    from tui.cli.main import main

    monkeypatch.setenv("PMDESK_PASSWORD", DEMO_PASSWORD)
    assert not sys.stdin.isatty()  # pytest's own stdin
    assert main(["mfa", "enroll", "--rest", "http://127.0.0.1:9", "--user", "demo"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("pmdesk mfa: run this in a terminal") and out == ""
