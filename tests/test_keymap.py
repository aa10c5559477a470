"""The trader's [keys] table: a key on two actions is refused at start, and every place on
screen that names a key names the one actually bound."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest
from textual.app import App
from textual.binding import BindingType

from tests.conftest import eventually
from tests.desk_kit import settled
from tests.pilot_kit import fake_desk, footer, ticket_parts
from tui.cli.common import check_keymap
from tui.core.config import ConfigError, DeskConfig
from tui.core.enums import Side
from tui.core.limits import Limits
from tui.ui.bindings import DESK_BINDINGS
from tui.ui.keymap import DeskKeys
from tui.ui.screens.help import HelpScreen


def _refusal(keymap: dict[str, str]) -> str | None:
    try:
        check_keymap(DeskConfig(keymap=keymap, path=Path("/home/t/config.toml")))
    except ConfigError as error:
        return str(error)
    return None


# --- each kind of conflict ----------------------------------------------------------------

def test_two_actions_put_on_one_key_are_refused_naming_both() -> None:
    assert _refusal({"buy": "g", "sell": "g"}) == (
        'Config file /home/t/config.toml: the key "g" would be bound to both keys.buy and '
        "keys.sell; give one of them another key in [keys].")


def test_an_override_on_another_actions_default_key_is_refused() -> None:
    """The issue's case: buy on s while sell still has s."""
    assert _refusal({"buy": "s"}) == (
        'Config file /home/t/config.toml: the key "s" would be bound to both keys.buy and '
        "sell (its default key); give one of them another key in [keys].")
    assert "keys.kill_switch and quit" in str(_refusal({"kill_switch": "q"}))


def test_swapping_two_keys_is_allowed() -> None:
    assert _refusal({"buy": "s", "sell": "b"}) is None
    keys = DeskKeys({"buy": "s", "sell": "b"})
    assert (keys.shown("buy"), keys.shown("sell")) == ("s", "b")


def test_a_multi_key_binding_partly_overridden() -> None:
    """cursor_up is on up and k; overriding it replaces both, so k is then free."""
    assert 'the key "k" would be bound to both keys.best_bid and cursor_up' in str(
        _refusal({"best_bid": "k"}))
    assert _refusal({"cursor_up": "up", "best_bid": "k"}) is None
    assert DeskKeys({"cursor_up": "up"}).keys("cursor_up") == ("up",)
    # k stays on cursor_up when only cursor_down is overridden onto it
    assert "cursor_up (its default key) and keys.cursor_down" in str(
        _refusal({"cursor_down": "k"}))


def test_actions_that_share_a_key_on_purpose_are_not_a_conflict() -> None:
    assert _refusal({}) is None
    assert _refusal({"quit": "ctrl+c"}) is None  # quit is on q and ctrl+c already


def test_a_key_textual_takes_first_is_refused() -> None:
    """tab moves focus before the app's keys are looked at: buy on tab would never fire."""
    assert "Textual's focus next key; choose another key for keys.buy" in str(
        _refusal({"buy": "tab"}))
    assert "tab" in str(_refusal({"buy": "ctrl+i"}))  # the same key, by another name


def test_an_override_with_no_key_is_refused() -> None:
    assert "keys.buy names no key" in str(_refusal({"buy": " , "}))


class _DeskKeysApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = DESK_BINDINGS


@pytest.mark.parametrize("keymap", [
    {"buy": "s", "sell": "b"},
    {"cursor_up": "up", "best_bid": "k"},
    {"cursor_up": "k", "page_up": "up"},
    {"kill_switch": "ctrl+k", "size_up": "plus", "preset_9": "f9"},
])
async def test_the_keys_it_names_are_the_keys_textual_fires(keymap: dict[str, str]) -> None:
    """DeskKeys' answer is Textual's: every key it names fires that binding, nothing else
    fires it."""
    keys = DeskKeys(keymap)
    app = _DeskKeysApp()
    async with app.run_test():
        app.set_keymap(keys.keymap)
        active = app.screen.active_bindings
        for binding_id, action in keys.actions.items():
            named = set(keys.keys(binding_id))
            firing = {key for key, a in active.items() if a.binding.id == binding_id}
            assert firing == named, binding_id
            assert all(active[k].binding.action == action for k in named)


# --- the refusal at start -------------------------------------------------------------------

def test_the_desk_refuses_to_start_on_a_key_bound_twice(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nbuy = "s"\n')
    env = os.environ | {"PMDESK_CONFIG": str(config)}
    result = subprocess.run([sys.executable, "-m", "tui", "demo"], capture_output=True,
                            text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f'pmdesk: Config file {config}: the key "s" would be bound to both keys.buy and sell '
        "(its default key); give one of them another key in [keys].")


# --- the screen names the key actually bound ---------------------------------------------

async def test_a_remapped_buy_and_sell_show_on_the_ticket_footer_and_help() -> None:
    config = DeskConfig(limits=Limits(), keymap={"buy": "g", "sell": "z", "move": "M"})
    async with fake_desk(config) as (app, pilot, venue):  # quoted 0.40 / 0.45
        ticket = ticket_parts(app)
        assert ticket["buy"][0] == "g BUY YES 0.40"
        assert ticket["sell"][0] == "z SELL YES 0.40"
        # first, as declared: a rebound key keeps its place on an 80-column footer
        assert footer(app)[:2] == ["g Buy", "z Sell"]
        assert not any(entry.startswith(("b ", "s ")) for entry in footer(app))

        def sent() -> list[tuple[Side, int, int]]:
            return [(r.yes_side, r.yes_price, r.qty) for c in venue.sent()
                    if (r := c.request) is not None]

        await pilot.press("b", "s")  # the old keys trade nothing
        await settled(app)
        assert not venue.arrived.is_set()
        await pilot.press("g")
        await eventually(lambda: sent() == [(Side.BUY, 40, 10)], what="g buys")
        await pilot.press("up", "z")
        await eventually(lambda: sent() == [(Side.BUY, 40, 10), (Side.SELL, 41, 10)],
                         what="z sells")

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {words: keys for keys, words in app.screen.rows}
        assert rows["Buy the ticket's outcome (YES or NO) at the cursor, ticket size"] == "g"
        assert rows["Sell the ticket's outcome (YES or NO) at the cursor, ticket size"] == "z"
        assert rows["Move my order: M at it, move the cursor, M again"] == "M"
        assert list(rows.values()).count("s") == 0
