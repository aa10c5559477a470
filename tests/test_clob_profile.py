"""A global CLOB profile, its key file and `pmdesk check`, against the embedded exchange: what
a trader setting up a wallet meets first, including the failures."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui.cli.check_clob import ClobChecker
from tui.core.clob_sign import Wallet
from tui.core.profiles import ENV_VAR, ProfileError, load_profiles
from tui.sim.clob.api import DEMO_CLOB_ADDRESS, DEMO_CLOB_KEY
from tui.sim.server import SimServer
from tui.venues.keys import KeyFileError, key_file_summary, load_secp256k1_key, new_secp256k1

STEPS = ["wallet", "server time", "L1 credentials", "L2 signed request",
         "balance and allowance", "market channel", "user channel"]


def _profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text("[profiles.w]\nvenue = \"clob\"\n" + body, encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(path))


def _demo_key(tmp_path: Path, mode: int = 0o600) -> Path:
    path = tmp_path / "demo.key"
    path.write_text(f"0x{DEMO_CLOB_KEY}\n")
    path.chmod(mode)
    return path


def test_new_secp256k1_is_private_and_prints_its_address_not_its_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "clob.key"
    text = new_secp256k1(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key = load_secp256k1_key(path)
    assert Wallet.from_key(key).address in text
    assert key.hex() not in text and key.hex() not in key_file_summary(path, "secp256k1")


def test_a_key_file_others_can_read_or_that_is_not_a_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_secp256k1_key(_demo_key(tmp_path, 0o644))
    bad = tmp_path / "bad.key"
    bad.write_text("not a key at all")
    bad.chmod(0o600)
    with pytest.raises(KeyFileError, match="64 hex") as caught:
        load_secp256k1_key(bad)
    assert "not a key at all" not in str(caught.value)


def test_a_clob_profile_needs_its_key_by_reference_and_a_funder_for_a_proxy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _profile(tmp_path, monkeypatch, 'private_key = "0xabc"\n')
    with pytest.raises(ProfileError, match="private_key must not be written here"):
        load_profiles()
    _profile(tmp_path, monkeypatch, "")
    with pytest.raises(ProfileError, match="needs key_file"):
        load_profiles()
    _profile(tmp_path, monkeypatch, 'key_env = "K"\nsignature_type = 2\n')
    with pytest.raises(ProfileError, match="set funder"):
        load_profiles()
    _profile(tmp_path, monkeypatch, 'key_env = "K"\nsignature_type = 5\n')
    with pytest.raises(ProfileError, match="expected 0 \\(EOA\\)"):
        load_profiles()
    _profile(tmp_path, monkeypatch, 'key_env = "K"\n')
    profile = load_profiles()["w"]
    assert (profile.rest, profile.ws) == ("https://clob.polymarket.com",
                                          "wss://ws-subscriptions-clob.polymarket.com")


async def test_check_walks_every_clob_step(quiet_sim: SimServer, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _profile(tmp_path, monkeypatch, f'environment = "custom"\nrest = "{quiet_sim.rest_url}"\n'
                                    f'key_file = "{_demo_key(tmp_path)}"\n')
    steps = await ClobChecker(load_profiles()["w"]).run()
    assert [(s.name, s.ok) for s in steps] == [(name, True) for name in STEPS]
    assert DEMO_CLOB_ADDRESS in steps[0].words and "$100,000.00" in steps[4].words
    assert DEMO_CLOB_KEY not in " ".join(s.words for s in steps)


async def test_check_names_the_first_failure(quiet_sim: SimServer, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PM_TEST_KEY", "0x1234")
    _profile(tmp_path, monkeypatch, f'environment = "custom"\nrest = "{quiet_sim.rest_url}"\n'
                                    'key_env = "PM_TEST_KEY"\n')
    steps = await ClobChecker(load_profiles()["w"]).run()
    assert [s.ok for s in steps] == [False] + [None] * 6
    assert "PM_TEST_KEY is not a secp256k1 private key" in steps[0].words
    quiet_sim.clob.auth.clock = lambda: 0.0  # the exchange's clock far from ours
    monkeypatch.setenv("PM_TEST_KEY", DEMO_CLOB_KEY)
    steps = await ClobChecker(load_profiles()["w"]).run()
    assert [s.ok for s in steps][:4] == [True, True, False, None]
    assert "refused the wallet's signature" in steps[2].words
