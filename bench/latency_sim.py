"""The embedded exchange for bench/latency.py, in its own process, instrumented from outside.

Runs `pmdesk sim` (tui.sim.__main__, same arguments, so part A's --firehose flags pass
through) with two additions kept here rather than in the product:
- each order-insert request is stamped with time.monotonic() as it reaches the REST app
  (before its body is read): `K <stamp>` on stdout;
- on a `plant SYMBOL` line on stdin, bob's previous planted order is cancelled and a new
  one rests 9 to 13 ticks below the best bid (beyond the firehose's orders, 2 to 7 ticks
  behind the inside, which would change its level's total every few ms) with a quantity
  chosen so its level's total is a 4-digit number not shown before:
  `P <stamp> <level text> <price>` once the exchange has accepted it (the book changed).
time.monotonic() is system-wide on Linux, so the bench compares these stamps with its own.
stdin at EOF stops the exchange (the bench died or finished).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import tui.sim.server as sim_server
from tui.core.enums import Side
from tui.sim.__main__ import main as sim_main

# the gateway's insert (both spellings) and the global CLOB's
INSERT_PATHS = frozenset({"/v1/trading/orders", "/v1beta1/insert_order", "/order"})
PLANTER = "bob"
Scope = MutableMapping[str, Any]
Asgi = Callable[[Scope, Any, Any], Awaitable[None]]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class StampInserts:
    """ASGI wrapper: the arrival of each order insert, stamped before anything else runs."""

    def __init__(self, app: Asgi) -> None:
        self.app = app

    def __getattr__(self, name: str) -> Any:  # the server adds routes and middleware to it
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if (scope.get("type") == "http" and scope.get("method") == "POST"
                and scope.get("path") in INSERT_PATHS):
            say(f"K {time.monotonic():.6f}")
        await self.app(scope, receive, send)


class Planter:
    """bob's one planted order at a time, and the level totals already shown."""

    def __init__(self, server: sim_server.SimServer) -> None:
        self.server = server
        self.rng = random.Random(14)
        user = server.auth.users[PLANTER]
        self.account, self.participant = user.accounts[0], user.participant_id
        self.live = ""  # clord id of the order resting now
        self.serial = 0
        self.used: set[str] = set()

    def plant(self, symbol: str) -> None:
        ex = self.server.exchange
        if self.live:
            ex.cancel_order(account=self.account, clord_id=self.live)
            self.live = ""
        scales = ex.instruments[symbol].scales
        bid, _ = ex.best(symbol)
        if bid is None:
            say("E no bid")
            return
        price = bid - self.rng.randint(9, 13) * scales.tick
        if price < scales.min_price:
            say("E no room below the bid")
            return
        bids, _ = ex.book(symbol, depth=50)
        resting = dict(bids).get(price, 0)
        for _ in range(50):
            qty = self.rng.randint(5000, 9999) * scales.qty_scale - resting
            text = scales.qty_text(qty + resting)
            if qty > 0 and text not in self.used and len(text) == 4:
                break
        else:
            say("E no free quantity")
            return
        self.serial += 1
        self.live = f"plant-{self.serial}"
        ex.insert_order(account=self.account, participant=self.participant, symbol=symbol,
                        side=Side.BUY, price=price, order_qty=qty, clord_id=self.live)
        stamp = time.monotonic()
        self.used.add(text)
        say(f"P {stamp:.6f} {text} {scales.price_text(price)}")


def commands(loop: asyncio.AbstractEventLoop, planter: Planter) -> None:
    """stdin: one command a line; EOF stops the exchange."""
    for line in sys.stdin:
        words = line.split()
        if len(words) == 2 and words[0] == "plant":
            loop.call_soon_threadsafe(planter.plant, words[1])
    os.kill(os.getpid(), signal.SIGTERM)


def instrument() -> None:
    build = sim_server.build_rest_app

    def stamped(*args: Any, **kw: Any) -> Any:
        return StampInserts(build(*args, **kw))

    sim_server.build_rest_app = stamped  # type: ignore[assignment]
    start = sim_server.SimServer.start

    async def started(self: sim_server.SimServer) -> None:
        await start(self)
        threading.Thread(target=commands, args=(asyncio.get_running_loop(), Planter(self)),
                         daemon=True).start()

    sim_server.SimServer.start = started  # type: ignore[method-assign]


if __name__ == "__main__":
    instrument()
    sys.exit(sim_main(sys.argv[1:]))
