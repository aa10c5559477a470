"""Privacy for screen sharing (issue 17): P (or --private, or [screen] private) masks what an
account holds or made and who trades, on screen and in a screenshot, on a live ISV desk
with a position; P again shows it all; market prices stay."""

from __future__ import annotations

import argparse
import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.conftest import eventually, make_venue
from tests.desk_fakes import FakeVenue, market
from tests.desk_kit import quote
from tests.pilot_kit import cursor_to, drawn, pilot_desk, screen_lines, show
from tests.test_accounts_exchange import ANN, HOUSE, SYMBOL
from tui.cli import main as cli_main
from tui.cli.common import desk_config
from tui.core.config import ENV_VAR, ConfigError, DeskConfig, load_config
from tui.core.limits import Limits
from tui.core.state import DeskState
from tui.core.venue import VenueError
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.privacy import MASK, Privacy
from tui.ui.screens.picker import AccountPicker
from tui.ui.widgets.account import AccountPanel
from tui.ui.widgets.tables import PositionsTable

WHO = ("house", "ann-1", "ben-1", "ben-2", "firms/", "Demo ISV desk", "Ann Lee", "Ben Ortiz")
PNL = re.compile(r"[+-]\d[\d,]*\.\d\d\b")  # the ladder's "if closed": '+1.25', no '$'


def screen_text(app: PmdeskApp) -> str:
    return "\n".join(screen_lines(app))


def svg_text(app: PmdeskApp, folder: Path, name: str) -> str:
    """The screenshot the app saves, its words as a reader of the file sees them."""
    path = app.save_screenshot(filename=name, path=str(folder))
    return html.unescape(Path(path).read_text(encoding="utf-8")).replace("\xa0", " ")


def money(app: PmdeskApp) -> list[str]:
    """What the account panel says the accounts hold and made, as it writes them."""
    values = app.query_one(AccountPanel).values
    return [v for k, v in values.items() if k != "open orders" and v != "--"]


def ladder_pnl(app: PmdeskApp) -> list[str]:
    return [m for line in drawn(app.ladder) for m in PNL.findall(line)]


async def holding(app: PmdeskApp, pilot: Pilot[None], sim: SimServer) -> None:
    """The house buys 10 YES at Alice's 0.45: a position, P&L, a balance that moved."""
    await show(app, pilot, sim, SYMBOL)
    await cursor_to(app, pilot, 45)
    await pilot.press("3", "b")  # preset 3: 10 contracts
    positions = app.query_one(PositionsTable)
    await eventually(lambda: positions.row_count == 1 and ladder_pnl(app)
                     and "firm, 4 of 4" in app.query_one(AccountPanel).values
                     and "$" in app.query_one(AccountPanel).values["balance"],
                     what="a position with its P&L, and every balance")
    await pilot.pause()


async def test_p_masks_money_and_accounts_on_screen_and_in_screenshots(
        quiet_sim: SimServer, tmp_path: Path) -> None:
    quote(quiet_sim, SYMBOL)  # Alice: YES 0.40 bid, 0.45 offered
    async with pilot_desk(make_venue(quiet_sim, "isv"), size=(140, 40)) as (app, pilot):
        await holding(app, pilot, quiet_sim)
        secrets = money(app)
        assert len(secrets) >= 6  # firm total and P&L, balance, buying power, realized, ...
        shown = screen_text(app)
        for words in (*secrets, "house", "Demo ISV desk"):
            assert words in shown, words
        assert "PRIVATE" not in shown
        assert "Demo ISV desk" in svg_text(app, tmp_path, "open.svg")

        await pilot.press("P")
        await pilot.pause()
        assert app.privacy.on
        shown = screen_text(app)
        svg = svg_text(app, tmp_path, "private.svg")
        for text in (shown, svg):
            for words in (*secrets, *WHO):
                assert words not in text, words
            assert "PRIVATE" in text and MASK in text
            assert "0.45" in text  # market prices stay
        assert ladder_pnl(app) == [] and any(MASK in line for line in drawn(app.ladder))
        assert app.query_one(PositionsTable).row_count == 1  # the position, its P&L masked

        await pilot.press("P")
        await pilot.pause()
        shown = screen_text(app)
        for words in (*money(app), "house", "Demo ISV desk"):
            assert words in shown, words
        assert "PRIVATE" not in shown and ladder_pnl(app)


async def test_the_picker_and_palette_number_the_accounts_and_a_number_trades_one(
        quiet_sim: SimServer) -> None:
    quote(quiet_sim, SYMBOL)
    async with pilot_desk(make_venue(quiet_sim, "isv")) as (app, pilot):
        await show(app, pilot, quiet_sim, SYMBOL)
        await pilot.press("P", "A")
        await eventually(lambda: isinstance(app.screen, AccountPicker), what="the picker")
        await pilot.pause()
        shown = screen_text(app)
        assert "account 1 · trading now" in shown and "account 4" in shown
        assert "account number, e.g. 2" in shown and "ctrl+k kills its orders" in shown
        for words in WHO:
            assert words not in shown, words
        await pilot.press("2", "enter")  # account 2: the picker's order, the login's
        await eventually(lambda: app.state.account == ANN, what="trading Ann's account")
        await pilot.pause()
        shown = screen_text(app)
        for words in WHO:  # "Trading ann-1 now." among the messages: masked
            assert words not in shown, words
        assert app.state.account != HOUSE
        await pilot.press("ctrl+p", *"trade account")  # the palette's accounts: numbered too
        await eventually(lambda: "Trade account 1" in screen_text(app), what="the palette")
        shown = screen_text(app)
        for words in WHO:
            assert words not in shown, words


def test_a_sentence_keeps_its_words_and_loses_ids_names_and_dollars() -> None:
    desk = DeskState()
    desk.open_account("firms/ISV/accounts/house")
    desk.tradable = ("firms/ISV/accounts/house", "firms/ISV/accounts/ann-1")
    desk.holders, desk.user = {"firms/ISV/accounts/ann-1": "Ann Lee"}, "Demo ISV desk"
    privacy = Privacy(desk, on=True)
    wallet = "0x" + "ab" * 20
    assert privacy.text("Trading ann-1 now.") == f"Trading {MASK} now."
    assert privacy.text("Ann Lee's firms/ISV/accounts/ann-1 in the warehouse") == (
        f"{MASK}'s {MASK} in the warehouse")
    assert privacy.text("The exchange may spend only $1,250.00 of your -$3.10 pUSD") == (
        f"The exchange may spend only {MASK} of your {MASK} pUSD")
    assert privacy.text(f"wallet {wallet}; order 0x{'cd' * 32}") == (
        f"wallet {MASK}; order 0x{'cd' * 32}")  # an order's hash is not a wallet
    assert privacy.text("BUY YES 10 @ 0.45") == "BUY YES 10 @ 0.45"
    privacy.on = False
    assert privacy.text("Trading ann-1 now.") == "Trading ann-1 now."


@pytest.mark.parametrize(("argv", "private"), [
    (["demo"], False), (["demo", "--private"], True), (["--private"], True),
    (["--private", "--profile", "p"], True), (["--profile", "p", "--private"], True),
    (["replay", "--private"], True), (["connect", "--rest", "http://127.0.0.1:9", "--grpc",
                                       "127.0.0.1:9", "--user", "x", "--private"], True),
])
def test_the_private_flag_before_or_after_the_command_starts_the_desk_masked(
        argv: list[str], private: bool, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    ran: list[argparse.Namespace] = []
    monkeypatch.setattr(cli_main, "_load", lambda where: lambda args: ran.append(args) or 0)
    monkeypatch.setattr("tui.cli.logfile.log_to_file", lambda: None)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text("")
    assert cli_main.main(argv) == 0
    config = desk_config(ran[0])
    assert config is not None and config.private is private


def test_the_config_can_start_the_desk_masked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[screen]\nprivate = true\n")
    assert load_config(path).private
    path.write_text('[screen]\nprivate = "yes"\n')
    with pytest.raises(ConfigError, match=r"screen\.private is \"yes\"; expected true or false"):
        load_config(path)


class _SaysAtStart(FakeVenue):
    """A venue whose start, before the desk's screen is up, names the account and what it
    holds: once as the venue's notice, once as a start failure (the app's own notify)."""

    def __init__(self) -> None:
        super().__init__()
        self.screen_up: Callable[[], bool] = lambda: False
        self.spoke_with_screen_up: list[bool] = []

    async def start(self) -> None:
        self.state.trade_account("firms/acme/accounts/ann-1")
        self.spoke_with_screen_up.append(self.screen_up())
        self.state.notify("Logged in: ann-1 has $1,234.56 to trade.", "warning")
        raise VenueError("ann-1 is short $99.50 for its open orders.")


async def test_notices_said_before_the_desk_is_up_are_masked_on_screen(
        tmp_path: Path) -> None:
    venue = _SaysAtStart()
    market(venue.state)
    app = PmdeskApp(venue, config=DeskConfig(limits=Limits(), private=True), repeat_guard=0)
    venue.screen_up = lambda: app.desk_screen.is_mounted
    unmasked = ("ann-1", "1,234.56", "99.50", "firms/acme")
    screens: list[str] = []

    def masked_on_the_board() -> bool:
        screens.append(screen_text(app))
        board = " ".join(drawn(app.desk_screen.notices)) if app.desk_screen.is_mounted else ""
        return board.count(MASK) >= 3 and "short" in board and "Logged in" in board

    # Textual's toasts on, as in a terminal (run_test turns them off unless asked)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await eventually(masked_on_the_board, what="both notices masked on the board")
        await pilot.pause()
        screens += [screen_text(app), svg_text(app, tmp_path, "start.svg")]
    assert venue.spoke_with_screen_up == [False]  # said before the desk's screen was up
    for shown in screens:
        for words in unmasked:
            assert words not in shown, words
