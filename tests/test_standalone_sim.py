"""`pmdesk sim --port N` runs alone and several desks trade with each other through it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import eventually
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.sim.auth import DEMO_PASSWORD
from tui.venues.gateway.venue import GatewayVenue


def _free_port_pair() -> int:
    """A port N with N+1 also free (the sim's default gRPC port is N+1)."""
    for _ in range(50):
        with socket.socket() as a, socket.socket() as b:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            try:
                b.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port pair")


@pytest.fixture
def standalone() -> Iterator[int]:
    port = _free_port_pair()
    proc = subprocess.Popen([sys.executable, "-m", "tui", "sim", "--host", "127.0.0.1",
                             "--port", str(port), "--no-flow"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/health").json() == {"status": "ok"}:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "pmdesk sim did not come up"
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def test_two_desks_trade_with_each_other(standalone: int) -> None:
    desks = [GatewayVenue(rest_url=f"http://127.0.0.1:{standalone}",
                          grpc_target=f"127.0.0.1:{standalone + 1}", username=user,
                          password=DEMO_PASSWORD, silence_timeout=5.0)
             for user in ("alice", "bob")]
    alice, bob = desks
    try:
        for desk in desks:
            await desk.start()
        symbol = next(s for s, i in sorted(alice.state.instruments.items())
                      if i.scales.price_scale == 100 and i.scales.qty_scale == 1)
        inst = alice.state.instruments[symbol]
        await alice.submit(build_order(inst, Intent.BUY_YES, 42, 3))
        # bob sees alice's bid in the book, then sells YES into it by buying NO at 0.58
        await eventually(lambda: symbol in bob.state.books
                         and bob.state.books[symbol].best_bid == 42, what="alice's bid at bob")
        await bob.submit(build_order(inst, Intent.BUY_NO, 58, 3))
        await eventually(lambda: symbol in alice.state.positions
                         and alice.state.positions[symbol].net == 3, what="alice long 3 YES")
        await eventually(lambda: symbol in bob.state.positions
                         and bob.state.positions[symbol].net == -3, what="bob long 3 NO")
    finally:
        for desk in desks:
            await desk.stop()


def test_a_taken_port_is_one_sentence(standalone: int) -> None:
    result = subprocess.run([sys.executable, "-m", "tui", "sim", "--port", str(standalone)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "cannot listen" in result.stderr and "Traceback" not in result.stderr


def test_a_taken_grpc_port_is_refused_too(standalone: int) -> None:
    """gRPC would share a port by default (SO_REUSEPORT); a second exchange must not."""
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        rest = free.getsockname()[1]
    result = subprocess.run([sys.executable, "-m", "tui", "sim", "--port", str(rest),
                             "--grpc-port", str(standalone + 1)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1, result.stdout
    assert "cannot listen" in result.stderr and "Traceback" not in result.stderr


def test_pmdesk_check_walks_both_venues_through_a_running_pmdesk_sim(
        standalone: int, tmp_path: Path) -> None:
    """As a trader runs it: `pmdesk check` processes against a `pmdesk sim` process."""
    from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET

    key = tmp_path / "retail.key"
    key.write_text(DEMO_RETAIL_SECRET, encoding="ascii")
    key.chmod(0o600)
    rest = f"http://127.0.0.1:{standalone}"
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(
        f'[profiles.gw]\nvenue = "sim"\nrest = "{rest}"\ngrpc = "127.0.0.1:{standalone + 1}"\n'
        'user = "demo"\npassword_env = "PMDESK_TEST_PASSWORD"\n'
        f'[profiles.rt]\nvenue = "retail"\nenvironment = "custom"\nrest = "{rest}"\n'
        f'key_id_env = "PMDESK_TEST_KEY_ID"\nkey_file = "{key}"\n', encoding="utf-8")
    env = {**os.environ, "PMDESK_PROFILES": str(profiles), "PMDESK_TEST_KEY_ID":
           DEMO_RETAIL_KEY_ID, "PMDESK_TEST_PASSWORD": DEMO_PASSWORD}
    for name, steps in (("gw", ("credentials", "REST reachable", "log in", "account",
                                "gRPC market data")),
                        ("rt", ("credentials", "public REST", "signed request",
                                "private socket", "markets socket"))):
        done = subprocess.run([sys.executable, "-m", "tui", "check", "--profile", name],
                              capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        assert [line.split(":")[0] for line in done.stdout.splitlines()[1:]] == [
            f"✓ {step}" for step in steps]
        assert "Traceback" not in done.stderr
