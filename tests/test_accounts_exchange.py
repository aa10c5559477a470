"""A login that trades several accounts (issue 16): the embedded exchange's ISV firm, who may
trade what, and the desk trading one account, then another, each order landing where it was
sent, each account's blotter its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.conftest import eventually, live, logged_in, make_venue
from tui.core.enums import Side
from tui.core.prices import Intent
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.server import SimServer
from tui.venues.gateway.venue import GatewayVenue

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"
ISV = "firms/ISV"
HOUSE, ANN, BEN1, BEN2 = (f"{ISV}/accounts/{a}" for a in ("house", "ann-1", "ben-1", "ben-2"))


def working(sim: SimServer, account: str) -> list[tuple[Side, int, int]]:
    return sorted((o.side, o.price, o.leaves_qty)
                  for o in sim.exchange.open_orders(accounts=[account]))


async def test_an_isv_lists_its_users_accounts_and_a_user_only_its_own(
        quiet_sim: SimServer) -> None:
    isv = await logged_in(quiet_sim, "isv")
    assert list((await isv.accounts(isv.participant_id)).accounts) == [HOUSE, ANN, BEN1, BEN2]
    assert list((await isv.accounts(f"{ISV}/users/ben")).accounts) == [BEN1, BEN2]
    ann = await logged_in(quiet_sim, "ann")
    assert list((await ann.accounts(ann.participant_id)).accounts) == [ANN]
    with pytest.raises(VenueError, match="no access to user"):
        await ann.accounts(f"{ISV}/users/ben")
    for rest in (isv, ann):
        await rest.close()


async def test_a_user_may_not_trade_another_users_account(quiet_sim: SimServer) -> None:
    async with live(make_venue(quiet_sim, "ann")) as venue:
        assert venue.state.tradable == ()  # one account: no switcher
        inst = venue.state.instruments[SYMBOL]
        venue.account = BEN1  # as a desk that names an account not its own would
        with pytest.raises(VenueError, match="no access to account"):
            await venue.submit(build_order(inst, Intent.BUY_YES, 40, 5))
    assert working(quiet_sim, BEN1) == []


@pytest.fixture
async def isv(quiet_sim: SimServer) -> AsyncIterator[GatewayVenue]:
    async with live(make_venue(quiet_sim, "isv", profile="isv")) as venue:
        yield venue


async def test_the_desk_trades_each_account_it_switches_to(quiet_sim: SimServer,
                                                          isv: GatewayVenue) -> None:
    state = isv.state
    assert state.tradable == (HOUSE, ANN, BEN1, BEN2) and state.account == HOUSE
    inst = state.instruments[SYMBOL]
    await isv.submit(build_order(inst, Intent.BUY_YES, 40, 5))
    await eventually(lambda: working(quiet_sim, HOUSE) == [(Side.BUY, 40, 5)],
                     what="the house bid at the exchange")
    await isv.switch_account(ANN)
    assert state.account == ANN and state.working_orders() == []
    await isv.submit(build_order(inst, Intent.BUY_YES, 38, 7))
    await eventually(lambda: working(quiet_sim, ANN) == [(Side.BUY, 38, 7)],
                     what="Ann's bid in Ann's account")
    await eventually(lambda: [(o.price, o.leaves_qty) for o in state.working_orders()]
                     == [(38, 7)], what="only Ann's order in her view")
    assert working(quiet_sim, HOUSE) == [(Side.BUY, 40, 5)]  # the house bid works on
    await isv.switch_account(HOUSE)
    await eventually(lambda: [(o.price, o.leaves_qty) for o in state.working_orders()]
                     == [(40, 5)], what="the house view again")
    with pytest.raises(VenueError, match="may not trade"):
        await isv.switch_account("firms/DEMO/accounts/demo-1")


async def test_the_kill_switch_leaves_nothing_working_in_any_account_with_inserts_in_flight(
        quiet_sim: SimServer, isv: GatewayVenue) -> None:
    state = isv.state
    inst = state.instruments[SYMBOL]
    for account, price in ((HOUSE, 30), (ANN, 31), (BEN1, 32)):
        await isv.switch_account(account)
        await isv.submit(build_order(inst, Intent.BUY_YES, price, 3))
        await eventually(lambda a=account: working(quiet_sim, a) != [], what="a bid")
    await isv.switch_account(BEN2)
    # inserts on their way as K is pressed
    flying = [asyncio.ensure_future(isv.submit(build_order(inst, Intent.BUY_YES, 20 + n, 1)))
              for n in range(5)]
    report = await isv.kill_switch()
    await asyncio.gather(*flying, return_exceptions=True)
    assert report.done and report.accounts == (HOUSE, ANN, BEN1, BEN2)
    await eventually(lambda: all(working(quiet_sim, a) == [] for a in (HOUSE, ANN, BEN1, BEN2)),
                     what="nothing working in any account")
    assert all(working(quiet_sim, a) == [] for a in (HOUSE, ANN, BEN1, BEN2))


async def test_an_isv_lists_its_users_with_the_accounts_it_trades_for_them(
        quiet_sim: SimServer) -> None:
    isv = await logged_in(quiet_sim, "isv")
    users = {u["name"]: (u["displayName"], u["accounts"]) for u in await isv.users()}
    assert users == {f"{ISV}/users/ann": ("Ann Lee", [ANN]),
                     f"{ISV}/users/ben": ("Ben Ortiz", [BEN1, BEN2])}
    ann = await logged_in(quiet_sim, "ann")
    assert [u["name"] for u in await ann.users()] == [f"{ISV}/users/ann"]  # herself
    isv.participant_id = f"{ISV}/users/ann"  # another's participant id: refused
    with pytest.raises(VenueError, match="x-participant-id"):
        await isv.users()
    for rest in (isv, ann):
        await rest.close()


async def test_the_desk_names_whose_each_account_is(isv: GatewayVenue) -> None:
    assert isv.state.holders == {ANN: "Ann Lee", BEN1: "Ben Ortiz", BEN2: "Ben Ortiz"}
