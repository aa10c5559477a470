"""Themes (tui/ui/themes.py, tui/ui/theme_pick.py): the stylesheet names no colour, each
theme keeps what a trader must tell apart readable, T wears one and keeps it, NO_COLOR
starts in greys. The desk drawn in each theme: tests/test_snapshots.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.color import Color
from textual.pilot import Pilot
from textual.theme import BUILTIN_THEMES, Theme

from tests.conftest import eventually
from tests.desk_fakes import MARKET, FakeVenue, market
from tui.core.config import DeskConfig
from tui.core.limits import Limits
from tui.ui.app import PmdeskApp
from tui.ui.screens.picker import MarketPicker
from tui.ui.theme_pick import save_theme, saved_theme, start_theme
from tui.ui.themes import DEFAULT, DESK_VARIABLES, MONO, THEMES, desk_defaults

STYLES = Path(__file__).resolve().parents[1] / "styles"
# xterm's 16 colours: what "the standard ANSI palette" draws (Textual's ansi_* indices 0-15)
XTERM = ["#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
         "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff"]
MUST_READ = ("bid", "offer", "mine-buy", "mine-sell", "stale")


def resolved(theme: Theme) -> dict[str, str]:
    """The theme's variables as the app makes them (App.get_css_variables)."""
    return {**theme.to_color_system().generate(), **theme.variables}


def rgb(value: str) -> Color:
    color = Color.parse(value)
    return Color.parse(XTERM[color.ansi]) if color.ansi is not None and color.ansi >= 0 else color


def contrast(a: Color, b: Color) -> float:
    """WCAG 2's contrast ratio."""
    def luminance(c: Color) -> float:
        def lin(v: int) -> float:
            s = v / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
        return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_stylesheet_names_no_colour_only_variables_each_theme_defines() -> None:
    for sheet in STYLES.glob("*.tcss"):
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(", css), sheet.name
        used = set(re.findall(r"\$([a-z][a-z0-9-]*)", css))
        for theme in THEMES:
            assert used <= set(resolved(theme)), (theme.name, used - set(resolved(theme)))
        # a Textual theme (the palette's switcher) gets the desk's from its own colours
        nord = BUILTIN_THEMES["nord"].to_color_system().generate()
        assert used <= set(nord) | set(desk_defaults(nord))
    assert {t.name for t in THEMES} == {DEFAULT, "pmdesk-light", "pmdesk-contrast",
                                        "pmdesk-16", MONO}
    for theme in THEMES:
        assert set(DESK_VARIABLES) <= set(theme.variables), theme.name


@pytest.mark.parametrize("theme", THEMES, ids=[t.name for t in THEMES])
def test_bid_offer_mine_and_stale_read_on_the_themes_ground(theme: Theme) -> None:
    colours = resolved(theme)
    ground = rgb(colours["background"])
    for name in MUST_READ:
        ratio = contrast(rgb(colours[name]), ground)
        assert ratio >= 3.0, f"{theme.name}: ${name} {colours[name]} is {ratio:.2f}:1"
    # the inside market is a badge: its words on it read too
    for badge in ("bid", "offer", "stale-badge"):
        ratio = contrast(rgb(colours["badge-text"]), rgb(colours[badge]))
        assert ratio >= 3.0, f"{theme.name}: words on ${badge} are {ratio:.2f}:1"


def test_plain_text_is_never_a_bid_offer_or_price_colour() -> None:
    """Else the blanks before a ladder's size fold into its segment (segments.py)."""
    for theme in THEMES:
        colours = resolved(theme)
        for name in ("bid", "offer", "text-strong"):
            assert colours["text-main"] != colours[name], (theme.name, name)


def test_the_16_colour_theme_uses_only_the_ansi_colours() -> None:
    (sixteen,) = [t for t in THEMES if t.name == "pmdesk-16"]
    assert sixteen.ansi
    for name in DESK_VARIABLES:
        assert sixteen.variables[name].startswith("ansi_"), name


def test_the_pmdesk_theme_keeps_textuals_own_widgets_as_they_were() -> None:
    """Only the ground and the surface differ from textual-dark (the stylesheet sets both
    wherever they show): scroll bars, cursors and the footer keep textual-dark's colours."""
    (pmdesk,) = [t for t in THEMES if t.name == DEFAULT]
    ours = resolved(pmdesk)
    dark = resolved(BUILTIN_THEMES["textual-dark"])
    moved = {k for k in dark if ours[k] != dark[k]}
    assert moved == {"background", "surface"}


def test_no_color_starts_in_greys_else_the_saved_theme(tmp_path: Path) -> None:
    names = {t.name for t in THEMES}
    assert start_theme("pmdesk-light", names, {"NO_COLOR": "1"}) == MONO
    assert start_theme("pmdesk-light", names, {"NO_COLOR": ""}) == "pmdesk-light"  # empty: unset
    assert start_theme("gone", names, {}) == DEFAULT
    assert start_theme(None, names, {}) == DEFAULT
    path = tmp_path / "pmdesk" / "theme.toml"
    assert saved_theme(path) is None
    assert save_theme(path, "pmdesk-16") is None
    assert saved_theme(path) == "pmdesk-16"
    path.write_text("theme = [", encoding="utf-8")
    assert saved_theme(path) is None  # garbled: the preference is lost, the desk starts
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    said = save_theme(blocked / "theme.toml", "pmdesk")
    assert said is not None and "could not be kept" in said


@asynccontextmanager
async def desk(theme_file: Path | None) -> AsyncIterator[tuple[PmdeskApp, Pilot[None]]]:
    venue = FakeVenue()
    market(venue.state)
    app = PmdeskApp(venue, config=DeskConfig(limits=Limits()), repeat_guard=0)
    app.theme_file = theme_file
    async with app.run_test(size=(120, 36)) as pilot:
        app.show_market(MARKET)
        await eventually(lambda: app.cursor_price == 40, what="the cursor on the bid")
        await pilot.pause()
        yield app, pilot


async def test_t_picks_a_theme_repaints_the_desk_and_keeps_it(tmp_path: Path) -> None:
    kept = tmp_path / "theme.toml"
    async with desk(kept) as (app, pilot):
        assert app.theme == DEFAULT and "#00d75f" in app.export_screenshot()
        await pilot.press("T")
        picker = app.screen
        assert isinstance(picker, MarketPicker)
        assert picker.matches == [t.name for t in THEMES] and picker.selected == DEFAULT
        assert "Enter wears it" in str(picker.query_one("#picker-box").border_subtitle)
        await pilot.press(*"light", "enter")
        await eventually(lambda: app.theme == "pmdesk-light", what="the light theme worn")
        await pilot.pause()
        assert not isinstance(app.screen, MarketPicker) and app.ladder.has_focus
        assert saved_theme(kept) == "pmdesk-light"
        shot = app.export_screenshot()
        # every widget drew again: the ladder's bid, the watchlist, the status bar
        assert "#008700" in shot and "#00d75f" not in shot and "#ffd700" not in shot
        app.theme = "nord"  # Textual's own switcher: its colours stand in for the desk's
        await pilot.pause()
        assert saved_theme(kept) == "nord"
        assert BUILTIN_THEMES["nord"].success.lower() in app.export_screenshot().lower()
    async with desk(kept) as (app, _):
        assert app.theme == "nord"  # kept for the next start


async def test_no_color_starts_the_desk_in_greys(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    kept = tmp_path / "theme.toml"
    save_theme(kept, "pmdesk-light")
    monkeypatch.setenv("NO_COLOR", "1")
    async with desk(kept) as (app, _):
        assert app.theme == MONO
        assert saved_theme(kept) == "pmdesk-light"  # NO_COLOR is not a choice to keep
