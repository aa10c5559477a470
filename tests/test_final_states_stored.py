"""Every final order state either venue produces reaches the local database, read back from
the file as `pmdesk export orders` reads it: filled, cancelled, rejected by the exchange, a
submit refused before it left, expired, replaced, a cancel refused, and an insert whose
answer was lost, resolved by looking it up (found, and found nowhere)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import DEMO_ACCOUNT, eventually, start_live, venue_via
from tests.desk_kit import ALICE, cent_symbols, place
from tests.wire_faults import arm
from tui.core.enums import OrderState, Side, TimeInForce
from tui.core.model import Order
from tui.core.prices import Intent
from tui.core.ticket import OrderRequest, build_order
from tui.core.venue import VenueError
from tui.sim.retail.api import slug_of
from tui.sim.server import SimServer
from tui.store.export import export
from tui.venues.gateway.venue import GatewayVenue
from tui.venues.retail.venue import RetailVenue

PROFILE = "final-states"
Venue = GatewayVenue | RetailVenue


def _order_stream(venue: Venue) -> Any:
    """The stream that reports the desk's orders (gateway: orders; retail: the private socket)."""
    return venue._workers[1]


def _shown(venue: Venue, request: OrderRequest) -> Order | None:
    return venue.state.find_order(clord_id=request.clord_id)


async def _ended(venue: Venue, request: OrderRequest, state: OrderState) -> Order:
    order = await eventually(lambda: (o := _shown(venue, request)) is not None
                             and o.state is state and o, what=f"{state.name}")
    assert isinstance(order, Order)
    return order


async def _working(venue: Venue, request: OrderRequest) -> Order:
    return await _ended(venue, request, OrderState.NEW)


def _exported() -> dict[str, dict[str, str]]:
    """The database file's orders as `pmdesk export orders --format json` prints them, by
    the desk's id (and by the exchange's, for orders that have one)."""
    rows = json.loads(export("orders", profile=PROFILE, account=None, since=None,
                             fmt="json"))
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        for key in (row["clord_id"], row["order_id"]):
            if key:
                found[key] = row
    return found


async def test_every_final_order_state_is_in_the_local_database(
        quiet_sim: SimServer, via: str) -> None:
    symbol = cent_symbols(quiet_sim)[0]
    venue = venue_via(quiet_sim, via, profile=PROFILE)
    await start_live(venue)
    sym = slug_of(symbol) if via == "retail" else symbol
    inst = venue.state.instruments[sym]
    place(quiet_sim, ALICE, symbol, Side.SELL, 45, 100)
    await eventually(lambda: (b := venue.state.books.get(sym)) is not None
                     and b.best_offer == 45, what="the offer")
    faults = arm(venue, quiet_sim)
    venue.lookup_waits = (0.2, 0.2, 0.2)  # type: ignore[misc]

    def order(price: int, **kw: Any) -> OrderRequest:
        return build_order(inst, Intent.BUY_YES, price, 5, **kw)

    try:
        filled = order(45)
        await venue.submit(filled)
        await _ended(venue, filled, OrderState.FILLED)

        cancelled = order(30)
        await venue.submit(cancelled)
        await venue.cancel(await _working(venue, cancelled))
        await _ended(venue, cancelled, OrderState.CANCELED)

        rejected = order(45, post_only=True)  # would take the offer: the exchange refuses
        await venue.submit(rejected)
        await _ended(venue, rejected, OrderState.REJECTED)

        refused = order(31)  # refused before it left: nothing was sent
        faults.fault = "refuse"
        try:
            await venue.submit(refused)
        except VenueError as exc:
            assert not exc.uncertain
        await _ended(venue, refused, OrderState.REJECTED)

        expired = order(32, tif=TimeInForce.IMMEDIATE_OR_CANCEL)  # nothing to take at 0.32
        await venue.submit(expired)
        await _ended(venue, expired, OrderState.EXPIRED)

        replaced = order(33)
        await venue.submit(replaced)
        first = await _working(venue, replaced)
        await venue.replace(first, price=34)
        await eventually(lambda: venue.state.orders[first.order_id].state
                         is OrderState.REPLACED, what="the old order replaced")

        raced = order(35)  # the market fills it as the trader's cancel leaves
        await venue.submit(raced)
        local = await _working(venue, raced)
        place(quiet_sim, ALICE, symbol, Side.SELL, 35, 5)
        await venue.cancel(local)
        await _ended(venue, raced, OrderState.FILLED)
        if via == "gateway":  # the retail socket says nothing of a refused cancel (§5.4)
            await eventually(lambda: "refused" in _shown(venue, raced).reject_text,  # type: ignore[union-attr]
                             what="the cancel refused")

        nowhere = order(36)  # its answer lost, and it never reached the exchange
        faults.fault, faults.deliver = "lose", False
        try:
            await venue.submit(nowhere)
        except VenueError as exc:
            assert exc.uncertain
        await eventually(lambda: not _shown(venue, nowhere).is_pending,  # type: ignore[union-attr]
                         within=15, what="the lookup given up")

        reached = order(37)  # its answer lost; the order stream down before it could tell
        stream = _order_stream(venue)
        faults.fault, faults.deliver, faults.before = "lose", True, stream.stop
        try:
            await venue.submit(reached)
        except VenueError as exc:
            assert exc.uncertain
        found = await eventually(lambda: (o := _shown(venue, reached)) is not None
                                 and o.order_id and o, within=15, what="found by the lookup")
        assert isinstance(found, Order) and found.state is OrderState.NEW
        at_exchange = quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])
        assert [o.order_id for o in at_exchange if o.price == 37] == [found.order_id]
    finally:
        await venue.stop()  # and the database closed: every queued row on disk

    stored = _exported()

    def row(key: str) -> dict[str, str]:
        return stored.get(key, {"state": "missing", "reject_text": "", "order_id": ""})

    def state_of(request: OrderRequest) -> str:
        return row(request.clord_id)["state"]

    retail = via == "retail"
    # what the database says of each, against what the desk showed the trader
    seen = {
        "filled": state_of(filled) == "filled",
        "cancelled": state_of(cancelled) == "canceled",
        "rejected": state_of(rejected) == "rejected"
        and "post-only" in row(rejected.clord_id)["reject_text"],
        "refused before it left": state_of(refused) == "rejected"
        and bool(row(refused.clord_id)["reject_text"]),
        "expired": state_of(expired) == "expired",
        "replaced": row(first.order_id)["state"] == "replaced",
        # the retail socket says nothing of a refused cancel (§5.4): its last word is the fill
        "refused cancel": state_of(raced) == "filled"
        and (retail or "cancel refused" in row(raced.clord_id)["reject_text"]),
        # retail cannot look an order up by the desk's id: unknown, never "rejected"
        "found nowhere": state_of(nowhere) == ("expired" if retail else "rejected")
        and ("may have filled" if retail else "never reached the exchange")
        in row(nowhere.clord_id)["reject_text"],
        "found by the lookup": (state_of(reached), row(reached.clord_id)["order_id"])
        == ("new", found.order_id),
    }
    wrong = [what for what, ok in seen.items() if not ok]
    assert not wrong, f"not in the database as the desk showed it: {', '.join(wrong)}"
