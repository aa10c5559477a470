"""`pmdesk demo` in a real pseudo-terminal: it draws the desk, and leaves nothing behind when
the terminal hangs up (a dropped SSH session) or the desk is told to stop."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import holds_within


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.split(") ", 1)[1][0] != "Z"  # a zombie has exited


def _gone_within(pids: list[int], seconds: float) -> bool:
    return holds_within(lambda: not any(_alive(p) for p in pids), seconds)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", [signal.SIGHUP, signal.SIGTERM], ids=["hangup", "sigterm"])
def test_demo_draws_and_leaves_nothing_behind(how: signal.Signals) -> None:
    master, slave = pty.openpty()
    env = os.environ | {"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}
    desk = subprocess.Popen([sys.executable, "-m", "tui", "demo"], stdin=slave,
                            stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    screen = b""
    try:
        deadline = time.monotonic() + 30
        while b"prices" not in screen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    screen += os.read(master, 65536)
                except OSError:
                    break
        assert b"prices" in screen, "the desk never drew its status bar"
        exchange = _children(desk.pid)
        assert exchange, "no embedded exchange was running"
        if how is signal.SIGHUP:
            os.close(master)  # the terminal is gone, then the hang-up arrives
            master = -1
        desk.send_signal(how)
        assert _gone_within([desk.pid], 10), f"the desk outlived {how.name}"
        assert _gone_within(exchange, 10), f"the exchange outlived the desk ({how.name})"
    finally:
        if master >= 0:
            os.close(master)
        if desk.poll() is None:
            desk.kill()
