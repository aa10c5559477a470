"""Stream kills: the desk rests orders, a synthetic trader takes them (and the desk takes
the trader's), while the desk's streams are cut at random, trading going on through each
outage; now and then the desk is stopped and started again on its database. At the end
the database and the desk are reconciled with the exchange's journal."""

from __future__ import annotations

import asyncio

from tests.faults.reconcile import (
    Figures,
    Recorded,
    duplicate_orders,
    from_database,
    left_working,
    reconcile,
)
from tests.faults.rig import Rig, rig, wait_for

SETTLE = 10.0  # seconds the desk gets, after the last kill, to catch up with the exchange
POSITIONS_AGREE = 5.0  # seconds more for its positions to follow its fills


def kill_some(r: Rig) -> int:
    """Cut streams at random; how many streams were broken.

    Gateway: the gRPC channel's TCP connection (every stream on it), or one stream ended
    by the exchange (the others go on). Retail: the private socket, the markets socket,
    or both."""
    roll = r.rng.random()
    if r.kind == "gateway":
        if roll < 0.6:
            return 4 * r.link.grpc.cut()
        subs = [s for kind in (r.sim.hub.market, r.sim.hub.orders, r.sim.hub.positions,
                               r.sim.hub.dropcopy) for s in kind if not s.dropped]
        if not subs:
            return 0
        one = r.rng.choice(sorted(subs, key=id))
        one.dropped = True
        one.wake.set()
        return 1
    private, markets = (("/ws/user", "/ws/market") if r.kind == "clob"
                        else ("/v1/ws/private", "/v1/ws/markets"))
    if roll < 0.5:
        return r.link.http.cut(private)
    if roll < 0.7:
        return r.link.http.cut(markets)
    return r.link.http.cut()


async def trade_a_little(r: Rig) -> None:
    """The desk rests or crosses a little; the trader takes some of the desk's orders."""
    for _ in range(r.rng.randint(0, 2)):
        symbol = r.rng.choice(r.symbols)
        cross = r.rng.random() < 0.3
        if cross:
            r.quote(symbol)
        await r.rest_order(symbol, cross=cross)
    r.trade_against_desk()


async def stream_kills(kind: str, kills: int, restarts: int = 0, seed: int = 5) -> Figures:
    """At least `kills` streams broken (both venues), `restarts` desk restarts."""
    figures = Figures("stream kills", kind)
    broken = restarts_done = rounds = 0
    async with rig(kind, seed) as r:
        if not await r.start_desk():
            figures.notes.append("the desk never came up")
            return figures
        while broken < kills:
            rounds += 1
            await trade_a_little(r)
            await asyncio.sleep(r.rng.random() * 0.05)
            broken += kill_some(r)
            # through the outage: the trader goes on taking the desk's resting orders
            for _ in range(r.rng.randint(1, 3)):
                r.trade_against_desk()
                await asyncio.sleep(r.rng.random() * 0.02)
            if not await r.streams_live(30.0):
                figures.notes.append(f"streams not back after round {rounds}")
            if restarts_done < restarts and broken >= (restarts_done + 1) * kills // (
                    restarts + 1):
                r.trade_against_desk()
                await r.stop_desk()
                r.trade_against_desk()  # while no desk runs at all
                restarts_done += 1
                if not await r.start_desk():
                    figures.notes.append("the desk did not come back after a restart")
                    break
        figures.faults = {"stream kills": broken}
        if restarts_done:
            figures.faults["desk restarts"] = restarts_done
        await finish(r, figures)
    return figures


async def finish(r: Rig, figures: Figures) -> None:
    """Settle, then reconcile the desk (its state, then its database) with the exchange."""
    ex = r.sim.exchange
    await r.streams_live(30.0)
    made = [e for e in ex.executions(r.account) if e.type.name.endswith("FILL")]

    def caught_up() -> bool:
        """Every exchange fill in the database (which the desk writes as it goes, and which
        holds what earlier desks wrote) by its execution or trade id, nothing pending."""
        kept = set(from_database(r.db).fills)
        return not r.pending() and all(r.desk_fill_ids(e) & kept for e in made)

    await wait_for(caught_up, SETTLE, step=0.25)
    figures.left_working = left_working(ex, r.account, r.desk.state, r.desk_order_id)
    figures.stuck_pending = len(r.pending())
    figures.orders = len(r.sent)
    figures.duplicate_orders = duplicate_orders(ex, r.account, r.sent)
    # the desk's live positions (its database's are checked below), given the moment a
    # position change takes to follow the fill it comes from (the retail socket sends it
    # apart, after a restart behind a REST read): they must agree within POSITIONS_AGREE
    seen = Figures("state", r.kind)

    def positions_agree() -> bool:
        seen.positions_differ = 0
        reconcile(seen, ex, r.account, r.engine_terms(Recorded({}, {
            s: p.net for s, p in r.desk.state.positions.items() if p.net})),
            desk_symbol=r.desk_symbol)
        return not seen.positions_differ

    await wait_for(positions_agree, POSITIONS_AGREE, step=0.25)
    await r.stop_desk()  # flushes the database
    reconcile(figures, ex, r.account, r.engine_terms(from_database(r.db)),
              desk_symbol=r.desk_symbol)
    if seen.positions_differ:
        figures.notes.append(f"the desk shows other positions than the exchange in "
                             f"{seen.positions_differ} markets")
    figures.positions_differ = max(figures.positions_differ, seen.positions_differ)
