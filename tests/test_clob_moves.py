"""What a second pair of eyes found in the CLOB desk's money path, pinned: a move that needs
the old order's funds, a fill during a move, a share-sized market buy on a better book, and
a reconnect's read-back that must not drop a live order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from tests.clob_kit import live_venue, wallet_account, working
from tests.conftest import eventually
from tests.desk_kit import BOB, place
from tui.core.enums import OrderState, Side, TimeInForce
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.sim.server import SimServer
from tui.venues.clob.convert import QTY_SCALE as LOT
from tui.venues.clob.venue import ClobVenue

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"
SLUG = SYMBOL.lower()


@pytest.fixture
async def venue(quiet_sim: SimServer) -> AsyncIterator[ClobVenue]:
    async with live_venue(quiet_sim) as venue:
        yield venue


def account(sim: SimServer) -> str:
    return wallet_account(sim)


async def rest_one(venue: ClobVenue, price: int, qty: int) -> None:
    inst = venue.state.instruments[SLUG]
    await venue.submit(build_order(inst, Intent.BUY_YES, price, qty))
    await eventually(lambda: any(o.order_id and o.state is OrderState.NEW
                                 for o in venue.state.working_orders(SLUG)),
                     what="the order acknowledged")


async def test_a_move_of_an_order_that_holds_most_of_the_cash_is_not_refused(
        quiet_sim: SimServer, venue: ClobVenue) -> None:
    """The new order needs the funds the old one frees: counted so, before the cancel."""
    quiet_sim.clob.tokens.fund(account(quiet_sim), -Decimal("99980"))  # $20 left
    await eventually(lambda: venue._reread_balance() or (
        venue.state.balance is not None and venue.state.balance.balance == 20),
        what="the desk reading $20")
    await rest_one(venue, 3000, 60 * LOT)  # $18 of the $20
    [order] = venue.state.working_orders(SLUG)
    await venue.replace(order, price=3100)  # $18.60: only with the old $18 back
    await eventually(lambda: working(quiet_sim) == [(Side.BUY, 31, 60)], what="moved")


async def test_a_fill_during_a_move_is_not_bought_again(
        quiet_sim: SimServer, venue: ClobVenue, monkeypatch: pytest.MonkeyPatch) -> None:
    await rest_one(venue, 4000, 10 * LOT)  # 10 YES at 0.40
    [order] = venue.state.working_orders(SLUG)
    cancel = venue.rest.cancel

    async def filled_first(ids: list[str]) -> Any:
        place(quiet_sim, BOB, SYMBOL, Side.SELL, 40, 4)  # 4 fill as the cancel is on its way
        return await cancel(ids)
    monkeypatch.setattr(venue.rest, "cancel", filled_first)
    await venue.replace(order, price=3900)
    await eventually(lambda: working(quiet_sim) == [(Side.BUY, 39, 6)],
                     what="the six left, not ten, at 0.39")


async def test_a_share_sized_market_buy_on_a_better_book_buys_the_shares_asked(
        quiet_sim: SimServer, venue: ClobVenue) -> None:
    place(quiet_sim, BOB, SYMBOL, Side.SELL, 50, 100)
    await eventually(lambda: (b := venue.state.books.get(SLUG)) is not None and b.offers,
                     what="Bob's offer on the ladder")
    inst = venue.state.instruments[SLUG]
    await venue.submit(build_order(inst, Intent.BUY_YES, 6000, 10 * LOT,
                                   tif=TimeInForce.IMMEDIATE_OR_CANCEL))
    await eventually(lambda: quiet_sim.clob.tokens.held(account(quiet_sim), _yes()) == 10,
                     what="ten YES bought")
    assert quiet_sim.clob.tokens.held(account(quiet_sim), _yes()) == 10  # not 12


def _yes() -> str:
    from tui.sim.clob.markets import ClobMarket
    return ClobMarket.of(SYMBOL).yes_token


async def test_a_reconnect_read_back_keeps_an_order_the_listing_missed(
        quiet_sim: SimServer, venue: ClobVenue, monkeypatch: pytest.MonkeyPatch) -> None:
    await rest_one(venue, 3000, 5 * LOT)

    async def stale(symbols: list[str] | None) -> list[Any]:
        return []  # a listing taken before the order was acknowledged
    monkeypatch.setattr(venue, "_list_open", stale)
    await venue._recover()
    assert [o.price for o in venue.state.working_orders(SLUG)] == [3000]
    assert working(quiet_sim) == [(Side.BUY, 30, 5)]
