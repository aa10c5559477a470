"""Which theme the desk wears: T lists pmdesk's themes, Enter wears one; the choice is kept.

The config file is only ever read (tui/core/config.py), so the theme chosen is written to a
small file of its own, theme.toml in the user config directory (platformdirs, beside
config.toml). A theme chosen in Textual's own switcher (the command palette's "theme") is
kept the same way. NO_COLOR (set and not empty, no-color.org) starts the desk in pmdesk-mono
whatever was saved. A mixin of PmdeskApp (tui/ui/app.py).
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Container, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_config_dir
from textual.app import App
from textual.theme import Theme

from tui.ui.screens.picker import MarketPicker
from tui.ui.themes import DEFAULT, MONO, THEMES, WORDS, desk_defaults

if TYPE_CHECKING:
    from tui.ui.screens.desk import DeskScreen

THEME_FILE = "theme.toml"


def theme_path() -> Path:
    """theme.toml in the user config directory (e.g. ~/.config/pmdesk/theme.toml)."""
    return Path(user_config_dir("pmdesk", appauthor=False)) / THEME_FILE


def saved_theme(path: Path | None) -> str | None:
    """The theme last chosen, if any: a file gone or garbled only loses the preference."""
    if path is None:
        return None
    try:
        name = tomllib.loads(path.read_text(encoding="utf-8")).get("theme")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return name if isinstance(name, str) else None


def save_theme(path: Path, name: str) -> str | None:
    """Keep the choice; when it cannot be kept, a sentence saying so (the desk carries on)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")
        # json's quoting is a valid TOML basic string; a rename never leaves half a file
        part.write_text(f"# the theme pmdesk last wore (T chooses)\ntheme = {json.dumps(name)}\n",
                        encoding="utf-8")
        part.replace(path)
    except OSError as exc:
        return f"The theme could not be kept in {path}: {exc.strerror or exc}."
    return None


def start_theme(saved: str | None, available: Container[str],
                environ: Mapping[str, str]) -> str:
    """NO_COLOR's grey theme, else the one saved if it still exists, else pmdesk."""
    if environ.get("NO_COLOR"):
        return MONO
    return saved if saved is not None and saved in available else DEFAULT


class ThemePicker(MarketPicker):
    """The market picker's list and keys, for themes."""

    def __init__(self, items: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__(items, current, noun="a theme",
                         placeholder="theme, e.g. light, contrast, 16",
                         subtitle="↑↓ choose · Enter wears it · Esc closes")


class ThemeChoice(App[None]):
    """Registers the themes, wears the one to start in, and keeps the trader's choice."""

    # where the choice is kept: the CLI sets theme_path() before run(); None (tests, the
    # benchmarks) neither reads nor writes a file
    theme_file: Path | None = None
    _theme_kept = DEFAULT  # the theme the file holds (or would): saved only when it moves

    if TYPE_CHECKING:  # PmdeskApp's
        @property
        def desk_screen(self) -> DeskScreen: ...

    def _on_load(self) -> None:
        """Before the stylesheet is read: the themes, and the one to start in."""
        for theme in THEMES:
            self.register_theme(theme)
        self._theme_kept = start_theme(saved_theme(self.theme_file), self.available_themes,
                                       os.environ)
        self.theme = self._theme_kept

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """A theme that is not pmdesk's (Textual's nord, ...) names none of the desk's
        colours: its own stand in, so the palette's theme switcher never breaks the CSS."""
        return desk_defaults(self.current_theme.to_color_system().generate())

    def action_pick_theme(self) -> None:
        """T: pmdesk's themes; Enter wears one (and keeps it for the next start). Not over
        another screen: the app's check_action refuses it there."""
        items = [(t.name, WORDS[t.name]) for t in THEMES]

        def chosen(name: str | None) -> None:
            if name is not None:
                self.theme = name
            self.desk_screen.ladder.focus()

        self.push_screen(ThemePicker(items, self.theme), chosen)

    def _on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        self.desk_screen.frames.repaint_all(forget_rows=True)  # the old colours: made again
        if self.theme_file is None or theme.name == self._theme_kept:
            return
        self._theme_kept = theme.name
        problem = save_theme(self.theme_file, theme.name)
        if problem is not None:
            self.notify(problem, severity="warning", timeout=8)
