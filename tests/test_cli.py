"""The command line in front of a user: a broken config is one sentence and is left alone."""

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

    from tui.cli import redact_logs

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
