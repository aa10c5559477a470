"""Connection profiles and `pmdesk check`, against a running and a stopped embedded exchange."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import eventually, start_live
from tui.cli.check import Checker
from tui.cli.credentials import auth0_client
from tui.cli.main import main
from tui.core.prices import Intent
from tui.core.profiles import ENV_VAR, ProfileError, load_profiles
from tui.core.ticket import build_order
from tui.sim.server import SimServer
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.keys import new_rsa


def _write(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(path))
    return path


def _local(rest: str, grpc: str) -> str:
    return (f'[profiles.local]\nvenue = "sim"\nrest = "{rest}"\ngrpc = "{grpc}"\n'
            'user = "demo"\npassword_env = "PMDESK_TEST_PASSWORD"\n')


def test_the_profiles_file_is_written_with_comments_on_first_use(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "conf" / "profiles.toml"
    monkeypatch.setenv(ENV_VAR, str(path))
    assert main(["profiles"]) == 0
    assert "never go in this file" in path.read_text(encoding="utf-8")
    out = capsys.readouterr().out
    assert "local: sim, http://127.0.0.1:8700" in out
    assert "preprod: gateway, preprod, auth0 auth" in out


def test_privatelink_connects_to_the_private_name_with_the_public_host(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, '[profiles.pl]\nvenue = "gateway"\nenvironment = "prod"\n'
                     'privatelink = true\n', monkeypatch)
    p = load_profiles()["pl"]
    assert p.rest == "https://traderapi.us-east-1.privatelink.prod.polymarketexchange.com"
    assert p.rest_host == "rest.prod.polymarketexchange.com"
    assert p.grpc_authority == "traderapi.prod.polymarketexchange.com"
    assert p.token_url == "https://pmx-prod.us.auth0.com/oauth/token"


def test_a_secret_written_inline_is_refused(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, '[profiles.bad]\nvenue = "sim"\nrest = "http://x"\ngrpc = "x:1"\n'
                     'password = "hunter2"\n', monkeypatch)
    with pytest.raises(ProfileError, match="password must not be written here"):
        load_profiles()


@pytest.mark.parametrize(("line", "words"), [
    ('privatelink = "true"', "privatelink is 'true'; expected true or false"),
    ('privatelnk = true', "privatelnk is not a setting"),
    ('tier = "2"', "tier is '2'; expected a number"),
    ('ca_file = 1', "ca_file is 1; expected a quoted string"),
])
def test_a_setting_that_would_quietly_do_nothing_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, words: str) -> None:
    """PrivateLink quietly off would send a trader's orders over the public internet."""
    _write(tmp_path, f'[profiles.p]\nvenue = "gateway"\nenvironment = "prod"\n{line}\n',
           monkeypatch)
    with pytest.raises(ProfileError, match=re.escape(words)):
        load_profiles()


def test_a_rest_address_without_a_scheme_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, '[profiles.p]\nvenue = "sim"\nrest = "127.0.0.1:8700"\n'
                     'grpc = "127.0.0.1:8701"\n', monkeypatch)
    with pytest.raises(ProfileError, match="expected a URL starting with https://"):
        load_profiles()


async def test_check_walks_every_step_against_a_running_exchange(
        quiet_sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, _local(quiet_sim.rest_url, quiet_sim.grpc_target), monkeypatch)
    monkeypatch.setenv("PMDESK_TEST_PASSWORD", "demo")
    steps = await Checker(load_profiles()["local"]).run()
    assert [(s.name, s.ok) for s in steps] == [
        ("credentials", True), ("REST reachable", True), ("log in", True), ("account", True),
        ("gRPC market data", True)]
    assert "demo-1" in steps[3].words


async def test_check_names_a_wrong_password(
        quiet_sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, _local(quiet_sim.rest_url, quiet_sim.grpc_target), monkeypatch)
    monkeypatch.setenv("PMDESK_TEST_PASSWORD", "not-the-password")
    steps = await Checker(load_profiles()["local"]).run()
    assert [s.ok for s in steps] == [True, True, False, None, None]
    assert "not-the-password" not in " ".join(s.words for s in steps)


def test_check_against_a_stopped_exchange_says_what_is_unreachable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _write(tmp_path, _local(f"http://127.0.0.1:{port}", f"127.0.0.1:{port + 1}"), monkeypatch)
    env = {**os.environ, "PMDESK_TEST_PASSWORD": "demo"}
    done = subprocess.run([sys.executable, "-m", "tui", "check", "--profile", "local"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 1
    assert f"✗ REST reachable: cannot reach http://127.0.0.1:{port}" in done.stdout
    assert "nothing is listening there" in done.stdout
    assert "· log in: skipped" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def _auth0_profile(sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key pair made by `pmdesk keys new`, its public half registered at the exchange."""
    key = tmp_path / "keys" / "gateway-rsa.pem"
    new_rsa(key)
    sim.register_client("client-7", key.with_name(key.name + ".pub").read_bytes(), "demo")
    monkeypatch.setenv("PMDESK_TEST_CLIENT", "client-7")
    _write(tmp_path, f'[profiles.jwt]\nvenue = "sim"\nauth = "auth0"\n'
                     f'rest = "{sim.rest_url}"\ngrpc = "{sim.grpc_target}"\n'
                     f'client_id_env = "PMDESK_TEST_CLIENT"\nkey_file = "{key}"\n', monkeypatch)


async def test_check_logs_in_with_the_private_key_jwt(
        quiet_sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _auth0_profile(quiet_sim, tmp_path, monkeypatch)
    steps = await Checker(load_profiles()["jwt"]).run()
    assert all(s.ok for s in steps), steps
    assert "oauth/token" in steps[2].words


async def test_the_desk_trades_on_an_auth0_login(
        quiet_sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _auth0_profile(quiet_sim, tmp_path, monkeypatch)
    venue = GatewayVenue(rest_url=quiet_sim.rest_url, grpc_target=quiet_sim.grpc_target,
                         username="", password="", auth0=auth0_client(load_profiles()["jwt"]))
    try:
        await start_live(venue)
        inst = next(iter(venue.state.instruments.values()))
        request = build_order(inst, Intent.BUY_YES, inst.scales.min_price, inst.scales.min_qty)
        await venue.submit(request)
        await eventually(lambda: [o for o in quiet_sim.exchange.open_orders()
                                  if o.clord_id == request.clord_id], what="at the exchange")
    finally:
        await venue.stop()


async def test_a_key_file_others_can_read_stops_the_check(
        quiet_sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _auth0_profile(quiet_sim, tmp_path, monkeypatch)
    key = tmp_path / "keys" / "gateway-rsa.pem"
    key.chmod(0o644)
    steps = await Checker(load_profiles()["jwt"]).run()
    assert steps[0].ok is False and f"chmod 600 {key}" in steps[0].words


def test_the_desk_and_check_say_the_same_of_missing_credentials(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, '[profiles.nouser]\nvenue = "sim"\nrest = "http://127.0.0.1:9"\n'
                     'grpc = "127.0.0.1:9"\npassword_env = "PMDESK_TEST_PASSWORD"\n'
                     '[profiles.nopass]\nvenue = "sim"\nrest = "http://127.0.0.1:9"\n'
                     'grpc = "127.0.0.1:9"\nuser = "demo"\n'
                     'password_env = "PMDESK_TEST_UNSET"\n', monkeypatch)
    monkeypatch.delenv("PMDESK_TEST_UNSET", raising=False)
    for name, words in (("nouser", "profile nouser names no user."),
                        ("nopass", "$PMDESK_TEST_UNSET is not set")):
        assert main(["--profile", name]) == 2
        assert words in capsys.readouterr().err
        assert main(["check", "--profile", name]) == 1
        assert words in capsys.readouterr().out
