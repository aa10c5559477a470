"""Helpers the desk tests share: other traders at the embedded exchange, the demo trader's
orders as the exchange holds them, the plain cent markets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.conftest import DEMO_ACCOUNT
from tui.core.enums import Side
from tui.sim.server import SimServer

if TYPE_CHECKING:
    from tui.ui.app import PmdeskApp

ALICE = ("firms/DEMO/accounts/alice-1", "firms/DEMO/users/alice")
BOB = ("firms/DEMO/accounts/bob-1", "firms/DEMO/users/bob")


def quote(sim: SimServer, symbol: str, bid: int = 40, offer: int = 45, qty: int = 100) -> None:
    """Another trader makes a two-sided market."""
    for side, price in ((Side.BUY, bid), (Side.SELL, offer)):
        sim.exchange.insert_order(account=ALICE[0], participant=ALICE[1], symbol=symbol,
                                  side=side, price=price, order_qty=qty)


def mine(sim: SimServer, symbol: str | None = None) -> list[tuple[Side, int, int]]:
    """My working orders as the exchange holds them: (YES side, YES price, leaves)."""
    return sorted((o.side, o.price, o.leaves_qty) for o in sim.exchange.open_orders(
        accounts=[DEMO_ACCOUNT], symbols=[symbol] if symbol else None))


def cent_symbols(sim: SimServer) -> list[str]:
    """Markets priced in whole cents and traded in whole contracts."""
    return [s for s, i in sorted(sim.exchange.instruments.items())
            if i.scales.price_scale == 100 and i.scales.qty_scale == 1]


def expire_tokens(sim: SimServer) -> None:
    """Move the exchange's token clock past every access token's life, without sleeping:
    a short real lifetime could run out between a login and its first call on a busy CI."""
    base, ahead = sim.auth.clock, sim.auth.access_ttl + 1.0
    sim.auth.clock = lambda: base() + ahead


async def settled(app: PmdeskApp) -> None:
    """Every order, cancel and change the keys so far started has had its answer (the
    app's workers that carry the desk's plans out are done): after this, an order a key
    sent is in the exchange's log. An explicit barrier, not a sleep."""
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "orders"])
