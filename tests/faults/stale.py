"""A frozen feed: the price stream's connection stays open and nothing more comes through
it (no book, no heartbeat). The desk must show it stale, by the status bar's own rule,
within its 2 s, every time."""

from __future__ import annotations

import time

from tests.faults.reconcile import Figures
from tests.faults.rig import rig, wait_for
from tui.ui.widgets.status import is_stale

PRICES = "prices"
GIVE_UP = 10.0  # seconds: a feed not flagged by then counts as missed


async def stale_trials(kind: str, trials: int, seed: int = 19) -> Figures:
    figures = Figures("price feed frozen", kind)
    async with rig(kind, seed) as r:
        if not await r.start_desk():
            figures.notes.append("the desk never came up")
            return figures
        for _ in range(trials):
            if not await r.streams_live(30.0):
                figures.notes.append("streams not live before a trial")
                break
            # a message on this connection first: a trial never starts from an old silence
            since = time.monotonic()
            await wait_for(lambda t=since: r.desk.state.streams[PRICES].last_message_at > t,
                           5.0)
            proxy = r.link.grpc if kind == "gateway" else r.link.http
            label = {"gateway": "grpc", "clob": "/ws/market"}.get(kind, "/v1/ws/markets")
            for pipe in proxy.pipes:
                if pipe.label == label:
                    pipe.flowing.clear()
            frozen = time.monotonic()
            flagged = await wait_for(
                lambda: is_stale(r.desk.state.streams[PRICES], time.monotonic()), GIVE_UP)
            took = time.monotonic() - frozen
            figures.stale_trials += 1
            figures.stale_times.append(took)
            if flagged:
                figures.stale_worst = max(figures.stale_worst, took)
            else:
                figures.stale_missed += 1
            proxy.cut(label)  # as a trader's desk ends it: the feed comes back afresh
        figures.faults = {"trials": figures.stale_trials}
    return figures
