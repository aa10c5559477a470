"""A trade that fails to settle on chain (docs/spec/global-clob.md §6.10) undoes what it did,
at both ends, over loopback: the embedded exchange gives each wallet back its tokens, pUSD
and fee; the desk takes the fill back out of its position once, says so, records the undone
fill beside it, and a desk restarted afterwards agrees with the exchange."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest

from tests.clob_kit import ClobKit, live_venue, logged_in, wallet_account
from tests.conftest import eventually, make_clob_venue
from tests.desk_kit import BOB, place
from tui.core.clob_sign import BUY
from tui.core.enums import Side
from tui.core.prices import Intent
from tui.core.ticket import OrderRequest, build_order
from tui.sim.clob.markets import ClobMarket
from tui.sim.clob.records import ClobRecords
from tui.sim.server import SimServer
from tui.store import Store, db_path
from tui.ui.widgets.blotter import fill_time
from tui.venues.clob.convert import QTY_SCALE as LOT
from tui.venues.clob.venue import ClobVenue

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"
SLUG = SYMBOL.lower()
MARKET = ClobMarket.of(SYMBOL)
FEE_SYMBOL = "AEC-CRY-BTC-150K-2026-12-31"  # charges §6.7's taker fee
FEE_MARKET = ClobMarket.of(FEE_SYMBOL)
PROFILE = "failed trades"
WORDS = ("A trade in aec-nfl-kc-buf-2026-11-29 failed to settle on chain: bought 10 NO at 0.42 "
         "undone; the position and balance are back as before.")


@pytest.fixture
def held_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chain settles nothing by itself: the test moves each trade's status."""
    monkeypatch.setattr("tui.sim.clob.api.SETTLE_STEP", 3600.0)


def records(sim: SimServer) -> ClobRecords:
    return sim.clob.orders.records


def fail(sim: SimServer, trade_id: str) -> None:
    """MATCHED → RETRYING → FAILED, as the chain gives up on it."""
    for _ in range(2):
        records(sim).advance(trade_id, fail=True)
    assert records(sim).trades[trade_id].status == "FAILED"


async def balances(kit: ClobKit, *tokens: str) -> list[str]:
    """The wallet's pUSD, then each token's, as GET /balance-allowance says (base units)."""
    asks = [{"asset_type": "COLLATERAL"}] + [{"asset_type": "CONDITIONAL", "token_id": t}
                                             for t in tokens]
    return [(await kit.call("GET", "/balance-allowance", params=ask)).json()["balance"]
            for ask in asks]


async def test_a_failed_trade_gives_each_wallet_side_back_its_tokens_pusd_and_fee(
        quiet_sim: SimServer) -> None:
    """The wallet as maker (no fee) and then as taker (a fee): both trades fail, and the
    balances are those before either."""
    quiet_sim.clob.fail_trades = 2
    tokens = (FEE_MARKET.yes_token, FEE_MARKET.no_token)
    async with logged_in(quiet_sim) as kit:
        before = await balances(kit, *tokens)
        rested = (await kit.place(kit.order(FEE_MARKET, True, BUY, "0.230", "10",
                                            "0.001"))).json()
        place(quiet_sim, BOB, FEE_SYMBOL, Side.SELL, 230, 10)  # meets the wallet's bid
        place(quiet_sim, BOB, FEE_SYMBOL, Side.SELL, 240, 5)
        taken = (await kit.place(kit.order(FEE_MARKET, True, BUY, "0.240", "5",
                                           "0.001"))).json()
        trade_ids = [*records(quiet_sim).orders[rested["orderID"]].trades,
                     *taken["tradeIDs"]]
        assert len(trade_ids) == 2
        account = wallet_account(quiet_sim)
        assert quiet_sim.clob.tokens.held(account, FEE_MARKET.yes_token) == 15  # matched
        fee = 5 * FEE_MARKET.fee_per_share(Decimal("0.240"))
        assert fee > 0
        assert quiet_sim.clob.tokens.cash(account) == (
            Decimal(before[0]) / LOT - Decimal("2.30") - Decimal("1.20") - fee)
        await eventually(lambda: all(records(quiet_sim).trades[t].status == "FAILED"
                                     for t in trade_ids), what="both trades to fail")
        assert await balances(kit, *tokens) == before
        # the engine's match stands: the order's matched size is what it matched
        listed = (await kit.call("GET", f"/data/order/{rested['orderID']}")).json()
        assert listed["size_matched"] == "10"


@asynccontextmanager
async def desk(sim: SimServer) -> AsyncIterator[ClobVenue]:
    """The desk's CLOB venue with its local database (the same one each time)."""
    async with live_venue(sim, make_clob_venue(sim, profile=PROFILE)) as venue:
        yield venue


def said(venue: ClobVenue) -> list[str]:
    return [n.text for n in venue.state.notices if "failed to settle" in n.text]


def no_held(venue: ClobVenue) -> tuple[int, int]:
    """(NO qty, its cost) the desk shows in the market; (0, 0) when it shows none."""
    p = venue.state.positions.get(SLUG)
    return (p.no.qty, p.no.cost) if p is not None else (0, 0)


def ten_no(venue: ClobVenue) -> OrderRequest:
    """BUY 10 NO at 0.42, at whatever price scale the desk keeps the market in."""
    inst = venue.state.instruments[SLUG]
    return build_order(inst, Intent.BUY_NO, inst.scales.price_scale * 42 // 100, 10 * LOT)


async def buy_ten_no(sim: SimServer, venue: ClobVenue) -> str:
    """Ten NO at 0.42 against Bob's YES bid at 0.58, counted at MATCHED; the trade's id."""
    place(sim, BOB, SYMBOL, Side.BUY, 58, 10)
    await venue.submit(ten_no(venue))
    await eventually(lambda: no_held(venue)[0] == 10 * LOT, what="ten NO held")
    [trade_id] = records(sim).trades
    return trade_id


def stored_kinds(venue: ClobVenue) -> list[tuple[str, int, Decimal]]:
    assert venue.store is not None
    venue.store.flush()
    return sorted((f.exec_id.rsplit(":", 1)[-1] if f.undone else "fill", f.qty, f.fee)
                  for f in venue.store.fills_of([f.order_id for f in venue.state.fills]))


async def test_a_desk_takes_a_failed_trade_back_once_and_a_restart_agrees(
        quiet_sim: SimServer, held_back: None) -> None:
    account = wallet_account(quiet_sim)
    tokens = quiet_sim.clob.tokens
    async with desk(quiet_sim) as venue:
        assert venue.state.balance is not None
        cash = venue.state.balance.balance
        trade_id = await buy_ten_no(quiet_sim, venue)
        await eventually(lambda: venue.state.balance is not None
                         and venue.state.balance.balance == cash - Decimal("4.2"),
                         what="$4.20 of pUSD spent")
        fail(quiet_sim, trade_id)
        await eventually(lambda: said(venue), what="the failed trade said")
        assert said(venue) == [WORDS]
        assert [n.severity for n in venue.state.notices if n.text == WORDS] == ["error"]
        assert no_held(venue) == (0, 0)
        assert venue.state.positions[SLUG].realized == 0
        await eventually(lambda: venue.state.balance is not None
                         and venue.state.balance.balance == cash, what="the pUSD back")
        assert tokens.held(account, MARKET.no_token) == 0
        assert tokens.cash(account) == cash
        await venue._recover()  # the FAILED read back after a reconnect: not again
        assert said(venue) == [WORDS] and no_held(venue) == (0, 0)
        assert stored_kinds(venue) == [("fill", 10 * LOT, Decimal(0)),
                                       ("undone", -10 * LOT, Decimal(0))]
    async with desk(quiet_sim) as again:  # from its database and the venue's history
        await again._recover()  # the reconnect's read-back, done with before asserting
        assert no_held(again) == (0, 0)  # what the exchange's ledger holds, in base units
        assert no_held(again)[0] == tokens.held(account, MARKET.no_token) * LOT
        assert said(again) == []  # told in the session that saw it
        assert again.state.balance is not None and again.state.balance.balance == cash
        kinds = [(f.qty, f.undone) for f in again.state.fills]
        assert sorted(kinds) == [(-10 * LOT, True), (10 * LOT, False)]
        assert [fill_time(f) for f in again.state.fills if f.undone] == ["undone"]  # blotter


async def test_a_trade_that_failed_while_the_desk_was_away_is_undone_in_its_database(
        quiet_sim: SimServer, held_back: None) -> None:
    account = wallet_account(quiet_sim)
    async with desk(quiet_sim) as venue:
        trade_id = await buy_ten_no(quiet_sim, venue)
    fail(quiet_sim, trade_id)  # while no desk runs
    async with desk(quiet_sim) as again:
        assert no_held(again) == (0, 0)  # the history's replay leaves the failed trade out
        await eventually(lambda: said(again), what="the failed trade said on reconnecting")
        await again._recover()
        assert said(again) == [WORDS]
        assert no_held(again) == (0, 0)
        assert quiet_sim.clob.tokens.held(account, MARKET.no_token) == 0
        assert stored_kinds(again) == [("fill", 10 * LOT, Decimal(0)),
                                       ("undone", -10 * LOT, Decimal(0))]
    with Store.open(db_path(PROFILE, again.account)) as store:  # as an export reads it
        rows = store.fills(limit=None)
        assert [r.kind for r in rows] == ["undone", "fill"]
        assert sum(r.qty for r in rows) == 0  # the market's rows sum to what is held


async def test_a_failed_trade_the_desk_never_counted_is_not_taken_out(
        quiet_sim: SimServer, held_back: None) -> None:
    """Bought and failed before the desk started: nothing to take back, nothing said; the
    NO bought after it stays."""
    place(quiet_sim, BOB, SYMBOL, Side.BUY, 58, 10)
    async with logged_in(quiet_sim) as kit:
        placed = (await kit.place(kit.order(MARKET, False, BUY, "0.42", "10", "0.01"))).json()
    fail(quiet_sim, placed["tradeIDs"][0])
    async with desk(quiet_sim) as venue:
        place(quiet_sim, BOB, SYMBOL, Side.BUY, 58, 10)
        await venue.submit(ten_no(venue))
        await eventually(lambda: no_held(venue)[0] == 10 * LOT, what="ten NO held")
        await venue._recover()
        assert no_held(venue)[0] == 10 * LOT
        assert said(venue) == []
        assert [f.qty for f in venue.state.fills] == [10 * LOT]
