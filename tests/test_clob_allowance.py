"""The CLOB's pUSD allowance (docs/spec/global-clob.md §4.7, §6.6): a BUY needs the exchange
contract's approval as well as the balance. The embedded exchange refuses beyond it and
spends it down; the desk shows it, says when it binds, refuses before sending, and `check`
names it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.clob_kit import ClobKit, live_venue, logged_in, wallet_account
from tests.conftest import eventually
from tests.desk_kit import BOB, place
from tests.test_clob_profile import _demo_key, _profile
from tui.cli.check_clob import ClobChecker
from tui.core.clob_sign import EXCHANGE_V2, NEG_RISK_EXCHANGE_V2
from tui.core.enums import Side
from tui.core.prices import Intent
from tui.core.profiles import load_profiles
from tui.core.ticket import build_order
from tui.core.venue import VenueError
from tui.sim.clob.markets import ClobMarket
from tui.sim.server import SimServer
from tui.venues.clob.convert import QTY_SCALE as LOT

SYMBOL = "AEC-NFL-KC-BUF-2026-11-29"
SLUG = SYMBOL.lower()
MARKET = ClobMarket.of(SYMBOL)


async def allowances(kit: ClobKit) -> dict[str, str]:
    answer = await kit.call("GET", "/balance-allowance",
                            params={"asset_type": "COLLATERAL", "signature_type": "0"})
    return answer.json()["allowances"]


async def test_the_exchange_refuses_a_buy_beyond_the_allowance_and_spends_it_down(
        quiet_sim: SimServer) -> None:
    quiet_sim.clob.tokens.approve(wallet_account(quiet_sim), EXCHANGE_V2, Decimal(5))
    place(quiet_sim, BOB, SYMBOL, Side.SELL, 40, 100)
    async with logged_in(quiet_sim) as kit:
        assert (await allowances(kit))[EXCHANGE_V2] == "5000000"
        beyond = await kit.place(kit.order(MARKET, True, "BUY", "0.40", "15", "0.01"))  # $6
        assert beyond.status_code == 400
        assert "not enough balance / allowance" in beyond.json()["error"]
        within = await kit.place(kit.order(MARKET, True, "BUY", "0.40", "10", "0.01"))  # $4
        assert within.status_code == 200, within.text
        await eventually(lambda: quiet_sim.clob.tokens.held(
            wallet_account(quiet_sim), MARKET.yes_token) == 10, what="ten YES bought")
        given = await allowances(kit)
    assert given[EXCHANGE_V2] == "1000000"  # $1 left of the $5
    assert int(given[NEG_RISK_EXCHANGE_V2]) > 10**70  # the other contract's: untouched


async def test_the_desk_shows_a_binding_allowance_and_refuses_beyond_it_before_sending(
        quiet_sim: SimServer) -> None:
    quiet_sim.clob.tokens.approve(wallet_account(quiet_sim), EXCHANGE_V2, Decimal(5))
    async with live_venue(quiet_sim) as venue:
        state = venue.state
        await eventually(lambda: state.balance is not None
                         and state.balance.allowance == Decimal(5), what="the allowance read")
        assert any("may spend only $5.00" in n.text for n in state.notices_after(0))
        before = len(quiet_sim.clob.received)
        inst = state.instruments[SLUG]
        with pytest.raises(VenueError, match="Not enough pUSD allowance"):
            await venue.submit(build_order(inst, Intent.BUY_YES, 4000, 15 * LOT))  # $6
        assert not [p for _, p, _ in list(quiet_sim.clob.received)[before:] if p == "/order"]
        await venue.submit(build_order(inst, Intent.BUY_YES, 4000, 10 * LOT))  # $4: rests
        await eventually(lambda: any(o.order_id for o in state.working_orders(SLUG)),
                         what="the $4 bid working")
        with pytest.raises(VenueError, match="Not enough pUSD allowance"):  # $4 of $5 held
            await venue.submit(build_order(inst, Intent.BUY_YES, 3000, 5 * LOT))  # $1.50


async def test_check_says_the_allowance_and_fails_when_nothing_may_be_spent(
        quiet_sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _profile(tmp_path, monkeypatch, f'environment = "custom"\nrest = "{quiet_sim.rest_url}"\n'
                                    f'key_file = "{_demo_key(tmp_path)}"\n')
    steps = await ClobChecker(load_profiles()["w"]).run()
    assert steps[4].ok and steps[4].words.endswith("allowance unlimited")
    account = wallet_account(quiet_sim)
    quiet_sim.clob.tokens.approve(account, NEG_RISK_EXCHANGE_V2, Decimal(250))
    steps = await ClobChecker(load_profiles()["w"]).run()
    assert steps[4].ok and "allowance $250.00 (buys beyond it are refused)" in steps[4].words
    quiet_sim.clob.tokens.approve(account, EXCHANGE_V2, Decimal(0))
    steps = await ClobChecker(load_profiles()["w"]).run()
    assert steps[4].ok is False and "allowance $0" in steps[4].words
