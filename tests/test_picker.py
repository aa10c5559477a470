"""The market picker: fuzzy ranking (headless) and the modal screen driven by keys."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from tui.core.search import is_subsequence, rank
from tui.sim.markets import demo_instruments
from tui.ui.screens.picker import MarketPicker

DEMO = [(i.symbol, i.description) for i in demo_instruments()]
SYMBOLS = [s for s, _ in DEMO]
BTC = "AEC-CRY-BTC-150K-2026-12-31"
CHIEFS = "AEC-NFL-KC-BUF-2026-11-29"
EAGLES = "AEC-NFL-PHI-DAL-2026-11-26"


# --- rank ------------------------------------------------------------------------------
def test_demo_descriptions_are_what_the_examples_assume() -> None:
    assert {BTC, CHIEFS, EAGLES} <= set(SYMBOLS)


def test_a_word_in_the_description_finds_the_market() -> None:
    assert rank("chiefs", DEMO)[0] == CHIEFS
    assert rank("CHIEFS", DEMO)[0] == CHIEFS


def test_a_symbol_prefix_finds_those_markets_first_in_input_order() -> None:
    found = rank("aec-nfl", DEMO)
    assert found[:2] == [CHIEFS, EAGLES]


def test_every_word_must_match() -> None:
    assert rank("btc 150", DEMO)[0] == BTC
    assert rank("btc 150", DEMO) == [BTC]
    assert rank("bitcoin 150,000", DEMO) == [BTC]
    assert rank("btc chiefs", DEMO) == []


def test_empty_query_returns_all_in_input_order() -> None:
    assert rank("", DEMO) == SYMBOLS
    assert rank("   ", DEMO) == SYMBOLS
    assert rank("", []) == []


def test_no_match_returns_nothing() -> None:
    assert rank("zzz", DEMO) == []
    assert rank("chiefs", []) == []


def test_subsequence_matches_letters_in_order() -> None:
    assert is_subsequence("kcbuf", "aec-nfl-kc-buf-2026")
    assert not is_subsequence("fubkc", "aec-nfl-kc-buf-2026")
    assert rank("kcbuf", DEMO) == [CHIEFS]


def test_ordering_prefix_then_symbol_then_description_then_subsequence() -> None:
    items = [
        ("ZZ-SUBSEQ", "g o l d scattered"),  # subsequence in the description
        ("ZZ-DESC", "price of gold"),         # substring in the description
        ("ZZ-GOLD", "a metal"),               # substring in the symbol
        ("GOLD-1", "the prefix"),             # symbol prefix
        ("ZZ-NONE", "silver"),                # no match
        ("GOLD-2", "another prefix"),         # symbol prefix, later in the input
    ]
    assert rank("gold", items) == ["GOLD-1", "GOLD-2", "ZZ-GOLD", "ZZ-DESC", "ZZ-SUBSEQ"]


def test_a_market_ranks_by_its_weakest_word() -> None:
    items = [("AB-X", "nothing here"), ("AB-Y", "mentions x plainly"), ("AB-XY", "")]
    # "ab" is a prefix of all three; "xy" is in AB-XY's symbol, a subsequence in AB-Y's
    # description, and nowhere in AB-X
    assert rank("ab xy", items) == ["AB-XY", "AB-Y"]
    # equal weakest words: the sum decides, then the input order
    assert rank("ab x", items) == ["AB-X", "AB-XY", "AB-Y"]


# --- the modal screen --------------------------------------------------------------------
class PickerHost(App[None]):
    """A tiny desk: a trading key, the real app's dialog rule, and `/` for the picker."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "pick_market", "Find"),
        Binding("b", "buy", "Buy"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current
        self.results: list[str | None] = []
        self.bought = 0

    def compose(self) -> ComposeResult:
        yield Static("desk")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return len(self.screen_stack) == 1 or action in {"help", "quit"}  # as tui/ui/app.py

    def action_buy(self) -> None:
        self.bought += 1

    def action_pick_market(self) -> None:
        self.push_screen(MarketPicker(DEMO, self.current), self.results.append)


async def test_typing_btc_and_enter_returns_the_btc_symbol() -> None:
    app = PickerHost()
    async with app.run_test() as pilot:
        await pilot.press("slash")
        assert isinstance(app.screen, MarketPicker)
        await pilot.press("b", "t", "c")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "btc"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [BTC]
        assert not isinstance(app.screen, MarketPicker)
        assert app.bought == 0  # the "b" of "btc" was a letter, not a buy


async def test_enter_with_no_match_does_nothing_and_escape_returns_none() -> None:
    app = PickerHost()
    async with app.run_test() as pilot:
        await pilot.press("slash", "z", "z", "z")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, MarketPicker)
        assert picker.matches == [] and picker.selected is None
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is picker and app.results == []
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
        assert not isinstance(app.screen, MarketPicker)


async def test_starts_with_every_market_and_the_current_one_highlighted() -> None:
    app = PickerHost(current=EAGLES)
    async with app.run_test() as pilot:
        await pilot.press("slash")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, MarketPicker)
        assert picker.matches == SYMBOLS
        assert picker.selected == EAGLES
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [EAGLES]


class CountingPicker(MarketPicker):
    """Counts the lists it draws: Textual runs every class's on_mount, so a subclass that
    also called super().on_mount() drew the list twice."""

    shown = 0

    def _show(self, query: str) -> None:
        self.shown += 1
        super()._show(query)


async def test_a_picker_draws_its_list_once_as_it_opens_with_its_own_words() -> None:
    app = PickerHost()
    async with app.run_test() as pilot:
        picker = CountingPicker(DEMO, EAGLES, noun="a thing", placeholder="a word",
                                subtitle="Enter takes it")
        app.push_screen(picker)
        await pilot.pause()
        assert picker.shown == 1 and picker.selected == EAGLES
        assert picker.query_one(Input).placeholder == "a word"
        assert str(picker.query_one("#picker-box").border_subtitle) == "Enter takes it"
        assert str(picker.query_one("#picker-box").border_title).startswith("Find a thing")


async def test_up_and_down_move_the_highlight_while_typing_stays_in_the_input() -> None:
    app = PickerHost()
    async with app.run_test() as pilot:
        await pilot.press("slash", *"aec-nfl")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, MarketPicker)
        assert picker.matches[:2] == [CHIEFS, EAGLES]
        assert picker.selected == CHIEFS
        await pilot.press("down")
        assert picker.selected == EAGLES
        await pilot.press("up", "up")  # clamps at the top
        assert picker.selected == CHIEFS
        await pilot.press("down", "k")  # a letter after a move still types
        await pilot.pause()
        assert picker.query_one(Input).has_focus
        assert picker.query_one(Input).value == "aec-nflk"
        assert picker.matches == [CHIEFS] and picker.selected == CHIEFS
        await pilot.press("backspace")
        await pilot.pause()
        assert picker.matches[:2] == [CHIEFS, EAGLES]


@pytest.mark.parametrize("key", ["b", "q", "slash"])
async def test_no_desk_key_reaches_the_app_while_the_picker_is_open(key: str) -> None:
    app = PickerHost()
    async with app.run_test() as pilot:
        await pilot.press("slash", key)
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, MarketPicker)  # still open: q did not quit, / no new one
        assert len(app.screen_stack) == 2
        assert app.bought == 0
        assert picker.query_one(Input).value == {"slash": "/"}.get(key, key)
        # the app's own rule, checked directly: trading actions are refused while it is open
        assert not app.check_action("buy", ())
        assert not app.check_action("pick_market", ())
