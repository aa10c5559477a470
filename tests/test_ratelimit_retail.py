"""The retail per-key limit (retail-api.md §11: 20 requests/second per API key) from the
client's side: in no one-second window does the desk send more than that, even after idling,
so a trader holding a move key never has a command refused with a 429 (POSTs are not resent).
"""

from __future__ import annotations

import asyncio

from tests.fake_clock import FakeClock
from tests.retail_kit import SLUG, order_body
from tui.core.ratelimit import RETAIL_PER_KEY, RetailLimiter
from tui.sim.retail.api import DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET
from tui.sim.server import SimServer
from tui.venues.retail.rest import RetailRest


async def test_no_one_second_window_holds_more_than_the_per_key_limit() -> None:
    ft = FakeClock(100.0)
    limiter = RetailLimiter(clock=ft.now, sleep=ft.sleep)
    ft.t += 60  # an idle spell first: it must buy no burst past the limit
    sent: list[float] = []
    for _ in range(100):
        await limiter.acquire("key")
        sent.append(ft.t)
    for start in sent:  # every closed window [start, start + 1 s]
        assert sum(start <= t <= start + 1.0 for t in sent) <= RETAIL_PER_KEY
    assert len(sent) / (sent[-1] - sent[0]) >= 0.85 * RETAIL_PER_KEY  # not paced needlessly


async def test_held_key_commands_earn_no_429_from_the_exchange(quiet_sim: SimServer) -> None:
    rest = RetailRest(quiet_sim.rest_url, DEMO_RETAIL_KEY_ID, DEMO_RETAIL_SECRET)
    told: list[str] = []
    rest.on_throttled = told.append
    n = 40  # twice the per-key limit, all at once after an idle spell
    try:
        results = await asyncio.gather(
            *(rest.create_order(order_body("0.05", 1, slug=SLUG)) for _ in range(n)),
            return_exceptions=True)
    finally:
        await rest.close()
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert quiet_sim.retail.refused == 0  # counted at the exchange
    assert rest.throttled == 0 and told == []
    resting = quiet_sim.exchange.open_orders(accounts=["firms/DEMO/accounts/demo-1"],
                                             symbols=None)
    assert len(resting) == n

