"""The retail desk cancels a side of a market (`,` / `.`) in batches (POST
/v1/orders/batched/cancel, up to 20 a request), not one request an order, and leaves none of
them working at the exchange. (The kill switch and a whole market's cancels are one
exchange-wide cancel already.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import DEMO_ACCOUNT, eventually, live, make_retail_venue
from tui.core.enums import Side
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.sim.server import SimServer

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"


async def test_a_sides_cancels_go_in_batches(quiet_sim: SimServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    async with live(make_retail_venue(quiet_sim)) as venue:
        slug = next(s for s in venue.state.instruments if "kc-buf" in s.lower())
        inst = venue.state.instruments[slug]
        for n in range(6):
            await venue.submit(build_order(inst, Intent.BUY_YES, 30 + n, 2))
        await eventually(lambda: len(quiet_sim.exchange.open_orders(
            accounts=[DEMO_ACCOUNT])) == 6, what="six bids working")
        singles: list[Any] = []
        batches: list[int] = []
        cancel_orders = venue.rest.cancel_orders

        async def one(*args: Any) -> None:
            singles.append(args)

        async def many(orders: Any) -> list[str]:
            batches.append(len(orders))
            return await cancel_orders(orders)
        monkeypatch.setattr(venue.rest, "cancel", one)
        monkeypatch.setattr(venue.rest, "cancel_orders", many)
        report = await venue.cancel_all(slug, Side.BUY)
        assert report.done, report
        assert quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT]) == []
        assert singles == [] and batches and sum(batches) >= 6 and max(batches) <= 20
