"""ctrl+p: the command palette finds a market by its words and opens its ladder, finds
an action by name and does what its key does (a buy reaches the exchange), and finds a
connection profile and opens it in place of this desk, through the quit question."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot

from tests.conftest import DEMO_ACCOUNT, eventually, make_venue
from tests.desk_fakes import FakeVenue
from tests.desk_kit import quote, settled
from tests.pilot_kit import fake_desk, pilot_desk, screen_lines
from tui.cli import main as cli_main
from tui.cli.common import run_desk
from tui.cli.switch import OpenProfile, opened_profile
from tui.core.config import DeskConfig
from tui.core.limits import Limits
from tui.core.profiles import ENV_VAR as PROFILES_ENV
from tui.sim.server import SimServer
from tui.ui.app import PmdeskApp
from tui.ui.privacy import MASK
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.quit import QuitScreen

KC_BUF = "AEC-NFL-KC-BUF-2026-11-29"


async def test_the_palette_finds_a_market_and_an_action(quiet_sim: SimServer) -> None:
    quote(quiet_sim, KC_BUF)
    async with pilot_desk(make_venue(quiet_sim)) as (app, pilot):
        await pilot.press("ctrl+p")
        await eventually(lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"chiefs buffalo")  # words of the question, not the symbol
        await pilot.pause(0.5)
        await pilot.press("enter")
        await eventually(lambda: app.symbol == KC_BUF and len(app.screen_stack) == 1,
                         what="the Chiefs' market on the ladder")
        await eventually(lambda: app.cursor_price is not None, what="a cursor")
        await pilot.press("ctrl+p")
        await eventually(lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"buy the ticket")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await eventually(lambda: quiet_sim.exchange.open_orders(accounts=[DEMO_ACCOUNT])
                         != [], what="the buy at the exchange, as b would send it")
        await pilot.press("ctrl+p")
        await eventually(lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"every key")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await eventually(lambda: isinstance(app.screen, HelpScreen), what="help, by name")


# --- profiles --------------------------------------------------------------------------

WALLET = "0x" + "ab" * 20
PROFILES = f"""
[profiles.prod]
venue = "gateway"
environment = "prod"
user = "alice"
password_env = "PMDESK_PASSWORD"

[profiles.wallet]
venue = "clob"
environment = "prod"
key_env = "PM_PRIVATE_KEY"
signature_type = 1
funder = "{WALLET}"
"""


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The trader's profiles file, in a folder of the test's own."""
    path = tmp_path / "profiles.toml"
    path.write_text(PROFILES)
    monkeypatch.setenv(PROFILES_ENV, str(path))
    return path


def shown(app: PmdeskApp) -> str:
    return "\n".join(screen_lines(app))


async def palette(app: PmdeskApp, pilot: Pilot[None], words: str, until: str) -> None:
    """ctrl+p, the words typed, and `until` on screen among what it found."""
    await pilot.press("ctrl+p")
    await eventually(lambda: isinstance(app.screen, CommandPalette), what="the palette")
    await pilot.press(*words)
    await eventually(lambda: until in shown(app), what=f"{until!r} in the palette")


async def test_the_palette_finds_a_profile_and_opens_it_after_the_quit_question(
        profiles: Path) -> None:
    async with fake_desk() as (app, pilot, _venue):
        await pilot.press("b")  # an order working: choosing a profile asks first
        await settled(app)
        await eventually(lambda: app.state.working_orders(), what="an order working")
        await palette(app, pilot, "open profile prod", "Open profile prod")
        assert "gateway · prod · alice" in shown(app)  # venue, where, as whom
        assert "PMDESK_PASSWORD" not in shown(app)
        await pilot.press("enter")
        await eventually(lambda: isinstance(app.screen, QuitScreen), what="the quit question")
        await pilot.press("s")  # stay: nothing opens, now or at a later quit
        await eventually(lambda: len(app.screen_stack) == 1, what="the desk again")
        assert app.return_code is None and app.next_profile is None
        await palette(app, pilot, "open profile prod", "Open profile prod")
        await pilot.press("enter")
        await eventually(lambda: isinstance(app.screen, QuitScreen), what="the quit question")
        await pilot.press("l")  # leave it working and quit
        await eventually(lambda: app.return_code is not None, what="the desk closing")
    assert app.return_code == 0 and app.next_profile == "prod"
    assert app.state.working_orders()  # left working, as the trader chose


async def test_with_nothing_working_the_chosen_profile_opens_at_once(profiles: Path) -> None:
    async with fake_desk() as (app, pilot, _venue):
        await palette(app, pilot, "open profile wallet", "clob · prod · " + WALLET)
        await pilot.press("enter")
        await eventually(lambda: app.return_code is not None, what="the desk closing")
    assert app.next_profile == "wallet"


async def test_the_profile_this_desk_is_on_says_so_and_stays(profiles: Path) -> None:
    async with fake_desk(DeskConfig(limits=Limits(), private=True)) as (app, pilot, _venue):
        app.profile_name = "prod"
        await palette(app, pilot, "open profile prod", "Open profile prod")
        assert "alice" not in shown(app) and f"prod · {MASK}" in shown(app)  # private
        await pilot.press("enter")
        await eventually(lambda: "on profile prod already" in " ".join(
            app.desk_screen.notices.said), what="the desk saying so")
        assert app.return_code is None and app.next_profile is None
        assert len(app.screen_stack) == 1


@pytest.mark.parametrize("text", [None, "not [toml", "[profiles.x]\nvenue = 'moon'\n"])
async def test_no_profiles_file_or_a_broken_one_never_breaks_the_palette(
        text: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "profiles.toml"
    if text is not None:
        path.write_text(text)
    monkeypatch.setenv(PROFILES_ENV, str(path))
    async with fake_desk() as (app, pilot, _venue):
        await pilot.press("ctrl+p")
        await eventually(lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"profile")
        await pilot.pause(0.5)
        if text is None:  # no file: nothing listed, and none written
            assert "Open profile" not in shown(app) and not path.exists()
        else:
            await eventually(lambda: "profiles file could not be read" in shown(app),
                             what="one line saying so")
            await pilot.press("enter")
            await eventually(lambda: str(path) in " ".join(app.desk_screen.notices.said),
                             what="why, on the desk")
        assert app.return_code is None


def test_the_command_line_opens_the_profile_a_desk_closed_for(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`pmdesk demo`, the wallet profile chosen in its palette: the demo's desk closes, then
    the wallet's opens as `pmdesk --private --profile wallet` would, on the profile it knows
    it is on; it closes for good. The apps are stubbed at run()."""
    desks: list[str | None] = []
    choices = iter(["wallet", None])

    def run(app: PmdeskApp) -> None:  # the trader's session, at the edge: chooses or quits
        desks.append(app.profile_name)
        choice = next(choices)
        if choice is not None:
            app._switch = (choice, None)

    def demo(args: argparse.Namespace) -> int:
        return run_desk(FakeVenue(), "demo", DeskConfig())

    opened: list[tuple[str, bool]] = []

    def cmd_profile(args: argparse.Namespace) -> int:
        opened.append((args.profile, args.private))
        return run_desk(FakeVenue(), args.profile, DeskConfig())

    monkeypatch.setattr(PmdeskApp, "run", run)
    monkeypatch.setattr(cli_main, "_load", lambda where: demo)
    monkeypatch.setattr("tui.cli.profile.cmd_profile", cmd_profile)
    monkeypatch.setattr("tui.cli.logfile.log_to_file", lambda: None)
    assert cli_main.main(["demo", "--private"]) == 0
    assert opened == [("wallet", True)]
    assert desks == [None, "wallet"]  # the demo is on no profile; the next knows its own
    assert opened_profile() is None


def test_a_desk_closed_for_a_profile_unwinds_to_the_command_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def run(app: PmdeskApp) -> None:
        app._switch = ("prod", None)

    monkeypatch.setattr(PmdeskApp, "run", run)
    with pytest.raises(OpenProfile) as raised:
        run_desk(FakeVenue(), "demo", DeskConfig())
    assert raised.value.name == "prod"
