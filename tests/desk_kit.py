"""Helpers the desk tests share: other traders at the embedded exchange (and orders put
there behind the desk's back), the demo trader's orders and commands as the exchange holds
them, the markets by their scales, and a barrier for the orders a desk's keys sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.conftest import DEMO_ACCOUNT
from tui.core.enums import Side
from tui.sim.model import LoggedCommand
from tui.sim.server import SimServer

if TYPE_CHECKING:
    from tui.ui.app import PmdeskApp

DEMO = (DEMO_ACCOUNT, "firms/DEMO/users/demo")  # the desk's own account and user
ALICE = ("firms/DEMO/accounts/alice-1", "firms/DEMO/users/alice")
BOB = ("firms/DEMO/accounts/bob-1", "firms/DEMO/users/bob")


def place(sim: SimServer, who: tuple[str, str], symbol: str, side: Side, price: int, qty: int,
          **kw: Any) -> str:
    """An order straight into the exchange as `who` (ALICE, BOB, or DEMO behind the desk's
    back), not through any desk; its order id."""
    account, participant = who
    return sim.exchange.insert_order(account=account, participant=participant, symbol=symbol,
                                     side=side, price=price, order_qty=qty, **kw)


def quote(sim: SimServer, symbol: str, bid: int = 40, offer: int = 45, qty: int = 100) -> None:
    """Another trader makes a two-sided market."""
    for side, price in ((Side.BUY, bid), (Side.SELL, offer)):
        place(sim, ALICE, symbol, side, price, qty)


def mine(sim: SimServer, symbol: str | None = None) -> list[tuple[Side, int, int]]:
    """My working orders as the exchange holds them: (YES side, YES price, leaves)."""
    return sorted((o.side, o.price, o.leaves_qty) for o in sim.exchange.open_orders(
        accounts=[DEMO_ACCOUNT], symbols=[symbol] if symbol else None))


def my_commands(sim: SimServer, kind: str | None = None) -> list[LoggedCommand]:
    """The commands from my account the exchange logged, in order: every one, or one kind
    (insert, cancel, replace). "Nothing was sent" is this list, not a wait."""
    return [c for c in sim.exchange.order_log
            if DEMO_ACCOUNT in str(c.params) and kind in (None, c.kind)]


def markets(sim: SimServer, price_scale: int = 100, tick: int = 1) -> list[str]:
    """Markets priced on this scale and tick and traded in whole contracts, by symbol."""
    return [s for s, i in sorted(sim.exchange.instruments.items())
            if i.scales.price_scale == price_scale and i.scales.tick == tick
            and i.scales.qty_scale == 1]


def cent_symbols(sim: SimServer) -> list[str]:
    """Markets priced in whole cents and traded in whole contracts."""
    return markets(sim)


def expire_tokens(sim: SimServer) -> None:
    """Move the exchange's token clock past every access token's life, without sleeping:
    a short real lifetime could run out between a login and its first call on a busy CI."""
    base, ahead = sim.auth.clock, sim.auth.access_ttl + 1.0
    sim.auth.clock = lambda: base() + ahead


async def settled(app: PmdeskApp) -> None:
    """Every order, cancel and change the keys so far started has had its answer (the
    app's workers that carry the desk's plans out are done): after this, an order a key
    sent is in the exchange's log. An explicit barrier, not a sleep."""
    orders = [w for w in app.workers if w.group == "orders"]
    if orders:  # none: Textual's wait_for_complete([]) would wait for every worker (an
        await app.workers.wait_for_complete(orders)  # estimate cancelled by a newer one)
