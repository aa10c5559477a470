"""The command line in front of a user: a broken config, a missing one the trader named, or
an address or number that cannot work is one sentence (and a broken config is left alone)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("command", [["demo"], ["connect", "--rest", "http://127.0.0.1:9",
                                                 "--grpc", "127.0.0.1:9", "--user", "x"]])
def test_garbage_config_stops_the_desk_in_one_sentence(tmp_path: Path,
                                                       command: list[str]) -> None:
    config = tmp_path / "config.toml"
    garbage = "[limits]\nmax_qty = { value = 10, mode = \"medium\" }\n"
    config.write_text(garbage)
    env = os.environ | {"PMDESK_CONFIG": str(config), "PMDESK_PASSWORD": "x"}
    result = subprocess.run([sys.executable, "-m", "tui", *command], capture_output=True,
                            text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert "line 2" in result.stderr and "limits.max_qty.mode" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert config.read_text() == garbage  # never rewritten


@pytest.mark.parametrize(("keys", "words"), [
    ('[keys]\nbuy = "y"\n', "keys.buy uses y"),
    ('[keys]\nkil_switch = "K"\n', "keys.kil_switch is not an action"),
])
def test_a_keymap_that_could_trade_by_accident_is_refused(tmp_path: Path, keys: str,
                                                          words: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(keys)
    env = os.environ | {"PMDESK_CONFIG": str(config)}
    result = subprocess.run([sys.executable, "-m", "tui", "demo"], capture_output=True,
                            text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_log_lines_never_carry_the_password() -> None:
    import io
    import logging

    from tui.cli.common import redact_logs

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        redact_logs(["hunter2-secret"])
        logging.getLogger("tui.test").warning("login failed for demo with hunter2-secret")
    finally:
        root.removeHandler(handler)
    assert "hunter2-secret" not in stream.getvalue()
    assert "***" in stream.getvalue()


def _pmdesk(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True,
                          text=True, env=os.environ | env, timeout=60,
                          stdin=subprocess.DEVNULL)


def _one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    for word in words:
        assert word in result.stderr, result.stderr


def test_a_config_the_trader_named_must_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nosuch.toml"
    result = _pmdesk(["demo"], {"PMDESK_CONFIG": str(missing)})
    _one_sentence(result, str(missing), "does not exist")
    assert not missing.exists()  # never created


CONNECT = ["connect", "--user", "demo"]
GOOD_REST, GOOD_GRPC = ["--rest", "http://127.0.0.1:9"], ["--grpc", "127.0.0.1:9"]


@pytest.mark.parametrize(("args", "words"), [
    ([*CONNECT, "--rest", "127.0.0.1:8700", *GOOD_GRPC],
     "--rest 127.0.0.1:8700 needs http:// or https:// in front, e.g. http://127.0.0.1:8700"),
    ([*CONNECT, "--rest", "ftp://127.0.0.1:8700", *GOOD_GRPC], "not an http:// or https://"),
    ([*CONNECT, "--rest", "http://", *GOOD_GRPC], "--rest http:// names no host"),
    ([*CONNECT, "--rest", "http://127.0.0.1:99999", *GOOD_GRPC], "has port 99999"),
    ([*CONNECT, *GOOD_REST, "--grpc", "http://127.0.0.1:8701"],
     "--grpc http://127.0.0.1:8701 takes HOST:PORT without a scheme, e.g. 127.0.0.1:8701"),
    ([*CONNECT, *GOOD_REST, "--grpc", "127.0.0.1"], "--grpc 127.0.0.1 is not HOST:PORT"),
    ([*CONNECT, *GOOD_REST, "--grpc", "127.0.0.1:70000"], "has port 70000"),
    ([*CONNECT, *GOOD_REST, *GOOD_GRPC, "--silence-timeout", "0"],
     "--silence-timeout 0 must be more than 0"),
    (["register", "--rest", "127.0.0.1:8700"], "pmdesk register: --rest 127.0.0.1:8700 needs"),
    (["mfa", "enroll", "--rest", "127.0.0.1:8700", "--user", "demo"], "pmdesk mfa: --rest"),
    (["sim", "--port", "99999"], "pmdesk sim: --port 99999 is not a port"),
    (["sim", "--grpc-port", "70000"], "--grpc-port 70000 is not a port"),
    (["sim", "--port", "65535"], "leaves no port after it for gRPC"),
    (["sim", "--port", "8700", "--grpc-port", "8700"], "is the REST port too"),
    (["sim", "--host", "nosuch.invalid"], "--host nosuch.invalid does not resolve"),
    (["replay", "--speed", "0"], "--speed 0 must be more than 0"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_an_address_or_number_that_cannot_work_is_said_before_connecting(
        args: list[str], words: str) -> None:
    # register reads its token from standard input: none here, so any connection would fail
    _one_sentence(_pmdesk(args, {"PMDESK_PASSWORD": "x"}), words)


PROFILES = """
[profiles.grpc-url]
venue = "sim"
rest = "http://127.0.0.1:9"
grpc = "https://127.0.0.1:9"
user = "demo"
password_env = "PMDESK_PASSWORD"

[profiles.rest-port]
venue = "sim"
rest = "http://127.0.0.1:99999"
grpc = "127.0.0.1:9"
user = "demo"
password_env = "PMDESK_PASSWORD"
"""


@pytest.mark.parametrize(("args", "words"), [
    (["check", "--profile", "grpc-url"], "profile grpc-url in"),
    (["--profile", "grpc-url"], "grpc https://127.0.0.1:9 takes HOST:PORT without a scheme"),
    (["check", "--profile", "rest-port"], "rest http://127.0.0.1:99999 has port 99999"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_a_profile_address_that_cannot_work_is_said_before_connecting(
        tmp_path: Path, args: list[str], words: str) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(PROFILES)
    env = {"PMDESK_PROFILES": str(profiles), "PMDESK_PASSWORD": "x",
           "PMDESK_CONFIG": str(tmp_path / "config.toml")}
    (tmp_path / "config.toml").write_text("")
    _one_sentence(_pmdesk(args, env), words, str(profiles))
