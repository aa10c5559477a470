"""Whatever a trader types, nothing off bounds, off tick or over a hard limit reaches the exchange.

Random tickets go through the desk's own path (build_order, then vet, then the venue)
to the real embedded exchange; the exchange's order log is then the judge.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DEMO_ACCOUNT, eventually, make_venue
from tests.desk_kit import ALICE, place
from tui.core.enums import Side, TimeInForce
from tui.core.limits import Limit, Limits
from tui.core.prices import PRICE_MAX, PRICE_MIN, Intent
from tui.core.ticket import OrderKind, Slippage, TicketError, build_order
from tui.core.venue import VenueError
from tui.core.vetting import vet
from tui.sim.server import SimServer

tickets = st.lists(st.fixed_dictionaries({
    "market": st.integers(0, 6),
    "intent": st.sampled_from(list(Intent)),
    "price_pct": st.integers(-5, 105),  # percent of $1, some out of bounds
    "price_nudge": st.integers(-3, 3),  # raw units: off the tick on fine-scaled markets
    "qty": st.integers(-2, 3000),
    "kind": st.sampled_from(list(OrderKind)),
    "tif": st.sampled_from([TimeInForce.GOOD_TILL_CANCEL, TimeInForce.IMMEDIATE_OR_CANCEL,
                            TimeInForce.FILL_OR_KILL, TimeInForce.GOOD_TILL_TIME]),
    "post_only": st.booleans(),
    "cash": st.none() | st.integers(-100, 500_000),
}), min_size=15, max_size=30)

hard_limits = st.builds(
    Limits,
    max_qty=st.builds(Limit, st.integers(1, 2000).map(Decimal), st.just(True)),
    max_notional=st.builds(Limit, st.integers(1, 2000).map(Decimal), st.just(True)),
    max_ticks_from_mid=st.none() | st.builds(Limit, st.integers(1, 30).map(Decimal),
                                             st.just(True)),
)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(tickets=tickets, limits=hard_limits)
def test_no_bad_order_ever_reaches_the_exchange(tickets: list[dict[str, object]],
                                                limits: Limits) -> None:
    asyncio.run(_trade(tickets, limits))


async def _trade(tickets: list[dict[str, object]], limits: Limits) -> None:
    sim = SimServer(flow=False, heartbeat=0.5)
    await sim.start()
    for symbol, inst in sim.exchange.instruments.items():  # a book to trade against
        s = inst.scales
        for side, pct in ((Side.BUY, 40), (Side.SELL, 60)):
            place(sim, ALICE, symbol, side, s.price_scale * pct // 100, 50 * s.qty_scale)
    venue = make_venue(sim)
    sent = 0
    try:
        await venue.start()
        await eventually(lambda: venue.state.books and venue.state.streams.get("orders")
                         and venue.state.streams["orders"].state.value == "live",
                         what="the desk live")
        symbols = sorted(venue.state.instruments)
        # one sane order per example, so the path to the exchange is proven open
        first = venue.state.instruments[symbols[0]]
        await venue.submit(build_order(first, Intent.BUY_YES, first.scales.min_price,
                                       first.scales.min_qty))
        sent += 1
        for t in tickets:
            inst = venue.state.instruments[symbols[int(t["market"]) % len(symbols)]]
            s = inst.scales
            price = s.price_scale * int(t["price_pct"]) // 100 + int(t["price_nudge"])
            kind = t["kind"]
            cash = t["cash"] if kind is OrderKind.MARKET else None
            try:
                request = build_order(
                    inst, t["intent"], price, 0 if cash else int(t["qty"]),
                    kind=kind, tif=t["tif"], post_only=bool(t["post_only"]),
                    expire_at=(sim.exchange.clock() + 120
                               if t["tif"] is TimeInForce.GOOD_TILL_TIME else None),
                    cash_qty=cash if cash is not None else None,
                    slippage=Slippage(ticks=3), book=venue.state.books.get(inst.symbol))
            except TicketError:
                continue
            if vet(request, venue.state, limits).refusal is not None:
                continue
            try:
                await venue.submit(request)  # soft warnings count as confirmed here
                sent += 1
            except VenueError:
                pass
    finally:
        await venue.stop()
        await sim.stop()
    inserts = [c for c in sim.exchange.order_log
               if c.kind == "insert" and c.params["account"] == DEMO_ACCOUNT]
    assert len(inserts) == sent
    for cmd in inserts:
        p = cmd.params
        s = sim.exchange.instruments[p["symbol"]].scales
        assert PRICE_MIN * s.price_scale <= p["price"] <= PRICE_MAX * s.price_scale, cmd
        assert p["price"] % s.tick == 0, cmd
        qty = p["order_qty"]
        if p.get("cash_order_qty"):
            cash = Decimal(p["cash_order_qty"]) / (s.price_scale * s.qty_scale)
            assert cash <= limits.max_notional.value, cmd
        if qty:
            assert qty >= s.min_qty and s.qty_to_decimal(qty) <= limits.max_qty.value, cmd
            outcome_px = p["price"] if p["side"] is Side.BUY else s.price_scale - p["price"]
            dollars = Decimal(qty * outcome_px) / (s.price_scale * s.qty_scale)
            assert dollars <= limits.max_notional.value, cmd
