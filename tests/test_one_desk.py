"""One desk per account's database: a second desk is refused in one sentence (and trades
on saying it keeps no history), a replay or an export reads beside a desk, and the lock goes
when the desk closes or its process dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_ACCOUNT, eventually, live
from tui.cli.common import store_opener
from tui.core.config import DeskConfig
from tui.core.enums import OrderState, Side
from tui.core.model import Order
from tui.core.prices import Intent
from tui.sim.auth import DEMO_PASSWORD
from tui.sim.server import SimServer
from tui.store import Store, StoreError, db_path, inuse
from tui.store.export import export
from tui.store.prune import prune
from tui.venues.gateway.venue import GatewayVenue

pytestmark = pytest.mark.skipif(inuse.fcntl is None, reason="no flock: nothing is refused")


@pytest.fixture
def path() -> Path:
    """An account's database with one order in it (PMDESK_DATA_DIR is the test's own)."""
    found = db_path("p", "acct-1")
    with Store.open(found) as store:
        store.order_event(Order("O1", "c1", "M", Side.BUY, 450, 250, 250,
                                state=OrderState.NEW, intent=Intent.BUY_YES), 1.0)
    return found


def refusal(path: Path, pid: int) -> str:
    return (f"Another pmdesk (pid {pid}) has this account's database open ({path}); close "
            "it first, or use another profile.")


def test_a_second_desk_is_refused_in_one_sentence(path: Path) -> None:
    with Store.open(path, desk=True):
        with pytest.raises(StoreError) as caught:
            Store.open(path, desk=True)
        assert str(caught.value) == refusal(path, os.getpid())
        assert caught.value.path == path
        with pytest.raises(StoreError, match="Another pmdesk"):  # as the CLI opens a desk
            store_opener("p", DeskConfig())("acct-1")


def test_a_replay_or_an_export_reads_beside_a_desk(path: Path) -> None:
    with Store.open(path, desk=True):
        with Store.open(path) as replay:  # pmdesk replay opens it this way
            assert [o.order_id for o in replay.orders(limit=None)] == ["O1"]
        text = export("orders", profile="p", account="acct-1", since=None, fmt="csv")
        assert "O1" in text
        with pytest.raises(StoreError, match="is open in a running pmdesk"):
            prune(path, 2.0)  # still refused while anything holds it
    with Store.open(path):  # and while only a reader does
        with pytest.raises(StoreError, match="is open in a running pmdesk"):
            prune(path, 2.0)


def test_the_lock_goes_when_the_desk_closes(path: Path) -> None:
    first = Store.open(path, desk=True)
    assert inuse.desk_path(path).exists()
    assert inuse.desk_pid(path) == os.getpid()
    first.close()
    assert not inuse.desk_path(path).exists()  # no litter beside the database
    with Store.open(path, desk=True):
        pass
    assert not inuse.lock_path(path).exists() and not inuse.desk_path(path).exists()


def test_a_desk_refused_for_another_reason_leaves_no_desk_lock(path: Path) -> None:
    hold = inuse.exclusive(path)  # a prune running
    assert hold is not None
    try:
        with pytest.raises(StoreError, match="is being pruned"):
            Store.open(path, desk=True)
    finally:
        hold.release()
    assert not inuse.desk_path(path).exists()
    Store.open(path, desk=True).close()


CHILD = """
import sys, time
from pathlib import Path
from tui.store import Store
store = Store.open(Path(sys.argv[1]), desk=True)
print("open", flush=True)
time.sleep(60)
"""


def test_a_killed_desk_leaves_no_lock(path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], cwd=root,
                             stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(root)})
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "open"
        with pytest.raises(StoreError) as caught:
            Store.open(path, desk=True)
        assert str(caught.value) == refusal(path, child.pid)  # the other process named
    finally:
        child.send_signal(signal.SIGKILL)  # no close, no atexit: only the kernel lets go
        child.wait(10)
    assert inuse.desk_path(path).exists()  # the file is left, its lock is not
    with Store.open(path, desk=True) as store:
        assert [o.order_id for o in store.orders(limit=None)] == ["O1"]
    assert inuse.exclusive(path) is not None


async def test_a_second_desk_trades_on_and_says_it_keeps_no_history(
        quiet_sim: SimServer) -> None:
    path = db_path("probe", DEMO_ACCOUNT)
    opener = store_opener("probe", DeskConfig())
    with opener(DEMO_ACCOUNT):  # the first desk on this account
        venue = GatewayVenue(rest_url=quiet_sim.rest_url, grpc_target=quiet_sim.grpc_target,
                             username="demo", password=DEMO_PASSWORD, silence_timeout=5.0,
                             open_store=opener)
        async with live(venue):
            await eventually(lambda: venue.state.problem, what="the problem said")
            assert venue.state.problem == (refusal(path, os.getpid())
                                           + " History is not being kept.")
            assert venue.store is None
    again = GatewayVenue(rest_url=quiet_sim.rest_url, grpc_target=quiet_sim.grpc_target,
                         username="demo", password=DEMO_PASSWORD, silence_timeout=5.0,
                         open_store=opener)
    async with live(again):  # the first desk gone: this one keeps it
        await eventually(lambda: again.store is not None, what="the database open")
        assert again.state.problem == ""
