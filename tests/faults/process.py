"""Process kills: the desk runs in a process of its own (desk_child.py), resting orders that
a synthetic trader takes; it is killed with SIGKILL at random moments (its database written
or not, inserts on their way or not) and started again on its database, the trader going on
while no desk runs. At the end a desk opened on that database must hold every fill the
exchange made for the account, once, and the database must be intact."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from pathlib import Path

from tests.faults.desk_child import SYMBOLS_ENV
from tests.faults.reconcile import Figures
from tests.faults.rig import PROFILE, Rig, rig
from tests.faults.streams import finish
from tui.core.enums import Side

CHILD = Path(__file__).with_name("desk_child.py")
ROOT = CHILD.parents[2]
UP_WITHIN = 60.0  # seconds a desk process may take to come up on a slow, busy machine


async def _read_sent(r: Rig, proc: asyncio.subprocess.Process, live: asyncio.Event) -> None:
    assert proc.stdout is not None
    symbols = {r.desk_symbol(s): s for s in r.sim.exchange.instruments}
    while line := await proc.stdout.readline():
        words = line.decode().split()
        if words == ["live"]:
            live.set()
        elif len(words) == 5 and words[0] == "sent":
            r.sent.append((symbols[words[1]], Side[words[2]], int(words[3]), int(words[4])))


async def one_life(r: Rig, life: float, seed: int) -> bool:
    """Start the desk process, trade against it for `life` seconds once it is live, kill
    it; False if it never came up."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(CHILD), r.kind, r.sim.rest_url, r.sim.grpc_target, PROFILE,
        str(seed),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT),
             SYMBOLS_ENV: ",".join(r.desk_symbol(s) for s in r.symbols)})
    live = asyncio.Event()
    reader = asyncio.create_task(_read_sent(r, proc, live))
    try:
        await asyncio.wait_for(live.wait(), UP_WITHIN)
    except TimeoutError:
        return False
    finally:
        if live.is_set():
            loop = asyncio.get_running_loop()
            until = loop.time() + life
            while loop.time() < until:
                r.trade_against_desk()
                await asyncio.sleep(r.rng.random() * 0.1)
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGKILL)
        await proc.wait()
        await reader
    return True


def intact(path: Path) -> bool:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        db.close()


async def process_kills(kills: int, seed: int = 17, kind: str = "gateway") -> Figures:
    """The desk SIGKILLed `kills` times and started again on its database."""
    figures = Figures("desk process SIGKILLed and restarted on its database", kind)
    done = 0
    async with rig(kind, seed) as r:
        for life in range(kills):
            if not await one_life(r, 0.3 + r.rng.random() * 1.5, seed + life):
                figures.notes.append(f"the desk process did not come up (life {life + 1})")
                break
            done += 1
            for _ in range(r.rng.randint(1, 3)):  # while no desk runs
                r.trade_against_desk()
        figures.faults = {"SIGKILLs": done}
        if not await r.start_desk():
            figures.notes.append("the desk did not come up on its database")
            return figures
        await finish(r, figures)
        if not intact(r.db):
            figures.notes.append("the database failed its integrity check")
            figures.damaged = 1
    return figures
