"""Commands whose answers are lost: inserts (never doubled, never left pending), and the
kill switch pressed with inserts in flight while 30% of every REST answer is lost (when it
returns, nothing of the account may be working at the exchange)."""

from __future__ import annotations

import asyncio
import time

from tests.faults.proxy import Rules
from tests.faults.reconcile import Figures
from tests.faults.rig import Rig, rig, wait_for
from tests.faults.streams import finish
from tui.desk.controller import DeskController
from tui.venues.gateway.rest import INSERT_PATH

CHECK_AFTER = 3.0  # a press is judged this long after it returned


def inserts_only(kind: str, lose: float, seed: int) -> Rules:
    """A share `lose` of the inserts' answers lost; every other request passed on."""
    # the CLOB desk sends the inserts of one moment as one batch (POST /orders)
    paths = {"retail": ("/v1/orders",), "clob": ("/order", "/orders")}.get(
        kind, (INSERT_PATH,))
    return Rules(lose=lose, seed=seed, applies=lambda method, p: method == "POST"
                 and p in paths)


async def lost_inserts(kind: str, inserts: int, lose: float = 0.3, seed: int = 11, *,
                       hang: bool = False) -> Figures:
    """`inserts` inserts, a share `lose` of their answers lost after the exchange took them
    (the connection cut, or with `hang` held open until the desk gives up); a trader takes
    some of them (and the desk crosses the trader's quotes)."""
    figures = Figures("inserts with answers lost" + (" (held, not cut)" if hang else ""),
                      kind)
    async with rig(kind, seed) as r:
        if not await r.start_desk():
            figures.notes.append("the desk never came up")
            return figures
        r.link.http.rules = inserts_only(kind, lose, seed)
        r.link.http.rules.hang = hang
        while len(r.sent) < inserts:
            burst = min(r.rng.randint(1, 4), inserts - len(r.sent))
            crosses = [r.rng.random() < 0.3 for _ in range(burst)]
            symbols = [r.rng.choice(r.symbols) for _ in range(burst)]
            for symbol, cross in zip(symbols, crosses, strict=True):
                if cross:
                    r.quote(symbol)
            await asyncio.gather(*(r.rest_order(s, cross=c)
                                   for s, c in zip(symbols, crosses, strict=True)))
            if r.rng.random() < 0.5:
                r.trade_against_desk()
        figures.faults = {"inserts": len(r.sent), "answers lost": r.link.http.counts.lost}
        await finish(r, figures)
    return figures


def rearm(controller: DeskController) -> None:
    """The kill switch latched; the trader re-arms between presses (R, then yes)."""
    controller.venue.rearm()


async def press_once(r: Rig, controller: DeskController, in_flight: int,
                     check_after: float = CHECK_AFTER) -> int:
    """Send `in_flight` inserts, press K while they are on their way; how many orders of
    the account the exchange lists as working `check_after` seconds after the press
    returned (and after every insert had its answer, or lost it)."""
    sending = [asyncio.create_task(r.rest_order(r.rng.choice(r.symbols)))
               for _ in range(in_flight)]
    await asyncio.sleep(r.rng.random() * 0.05)
    await controller.answer(controller.kill_switch(), True)
    pressed = time.monotonic()
    await asyncio.gather(*sending)
    await asyncio.sleep(max(0.0, pressed + check_after - time.monotonic()))
    return len(r.sim.exchange.open_orders(accounts=[r.account]))


async def kill_switch_presses(kind: str, presses: int, in_flight: int = 20,
                              lose: float = 0.3, seed: int = 13,
                              check_after: float = CHECK_AFTER) -> Figures:
    """`presses` kill-switch presses, each with `in_flight` inserts on their way, while a
    share `lose` of every REST answer (commands and reads) is lost."""
    figures = Figures(f"kill switch, {in_flight} inserts in flight, {lose:.0%} of REST "
                      "answers lost", kind)
    async with rig(kind, seed) as r:
        if not await r.start_desk():
            figures.notes.append("the desk never came up")
            return figures
        r.link.http.rules = Rules(lose=lose, seed=seed)
        controller = DeskController(r.desk)
        ex = r.sim.exchange
        for _ in range(presses):
            left = await press_once(r, controller, in_flight, check_after)
            figures.presses += 1
            if left:
                figures.presses_leaving += 1
                figures.orders_after_press += left
            # the next press starts from nothing working: what this one left is swept at
            # the exchange, and the desk gets its word on every insert
            for order in ex.open_orders(accounts=[r.account]):
                ex.cancel_order(account=r.account, order_id=order.order_id)
            await wait_for(lambda: not r.pending(), 10.0)
            rearm(controller)
        figures.faults = {"presses": presses, "inserts": len(r.sent),
                          "answers lost": r.link.http.counts.lost}
        r.link.http.rules = Rules()
        await finish(r, figures)
    return figures
