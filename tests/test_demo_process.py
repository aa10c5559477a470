"""`pmdesk demo`'s embedded exchange never outlives the desk: exit, Ctrl+C, a hard crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import httpx
import pytest

from tests.conftest import holds_within
from tui.cli.demo import embedded_exchange

# a stand-in for the desk: starts the exchange exactly as `pmdesk demo` does, says where
# it is, then waits to be told how to end. Ctrl+C as a terminal delivers it: a test run
# started as a background job (`cmd &` in a script) ignores SIGINT, and so would the child
DESK = textwrap.dedent("""
    import os, signal, sys, time
    from tui.cli.demo import embedded_exchange
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with embedded_exchange(seed=7) as sim:
        print(sim.rest_url, flush=True)
        time.sleep(120)
""")


def _alive(url: str) -> bool:
    try:
        return httpx.get(f"{url}/v1/health", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def test_exchange_serves_while_open_and_stops_on_exit() -> None:
    with embedded_exchange(seed=7) as sim:
        assert _alive(sim.rest_url)
    assert holds_within(lambda: not _alive(sim.rest_url), 5.0)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL],
                         ids=["ctrl-c", "sigterm", "hangup", "crash"])
def test_exchange_stops_when_the_desk_is_interrupted_or_dies(how: signal.Signals) -> None:
    desk = subprocess.Popen([sys.executable, "-c", DESK], stdout=subprocess.PIPE, text=True)
    try:
        assert desk.stdout is not None
        url = desk.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and _alive(url)
        os.kill(desk.pid, how)
        desk.wait(timeout=10)
        assert holds_within(lambda: not _alive(url), 8.0), (
            f"the exchange outlived a desk ended by {how.name}")
    finally:
        if desk.poll() is None:
            desk.kill()
